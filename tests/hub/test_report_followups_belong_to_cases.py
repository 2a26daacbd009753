"""Every 6- and 12-month follow-up belongs to a case, one of each kind per case, so the impact figures
cannot count a follow-up twice; the migration before the constraint attaches the ones without a case."""

import contextlib
import datetime
import importlib
import zoneinfo

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from cases.models import CaseStatus
from hub.models import FollowUp
from tests.factories import CaseFactory, EnterpriseFactory, FollowUpFactory

BAMAKO = zoneinfo.ZoneInfo("Africa/Bamako")
migration = importlib.import_module("hub.migrations.0015_attach_orphan_followups_to_cases")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [FollowUp.Kind.MONTH_6, FollowUp.Kind.MONTH_12])
def test_a_second_follow_up_of_the_same_kind_for_one_case_is_refused(kind):
    case = CaseFactory(status=CaseStatus.RESOLVED)
    FollowUpFactory(case=case, kind=kind, collected_on=datetime.date(2026, 3, 1))

    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpFactory(case=case, kind=kind, collected_on=datetime.date(2026, 3, 1))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [FollowUp.Kind.MONTH_6, FollowUp.Kind.MONTH_12])
def test_a_6_or_12_month_follow_up_without_a_case_is_refused(kind):
    enterprise = EnterpriseFactory()
    followup = FollowUp(hub=enterprise.hub, enterprise=enterprise, kind=kind, due_date=datetime.date(2026, 3, 1))

    with translation.override("en"), pytest.raises(ValidationError, match="belongs to a case"):
        followup.validate_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        followup.save()


@pytest.mark.django_db
def test_a_baseline_needs_no_case():
    FollowUpFactory(kind=FollowUp.Kind.BASELINE, case=None)


@contextlib.contextmanager
def without_the_case_constraint():
    """Lets the test write the follow-ups without a case that databases held before 0016, inside the test's
    transaction (rolled back after it): SQLite stops checking CHECK constraints, PostgreSQL drops it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            cursor.execute("ALTER TABLE hub_followup DROP CONSTRAINT followup_of_6_or_12_months_has_case")
        try:
            yield
        finally:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA ignore_check_constraints = OFF")


def orphan(enterprise, **fields) -> FollowUp:
    """A follow-up written as before 0016, without a case (the factory, like the app, gives it one)."""
    followup = FollowUpFactory(case=CaseFactory(enterprise=enterprise), **fields)
    FollowUp.objects.filter(pk=followup.pk).update(case=None)
    return followup


@pytest.mark.django_db
def test_the_migration_attaches_orphans_to_a_free_case_and_deletes_empty_duplicates():
    enterprise = EnterpriseFactory()
    taken = CaseFactory(
        enterprise=enterprise, status=CaseStatus.RESOLVED, resolved_at=datetime.datetime(2025, 9, 1, tzinfo=BAMAKO)
    )
    with without_the_case_constraint():
        FollowUpFactory(case=taken, kind=FollowUp.Kind.MONTH_6, due_date=datetime.date(2026, 3, 1))
        collected = orphan(
            enterprise,
            kind=FollowUp.Kind.MONTH_6,
            due_date=datetime.date(2026, 4, 1),
            collected_on=datetime.date(2026, 4, 1),
        )
        empty = orphan(enterprise, kind=FollowUp.Kind.MONTH_6, due_date=datetime.date(2026, 4, 1))
        free = CaseFactory(
            enterprise=enterprise,
            status=CaseStatus.RESOLVED,
            resolved_at=datetime.datetime(2025, 10, 1, tzinfo=BAMAKO),
        )

        migration.attach_orphan_followups(apps, None)

    assert FollowUp.objects.get(pk=collected.pk).case_id == free.pk
    assert not FollowUp.objects.filter(pk=empty.pk).exists()
    assert {
        (pk, kind)
        for pk, kind in FollowUp.history.filter(
            id__in=[collected.pk, empty.pk], history_change_reason__isnull=False
        ).values_list("id", "history_type")
    } == {(collected.pk, "~"), (empty.pk, "-")}


@pytest.mark.django_db
def test_the_migration_stops_on_a_collected_orphan_that_no_case_can_take():
    case = CaseFactory(status=CaseStatus.RESOLVED, resolved_at=datetime.datetime(2025, 9, 1, tzinfo=BAMAKO))
    with without_the_case_constraint():
        FollowUpFactory(case=case, kind=FollowUp.Kind.MONTH_12, due_date=datetime.date(2026, 9, 1))
        stuck = orphan(
            case.enterprise,
            kind=FollowUp.Kind.MONTH_12,
            due_date=datetime.date(2026, 9, 1),
            collected_on=datetime.date(2026, 9, 1),
        )
        with pytest.raises(RuntimeError, match=str(stuck.pk)):
            migration.attach_orphan_followups(apps, None)
        assert FollowUp.objects.filter(pk=stuck.pk, case__isnull=True).exists()
