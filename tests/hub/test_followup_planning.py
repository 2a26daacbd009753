"""Impact follow-ups plan themselves (hub.followups.services): a baseline when an enterprise first receives
support, the 6- and 12-month follow-ups when a case is resolved, cancelled on reopening and planned afresh on
resolving again; never twice."""

import datetime
import uuid
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Case, CaseStatus
from cases.services import case_assign, case_create, case_transition
from hub.classifications import TechnologyDomain
from hub.followups.services import Collection, followup_collect, followups_plan_baseline, followups_plan_for_case
from hub.models import FollowUp, HubHoliday
from tests.factories import CaseFactory, EnterpriseFactory, FollowUpFactory, HubFactory, ReferentUserFactory
from visits.models import Purpose
from visits.services import NeedInput, VisitInput, visit_record

pytestmark = pytest.mark.django_db

S = CaseStatus
K = FollowUp.Kind
BAMAKO = zoneinfo.ZoneInfo("Africa/Bamako")
FRIDAY_MORNING = datetime.datetime(2026, 3, 6, 9, 30, tzinfo=BAMAKO)
"""Friday 6 March 2026: five working days later (Saturday and Sunday off) is Friday 13 March."""


class Clock:
    def __init__(self, now: datetime.datetime):
        self.now = now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """ "Now" frozen at FRIDAY_MORNING; move it with `clock.now = ...`."""
    frozen = Clock(FRIDAY_MORNING)
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BAMAKO)


def in_progress(*, enterprise, referent) -> Case:
    return CaseFactory(
        enterprise=enterprise, status=S.IN_PROGRESS, assigned_to=referent, received_at=at(datetime.date(2025, 8, 1))
    )


def resolve(case: Case, by) -> Case:
    return case_transition(case=case, to_status=S.RESOLVED, by=by, resolution_summary="Séchoir installé.")


def reopen(case: Case, by) -> Case:
    return case_transition(case=case, to_status=S.IN_PROGRESS, by=by, note="Le séchoir ne chauffe plus.")


def planned(case: Case) -> dict[str, FollowUp]:
    return {followup.kind: followup for followup in FollowUp.objects.filter(case=case)}


def visit_input(*, enterprise, started_at: datetime.datetime, **extra) -> VisitInput:
    return VisitInput(
        client_uuid=uuid.uuid4(),
        enterprise=enterprise,
        started_at=started_at,
        duration_minutes=45,
        purpose=Purpose.DIAGNOSTIC,
        observations="Séchage au sol.",
        **extra,
    )


class TestOnResolve:
    def test_resolving_plans_the_6_and_12_month_follow_ups_for_the_cases_referent(
        self, clock, hub, enterprise, referent
    ):
        case = resolve(in_progress(enterprise=enterprise, referent=referent), referent)

        followups = planned(case)
        assert set(followups) == {K.MONTH_6, K.MONTH_12}
        # 6 March 2026 + 182 days and + 365 days, counted by hand.
        assert followups[K.MONTH_6].due_date == datetime.date(2026, 9, 4)
        assert followups[K.MONTH_12].due_date == datetime.date(2027, 3, 6)
        for followup in followups.values():
            assert (followup.hub, followup.enterprise, followup.assigned_to) == (hub, enterprise, referent)
            assert (followup.collected_on, followup.collected_by, followup.self_reported) == (None, None, False)

    def test_due_dates_count_from_the_local_day_of_the_resolution(self, clock, enterprise, referent):
        clock.now = datetime.datetime(2026, 3, 6, 23, 59, tzinfo=BAMAKO)
        case = resolve(in_progress(enterprise=enterprise, referent=referent), referent)
        assert planned(case)[K.MONTH_6].due_date == datetime.date(2026, 9, 4)

        clock.now = datetime.datetime(2026, 3, 7, 0, 1, tzinfo=BAMAKO)
        next_day = resolve(in_progress(enterprise=enterprise, referent=referent), referent)
        assert planned(next_day)[K.MONTH_6].due_date == datetime.date(2026, 9, 5)

    def test_each_hub_sets_its_own_delays(self, clock, enterprise, referent):
        slow = HubFactory(followup_6_months_days=90, followup_12_months_days=200)
        slow_referent = ReferentUserFactory(hub=slow)
        here = resolve(in_progress(enterprise=enterprise, referent=referent), referent)
        there = resolve(in_progress(enterprise=EnterpriseFactory(hub=slow), referent=slow_referent), slow_referent)

        assert {kind: f.due_date for kind, f in planned(here).items()} == {
            K.MONTH_6: datetime.date(2026, 9, 4),
            K.MONTH_12: datetime.date(2027, 3, 6),
        }
        assert {kind: f.due_date for kind, f in planned(there).items()} == {
            K.MONTH_6: datetime.date(2026, 6, 4),
            K.MONTH_12: datetime.date(2026, 9, 22),
        }

    def test_the_referent_in_charge_at_resolution_gets_them(self, clock, hub, enterprise, referent, manager):
        colleague = ReferentUserFactory(hub=hub)
        case = in_progress(enterprise=enterprise, referent=referent)
        case_assign(case=case, referent=colleague, by=manager)
        resolve(case, colleague)
        assert {f.assigned_to for f in planned(case).values()} == {colleague}

    def test_a_case_resolved_without_a_referent_plans_them_unassigned(self, clock, enterprise, manager):
        case = CaseFactory(enterprise=enterprise, status=S.WAITING_SME, assigned_to=None)
        resolve(case, manager)
        assert [f.assigned_to for f in planned(case).values()] == [None, None]

    def test_closing_the_case_keeps_its_follow_ups(self, clock, enterprise, referent, sme_user):
        case = resolve(in_progress(enterprise=enterprise, referent=referent), referent)
        before = {kind: (f.pk, f.due_date) for kind, f in planned(case).items()}
        case_transition(case=case, to_status=S.CLOSED, by=sme_user)
        assert {kind: (f.pk, f.due_date) for kind, f in planned(case).items()} == before


class TestNotPlanned:
    @pytest.mark.parametrize("from_status", [S.NEW, S.QUALIFIED])
    def test_a_rejected_case_plans_none(self, clock, enterprise, manager, from_status):
        case = CaseFactory(enterprise=enterprise, status=from_status)
        case_transition(case=case, to_status=S.REJECTED, by=manager, rejection_reason="Hors du champ du programme.")
        assert not FollowUp.objects.exists()

    @pytest.mark.parametrize("from_status", [S.NEW, S.ASSIGNED, S.IN_PROGRESS])
    def test_a_referred_case_plans_none(self, clock, enterprise, manager, referent, partner, from_status):
        case = CaseFactory(enterprise=enterprise, status=from_status, assigned_to=referent)
        case_transition(case=case, to_status=S.REFERRED, by=manager, partner=partner)
        assert not FollowUp.objects.filter(case=case).exists()
        assert not FollowUp.objects.exists()

    @pytest.mark.parametrize("status", [S.IN_PROGRESS, S.WAITING_SME, S.REJECTED, S.REFERRED, S.CLOSED])
    def test_planning_a_case_that_is_not_resolved_plans_nothing(self, enterprise, referent, status):
        case = CaseFactory(enterprise=enterprise, status=status, assigned_to=referent, resolved_at=timezone.now())
        assert followups_plan_for_case(case=case) == []
        assert not FollowUp.objects.exists()


class TestNothingTwice:
    def test_planning_a_resolved_case_again_adds_nothing(self, clock, enterprise, referent):
        case = resolve(in_progress(enterprise=enterprise, referent=referent), referent)
        first = {kind: f.pk for kind, f in planned(case).items()}

        clock.now += datetime.timedelta(days=3)
        assert followups_plan_for_case(case=Case.objects.get(pk=case.pk)) == []

        assert {kind: (f.pk, f.due_date) for kind, f in planned(case).items()} == {
            K.MONTH_6: (first[K.MONTH_6], datetime.date(2026, 9, 4)),
            K.MONTH_12: (first[K.MONTH_12], datetime.date(2027, 3, 6)),
        }

    def test_only_the_missing_kind_is_planned(self, clock, enterprise, referent):
        case = CaseFactory(enterprise=enterprise, status=S.RESOLVED, assigned_to=referent, resolved_at=FRIDAY_MORNING)
        kept = FollowUpFactory(case=case, kind=K.MONTH_6, due_date=datetime.date(2026, 8, 1))

        added = followups_plan_for_case(case=case)

        assert [(f.kind, f.due_date) for f in added] == [(K.MONTH_12, datetime.date(2027, 3, 6))]
        assert planned(case)[K.MONTH_6].pk == kept.pk
        assert planned(case)[K.MONTH_6].due_date == datetime.date(2026, 8, 1)

    def test_the_plan_returns_what_it_planned(self, clock, enterprise, referent):
        case = CaseFactory(enterprise=enterprise, status=S.RESOLVED, assigned_to=referent, resolved_at=FRIDAY_MORNING)
        added = followups_plan_for_case(case=case)
        assert sorted(f.pk for f in added) == sorted(f.pk for f in planned(case).values())
        assert len(added) == 2


class TestReopenAndResolveAgain:
    def test_reopening_cancels_the_uncollected_follow_ups_and_the_history_keeps_them(
        self, clock, enterprise, referent, sme_user
    ):
        case = resolve(in_progress(enterprise=enterprise, referent=referent), referent)
        cancelled = sorted(f.pk for f in planned(case).values())

        clock.now = at(datetime.date(2026, 3, 9))
        reopen(case, sme_user)

        assert planned(case) == {}
        deleted = FollowUp.history.filter(id__in=cancelled, history_type="-")
        assert sorted(deleted.values_list("id", flat=True)) == cancelled
        assert set(deleted.values_list("history_user", flat=True)) == {sme_user.pk}

    def test_reopening_keeps_a_collected_follow_up(self, clock, enterprise, referent, manager):
        # Resolved long ago, its 6-month follow-up collected, then reopened within a generous window.
        enterprise.hub.reopen_days = 400
        enterprise.hub.save()
        clock.now = at(datetime.date(2025, 9, 1))
        case = resolve(in_progress(enterprise=enterprise, referent=referent), referent)
        clock.now = FRIDAY_MORNING
        six = planned(case)[K.MONTH_6]
        followup_collect(
            followup=six,
            data=Collection(collected_on=datetime.date(2026, 3, 5), answers={"jobs_created": 2}),
            by=referent,
        )

        reopen(case, manager)

        remaining = planned(case)
        assert list(remaining) == [K.MONTH_6]
        assert (remaining[K.MONTH_6].pk, remaining[K.MONTH_6].jobs_created) == (six.pk, 2)
        assert remaining[K.MONTH_6].collected_on == datetime.date(2026, 3, 5)

    def test_resolving_again_plans_them_afresh_from_the_new_resolution(self, clock, enterprise, referent, sme_user):
        case = resolve(in_progress(enterprise=enterprise, referent=referent), referent)
        first = {f.pk for f in planned(case).values()}
        clock.now = at(datetime.date(2026, 3, 9))
        reopen(case, sme_user)
        clock.now = at(datetime.date(2026, 3, 10))
        resolve(case, referent)

        again = planned(case)
        assert {kind: f.due_date for kind, f in again.items()} == {
            K.MONTH_6: datetime.date(2026, 9, 8),
            K.MONTH_12: datetime.date(2027, 3, 10),
        }
        assert not first & {f.pk for f in again.values()}
        assert FollowUp.objects.filter(case=case).count() == 2

    def test_resolving_again_plans_only_what_was_not_collected(self, clock, enterprise, referent, manager):
        enterprise.hub.reopen_days = 400
        enterprise.hub.save()
        clock.now = at(datetime.date(2025, 9, 1))
        case = resolve(in_progress(enterprise=enterprise, referent=referent), referent)
        clock.now = FRIDAY_MORNING
        six = planned(case)[K.MONTH_6]
        followup_collect(followup=six, data=Collection(collected_on=datetime.date(2026, 3, 5), answers={}), by=referent)
        reopen(case, manager)
        clock.now = at(datetime.date(2026, 3, 10))
        resolve(case, referent)

        again = planned(case)
        assert again[K.MONTH_6].pk == six.pk
        assert again[K.MONTH_12].due_date == datetime.date(2027, 3, 10)
        assert FollowUp.objects.filter(case=case).count() == 2


class TestBaseline:
    def test_first_assignment_plans_a_baseline_due_within_the_first_contact_standard(
        self, clock, hub, enterprise, referent, manager
    ):
        case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED)
        case_assign(case=case, referent=referent, by=manager)

        baseline = FollowUp.objects.get()
        assert (baseline.kind, baseline.case, baseline.enterprise, baseline.hub) == (K.BASELINE, None, enterprise, hub)
        assert baseline.assigned_to == referent
        # Five working days from Friday 6 March, the weekend off.
        assert baseline.due_date == datetime.date(2026, 3, 13)
        assert baseline.collected_on is None

    def test_the_baseline_due_date_skips_the_hubs_holidays_and_follows_its_standard(
        self, clock, hub, enterprise, referent, manager
    ):
        hub.first_contact_days = 2
        hub.save()
        HubHoliday.objects.create(hub=hub, date=datetime.date(2026, 3, 9), name="Jour férié")
        case_transition(
            case=CaseFactory(enterprise=enterprise, status=S.QUALIFIED),
            to_status=S.ASSIGNED,
            by=manager,
            referent=referent,
        )
        assert FollowUp.objects.get(kind=K.BASELINE).due_date == datetime.date(2026, 3, 11)

    def test_a_second_case_assigned_plans_no_second_baseline(self, clock, hub, enterprise, referent, manager):
        case_assign(case=CaseFactory(enterprise=enterprise, status=S.QUALIFIED), referent=referent, by=manager)
        first = FollowUp.objects.get()
        clock.now = at(datetime.date(2026, 3, 20))
        colleague = ReferentUserFactory(hub=hub)
        case_assign(case=CaseFactory(enterprise=enterprise, status=S.QUALIFIED), referent=colleague, by=manager)

        only = FollowUp.objects.get()
        assert (only.pk, only.due_date, only.assigned_to) == (first.pk, datetime.date(2026, 3, 13), referent)

    def test_an_enterprise_with_a_collected_baseline_gets_no_other(self, clock, enterprise, referent, manager):
        FollowUpFactory(
            enterprise=enterprise, due_date=datetime.date(2025, 1, 10), collected_on=datetime.date(2025, 1, 8)
        )
        case_assign(case=CaseFactory(enterprise=enterprise, status=S.QUALIFIED), referent=referent, by=manager)
        assert FollowUp.objects.filter(kind=K.BASELINE).count() == 1

    def test_each_enterprise_has_its_own_baseline(self, clock, hub, enterprise, referent, manager):
        neighbour = EnterpriseFactory(hub=hub)
        for supported in (enterprise, neighbour):
            case_assign(case=CaseFactory(enterprise=supported, status=S.QUALIFIED), referent=referent, by=manager)
        assert sorted(FollowUp.objects.filter(kind=K.BASELINE).values_list("enterprise", flat=True)) == sorted(
            [enterprise.pk, neighbour.pk]
        )

    def test_planning_a_baseline_that_exists_returns_none(self, enterprise, referent):
        first = followups_plan_baseline(enterprise=enterprise, referent=referent, at=FRIDAY_MORNING)
        assert first is not None
        assert followups_plan_baseline(enterprise=enterprise, referent=None, at=FRIDAY_MORNING) is None
        assert FollowUp.objects.get().pk == first.pk

    def test_reassigning_a_case_plans_no_baseline(self, clock, enterprise, referent, manager, hub):
        # Not the first support: the enterprise already had its baseline from the first assignment.
        case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED)
        case_assign(case=case, referent=referent, by=manager)
        case_assign(case=case, referent=ReferentUserFactory(hub=hub), by=manager)
        assert FollowUp.objects.get().assigned_to == referent

    def test_submitting_or_qualifying_a_case_is_not_support_yet(self, clock, enterprise, sme_user, manager):
        case = case_create(
            enterprise=enterprise, domain=TechnologyDomain.ENERGY, title="Panneaux", description="x", by=sme_user
        )
        case_transition(case=case, to_status=S.QUALIFIED, by=manager)
        assert not FollowUp.objects.exists()


class TestBaselineAtVisits:
    def test_the_first_visit_plans_the_baseline_from_the_day_of_the_visit(self, clock, enterprise, referent):
        # Logged on Friday, offline since Monday 2 March: five working days from the visit is Monday 9 March.
        visit_record(data=visit_input(enterprise=enterprise, started_at=at(datetime.date(2026, 3, 2))), by=referent)

        baseline = FollowUp.objects.get()
        assert (baseline.kind, baseline.enterprise, baseline.assigned_to) == (K.BASELINE, enterprise, referent)
        assert baseline.due_date == datetime.date(2026, 3, 9)

    def test_a_second_visit_plans_no_second_baseline(self, clock, hub, enterprise, referent):
        visit_record(data=visit_input(enterprise=enterprise, started_at=at(datetime.date(2026, 3, 2))), by=referent)
        colleague = ReferentUserFactory(hub=hub)
        visit_record(data=visit_input(enterprise=enterprise, started_at=at(datetime.date(2026, 3, 5))), by=colleague)

        baseline = FollowUp.objects.get()
        assert (baseline.assigned_to, baseline.due_date) == (referent, datetime.date(2026, 3, 9))

    def test_a_resent_visit_plans_nothing_more(self, clock, enterprise, referent):
        data = visit_input(enterprise=enterprise, started_at=at(datetime.date(2026, 3, 2)))
        visit_record(data=data, by=referent)
        visit_record(data=data, by=referent)
        assert FollowUp.objects.count() == 1

    def test_a_case_assigned_after_the_first_visit_plans_no_second_baseline(self, clock, enterprise, referent, manager):
        visit_record(data=visit_input(enterprise=enterprise, started_at=at(datetime.date(2026, 3, 2))), by=referent)
        case_assign(case=CaseFactory(enterprise=enterprise, status=S.QUALIFIED), referent=referent, by=manager)
        assert FollowUp.objects.get().due_date == datetime.date(2026, 3, 9)

    def test_a_refused_visit_plans_no_baseline(self, clock, enterprise, referent):
        with pytest.raises(ValidationError):
            visit_record(
                data=visit_input(enterprise=enterprise, started_at=clock.now + datetime.timedelta(days=2)),
                by=referent,
            )
        assert not FollowUp.objects.exists()

    def test_a_need_raised_at_a_visit_gives_one_baseline_for_the_referent(self, clock, enterprise, referent):
        need = NeedInput(domain=TechnologyDomain.ENERGY, title="Panneaux solaires pour le séchoir")
        visit, _ = visit_record(
            data=visit_input(enterprise=enterprise, started_at=at(datetime.date(2026, 3, 6), 8), new_cases=[need]),
            by=referent,
        )

        raised = visit.cases.get()
        assert (raised.status, raised.assigned_to) == (S.ASSIGNED, referent)
        baseline = FollowUp.objects.get()
        assert (baseline.kind, baseline.enterprise, baseline.assigned_to) == (K.BASELINE, enterprise, referent)
        assert baseline.due_date == datetime.date(2026, 3, 13)

    def test_a_case_raised_at_a_visit_is_support_that_starts_a_baseline(self, clock, enterprise, referent):
        case_create(
            enterprise=enterprise,
            domain=TechnologyDomain.ENERGY,
            title="Panneaux solaires",
            description="Besoin constaté sur le site.",
            by=referent,
            found_at_visit=True,
        )
        baseline = FollowUp.objects.get()
        assert (baseline.kind, baseline.assigned_to, baseline.due_date) == (
            K.BASELINE,
            referent,
            datetime.date(2026, 3, 13),
        )

    def test_a_case_raised_at_a_visit_then_resolved_has_its_baseline_and_both_follow_ups(
        self, clock, enterprise, referent
    ):
        case = case_create(
            enterprise=enterprise,
            domain=TechnologyDomain.ENERGY,
            title="Panneaux solaires",
            description="Besoin constaté sur le site.",
            by=referent,
            found_at_visit=True,
        )
        case_transition(case=case, to_status=S.IN_PROGRESS, by=referent)
        clock.now = at(datetime.date(2026, 3, 20))
        resolve(case, referent)

        assert sorted(FollowUp.objects.values_list("kind", "case", "due_date")) == sorted(
            [
                (K.BASELINE, None, datetime.date(2026, 3, 13)),
                (K.MONTH_6, case.pk, datetime.date(2026, 9, 18)),
                (K.MONTH_12, case.pk, datetime.date(2027, 3, 20)),
            ]
        )


def test_the_database_itself_refuses_a_second_baseline(enterprise):
    """The constraint lives in the database (PostgreSQL had lost it in migration 0008): rows written
    without the model's validation, as concurrent planners do, still meet it."""
    FollowUp.objects.bulk_create(
        [FollowUp(hub=enterprise.hub, enterprise=enterprise, kind=K.BASELINE, due_date=FRIDAY_MORNING.date())]
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.bulk_create(
            [FollowUp(hub=enterprise.hub, enterprise=enterprise, kind=K.BASELINE, due_date=FRIDAY_MORNING.date())]
        )
    assert FollowUp.objects.filter(enterprise=enterprise).count() == 1
