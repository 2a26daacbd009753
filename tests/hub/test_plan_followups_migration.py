"""The data migration that plans what the support given before follow-ups were planned should have had:
both follow-ups of every resolved or closed case, and a baseline for every enterprise supported."""

import datetime
import importlib
import zoneinfo

import pytest
from django.apps import apps

from cases.models import CaseStatus
from hub.models import FollowUp
from tests.factories import CaseFactory, EnterpriseFactory, FollowUpFactory, ReferentUserFactory, VisitFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("hub.migrations.0010_plan_followups_of_past_support")
BAMAKO = zoneinfo.ZoneInfo("Africa/Bamako")
K = FollowUp.Kind
S = CaseStatus


def at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, tzinfo=BAMAKO)


def plan():
    migration.plan_past_support(apps, None)


def test_resolved_and_closed_cases_get_both_follow_ups_due_the_hubs_delays(hub, referent):
    hub.followup_6_months_days, hub.followup_12_months_days = 180, 360
    hub.save()
    resolved = CaseFactory(hub=hub, status=S.RESOLVED, resolved_at=at(2, 23), assigned_to=referent)
    closed = CaseFactory(hub=hub, status=S.CLOSED, resolved_at=at(3), assigned_to=referent)
    for status in (S.IN_PROGRESS, S.REJECTED, S.REFERRED):
        CaseFactory(hub=hub, status=status, resolved_at=None)

    plan()

    planned = {(f.case_id, f.kind): (f.due_date, f.assigned_to_id) for f in FollowUp.objects.exclude(case=None)}
    assert planned == {
        (resolved.pk, K.MONTH_6): (datetime.date(2026, 3, 2) + datetime.timedelta(days=180), referent.pk),
        (resolved.pk, K.MONTH_12): (datetime.date(2026, 3, 2) + datetime.timedelta(days=360), referent.pk),
        (closed.pk, K.MONTH_6): (datetime.date(2026, 3, 3) + datetime.timedelta(days=180), referent.pk),
        (closed.pk, K.MONTH_12): (datetime.date(2026, 3, 3) + datetime.timedelta(days=360), referent.pk),
    }
    assert FollowUp.history.filter(history_type="+").count() == FollowUp.objects.count()


def test_a_baseline_for_each_supported_enterprise_from_its_first_support(hub, referent):
    colleague = ReferentUserFactory(hub=hub)
    by_case = EnterpriseFactory(hub=hub)
    CaseFactory(
        enterprise=by_case, assigned_at=at(10), first_contact_due=datetime.date(2026, 3, 17), assigned_to=referent
    )
    CaseFactory(
        enterprise=by_case, assigned_at=at(20), first_contact_due=datetime.date(2026, 3, 27), assigned_to=colleague
    )
    by_visit = EnterpriseFactory(hub=hub)
    VisitFactory(enterprise=by_visit, referent=colleague, started_at=at(5))
    CaseFactory(
        enterprise=by_visit, assigned_at=at(9), first_contact_due=datetime.date(2026, 3, 16), assigned_to=referent
    )
    already = EnterpriseFactory(hub=hub)
    kept = FollowUpFactory(enterprise=already, due_date=datetime.date(2026, 1, 5))
    VisitFactory(enterprise=already, referent=referent, started_at=at(5))
    EnterpriseFactory(hub=hub)  # never supported

    plan()

    baselines = {f.enterprise_id: (f.due_date, f.assigned_to_id) for f in FollowUp.objects.filter(kind=K.BASELINE)}
    assert baselines == {
        by_case.pk: (datetime.date(2026, 3, 17), referent.pk),
        by_visit.pk: (datetime.date(2026, 3, 5), colleague.pk),
        already.pk: (kept.due_date, None),
    }


def test_a_case_already_followed_up_is_not_planned_twice(hub, referent):
    case = CaseFactory(hub=hub, status=S.RESOLVED, resolved_at=at(2), assigned_to=referent)
    six = FollowUpFactory(case=case, kind=K.MONTH_6, due_date=datetime.date(2026, 9, 1))

    plan()
    plan()

    assert sorted(case.followups.values_list("kind", flat=True)) == [K.MONTH_12, K.MONTH_6]
    assert case.followups.get(kind=K.MONTH_6) == six
