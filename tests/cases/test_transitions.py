"""The case workflow: every status pair and every role against the transition table, then the rules
about who the person is (assignee, hub, enterprise), the reopening window and concurrent edits."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import FINAL_STATUSES, MOVE_LABELS, TRANSITIONS, Case, CaseEvent, CaseStatus
from cases.services import CaseChanged, case_transition
from hub.models import Role
from tests.factories import CaseFactory, PartnerFactory, ReferentUserFactory, SmeUserFactory

pytestmark = pytest.mark.django_db

S = CaseStatus
ACTOR_FIXTURES = {
    Role.SME: "sme_user",
    Role.REFERENT: "referent",
    Role.MANAGER: "manager",
    Role.VIEWER: "viewer",
    Role.ADMIN: "admin_user",
}
MOVE_DATA = {
    "rejection_reason": "Hors du champ du programme.",
    "resolution_summary": "Séchoir installé et équipe formée.",
    "note": "Changement de statut.",
}


def make_case(*, enterprise, referent, status: str) -> Case:
    """A case of `enterprise` in `status`, assigned to `referent` (so the assignee rules are met);
    a resolved case was resolved a moment ago (within the reopening window)."""
    return CaseFactory(
        enterprise=enterprise,
        status=status,
        assigned_to=referent,
        resolved_at=timezone.now() if status == S.RESOLVED else None,
    )


def expected_outcome(from_status: str, to_status: str, role: str) -> type[Exception] | None:
    if (from_status, to_status) not in TRANSITIONS:
        return ValidationError
    if role not in TRANSITIONS[(from_status, to_status)]:
        return PermissionDenied
    return None


def test_every_plain_move_has_a_button_label():
    plain = {move for move in TRANSITIONS if move[1] not in (S.QUALIFIED, S.ASSIGNED)}
    assert set(MOVE_LABELS) == plain


@pytest.mark.parametrize("role", list(ACTOR_FIXTURES))
@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(S.values, S.values)))
def test_every_move_follows_the_table(request, enterprise, referent, partner, from_status, to_status, role):
    actor = request.getfixturevalue(ACTOR_FIXTURES[role])
    case = make_case(enterprise=enterprise, referent=referent, status=from_status)
    expected_error = expected_outcome(from_status, to_status, role)

    if expected_error is not None:
        with pytest.raises(expected_error):
            case_transition(case=case, to_status=to_status, by=actor, partner=partner, **MOVE_DATA)
        case.refresh_from_db()
        assert (case.status, case.version) == (from_status, 1)
        assert not CaseEvent.objects.filter(case=case).exists()
        return

    moved = case_transition(case=case, to_status=to_status, by=actor, partner=partner, **MOVE_DATA)
    stored = Case.objects.get(pk=case.pk)
    assert moved.status == stored.status == to_status
    assert stored.version == 2
    event = CaseEvent.objects.get(case=case)
    assert (event.from_status, event.to_status, event.actor) == (from_status, to_status, actor)
    assert event.note == MOVE_DATA["note"]


class TestTable:
    """The workflow the product brief describes; the matrix above checks the service obeys the table."""

    def test_main_path_is_in_the_table(self):
        for move in [
            (S.NEW, S.QUALIFIED),
            (S.QUALIFIED, S.ASSIGNED),
            (S.ASSIGNED, S.IN_PROGRESS),
            (S.IN_PROGRESS, S.WAITING_SME),
            (S.WAITING_SME, S.IN_PROGRESS),
            (S.IN_PROGRESS, S.RESOLVED),
            (S.RESOLVED, S.CLOSED),
            (S.RESOLVED, S.IN_PROGRESS),
        ]:
            assert move in TRANSITIONS, move

    def test_final_statuses_are_final(self):
        assert not [move for move in TRANSITIONS if move[0] in FINAL_STATUSES]

    def test_sme_and_viewer_cannot_triage(self):
        for move in [(S.NEW, S.QUALIFIED), (S.NEW, S.REJECTED), (S.QUALIFIED, S.ASSIGNED)]:
            assert Role.SME not in TRANSITIONS[move]
            assert Role.VIEWER not in TRANSITIONS[move]
            assert Role.REFERENT not in TRANSITIONS[move]

    def test_viewer_makes_no_move(self):
        assert not [move for move, roles in TRANSITIONS.items() if Role.VIEWER in roles]


class TestWhoMayMove:
    def test_referent_who_is_not_the_assignee_is_refused(self, hub, enterprise, referent):
        case = make_case(enterprise=enterprise, referent=referent, status=S.ASSIGNED)
        colleague = ReferentUserFactory(hub=hub)

        with pytest.raises(PermissionDenied):
            case_transition(case=case, to_status=S.IN_PROGRESS, by=colleague)
        case.refresh_from_db()
        assert case.status == S.ASSIGNED

    def test_manager_of_another_hub_is_refused(self, enterprise, referent, other_manager):
        case = make_case(enterprise=enterprise, referent=referent, status=S.NEW)

        with pytest.raises(PermissionDenied):
            case_transition(case=case, to_status=S.QUALIFIED, by=other_manager)
        case.refresh_from_db()
        assert case.status == S.NEW

    def test_sme_of_another_enterprise_is_refused(self, hub, enterprise, referent):
        case = make_case(enterprise=enterprise, referent=referent, status=S.WAITING_SME)
        neighbour = SmeUserFactory(hub=hub)

        with pytest.raises(PermissionDenied):
            case_transition(case=case, to_status=S.IN_PROGRESS, by=neighbour)
        case.refresh_from_db()
        assert case.status == S.WAITING_SME

    def test_sme_answers_and_the_case_goes_back_to_work(self, enterprise, referent, sme_user):
        case = make_case(enterprise=enterprise, referent=referent, status=S.WAITING_SME)
        assert case_transition(case=case, to_status=S.IN_PROGRESS, by=sme_user).status == S.IN_PROGRESS


class TestDataTheMoveNeeds:
    def test_rejection_needs_a_reason(self, enterprise, referent, manager):
        case = make_case(enterprise=enterprise, referent=referent, status=S.NEW)
        with pytest.raises(ValidationError) as caught:
            case_transition(case=case, to_status=S.REJECTED, by=manager, rejection_reason="  ")
        assert "rejection_reason" in caught.value.message_dict

        rejected = case_transition(case=case, to_status=S.REJECTED, by=manager, rejection_reason=" Hors champ ")
        assert rejected.rejection_reason == "Hors champ"

    def test_referral_needs_a_partner_of_the_hub(self, enterprise, referent, manager, other_hub):
        case = make_case(enterprise=enterprise, referent=referent, status=S.NEW)
        for partner in (None, PartnerFactory(hub=other_hub)):
            with pytest.raises(ValidationError) as caught:
                case_transition(case=case, to_status=S.REFERRED, by=manager, partner=partner)
            assert "partner" in caught.value.message_dict

        partner = PartnerFactory(hub=enterprise.hub, name="Centre National de Recherche")
        referred = case_transition(case=case, to_status=S.REFERRED, by=manager, partner=partner)
        assert (referred.referred_to, referred.referred_to_name) == (partner, "Centre National de Recherche")

    def test_resolution_needs_a_summary(self, enterprise, referent):
        case = make_case(enterprise=enterprise, referent=referent, status=S.IN_PROGRESS)
        with pytest.raises(ValidationError) as caught:
            case_transition(case=case, to_status=S.RESOLVED, by=referent)
        assert "resolution_summary" in caught.value.message_dict

        resolved = case_transition(case=case, to_status=S.RESOLVED, by=referent, resolution_summary="Fait.")
        assert resolved.resolution_summary == "Fait."
        assert resolved.resolved_at is not None

    def test_assignment_needs_an_assignee(self, enterprise, manager):
        case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED, assigned_to=None)
        with pytest.raises(ValidationError) as caught:
            case_transition(case=case, to_status=S.ASSIGNED, by=manager)
        assert "assigned_to" in caught.value.message_dict
        case.refresh_from_db()
        assert case.status == S.QUALIFIED


class TestReopening:
    def resolved_case(self, *, enterprise, referent, days_ago: float) -> Case:
        case = make_case(enterprise=enterprise, referent=referent, status=S.RESOLVED)
        case.resolved_at = timezone.now() - datetime.timedelta(days=days_ago)
        case.save()
        return case

    def test_reopening_within_the_window_works(self, hub, enterprise, referent, sme_user):
        case = self.resolved_case(enterprise=enterprise, referent=referent, days_ago=hub.reopen_days - 1)

        reopened = case_transition(case=case, to_status=S.IN_PROGRESS, by=sme_user)
        assert reopened.status == S.IN_PROGRESS
        assert Case.objects.get(pk=case.pk).resolved_at is None

    def test_reopening_after_the_window_is_refused(self, hub, enterprise, referent, sme_user, manager):
        case = self.resolved_case(enterprise=enterprise, referent=referent, days_ago=hub.reopen_days + 1)

        for actor in (sme_user, manager):
            with pytest.raises(ValidationError) as caught:
                case_transition(case=case, to_status=S.IN_PROGRESS, by=actor)
            assert "status" in caught.value.message_dict
        case.refresh_from_db()
        assert (case.status, case.version) == (S.RESOLVED, 1)
        assert not case.events.exists()

    def test_window_follows_the_hubs_setting(self, hub, enterprise, referent, manager):
        hub.reopen_days = 5
        hub.save()
        case = self.resolved_case(enterprise=enterprise, referent=referent, days_ago=10)
        with pytest.raises(ValidationError):
            case_transition(case=case, to_status=S.IN_PROGRESS, by=manager)


class TestVersionAndTimeline:
    def test_successful_move_increments_version_and_writes_one_event(self, enterprise, referent, manager):
        case = make_case(enterprise=enterprise, referent=referent, status=S.NEW)

        moved = case_transition(case=case, to_status=S.QUALIFIED, by=manager, note="Domaine confirmé")

        assert moved.version == Case.objects.get(pk=case.pk).version == 2
        event = CaseEvent.objects.get(case=case)
        assert (event.from_status, event.to_status, event.actor, event.note) == (
            S.NEW,
            S.QUALIFIED,
            manager,
            "Domaine confirmé",
        )
        assert moved.acknowledged_at is not None
        assert moved.assign_due is not None

    def test_stale_expected_version_raises_case_changed(self, enterprise, referent, manager):
        case = make_case(enterprise=enterprise, referent=referent, status=S.NEW)
        case_transition(case=case, to_status=S.QUALIFIED, by=manager, expected_version=1)

        with pytest.raises(CaseChanged) as caught:
            case_transition(case=case, to_status=S.REJECTED, by=manager, rejection_reason="Doublon", expected_version=1)
        assert caught.value.case.version == 2
        stored = Case.objects.get(pk=case.pk)
        assert (stored.status, stored.version) == (S.QUALIFIED, 2)
        assert CaseEvent.objects.filter(case=case).count() == 1

    def test_current_expected_version_is_accepted(self, enterprise, referent, manager):
        case = make_case(enterprise=enterprise, referent=referent, status=S.NEW)
        moved = case_transition(case=case, to_status=S.QUALIFIED, by=manager, expected_version=1)
        moved = case_transition(case=moved, to_status=S.ASSIGNED, by=manager, expected_version=2)
        assert moved.version == 3

    def test_first_move_to_work_records_first_contact(self, enterprise, referent):
        case = make_case(enterprise=enterprise, referent=referent, status=S.ASSIGNED)
        moved = case_transition(case=case, to_status=S.IN_PROGRESS, by=referent)
        assert moved.first_contact_at is not None

    def test_closing_records_the_time(self, enterprise, referent, sme_user):
        case = make_case(enterprise=enterprise, referent=referent, status=S.RESOLVED)
        closed = case_transition(case=case, to_status=S.CLOSED, by=sme_user)
        assert closed.closed_at is not None
