"""Real concurrent connections on PostgreSQL (`make test-postgres`): a resent visit is stored once, two
managers assigning the same case at once leave exactly one assignment, and impact follow-ups are planned and
recorded once however many requests race."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStatus
from cases.services import CaseChanged, case_assign, case_transition
from hub.followups.services import Collection, followup_collect, followups_plan_for_case
from hub.models import FollowUp
from tests.factories import CaseFactory, EnterpriseFactory, HubFactory, ManagerFactory, ReferentUserFactory
from tests.threads import race
from visits.models import Purpose, Visit
from visits.services import VisitConflict, VisitInput, visit_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
RACERS = 6


def test_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def visit_input(enterprise, client_uuid, observations="Séchage au sol") -> VisitInput:
    return VisitInput(
        client_uuid=client_uuid,
        enterprise=enterprise,
        started_at=datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC),
        duration_minutes=45,
        purpose=Purpose.DIAGNOSTIC,
        observations=observations,
    )


def test_concurrent_replays_of_one_visit_store_it_once():
    hub = HubFactory(code="CC")
    referent = ReferentUserFactory(hub=hub)
    data = visit_input(EnterpriseFactory(hub=hub), uuid.uuid4())
    results = race(lambda index: visit_record(data=data, by=referent), count=RACERS)
    assert all(isinstance(result, tuple) for result in results), results
    assert {visit.pk for visit, _created in results} == {Visit.objects.get().pk}
    assert sum(created for _visit, created in results) == 1


def test_concurrent_submissions_of_one_uuid_with_other_content_store_one_and_refuse_the_rest():
    hub = HubFactory(code="CD")
    referent = ReferentUserFactory(hub=hub)
    enterprise = EnterpriseFactory(hub=hub)
    client_uuid = uuid.uuid4()
    results = race(
        lambda index: visit_record(data=visit_input(enterprise, client_uuid, f"v{index}"), by=referent), count=RACERS
    )
    stored = Visit.objects.get()
    winners = [result for result in results if isinstance(result, tuple)]
    assert len(winners) == 1
    assert all(isinstance(result, VisitConflict) for result in results if not isinstance(result, tuple))
    assert winners[0][0].pk == stored.pk


def test_two_managers_assigning_at_once_exactly_one_wins():
    hub = HubFactory(code="CE")
    case = CaseFactory(enterprise=EnterpriseFactory(hub=hub), status=CaseStatus.QUALIFIED)
    managers = [ManagerFactory(hub=hub), ManagerFactory(hub=hub)]
    referents = [ReferentUserFactory(hub=hub), ReferentUserFactory(hub=hub)]
    version = case.version
    results = race(
        lambda index: case_assign(case=case, referent=referents[index], by=managers[index], expected_version=version),
        count=2,
    )
    winners = [result for result in results if not isinstance(result, Exception)]
    losers = [result for result in results if isinstance(result, Exception)]
    assert len(winners) == 1
    assert len(losers) == 1
    assert isinstance(losers[0], CaseChanged)
    case.refresh_from_db()
    assert case.assigned_to_id == winners[0].assigned_to_id
    assert CaseEvent.objects.filter(case=case, to_status=CaseStatus.ASSIGNED).count() == 1
    assert case.history.filter(history_type="~").count() == 1


def resolved_without_follow_ups(hub):
    """A case resolved today whose follow-ups nobody planned yet (as before the planning existed)."""
    referent = ReferentUserFactory(hub=hub)
    return CaseFactory(
        enterprise=EnterpriseFactory(hub=hub),
        status=CaseStatus.RESOLVED,
        assigned_to=referent,
        resolved_at=timezone.now(),
    )


def test_two_resolutions_of_one_case_at_once_plan_each_follow_up_once():
    hub = HubFactory(code="CF")
    referent = ReferentUserFactory(hub=hub)
    case = CaseFactory(enterprise=EnterpriseFactory(hub=hub), status=CaseStatus.IN_PROGRESS, assigned_to=referent)
    results = race(
        lambda index: case_transition(
            case=case, to_status=CaseStatus.RESOLVED, by=referent, resolution_summary=f"Résolu ({index})"
        ),
        count=2,
    )
    winners = [result for result in results if not isinstance(result, Exception)]
    losers = [result for result in results if isinstance(result, Exception)]
    assert len(winners) == 1, results
    assert [type(loser) for loser in losers] == [ValidationError]
    assert sorted(FollowUp.objects.filter(case=case).values_list("kind", flat=True)) == ["m12", "m6"]
    assert CaseEvent.objects.filter(case=case, to_status=CaseStatus.RESOLVED).count() == 1


def test_concurrent_plans_of_one_resolved_case_plan_each_follow_up_once():
    case = resolved_without_follow_ups(HubFactory(code="CG"))
    results = race(
        lambda index: followups_plan_for_case(case=Case.objects.select_related("hub").get(pk=case.pk)), count=RACERS
    )
    assert not [result for result in results if isinstance(result, Exception)], results
    planned = FollowUp.objects.filter(case=case)
    assert sorted(planned.values_list("kind", flat=True)) == ["m12", "m6"]
    assert sorted(followup.pk for result in results for followup in result) == sorted(f.pk for f in planned)


def test_first_visits_logged_at_once_by_two_referents_plan_one_baseline():
    hub = HubFactory(code="CH")
    enterprise = EnterpriseFactory(hub=hub)
    referents = [ReferentUserFactory(hub=hub) for _ in range(RACERS)]
    results = race(
        lambda index: visit_record(data=visit_input(enterprise, uuid.uuid4()), by=referents[index]), count=RACERS
    )
    assert all(isinstance(result, tuple) for result in results), results
    assert Visit.objects.count() == RACERS
    baseline = FollowUp.objects.get()
    assert (baseline.kind, baseline.enterprise_id) == (FollowUp.Kind.BASELINE, enterprise.pk)
    assert baseline.assigned_to in referents


def test_concurrent_replays_of_one_collection_record_it_once_and_all_get_it():
    case = resolved_without_follow_ups(HubFactory(code="CI"))
    followups_plan_for_case(case=case)
    six = case.followups.get(kind=FollowUp.Kind.MONTH_6)
    data = Collection(collected_on=timezone.localdate(), answers={"jobs_created": 2, "satisfaction": 4})
    client_uuid = uuid.uuid4()
    results = race(
        lambda index: followup_collect(followup=six, data=data, by=case.assigned_to, client_uuid=client_uuid),
        count=RACERS,
    )
    assert all(isinstance(result, tuple) for result in results), results
    assert {followup.pk for followup, _recorded in results} == {six.pk}
    assert sum(recorded for _followup, recorded in results) == 1
    assert six.history.filter(history_type="~").count() == 1


def test_two_referents_collecting_one_follow_up_at_once_record_it_once():
    case = resolved_without_follow_ups(HubFactory(code="CJ"))
    followups_plan_for_case(case=case)
    six = case.followups.get(kind=FollowUp.Kind.MONTH_6)
    collectors = [case.assigned_to, ReferentUserFactory(hub=case.hub)]
    results = race(
        lambda index: followup_collect(
            followup=six,
            data=Collection(collected_on=timezone.localdate(), answers={"jobs_created": index + 1}),
            by=collectors[index],
            client_uuid=uuid.uuid4(),
        ),
        count=2,
    )
    winners = [result for result in results if isinstance(result, tuple)]
    losers = [result for result in results if not isinstance(result, tuple)]
    assert len(winners) == 1, results
    assert [type(loser) for loser in losers] == [ValidationError]
    six.refresh_from_db()
    assert six.jobs_created == winners[0][0].jobs_created
    assert six.collected_by_id == winners[0][0].collected_by_id
    assert six.history.filter(history_type="~").count() == 1
