"""Writes to a case other than status moves: submission, qualification, assignment, notes and rating."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cases.models import Case, CaseEvent, CaseNote, CaseStatus, Channel, Priority
from cases.services import case_add_note, case_assign, case_create, case_qualify, case_rate
from hub.classifications import TechnologyDomain
from hub.models import HubHoliday
from tests.factories import CaseFactory, EnterpriseFactory, ReferentUserFactory, SmeUserFactory

pytestmark = pytest.mark.django_db

S = CaseStatus
BAMAKO = zoneinfo.ZoneInfo("Africa/Bamako")
FRIDAY_MORNING = datetime.datetime(2026, 3, 6, 9, 30, tzinfo=BAMAKO)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def on_friday(monkeypatch):
    """Freeze "now" at Friday 6 March 2026, 09:30 in Bamako."""
    monkeypatch.setattr(timezone, "now", lambda: FRIDAY_MORNING)
    return FRIDAY_MORNING


def submit(*, enterprise, by, **extra) -> Case:
    return case_create(
        enterprise=enterprise,
        domain=TechnologyDomain.AGRO_PROCESSING,
        title="Séchoir solaire",
        description="Nous perdons une partie de la récolte de mangues.",
        by=by,
        **extra,
    )


class TestCaseCreate:
    def test_references_count_per_hub_and_year(self, on_friday, enterprise, sme_user, other_enterprise, monkeypatch):
        first = submit(enterprise=enterprise, by=sme_user)
        second = submit(enterprise=enterprise, by=sme_user)
        other_hubs = submit(enterprise=other_enterprise, by=SmeUserFactory(enterprise=other_enterprise))
        monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2027, 1, 4, 8, 0, tzinfo=BAMAKO))
        next_year = submit(enterprise=enterprise, by=sme_user)

        assert [first.reference, second.reference] == ["ML-2026-00001", "ML-2026-00002"]
        assert other_hubs.reference == "ML2-2026-00001"
        assert next_year.reference == "ML-2027-00001"

    def test_new_case_is_recorded_with_its_first_event(self, on_friday, enterprise, sme_user):
        case = submit(enterprise=enterprise, by=sme_user, channel=Channel.PHONE, priority=Priority.HIGH)

        stored = Case.objects.get(pk=case.pk)
        assert (stored.status, stored.hub, stored.created_by, stored.received_at) == (
            S.NEW,
            enterprise.hub,
            sme_user,
            FRIDAY_MORNING,
        )
        assert (stored.channel, stored.priority) == (Channel.PHONE, Priority.HIGH)
        event = CaseEvent.objects.get(case=case)
        assert (event.from_status, event.to_status, event.actor) == ("", S.NEW, sme_user)

    def test_due_dates_are_counted_in_working_days(self, on_friday, hub, enterprise, sme_user):
        # Acknowledge in 1 working day, resolve in 20: from a Friday, the weekend does not count.
        case = submit(enterprise=enterprise, by=sme_user)
        assert case.acknowledge_due == datetime.date(2026, 3, 9)
        assert case.resolve_due == datetime.date(2026, 4, 3)

    def test_due_dates_skip_the_hubs_holidays(self, on_friday, hub, enterprise, sme_user):
        HubHoliday.objects.create(hub=hub, date=datetime.date(2026, 3, 9), name="Jour férié")
        case = submit(enterprise=enterprise, by=sme_user)
        assert case.acknowledge_due == datetime.date(2026, 3, 10)
        assert case.resolve_due == datetime.date(2026, 4, 6)

    def test_due_dates_follow_the_hubs_standards(self, on_friday, hub, enterprise, sme_user):
        hub.acknowledge_days = 3
        hub.resolve_days = 5
        hub.save()
        case = submit(enterprise=enterprise, by=sme_user)
        assert case.acknowledge_due == datetime.date(2026, 3, 11)
        assert case.resolve_due == datetime.date(2026, 3, 13)

    def test_sme_cannot_submit_for_another_enterprise(self, hub, sme_user):
        neighbour = EnterpriseFactory(hub=hub)
        with pytest.raises(PermissionDenied):
            submit(enterprise=neighbour, by=sme_user)
        assert not Case.objects.exists()

    def test_manager_cannot_submit_for_another_hubs_enterprise(self, manager, other_enterprise):
        with pytest.raises(PermissionDenied):
            submit(enterprise=other_enterprise, by=manager)
        assert not Case.objects.exists()

    def test_manager_registers_a_phone_request(self, manager, enterprise):
        case = submit(enterprise=enterprise, by=manager, channel=Channel.PHONE)
        assert (case.status, case.created_by) == (S.NEW, manager)

    def test_referent_turns_a_need_found_into_a_case(self, referent, enterprise):
        # DESIGN.md: the referent "turns needs found into new cases" after a visit.
        case = submit(enterprise=enterprise, by=referent, channel=Channel.VISIT)
        assert (case.status, case.channel, case.hub) == (S.NEW, Channel.VISIT, referent.hub)

    def test_referent_of_another_hub_cannot_register_a_case(self, other_referent, enterprise):
        with pytest.raises(PermissionDenied):
            submit(enterprise=enterprise, by=other_referent, channel=Channel.VISIT)
        assert not Case.objects.exists()

    def test_viewer_cannot_submit(self, viewer, enterprise):
        with pytest.raises(PermissionDenied):
            submit(enterprise=enterprise, by=viewer)

    def test_unknown_domain_is_refused(self, enterprise, sme_user):
        with pytest.raises(ValidationError) as caught:
            case_create(enterprise=enterprise, domain="nanotech", title="x", description="y", by=sme_user)
        assert "domain" in caught.value.message_dict
        assert not Case.objects.exists()


class TestCaseQualify:
    def test_sets_domain_and_priority_and_moves_to_qualified(self, on_friday, manager, enterprise):
        case = CaseFactory(enterprise=enterprise, domain=TechnologyDomain.AGRO_PROCESSING)

        qualified = case_qualify(
            case=case, by=manager, domain=TechnologyDomain.ENERGY, priority=Priority.URGENT, note="Panne solaire"
        )

        stored = Case.objects.get(pk=case.pk)
        assert (qualified.status, stored.status) == (S.QUALIFIED, S.QUALIFIED)
        assert (stored.domain, stored.priority) == (TechnologyDomain.ENERGY, Priority.URGENT)
        assert stored.acknowledged_at == FRIDAY_MORNING
        assert stored.assign_due == datetime.date(2026, 3, 10)  # 2 working days
        event = CaseEvent.objects.get(case=case)
        assert (event.from_status, event.to_status, event.note) == (S.NEW, S.QUALIFIED, "Panne solaire")

    @pytest.mark.parametrize("role_fixture", ["referent", "sme_user", "viewer"])
    def test_only_triage_roles_qualify(self, request, enterprise, role_fixture):
        case = CaseFactory(enterprise=enterprise)
        with pytest.raises(PermissionDenied):
            case_qualify(
                case=case,
                by=request.getfixturevalue(role_fixture),
                domain=TechnologyDomain.ENERGY,
                priority=Priority.HIGH,
            )
        assert Case.objects.get(pk=case.pk).status == S.NEW

    def test_manager_of_another_hub_cannot_qualify(self, other_manager, enterprise):
        case = CaseFactory(enterprise=enterprise)
        with pytest.raises(PermissionDenied):
            case_qualify(case=case, by=other_manager, domain=TechnologyDomain.ENERGY, priority=Priority.HIGH)

    def test_refused_qualification_keeps_the_domain(self, manager, enterprise):
        case = CaseFactory(enterprise=enterprise, status=S.IN_PROGRESS, domain=TechnologyDomain.ICT)
        with pytest.raises(ValidationError):
            case_qualify(case=case, by=manager, domain=TechnologyDomain.ENERGY, priority=Priority.HIGH)
        stored = Case.objects.get(pk=case.pk)
        assert (stored.status, stored.domain) == (S.IN_PROGRESS, TechnologyDomain.ICT)


class TestCaseAssign:
    def test_assigns_a_qualified_case_and_sets_first_contact_due(self, on_friday, manager, referent, enterprise):
        case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED)

        assigned = case_assign(case=case, referent=referent, by=manager)

        stored = Case.objects.get(pk=case.pk)
        assert (assigned.status, stored.status, stored.assigned_to) == (S.ASSIGNED, S.ASSIGNED, referent)
        assert stored.assigned_at == FRIDAY_MORNING
        assert stored.first_contact_due == datetime.date(2026, 3, 13)  # 5 working days
        assert stored.version == 2

    def test_assignment_event_shows_the_move(self, manager, referent, enterprise):
        case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED)
        case_assign(case=case, referent=referent, by=manager, note="Spécialiste énergie")
        event = CaseEvent.objects.get(case=case)
        assert (event.from_status, event.to_status, event.actor) == (S.QUALIFIED, S.ASSIGNED, manager)

    def test_reassigning_an_open_case_keeps_its_status(self, hub, manager, referent, enterprise):
        case = CaseFactory(enterprise=enterprise, status=S.IN_PROGRESS, assigned_to=referent)
        colleague = ReferentUserFactory(hub=hub)
        reassigned = case_assign(case=case, referent=colleague, by=manager)
        assert (reassigned.status, reassigned.assigned_to) == (S.IN_PROGRESS, colleague)

    def test_referent_of_another_hub_is_refused(self, manager, other_referent, enterprise):
        case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED)
        with pytest.raises(ValidationError) as caught:
            case_assign(case=case, referent=other_referent, by=manager)
        assert "assigned_to" in caught.value.message_dict
        stored = Case.objects.get(pk=case.pk)
        assert (stored.status, stored.assigned_to) == (S.QUALIFIED, None)

    def test_inactive_referent_or_non_referent_is_refused(self, hub, manager, enterprise):
        case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED)
        for person in (ReferentUserFactory(hub=hub, is_active=False), manager):
            with pytest.raises(ValidationError):
                case_assign(case=case, referent=person, by=manager)

    @pytest.mark.parametrize("status", [S.NEW, S.RESOLVED, S.CLOSED, S.REJECTED, S.REFERRED])
    def test_new_or_finished_cases_cannot_be_assigned(self, manager, referent, enterprise, status):
        case = CaseFactory(enterprise=enterprise, status=status)
        with pytest.raises(ValidationError):
            case_assign(case=case, referent=referent, by=manager)

    def test_referent_cannot_assign(self, referent, enterprise):
        case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED)
        with pytest.raises(PermissionDenied):
            case_assign(case=case, referent=referent, by=referent)

    def test_manager_of_another_hub_cannot_assign(self, other_manager, referent, enterprise):
        case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED)
        with pytest.raises(PermissionDenied):
            case_assign(case=case, referent=referent, by=other_manager)


class TestCaseAddNote:
    def test_sme_cannot_write_internal_notes(self, sme_user, enterprise):
        case = CaseFactory(enterprise=enterprise)
        with pytest.raises(PermissionDenied):
            case_add_note(case=case, by=sme_user, body="Note interne ?", visibility=CaseNote.Visibility.INTERNAL)
        assert not CaseNote.objects.exists()

    def test_sme_writes_messages_on_their_case(self, sme_user, enterprise):
        case = CaseFactory(enterprise=enterprise)
        note = case_add_note(case=case, by=sme_user, body=" Voici la photo. ", visibility=CaseNote.Visibility.SME)
        assert (note.author, note.body, note.visibility) == (sme_user, "Voici la photo.", CaseNote.Visibility.SME)

    def test_staff_write_internal_notes(self, referent, manager, enterprise):
        case = CaseFactory(enterprise=enterprise)
        case_add_note(case=case, by=referent, body="Voir le fournisseur")
        case_add_note(case=case, by=manager, body="Priorité programme")
        assert list(case.notes.values_list("visibility", flat=True)) == [CaseNote.Visibility.INTERNAL] * 2

    def test_people_outside_the_case_are_refused(self, hub, other_referent, enterprise):
        case = CaseFactory(enterprise=enterprise)
        for outsider in (other_referent, SmeUserFactory(hub=hub)):
            with pytest.raises(PermissionDenied):
                case_add_note(case=case, by=outsider, body="Bonjour", visibility=CaseNote.Visibility.SME)
        assert not CaseNote.objects.exists()

    def test_empty_note_is_refused(self, referent, enterprise):
        case = CaseFactory(enterprise=enterprise)
        with pytest.raises(ValidationError) as caught:
            case_add_note(case=case, by=referent, body="   ")
        assert "body" in caught.value.message_dict


class TestCaseRate:
    @pytest.mark.parametrize("status", [S.RESOLVED, S.CLOSED])
    def test_the_sme_rates_a_resolved_or_closed_case_once(self, sme_user, enterprise, status):
        case = CaseFactory(enterprise=enterprise, status=status)

        rated = case_rate(case=case, by=sme_user, rating=5, comment=" Très utile ")

        stored = Case.objects.get(pk=case.pk)
        assert (stored.satisfaction_rating, stored.satisfaction_comment) == (5, "Très utile")
        assert stored.rated_at is not None
        assert rated.version == stored.version == 2
        with pytest.raises(ValidationError) as caught:
            case_rate(case=case, by=sme_user, rating=1)
        assert caught.value.message_dict["rating"] == ["This case has already been rated."]
        assert Case.objects.get(pk=case.pk).satisfaction_rating == 5

    @pytest.mark.parametrize("status", [S.NEW, S.QUALIFIED, S.ASSIGNED, S.IN_PROGRESS, S.WAITING_SME, S.REJECTED])
    def test_cases_not_yet_resolved_cannot_be_rated(self, sme_user, enterprise, status):
        case = CaseFactory(enterprise=enterprise, status=status)
        with pytest.raises(ValidationError):
            case_rate(case=case, by=sme_user, rating=4)
        assert Case.objects.get(pk=case.pk).satisfaction_rating is None

    @pytest.mark.parametrize("rating", [0, 6, -1])
    def test_rating_is_from_1_to_5(self, sme_user, enterprise, rating):
        case = CaseFactory(enterprise=enterprise, status=S.RESOLVED)
        with pytest.raises(ValidationError) as caught:
            case_rate(case=case, by=sme_user, rating=rating)
        assert caught.value.message_dict["rating"] == ["Give a rating from 1 to 5."]

    @pytest.mark.parametrize("rating", [1, 5])
    def test_ratings_at_the_bounds_are_accepted(self, sme_user, enterprise, rating):
        case = CaseFactory(enterprise=enterprise, status=S.RESOLVED)
        assert case_rate(case=case, by=sme_user, rating=rating).satisfaction_rating == rating

    def test_only_the_cases_sme_rates(self, hub, manager, referent, admin_user, enterprise):
        case = CaseFactory(enterprise=enterprise, status=S.RESOLVED)
        for someone_else in (manager, referent, admin_user, SmeUserFactory(hub=hub)):
            with pytest.raises(PermissionDenied):
                case_rate(case=case, by=someone_else, rating=5)
        assert Case.objects.get(pk=case.pk).satisfaction_rating is None
