"""Cases through the API: scope per role, actions through the services, stale versions, query counts."""

import pytest

from cases.models import Case, CaseEvent, CaseNote, CaseStatus
from tests.factories import CaseFactory, CaseNoteFactory, EnterpriseFactory, ReferentUserFactory

S = CaseStatus


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def cases(enterprise, other_enterprise, hub):
    return {
        "own": CaseFactory(enterprise=enterprise),
        "same_hub": CaseFactory(enterprise=EnterpriseFactory(hub=hub)),
        "other_hub": CaseFactory(enterprise=other_enterprise),
    }


@pytest.mark.parametrize(
    ("user_fixture", "visible"),
    [
        ("sme_user", {"own"}),
        ("referent", {"own", "same_hub"}),
        ("manager", {"own", "same_hub"}),
        ("admin_user", {"own", "same_hub", "other_hub"}),
    ],
)
def test_each_role_lists_exactly_its_cases(api, request, cases, user_fixture, visible):
    response = api(request.getfixturevalue(user_fixture)).get("/api/v1/cases/")
    assert response.status_code == 200
    assert ids(response) == {cases[name].pk for name in visible}


def test_another_hubs_case_answers_like_a_missing_one(api, manager, cases):
    client = api(manager)
    foreign = client.get(f"/api/v1/cases/{cases['other_hub'].pk}/")
    missing = client.get("/api/v1/cases/999999/")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_anonymous_requests_are_refused(api, cases):
    response = api().get("/api/v1/cases/")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_sme_submits_a_case_and_gets_a_reference(api, sme_user, enterprise):
    response = api(sme_user).post(
        "/api/v1/cases/",
        {"enterprise": enterprise.pk, "domain": "agro", "title": "Presse à karité", "description": "Rendement faible"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("ML-")
    assert body["status"] == S.NEW
    assert body["acknowledge_due"] is not None


def test_sme_cannot_submit_for_another_enterprise(api, sme_user, hub):
    neighbour = EnterpriseFactory(hub=hub)
    response = api(sme_user).post(
        "/api/v1/cases/",
        {"enterprise": neighbour.pk, "domain": "agro", "title": "x", "description": "y"},
        format="json",
    )
    assert response.status_code == 400
    assert "enterprise" in response.json()
    assert not Case.objects.filter(enterprise=neighbour).exists()


def test_a_foreign_enterprise_id_is_refused_like_an_unknown_one(api, manager, other_enterprise):
    client = api(manager)
    payload = {"domain": "agro", "title": "x", "description": "y"}
    foreign = client.post("/api/v1/cases/", {**payload, "enterprise": other_enterprise.pk}, format="json")
    unknown = client.post("/api/v1/cases/", {**payload, "enterprise": 999999}, format="json")
    assert foreign.status_code == unknown.status_code == 400
    assert foreign.json()["enterprise"][0].replace(str(other_enterprise.pk), "N") == unknown.json()["enterprise"][
        0
    ].replace("999999", "N")


def test_missing_fields_get_one_message_each(api, manager):
    response = api(manager).post("/api/v1/cases/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"enterprise", "domain", "title", "description"}


def test_triage_assignment_work_resolution_and_rating(api, manager, referent, sme_user, enterprise):
    case = CaseFactory(enterprise=enterprise)
    as_manager, as_referent, as_sme = api(manager), api(referent), api(sme_user)

    response = as_manager.post(f"/api/v1/cases/{case.pk}/qualify/", {"domain": "energy", "priority": "high"})
    assert response.json()["status"] == S.QUALIFIED
    assert response.json()["domain"] == "energy"
    response = as_manager.post(f"/api/v1/cases/{case.pk}/assign/", {"referent": referent.pk})
    assert response.json()["status"] == S.ASSIGNED
    assert response.json()["assigned_to"] == referent.pk
    assert as_referent.post(f"/api/v1/cases/{case.pk}/transition/", {"to_status": S.IN_PROGRESS}).status_code == 200
    response = as_referent.post(
        f"/api/v1/cases/{case.pk}/transition/", {"to_status": S.RESOLVED, "resolution_summary": "Séchoir installé"}
    )
    assert response.json()["status"] == S.RESOLVED
    response = as_sme.post(f"/api/v1/cases/{case.pk}/rate/", {"rating": 5, "comment": "Merci"})
    assert response.status_code == 200
    assert response.json()["satisfaction_rating"] == 5
    assert as_sme.post(f"/api/v1/cases/{case.pk}/rate/", {"rating": 1}).status_code == 400
    assert list(CaseEvent.objects.filter(case=case).values_list("to_status", flat=True)) == [
        S.QUALIFIED,
        S.ASSIGNED,
        S.IN_PROGRESS,
        S.RESOLVED,
    ]


def test_a_move_outside_the_table_is_a_400_with_the_reason(api, manager, enterprise):
    case = CaseFactory(enterprise=enterprise)
    response = api(manager).post(f"/api/v1/cases/{case.pk}/transition/", {"to_status": S.CLOSED})
    assert response.status_code == 400
    assert "status" in response.json()
    case.refresh_from_db()
    assert case.status == S.NEW


def test_a_role_outside_the_table_is_a_403(api, sme_user, enterprise):
    case = CaseFactory(enterprise=enterprise)
    response = api(sme_user).post(f"/api/v1/cases/{case.pk}/transition/", {"to_status": S.QUALIFIED})
    assert response.status_code == 403


def test_sme_cannot_qualify_or_assign(api, sme_user, referent, enterprise):
    case = CaseFactory(enterprise=enterprise)
    client = api(sme_user)
    assert client.post(f"/api/v1/cases/{case.pk}/qualify/", {"domain": "agro", "priority": "low"}).status_code == 403
    assert client.post(f"/api/v1/cases/{case.pk}/assign/", {"referent": referent.pk}).status_code == 403


def test_assigning_a_referent_of_another_hub_is_refused_like_an_unknown_one(api, manager, enterprise, other_referent):
    case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED)
    response = api(manager).post(f"/api/v1/cases/{case.pk}/assign/", {"referent": other_referent.pk})
    assert response.status_code == 400
    assert "referent" in response.json()
    case.refresh_from_db()
    assert case.assigned_to is None


def test_a_stale_version_answers_409_with_the_current_case(api, manager, hub, enterprise):
    case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED)
    first, second = ReferentUserFactory(hub=hub), ReferentUserFactory(hub=hub)
    client = api(manager)
    read_version = client.get(f"/api/v1/cases/{case.pk}/").json()["version"]
    won = client.post(f"/api/v1/cases/{case.pk}/assign/", {"referent": first.pk, "version": read_version})
    lost = client.post(f"/api/v1/cases/{case.pk}/assign/", {"referent": second.pk, "version": read_version})
    assert won.status_code == 200
    assert lost.status_code == 409
    assert lost.json()["current"]["assigned_to"] == first.pk
    assert lost.json()["current"]["version"] == read_version + 1


def test_sme_reads_messages_but_never_internal_notes(api, sme_user, manager, enterprise):
    case = CaseFactory(enterprise=enterprise)
    CaseNoteFactory(case=case, author=manager, visibility=CaseNote.Visibility.INTERNAL, body="interne")
    CaseNoteFactory(case=case, author=manager, visibility=CaseNote.Visibility.SME, body="pour la PME")
    assert [note["body"] for note in api(sme_user).get(f"/api/v1/cases/{case.pk}/notes/").json()] == ["pour la PME"]
    assert len(api(manager).get(f"/api/v1/cases/{case.pk}/notes/").json()) == 2
    refused = api(sme_user).post(f"/api/v1/cases/{case.pk}/notes/", {"body": "x", "visibility": "internal"})
    assert refused.status_code == 403
    sent = api(sme_user).post(f"/api/v1/cases/{case.pk}/notes/", {"body": "Voici la photo", "visibility": "sme"})
    assert sent.status_code == 201


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("status=new", {"new"}),
        ("status=new&status=resolved", {"new", "resolved"}),
        ("overdue=true", {"late"}),
        ("q=presse", {"karite"}),
        ("region=ML-SIK", {"sikasso"}),
        ("region=ML-3", set()),
    ],
)
def test_filters(api, manager, hub, enterprise, params, expected):
    sikasso = EnterpriseFactory(hub=hub, region_id="ML-KTL")
    made = {
        "new": CaseFactory(enterprise=enterprise, status=S.NEW, title="Moulin"),
        "resolved": CaseFactory(enterprise=enterprise, status=S.RESOLVED, title="Four"),
        "late": CaseFactory(enterprise=enterprise, status=S.IN_PROGRESS, resolve_due="2020-01-01", title="Pompe"),
        "karite": CaseFactory(enterprise=enterprise, status=S.CLOSED, title="Presse à karité"),
        "sikasso": CaseFactory(enterprise=sikasso, status=S.CLOSED, title="Séchoir"),
    }
    response = api(manager).get(f"/api/v1/cases/?{params}")
    assert response.status_code == 200
    assert ids(response) == {made[name].pk for name in expected}


@pytest.mark.parametrize(("params", "field"), [("status=nonsense", "status"), ("overdue=yes", "overdue")])
def test_unknown_filter_values_are_a_400(api, manager, params, field):
    response = api(manager).get(f"/api/v1/cases/?{params}")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("page_size", [10, 50, 200])
def test_the_case_list_costs_the_same_queries_whatever_the_page_size(
    api, manager, enterprise, referent, page_size, django_assert_num_queries
):
    CaseFactory.create_batch(210, enterprise=enterprise, assigned_to=referent, status=S.ASSIGNED)
    client = api(manager)
    with django_assert_num_queries(1):
        response = client.get(f"/api/v1/cases/?page_size={page_size}")
    assert len(response.json()["results"]) == page_size


def test_ordering_walks_the_whole_list_with_cursors(api, manager, enterprise):
    made = [CaseFactory(enterprise=enterprise, title=f"n{index}") for index in range(7)]
    client = api(manager)
    seen, url = [], "/api/v1/cases/?ordering=reference&page_size=3"
    while url:
        page = client.get(url).json()
        seen += [row["reference"] for row in page["results"]]
        url = page["next"]
    assert seen == sorted(case.reference for case in made)


def test_an_sme_message_moves_a_case_waiting_for_it_back_to_in_progress(api, sme_user, referent, enterprise):
    case = CaseFactory(enterprise=enterprise, status=S.WAITING_SME, assigned_to=referent)
    sent = api(sme_user).post(f"/api/v1/cases/{case.pk}/notes/", {"body": "Voici le devis", "visibility": "sme"})
    assert sent.status_code == 201
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS
    assert case.events.get().actor == sme_user


def test_an_sme_message_on_a_finished_case_is_refused_and_not_saved(api, sme_user, enterprise):
    case = CaseFactory(enterprise=enterprise, status=S.CLOSED)
    refused = api(sme_user).post(
        f"/api/v1/cases/{case.pk}/notes/", {"body": "Encore une question", "visibility": "sme"}
    )
    assert refused.status_code == 400
    assert "body" in refused.json()
    assert not case.notes.exists()
