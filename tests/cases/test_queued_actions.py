"""The service behind the phone's outbox of case actions, and what a referent is told changed since the
version their phone had."""

import contextlib
import datetime
import uuid
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from simple_history.models import HistoricalRecords

from cases import services
from cases.models import CaseActionReceipt, CaseStatus, Priority
from cases.selectors import case_changes_since
from cases.services import CaseActionStale, case_assign, case_queued_action, case_transition
from tests.factories import CaseFactory, ReferentUserFactory

pytestmark = pytest.mark.django_db

S = CaseStatus


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def awa(hub):
    return ReferentUserFactory(hub=hub, first_name="Awa", last_name="Traoré")


@pytest.fixture
def case(enterprise, awa):
    return CaseFactory(enterprise=enterprise, status=S.IN_PROGRESS, assigned_to=awa, title="Séchoir solaire")


def test_the_receipt_keeps_when_the_phone_made_the_action(case, awa):
    made_at = datetime.datetime(2026, 3, 6, 9, 30, tzinfo=datetime.UTC)
    receipt, created = case_queued_action(
        case=case, by=awa, client_uuid=uuid.uuid4(), kind="note", version=1, body="Vu sur place.", made_at=made_at
    )
    assert created
    receipt.refresh_from_db()
    assert (receipt.made_at, receipt.author, receipt.note.body) == (made_at, awa, "Vu sur place.")


def first_lookup_misses(monkeypatch) -> None:
    """The next send's first look for its receipt comes before the earlier send was committed: it finds
    nothing there, and the receipt only when it looks again."""
    looked = services._stored_action
    calls = []

    def not_committed_yet(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else looked(**kwargs)

    monkeypatch.setattr(services, "_stored_action", not_committed_yet)


def test_two_sends_racing_store_one_action_and_both_get_it(case, awa, monkeypatch):
    """The second send looked before the first was committed, so it finds the identifier taken only when it
    inserts its receipt: it answers the stored one and its own note is not kept."""
    client_uuid = uuid.uuid4()
    action = {"case": case, "by": awa, "client_uuid": client_uuid, "kind": "note", "version": 1, "body": "Vu."}
    first, _ = case_queued_action(**action)
    first_lookup_misses(monkeypatch)
    second, created = case_queued_action(**action)
    assert (second, created) == (first, False)
    assert case.notes.count() == 1


def test_a_move_without_its_status_is_refused_on_that_field(case, awa):
    with pytest.raises(ValidationError) as refused:
        case_queued_action(case=case, by=awa, client_uuid=uuid.uuid4(), kind="move", version=1)
    assert refused.value.message_dict == {"to_status": ["Choose the status to move the case to."]}
    assert not CaseActionReceipt.objects.exists()


def test_regional_viewers_cannot_act_on_cases(case, viewer):
    with pytest.raises(PermissionDenied):
        case_queued_action(case=case, by=viewer, client_uuid=uuid.uuid4(), kind="note", version=1, body="x")


def test_a_stale_move_says_what_changed_and_stores_nothing(case, awa, manager):
    case_transition(case=case, to_status=S.WAITING_SME, by=awa)
    with pytest.raises(CaseActionStale) as stale:
        case_queued_action(case=case, by=awa, client_uuid=uuid.uuid4(), kind="move", version=1, to_status=S.RESOLVED)
    assert stale.value.changes == ["Status: In progress → Waiting for the SME"]
    assert stale.value.case.version == 2
    assert not CaseActionReceipt.objects.exists()


def test_changes_name_each_field_with_its_label_and_values(case, awa, manager, hub):
    moussa = ReferentUserFactory(hub=hub, first_name="Moussa", last_name="Diarra")
    case_assign(case=case, referent=moussa, by=manager)
    case.refresh_from_db()
    case.priority, case.title, case.version = Priority.URGENT, "Four à pain", case.version + 1
    case.save()
    assert case_changes_since(case=case, version=1) == [
        "Assigned referent: Awa Traoré → Moussa Diarra",
        "Priority: Normal → Urgent",
        "Title: Séchoir solaire → Four à pain",
    ]


def test_changes_in_other_fields_or_an_unknown_version_get_one_general_sentence(case):
    case.description, case.version = "Autre description", 2
    case.save()
    assert case_changes_since(case=case, version=1) == [
        "Other details of this case were changed since you last read it."
    ]
    assert case_changes_since(case=case, version=99) == [
        "This case was changed by someone else since you last read it."
    ]


def test_a_move_resent_while_its_first_send_held_the_case_answers_the_stored_receipt(case, awa, monkeypatch):
    """The phone gave up waiting and sent the move again; the resend looked for its receipt before the first
    send was committed, then found the case moved by that very move: it answers the stored receipt, not a
    refusal."""
    action = {
        "case": case,
        "by": awa,
        "client_uuid": uuid.uuid4(),
        "kind": "move",
        "version": 1,
        "to_status": "waiting_sme",
    }
    first, _ = case_queued_action(**action)
    first_lookup_misses(monkeypatch)
    again, created = case_queued_action(**action)

    assert (again, created) == (first, False)
    assert CaseActionReceipt.objects.count() == 1
    assert case.events.count() == 1


@contextlib.contextmanager
def acting_as(user):
    """The history records `user` as the author of what is done inside, as the middleware does for a request."""
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def test_what_the_referent_changed_themselves_is_not_told_them(case, awa, manager, hub):
    moussa = ReferentUserFactory(hub=hub, first_name="Moussa", last_name="Diarra")
    with acting_as(awa):
        case_transition(case=case, to_status=S.WAITING_SME, by=awa)
    with acting_as(manager):
        case_assign(case=case, referent=moussa, by=manager)
    case.refresh_from_db()

    assert case_changes_since(case=case, version=1, user=awa) == ["Assigned referent: Awa Traoré → Moussa Diarra"]
    assert case_changes_since(case=case, version=1) == [
        "Status: In progress → Waiting for the SME",
        "Assigned referent: Awa Traoré → Moussa Diarra",
    ]
