"""Real concurrent connections on PostgreSQL (`make test-postgres`): a resent visit is stored once and
two managers assigning the same case at once leave exactly one assignment."""

import datetime
import threading
import uuid

import pytest
from django.db import connection, connections

from cases.models import CaseEvent, CaseStatus
from cases.services import CaseChanged, case_assign
from tests.factories import CaseFactory, EnterpriseFactory, HubFactory, ManagerFactory, ReferentUserFactory
from visits.models import Purpose, Visit
from visits.services import VisitConflict, VisitInput, visit_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
RACERS = 6


def race(work, count: int = RACERS) -> list:
    """Run `work(index)` in `count` threads released together; each thread has its own connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # the outcome, success or refusal, is what the test inspects
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


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
    results = race(lambda index: visit_record(data=data, by=referent))
    assert all(isinstance(result, tuple) for result in results), results
    assert {visit.pk for visit, _created in results} == {Visit.objects.get().pk}
    assert sum(created for _visit, created in results) == 1


def test_concurrent_submissions_of_one_uuid_with_other_content_store_one_and_refuse_the_rest():
    hub = HubFactory(code="CD")
    referent = ReferentUserFactory(hub=hub)
    enterprise = EnterpriseFactory(hub=hub)
    client_uuid = uuid.uuid4()
    results = race(lambda index: visit_record(data=visit_input(enterprise, client_uuid, f"v{index}"), by=referent))
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
