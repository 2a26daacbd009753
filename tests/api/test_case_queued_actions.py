"""Actions a referent queued offline on the phone, sent to POST /api/v1/cases/<id>/actions/: stored once per
client UUID, moves refused with 412 and what changed when the case moved on, nothing stored when refused."""

import datetime
import uuid

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import CaseActionReceipt, CaseEvent, CaseNote, CaseStatus
from cases.services import case_assign
from tests.factories import CaseFactory, HubFactory, ReferentUserFactory
from tests.threads import race

S = CaseStatus


@pytest.fixture
def awa(hub):
    return ReferentUserFactory(hub=hub, first_name="Awa", last_name="Traoré")


@pytest.fixture
def case(enterprise, awa):
    return CaseFactory(enterprise=enterprise, status=S.IN_PROGRESS, assigned_to=awa)


def url(case) -> str:
    return reverse("case-actions", kwargs={"pk": case.pk})


def send(client, case, action: dict):
    return client.post(url(case), action, format="json", HTTP_ACCEPT_LANGUAGE="en")


def note(**fields) -> dict:
    return {"client_uuid": str(uuid.uuid4()), "kind": "note", "version": 1, "body": "Appelé le promoteur.", **fields}


def test_a_note_is_stored_once_however_often_it_is_sent(api, awa, case):
    client, action = api(awa), note()
    first = send(client, case, action)
    again = send(client, case, action)
    assert first.status_code == 201, first.json()
    assert again.status_code == 200
    assert again.json() == first.json()
    stored = case.notes.get()
    assert (stored.body, stored.visibility, stored.author) == (
        "Appelé le promoteur.",
        CaseNote.Visibility.INTERNAL,
        awa,
    )
    assert first.json()["note"] == stored.pk
    assert first.json()["client_uuid"] == action["client_uuid"]
    assert (first.json()["applied_on"], first.json()["case_version"]) == (1, 1)
    assert first.json()["case"]["id"] == case.pk


def test_a_note_is_added_whatever_the_version_the_phone_had(api, awa, case):
    response = send(api(awa), case, note(version=1))
    case.refresh_from_db()
    stale = send(api(awa), case, note(version=1))
    assert response.status_code == stale.status_code == 201
    assert case.notes.count() == 2


def test_the_same_identifier_with_other_content_is_a_409_and_stores_nothing_more(api, awa, case):
    client, action = api(awa), note()
    assert send(client, case, action).status_code == 201
    response = send(client, case, {**action, "body": "Autre chose"})
    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert [n.body for n in case.notes.all()] == ["Appelé le promoteur."]
    assert CaseActionReceipt.objects.count() == 1


def test_another_persons_identifier_is_a_409(api, hub, awa, case):
    action = note()
    assert send(api(awa), case, action).status_code == 201
    colleague = ReferentUserFactory(hub=hub)
    assert send(api(colleague), case, action).status_code == 409
    assert case.notes.count() == 1


def test_a_message_goes_to_the_sme(api, awa, case, sme_user, committed, mailoutbox):
    with committed():
        response = send(api(awa), case, note(kind="message", body="Je passe jeudi à 10 h."))
    assert response.status_code == 201
    message = case.notes.get()
    assert message.visibility == CaseNote.Visibility.SME
    assert [mail.to for mail in mailoutbox] == [[sme_user.email]]
    assert "Je passe jeudi à 10 h." in mailoutbox[0].body


def test_a_move_on_the_current_version_is_applied(api, awa, case):
    response = send(
        api(awa), case, {"client_uuid": str(uuid.uuid4()), "kind": "move", "version": 1, "to_status": "waiting_sme"}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["applied_on"], body["case_version"], body["note"]) == (1, 2, None)
    assert (body["case"]["status"], body["case"]["version"]) == (S.WAITING_SME, 2)
    receipt = CaseActionReceipt.objects.get()
    assert receipt.event == CaseEvent.objects.get(case=case, to_status=S.WAITING_SME)


def test_a_move_resent_after_it_was_applied_answers_the_stored_receipt(api, awa, case):
    action = {"client_uuid": str(uuid.uuid4()), "kind": "move", "version": 1, "to_status": "waiting_sme"}
    send(api(awa), case, action)
    again = send(api(awa), case, action)
    assert again.status_code == 200
    assert (again.json()["applied_on"], again.json()["case_version"]) == (1, 2)
    assert case.events.count() == 1


def test_a_move_on_a_case_reassigned_since_is_a_412_naming_the_new_referent(api, hub, manager, awa, case):
    moussa = ReferentUserFactory(hub=hub, first_name="Moussa", last_name="Diarra")
    case_assign(case=case, referent=moussa, by=manager)
    action = {"client_uuid": str(uuid.uuid4()), "kind": "move", "version": 1, "to_status": "waiting_sme"}
    response = send(api(awa), case, action)
    assert response.status_code == 412
    body = response.json()
    assert body["code"] == "case_changed"
    assert body["detail"]
    assert body["changes"] == ["Assigned referent: Awa Traoré → Moussa Diarra"]
    assert (body["current"]["assigned_to"], body["current"]["version"]) == (moussa.pk, 2)
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS
    assert not CaseActionReceipt.objects.exists()
    assert not case.events.filter(actor=awa).exists()


def test_resolving_without_a_summary_is_a_400_and_stores_nothing(api, awa, case):
    action = {"client_uuid": str(uuid.uuid4()), "kind": "move", "version": 1, "to_status": "resolved"}
    response = send(api(awa), case, action)
    assert response.status_code == 400
    assert response.json() == {"resolution_summary": ["Summarise how the request was resolved."]}
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS
    assert not CaseActionReceipt.objects.exists()
    resolved = send(api(awa), case, {**action, "resolution_summary": "Séchoir installé."})
    assert resolved.status_code == 201
    assert resolved.json()["case"]["status"] == S.RESOLVED


@pytest.mark.parametrize(("fields", "field"), [({"client_uuid": "x"}, "client_uuid"), ({"body": " "}, "body")])
def test_an_invalid_action_gets_a_message_on_its_field(api, awa, case, fields, field):
    response = send(api(awa), case, note(**fields))
    assert response.status_code == 400
    assert field in response.json()
    assert not CaseActionReceipt.objects.exists()


def test_another_hubs_case_answers_like_a_missing_one(api, awa, other_enterprise):
    foreign = CaseFactory(enterprise=other_enterprise, status=S.IN_PROGRESS)
    client = api(awa)
    missing_url = reverse("case-actions", kwargs={"pk": 999999})
    for action in (note(), {}):
        refused = send(client, foreign, action)
        missing = client.post(missing_url, action, format="json", HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == missing.status_code == 404
        assert refused.json() == missing.json()
    assert not foreign.notes.exists()


@pytest.mark.parametrize("user_fixture", ["sme_user", "viewer"])
def test_the_enterprise_and_regional_viewers_cannot_use_the_phones_outbox(api, request, case, user_fixture):
    response = send(api(request.getfixturevalue(user_fixture)), case, note(kind="message"))
    assert response.status_code == 403
    assert not case.notes.exists()


def test_a_referent_not_assigned_cannot_move_the_case(api, referent, case):
    action = {"client_uuid": str(uuid.uuid4()), "kind": "move", "version": 1, "to_status": "waiting_sme"}
    response = send(api(referent), case, action)
    assert response.status_code == 403
    assert not CaseActionReceipt.objects.exists()


def test_a_note_costs_eight_queries(api, awa, case, django_assert_num_queries):
    client = api(awa)
    with django_assert_num_queries(8):
        response = send(client, case, note())
    assert response.status_code == 201


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: make test-postgres")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sends_of_one_action_store_it_once_and_all_get_it():
    awa = ReferentUserFactory(hub=HubFactory(code="RQ"))
    case = CaseFactory(hub=awa.hub, status=S.IN_PROGRESS, assigned_to=awa)
    action = note()

    def post():
        client = APIClient()
        client.force_authenticate(awa)
        return send(client, case, action)

    responses = race(lambda index: post(), count=4)
    assert not [response for response in responses if isinstance(response, Exception)], responses
    assert sorted(response.status_code for response in responses) == [200, 200, 200, 201]
    assert all(response.json() == responses[0].json() for response in responses)
    assert case.notes.count() == 1
    assert CaseActionReceipt.objects.count() == 1


def test_a_move_made_before_the_referents_own_visit_was_sent_is_not_stale(api, awa, case):
    """Offline, the referent logged a visit on the case, then resolved it: the visit, sent first, dated the
    case's first contact and so moved its version on. Their own change does not make the move stale."""
    case.received_at = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    case.first_contact_at = None
    case.save()
    visit = {
        "client_uuid": str(uuid.uuid4()),
        "enterprise": case.enterprise_id,
        "started_at": "2026-11-20T09:30:00Z",
        "duration_minutes": 45,
        "purpose": "follow_up",
        "observations": "Moteur rebobiné",
        "cases": [case.pk],
    }
    assert api(awa).post("/api/v1/visits/", visit, format="json").status_code == 201
    case.refresh_from_db()
    assert case.version == 2

    move = {"client_uuid": str(uuid.uuid4()), "kind": "move", "version": 1, "to_status": "waiting_sme"}
    response = send(api(awa), case, move)

    assert response.status_code == 201, response.json()
    assert (response.json()["applied_on"], response.json()["case_version"]) == (2, 3)


def test_a_move_is_stale_when_someone_else_changed_the_case_after_the_referent(api, hub, manager, awa, case):
    first = {"client_uuid": str(uuid.uuid4()), "kind": "move", "version": 1, "to_status": "waiting_sme"}
    assert send(api(awa), case, first).status_code == 201
    moussa = ReferentUserFactory(hub=hub, first_name="Moussa", last_name="Diarra")
    case_assign(case=case, referent=moussa, by=manager)
    case_assign(case=case, referent=awa, by=manager)

    later = {"client_uuid": str(uuid.uuid4()), "kind": "move", "version": 1, "to_status": "resolved"}
    response = send(api(awa), case, {**later, "resolution_summary": "Réglé."})

    assert response.status_code == 412
    assert response.json()["changes"] == ["Other details of this case were changed since you last read it."]
    case.refresh_from_db()
    assert (case.status, case.version) == (S.WAITING_SME, 4)
