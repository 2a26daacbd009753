"""Hubs, enterprises, referents and follow-ups through the API."""

import datetime

import pytest

from hub.models import Enterprise, FollowUp, HubTarget
from tests.factories import CaseFactory, EnterpriseFactory, FollowUpFactory, HubFactory, ReferentUserFactory


@pytest.fixture
def new_enterprise():
    return {
        "name": "Boulangerie Sangaré",
        "sector": "C",
        "region": "ML-SEG",
        "owner_name": "Oumou Sangaré",
        "owner_phone": "76 12 34 56",
        "employees_total": 12,
        "employees_women": 7,
        "turnover_band": "lt30m",
        "women_led": True,
        "consent_given": True,
        "consent_date": "2026-11-02",
        "latitude": "13.4317",
        "longitude": "-6.2658",
    }


def test_manager_registers_an_enterprise_in_their_hub(api, manager, hub, new_enterprise):
    response = api(manager).post("/api/v1/enterprises/", new_enterprise, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["hub"] == hub.code
    assert body["owner_phone"] == "+22376123456"
    assert body["size_class"] == "small"
    assert Enterprise.objects.get(pk=body["id"]).history.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"owner_phone": "12345"}, "owner_phone"),
        ({"region": "ML-XXX"}, "region"),
        ({"latitude": "95"}, "latitude"),
        ({"employees_women": 40}, "employees_women"),
        ({"consent_date": None}, "consent_date"),
        ({"sector": "Z"}, "sector"),
    ],
)
def test_bad_enterprise_input_gets_field_messages_and_saves_nothing(api, manager, new_enterprise, change, field):
    response = api(manager).post("/api/v1/enterprises/", {**new_enterprise, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Enterprise.objects.filter(name="Boulangerie Sangaré").exists()


def test_hub_cannot_be_chosen_by_the_client(api, manager, hub, other_hub, new_enterprise):
    response = api(manager).post("/api/v1/enterprises/", {**new_enterprise, "hub": other_hub.code}, format="json")
    assert response.json()["hub"] == hub.code


@pytest.mark.parametrize("user_fixture", ["referent", "sme_user", "viewer"])
def test_only_managers_write_the_directory(api, request, new_enterprise, user_fixture):
    response = api(request.getfixturevalue(user_fixture)).post("/api/v1/enterprises/", new_enterprise, format="json")
    assert response.status_code == 403


def test_sme_reads_only_its_own_enterprise(api, sme_user, enterprise, hub):
    EnterpriseFactory(hub=hub)
    response = api(sme_user).get("/api/v1/enterprises/")
    assert [row["id"] for row in response.json()["results"]] == [enterprise.pk]


def test_manager_cannot_update_another_hubs_enterprise(api, manager, other_enterprise):
    response = api(manager).patch(f"/api/v1/enterprises/{other_enterprise.pk}/", {"name": "Pris"}, format="json")
    assert response.status_code == 404
    other_enterprise.refresh_from_db()
    assert other_enterprise.name != "Pris"


@pytest.mark.parametrize(
    ("user_fixture", "codes"),
    [("manager", ["ML"]), ("sme_user", ["ML"]), ("viewer", ["ML", "ML2"]), ("admin_user", ["ML", "ML2"])],
)
def test_hubs_per_role(api, request, hub, other_hub, user_fixture, codes):
    response = api(request.getfixturevalue(user_fixture)).get("/api/v1/hubs/")
    assert sorted(row["code"] for row in response.json()["results"]) == codes


def test_referents_with_their_open_load(api, manager, hub, enterprise, other_referent):
    busy = ReferentUserFactory(hub=hub)
    CaseFactory.create_batch(2, enterprise=enterprise, assigned_to=busy, status="in_progress")
    CaseFactory(enterprise=enterprise, assigned_to=busy, status="closed")
    response = api(manager).get("/api/v1/referents/")
    load = {row["id"]: row["open_cases"] for row in response.json()["results"]}
    assert load == {busy.pk: 2}


def test_followups_recorded_by_a_referent_in_the_hub(api, referent, enterprise, other_enterprise):
    client = api(referent)
    response = client.post(
        "/api/v1/followups/",
        {"enterprise": enterprise.pk, "kind": "baseline", "due_date": "2026-12-01", "collected_on": "2026-11-20"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["collected_by"] == referent.pk
    foreign = client.post(
        "/api/v1/followups/",
        {"enterprise": other_enterprise.pk, "kind": "baseline", "due_date": "2026-12-01"},
        format="json",
    )
    assert foreign.status_code == 400
    assert FollowUp.objects.count() == 1


@pytest.mark.parametrize("kind", ["m6", "m12"])
def test_only_a_baseline_is_recorded_outside_the_plan(api, referent, enterprise, kind):
    """6- and 12-month follow-ups are planned when their case is resolved, and recorded with collect."""
    case = CaseFactory(enterprise=enterprise, status="in_progress", assigned_to=referent)
    response = api(referent).post(
        "/api/v1/followups/",
        {"enterprise": enterprise.pk, "case": case.pk, "kind": kind, "due_date": "2026-12-01"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["kind"]
    assert not FollowUp.objects.exists()


def test_a_baseline_asks_no_change_since(api, referent, enterprise):
    response = api(referent).post(
        "/api/v1/followups/",
        {"enterprise": enterprise.pk, "kind": "baseline", "due_date": "2026-12-01", "jobs_created": 3},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["jobs_created"]
    assert not FollowUp.objects.exists()


def test_a_recorded_follow_up_is_not_changed_through_the_api(api, referent, enterprise):
    """Answers are recorded once (collect) and corrected only where the enterprise answered itself."""
    followup = FollowUpFactory(enterprise=enterprise, collected_on=datetime.date(2026, 11, 2), employees_total=4)
    for method in ("patch", "put"):
        response = getattr(api(referent), method)(
            f"/api/v1/followups/{followup.pk}/", {"employees_total": 40}, format="json"
        )
        assert response.status_code == 405
    followup.refresh_from_db()
    assert followup.employees_total == 4


def test_a_second_baseline_is_a_400_not_a_server_error(api, referent, enterprise):
    payload = {"enterprise": enterprise.pk, "kind": "baseline", "due_date": "2026-12-01"}
    client = api(referent)
    assert client.post("/api/v1/followups/", payload, format="json").status_code == 201
    response = client.post("/api/v1/followups/", payload, format="json")
    assert response.status_code == 400
    assert FollowUp.objects.count() == 1


def test_enterprise_filters(api, manager, hub):
    koutiala = EnterpriseFactory(hub=hub, region_id="ML-KTL", name="Huilerie de Koutiala")
    EnterpriseFactory(hub=hub, region_id="ML-BKO", name="Garage de Bamako")
    client = api(manager)
    by_region = client.get("/api/v1/enterprises/?region=ML-SIK").json()["results"]
    by_search = client.get("/api/v1/enterprises/?q=huilerie").json()["results"]
    assert [row["id"] for row in by_region] == [row["id"] for row in by_search] == [koutiala.pk]


@pytest.mark.parametrize("page_size", [10, 50, 200])
@pytest.mark.parametrize(
    ("path", "make", "queries"),
    [
        ("enterprises", lambda hub: EnterpriseFactory.create_batch(205, hub=hub), 1),
        ("referents", lambda hub: [ReferentUserFactory(hub=hub) for _ in range(205)], 2),
        ("followups", lambda hub: [FollowUpFactory(hub=hub) for _ in range(205)], 1),
    ],
)
def test_list_queries_do_not_grow_with_the_page(
    api, manager, hub, path, make, queries, page_size, django_assert_num_queries
):
    make(hub)
    client = api(manager)
    with django_assert_num_queries(queries):
        response = client.get(f"/api/v1/{path}/?page_size={page_size}")
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [10, 50, 200])
def test_the_hub_list_costs_the_same_queries_whatever_the_page_size(api, viewer, page_size, django_assert_num_queries):
    for hub in HubFactory.create_batch(205):
        HubTarget.objects.create(hub=hub, year=2026, indicator="visits", value=100)
    client = api(viewer)
    with django_assert_num_queries(2):
        response = client.get(f"/api/v1/hubs/?page_size={page_size}")
    assert len(response.json()["results"]) == page_size
    assert all(
        row["targets"] == [{"year": 2026, "indicator": "visits", "value": 100}] for row in response.json()["results"]
    )


@pytest.fixture
def referents(hub):
    """Referents of the hub by what they know and where they go (ML-KTL and ML-BGN were carved from ML-SIK)."""
    made = {
        "koutiala_energy": ReferentUserFactory(hub=hub, profile__domains=["energy"]),
        "sikasso_both": ReferentUserFactory(hub=hub, profile__domains=["agro", "ict"]),
        "bamako_agro": ReferentUserFactory(hub=hub, profile__domains=["agro"]),
        "retired": ReferentUserFactory(hub=hub, profile__domains=["textiles"], profile__is_active=False),
    }
    made["koutiala_energy"].referent.regions.set(["ML-KTL"])
    made["sikasso_both"].referent.regions.set(["ML-KTL", "ML-BGN"])
    made["bamako_agro"].referent.regions.set(["ML-BKO"])
    return made


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("domain=agro", {"sikasso_both", "bamako_agro"}),
        ("domain=energy&domain=ict", {"koutiala_energy", "sikasso_both"}),
        ("region=ML-KTL", {"koutiala_energy", "sikasso_both"}),
        ("region=ML-SIK", {"koutiala_energy", "sikasso_both"}),
        ("region=ML-BKO&domain=energy", set()),
        ("active=false", {"retired"}),
        ("active=true&region=ML-BGN", {"sikasso_both"}),
        ("region=ML-XXX", set()),
    ],
)
def test_referent_filters(api, manager, referents, params, expected):
    response = api(manager).get(f"/api/v1/referents/?{params}")
    assert response.status_code == 200
    listed = [row["id"] for row in response.json()["results"]]
    assert sorted(listed) == sorted(referents[name].pk for name in expected)


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("referents", "domain=nonsense", "domain"),
        ("hubs", "country=XX", "country"),
        ("enterprises", "women_led=yes", "women_led"),
        ("enterprises", "youth_led=2", "youth_led"),
        ("referents", "active=maybe", "active"),
        ("followups", "collected=oui", "collected"),
    ],
)
def test_unknown_filter_values_are_a_400(api, manager, path, params, field):
    response = api(manager).get(f"/api/v1/{path}/?{params}")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("value", "women_led"), [("true", True), ("True", True), ("1", True), ("FALSE", False), ("0", False)]
)
def test_a_true_or_false_filter_reads_either_spelling(api, manager, hub, value, women_led):
    led = {flag: EnterpriseFactory(hub=hub, women_led=flag) for flag in (True, False)}
    response = api(manager).get(f"/api/v1/enterprises/?women_led={value}")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [led[women_led].pk]


@pytest.mark.parametrize(
    ("params", "expected"),
    [("country=ML", {"ML", "ML2"}), ("country=SN", {"SN"}), ("country=BF&country=SN", {"SN"}), ("code=ml2", {"ML2"})],
)
def test_hub_filters(api, viewer, hub, other_hub, params, expected):
    HubFactory(code="SN", country="SN")
    response = api(viewer).get(f"/api/v1/hubs/?{params}")
    assert response.status_code == 200
    assert {row["code"] for row in response.json()["results"]} == expected


def test_a_true_or_false_filter_says_what_it_takes_in_french(api, manager):
    response = api(manager).get("/api/v1/enterprises/?women_led=oui")
    assert response.json() == {"women_led": ["Indiquez true ou false."]}
