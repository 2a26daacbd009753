"""The same visit POST replayed through the API from several threads at once, each with its own PostgreSQL
connection (`make test-postgres`), as a phone's offline queue and its retries can do: one visit is stored,
with one history entry, and every replay gets it back; the same UUID with other content answers 409.

Left out on SQLite, whose in-memory test database is not shared between threads."""

import datetime
import uuid

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import EnterpriseFactory, HubFactory, ReferentUserFactory
from tests.threads import race
from visits.models import Visit

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: make test-postgres"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
REPLAYS = 4


def poster(user, payloads):
    def post(index: int):
        client = APIClient()
        client.force_authenticate(user)
        return client.post("/api/v1/visits/", payloads(index), format="json")

    return post


@pytest.fixture
def referent():
    return ReferentUserFactory(hub=HubFactory(code="RP"))


@pytest.fixture
def payload(referent):
    return {
        "client_uuid": str(uuid.uuid4()),
        "enterprise": EnterpriseFactory(hub=referent.hub).pk,
        "started_at": (datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(hours=3)).isoformat(),
        "duration_minutes": 45,
        "purpose": "diagnostic",
        "observations": "Séchage au sol",
        "latitude": "12.639232",
        "longitude": "-8.002889",
    }


def test_concurrent_replays_store_one_visit_and_all_get_it(referent, payload):
    responses = race(poster(referent, lambda index: payload), count=REPLAYS)
    assert not [response for response in responses if isinstance(response, Exception)], responses
    assert sorted(response.status_code for response in responses) == [200] * (REPLAYS - 1) + [201]
    stored = Visit.objects.get()
    assert {response.json()["id"] for response in responses} == {stored.pk}
    assert all(response.json() == responses[0].json() for response in responses)
    assert Visit.history.filter(id=stored.pk).count() == 1

    other = poster(referent, lambda index: {**payload, "observations": "Autre chose"})(0)
    assert other.status_code == 409
    assert other.json()["current"]["id"] == stored.pk
    assert Visit.objects.count() == 1


def test_concurrent_submissions_of_one_uuid_with_other_content_store_one_and_refuse_the_rest(referent, payload):
    responses = race(poster(referent, lambda index: {**payload, "observations": f"Version {index}"}), count=REPLAYS)
    assert not [response for response in responses if isinstance(response, Exception)], responses
    assert sorted(response.status_code for response in responses) == [201] + [409] * (REPLAYS - 1)
    stored = Visit.objects.get()
    won = next(response for response in responses if response.status_code == 201)
    assert won.json()["id"] == stored.pk
    assert all(response.json()["current"]["id"] == stored.pk for response in responses if response.status_code == 409)
    assert Visit.history.filter(id=stored.pk).count() == 1
