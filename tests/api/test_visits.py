"""Visits through the API: a client UUID stores a visit once; scope per role."""

import uuid

import pytest

from tests.factories import CaseFactory, EnterpriseFactory, VisitFactory
from visits.models import Visit


@pytest.fixture
def payload(enterprise):
    return {
        "client_uuid": str(uuid.uuid4()),
        "enterprise": enterprise.pk,
        "started_at": "2026-11-20T09:30:00Z",
        "duration_minutes": 45,
        "purpose": "diagnostic",
        "observations": "Séchage au sol",
        "needs_found": "Séchoir solaire",
        "latitude": "12.639231987",
        "longitude": "-8.002889",
        "gps_accuracy_m": 12,
        "people_reached_total": 5,
        "people_reached_women": 4,
    }


def test_referent_records_a_visit_and_gps_is_rounded_not_refused(api, referent, payload):
    response = api(referent).post("/api/v1/visits/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["latitude"] == "12.639232"
    assert response.json()["referent"] == referent.pk


def test_resending_the_same_visit_returns_the_stored_one(api, referent, payload):
    client = api(referent)
    first = client.post("/api/v1/visits/", payload, format="json")
    again = client.post("/api/v1/visits/", payload, format="json")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Visit.objects.count() == 1


def test_the_same_uuid_with_other_content_is_a_conflict(api, referent, payload):
    client = api(referent)
    client.post("/api/v1/visits/", payload, format="json")
    response = client.post("/api/v1/visits/", {**payload, "observations": "autre chose"}, format="json")
    assert response.status_code == 409
    assert response.json()["current"]["observations"] == "Séchage au sol"
    assert Visit.objects.count() == 1


def test_another_referents_uuid_conflicts_without_showing_their_visit(api, referent, hub, payload):
    stored = VisitFactory(hub=hub, client_uuid=payload["client_uuid"])
    response = api(referent).post("/api/v1/visits/", payload, format="json")
    assert response.status_code == 409
    assert "current" not in response.json()
    assert Visit.objects.get().pk == stored.pk


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"latitude": "91"}, "latitude"),
        ({"longitude": None}, "longitude"),
        ({"people_reached_women": 9}, "people_reached_women"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"purpose": "picnic"}, "purpose"),
        ({"client_uuid": "not-a-uuid"}, "client_uuid"),
        ({"follow_up_date": "2026-01-01"}, "follow_up_date"),
        ({"started_at": "1800-11-20T09:30:00Z"}, "started_at"),
        ({"started_at": "1999-12-31T09:30:00Z"}, "started_at"),
        ({"started_at": "2099-11-20T09:30:00Z"}, "started_at"),
    ],
)
def test_invalid_visits_get_a_field_message_and_nothing_is_stored(api, referent, payload, change, field):
    response = api(referent).post("/api/v1/visits/", {**payload, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Visit.objects.exists()


def test_a_foreign_enterprise_or_case_is_refused_like_an_unknown_one(api, referent, payload, other_enterprise):
    client = api(referent)
    assert "enterprise" in client.post("/api/v1/visits/", {**payload, "enterprise": other_enterprise.pk}).json()
    foreign_case = CaseFactory(enterprise=other_enterprise)
    response = client.post("/api/v1/visits/", {**payload, "cases": [foreign_case.pk]}, format="json")
    assert response.status_code == 400
    assert "cases" in response.json()


def test_only_cases_of_the_visited_enterprise_can_be_linked(api, referent, payload, hub):
    neighbour_case = CaseFactory(enterprise=EnterpriseFactory(hub=hub))
    response = api(referent).post("/api/v1/visits/", {**payload, "cases": [neighbour_case.pk]}, format="json")
    assert response.status_code == 400
    assert "cases" in response.json()


@pytest.mark.parametrize("user_fixture", ["manager", "sme_user", "viewer"])
def test_only_referents_record_visits(api, request, payload, user_fixture):
    response = api(request.getfixturevalue(user_fixture)).post("/api/v1/visits/", payload, format="json")
    assert response.status_code == 403
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("user_fixture", "sees"), [("manager", True), ("referent", True), ("sme_user", False), ("viewer", False)]
)
def test_who_reads_visits(api, request, hub, other_hub, user_fixture, sees):
    own = VisitFactory(hub=hub)
    VisitFactory(hub=other_hub)
    response = api(request.getfixturevalue(user_fixture)).get("/api/v1/visits/")
    if sees:
        assert [row["id"] for row in response.json()["results"]] == [own.pk]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("page_size", [10, 50, 200])
@pytest.mark.parametrize(("fields", "queries"), [("", 1), ("&fields=id,enterprise_name,cases,photos", 3)])
def test_the_visit_list_costs_the_same_queries_whatever_the_page_size(
    api, manager, hub, page_size, fields, queries, django_assert_num_queries
):
    visits = VisitFactory.create_batch(205, hub=hub)
    case = CaseFactory(enterprise=visits[0].enterprise)
    visits[0].cases.add(case)
    with django_assert_num_queries(queries):
        response = api(manager).get(f"/api/v1/visits/?page_size={page_size}{fields}")
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize(
    ("params", "expected"), [("q=pompe", {"pump"}), ("region=ML-SIK", {"sikasso"}), ("", {"pump", "sikasso"})]
)
def test_visit_filters(api, manager, hub, params, expected):
    made = {
        "pump": VisitFactory(hub=hub, needs_found="Pompe solaire"),
        "sikasso": VisitFactory(hub=hub, enterprise=EnterpriseFactory(hub=hub, region_id="ML-BGN")),
    }
    results = api(manager).get(f"/api/v1/visits/?{params}").json()["results"]
    assert {row["id"] for row in results} == {made[name].pk for name in expected}
