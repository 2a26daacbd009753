"""Managers triage, assign and follow cases from their pages; every change goes through the services."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseNote, CaseStatus
from hub.messaging.gateways import locmem
from hub.messaging.gateways.base import PermanentFailure
from hub.messaging.services import queue_message
from hub.models import AdministrativeUnit, OutgoingMessage
from tests.factories import (
    CaseFactory,
    CaseNoteFactory,
    EnterpriseFactory,
    ReferentUserFactory,
    VisitFactory,
)

LIST = "/manage/cases/"
S = CaseStatus


def detail(case) -> str:
    return f"/manage/cases/{case.pk}/"


def action(case, name: str) -> str:
    return f"/manage/cases/{case.pk}/{name}/"


def text(response) -> str:
    return response.content.decode()


def move_buttons(html: str) -> list[str]:
    return re.findall(r'<details class="move">\s*<summary>(.*?)</summary>', html)


class TestAccess:
    def test_anonymous_visitors_are_sent_to_the_login_page(self, client, hub):
        response = client.get(LIST)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")

    @pytest.mark.parametrize("role", ["sme_user", "referent", "viewer"])
    def test_roles_that_do_not_triage_are_refused(self, client, request, role, enterprise):
        case = CaseFactory(enterprise=enterprise)
        client.force_login(request.getfixturevalue(role))
        assert client.get(LIST).status_code == 403
        assert client.get(detail(case)).status_code == 403
        assert client.post(action(case, "note"), {"visibility": "internal", "body": "x"}).status_code == 403
        assert not CaseNote.objects.exists()

    def test_another_hubs_case_answers_like_a_missing_one(self, as_manager, other_enterprise):
        foreign = CaseFactory(enterprise=other_enterprise)
        missing = as_manager.get("/manage/cases/999999/")
        assert as_manager.get(detail(foreign)).status_code == missing.status_code == 404
        response = as_manager.post(action(foreign, "qualify"), {"domain": "agro", "priority": "high"})
        assert response.status_code == 404
        foreign.refresh_from_db()
        assert foreign.status == S.NEW

    def test_the_list_shows_only_the_managers_hub(self, as_manager, enterprise, other_enterprise):
        own = CaseFactory(enterprise=enterprise)
        foreign = CaseFactory(enterprise=other_enterprise)
        page = text(as_manager.get(LIST))
        assert own.reference in page
        assert foreign.reference not in page

    def test_an_unknown_action_is_refused(self, as_manager, enterprise):
        case = CaseFactory(enterprise=enterprise)
        assert as_manager.post(action(case, "delete")).status_code == 403
        assert Case.objects.filter(pk=case.pk).exists()


class TestList:
    def test_inbox_filter_shows_new_cases_only(self, as_manager, enterprise):
        new = CaseFactory(enterprise=enterprise, status=S.NEW)
        done = CaseFactory(enterprise=enterprise, status=S.CLOSED)
        page = text(as_manager.get(LIST, {"status": "new"}))
        assert new.reference in page
        assert done.reference not in page

    def test_overdue_cases_are_flagged_and_filtered(self, as_manager, enterprise):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        late = CaseFactory(enterprise=enterprise, acknowledge_due=yesterday)
        on_time = CaseFactory(enterprise=enterprise, acknowledge_due=timezone.localdate() + datetime.timedelta(days=3))
        page = text(as_manager.get(LIST, {"overdue": "true"}))
        assert late.reference in page
        assert on_time.reference not in page
        assert "en retard" in page

    def test_search_finds_reference_title_and_enterprise(self, as_manager, hub):
        mill = CaseFactory(enterprise=EnterpriseFactory(hub=hub, name="Moulin de Ségou"), title="Meule usée")
        other = CaseFactory(enterprise=EnterpriseFactory(hub=hub, name="Savonnerie Kayes"), title="Saponification")
        for query in ("moulin", "meule", mill.reference):
            page = text(as_manager.get(LIST, {"q": query}))
            assert mill.reference in page
            assert other.reference not in page

    def test_filter_by_referent_and_region(self, as_manager, hub, referent):
        kayes = AdministrativeUnit.objects.get(code="ML-KAY")
        assigned = CaseFactory(
            enterprise=EnterpriseFactory(hub=hub, region=kayes), assigned_to=referent, status=S.ASSIGNED
        )
        other = CaseFactory(enterprise=EnterpriseFactory(hub=hub))
        by_referent = text(as_manager.get(LIST, {"referent": referent.pk}))
        assert assigned.reference in by_referent and other.reference not in by_referent
        by_region = text(as_manager.get(LIST, {"region": "ML-KAY"}))
        assert assigned.reference in by_region and other.reference not in by_region

    def test_pages_keep_the_filters(self, as_manager, enterprise):
        CaseFactory.create_batch(51, enterprise=enterprise, status=S.NEW)
        page = text(as_manager.get(LIST, {"status": "new"}))
        assert "51 demandes" in page
        assert "?status=new&amp;page=2" in page
        assert "Page 1 sur 2" in page

    def test_a_bad_date_filter_is_explained(self, as_manager, enterprise):
        response = as_manager.get(LIST, {"received_from": "32/13/2026"})
        assert response.status_code == 200
        assert "Saisissez une date valide." in text(response)

    def test_queries_do_not_grow_with_the_cases_shown(
        self, as_manager, enterprise, referent, django_assert_max_num_queries
    ):
        CaseFactory.create_batch(3, enterprise=enterprise, assigned_to=referent, status=S.ASSIGNED)
        with django_assert_max_num_queries(50) as few:
            as_manager.get(LIST)
        CaseFactory.create_batch(
            30, enterprise=EnterpriseFactory(hub=enterprise.hub), assigned_to=referent, status=S.ASSIGNED
        )
        with django_assert_max_num_queries(len(few.captured_queries)):
            as_manager.get(LIST)


class TestCasePage:
    def test_shows_the_timeline_of_status_changes_notes_messages_and_visits(
        self, as_manager, enterprise, manager, referent
    ):
        case = CaseFactory(enterprise=enterprise, status=S.ASSIGNED, assigned_to=referent)
        CaseEvent.objects.create(
            case=case, from_status=S.QUALIFIED, to_status=S.ASSIGNED, actor=manager, created_at=timezone.now()
        )
        CaseNoteFactory(case=case, author=manager, body="Note interne sur le devis")
        CaseNoteFactory(case=case, author=manager, visibility=CaseNote.Visibility.SME, body="Message au promoteur")
        visit = VisitFactory(
            hub=enterprise.hub, enterprise=enterprise, referent=referent, recommendations="Changer la meule"
        )
        visit.cases.add(case)
        page = text(as_manager.get(detail(case)))
        for expected in (
            "Qualifiée → Assignée",
            "Note interne sur le devis",
            "Message au promoteur",
            "Changer la meule",
        ):
            assert expected in page

    def test_shows_the_messages_sent_about_the_case_with_their_delivery(self, as_manager, enterprise, committed):
        case = CaseFactory(enterprise=enterprise, status=S.WAITING_SME)
        locmem.failures.append(PermanentFailure("number refused"))
        with committed():
            for body in ("Merci de nous envoyer les factures", "Votre demande est reçue"):
                queue_message(
                    channel=OutgoingMessage.Channel.SMS,
                    to="+22376123456",
                    body=body,
                    template="waiting_sme",
                    language="fr",
                    case=case,
                    hub_id=case.hub_id,
                    recipient_name="Awa Traoré",
                )

        page = text(as_manager.get(detail(case)))

        entries = re.findall(
            r'<li class="item kind-message"><strong>(.*?)</strong>.*?<span class="body">(.*?)</span>', page, re.S
        )
        assert entries == [
            ("SMS à Awa Traoré : échec", "Merci de nous envoyer les factures"),
            ("SMS à Awa Traoré : envoyé", "Votre demande est reçue"),
        ]

    def test_shows_due_dates_and_flags_the_missed_one(self, as_manager, enterprise):
        case = CaseFactory(enterprise=enterprise, acknowledge_due=timezone.localdate() - datetime.timedelta(days=2))
        page = text(as_manager.get(detail(case)))
        assert "Accuser réception" in page
        assert "en retard" in page

    def test_suggests_referents_with_their_reasons_best_first(self, as_manager, hub, enterprise):
        CaseFactory.create_batch(
            2,
            enterprise=enterprise,
            status=S.IN_PROGRESS,
            assigned_to=ReferentUserFactory(hub=hub, first_name="Chargé"),
        )
        expert = ReferentUserFactory(hub=hub, first_name="Expert")
        expert.referent.domains = ["agro"]
        expert.referent.save()
        expert.referent.regions.add(enterprise.region)
        outsider = ReferentUserFactory(hub=hub, first_name="Autre")
        outsider.referent.domains = ["textile"]
        outsider.referent.save()
        case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED, domain="agro")
        page = text(as_manager.get(detail(case)))
        assert page.index("Expert") < page.index("Chargé") < page.index("Autre")
        assert "connaît ce domaine" in page and "couvre cette région" in page
        assert "2 demandes ouvertes" in page

    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            (S.NEW, ["Rejeter", "Orienter vers un partenaire"]),
            (S.IN_PROGRESS, ["Mettre en attente de la PME", "Marquer comme résolue", "Orienter vers un partenaire"]),
            (S.RESOLVED, ["Clôturer la demande", "Rouvrir la demande"]),
        ],
    )
    def test_moves_say_what_they_do(self, as_manager, enterprise, referent, status, expected):
        case = CaseFactory(enterprise=enterprise, status=status, assigned_to=referent)
        html = text(as_manager.get(detail(case)))
        assert move_buttons(html) == expected
        assert f"Confirmer : {expected[0]}" in html

    def test_the_share_and_partner_lists_start_with_the_same_empty_choice(self, as_manager, enterprise, partner):
        html = text(as_manager.get(detail(CaseFactory(enterprise=enterprise))))
        empty = re.findall(r'<select name="(sheet|partner)"[^>]*>\s*<option value=""[^>]*>(.*?)</option>', html)
        assert {"sheet", "partner"} <= {name for name, _label in empty}
        assert {label for _name, label in empty} == {"—"}


class TestTriage:
    def test_qualify_sets_domain_priority_and_the_assign_due_date(self, as_manager, enterprise):
        case = CaseFactory(enterprise=enterprise, domain="agro")
        response = as_manager.post(
            action(case, "qualify"), {"domain": "energy", "priority": "high", "version": case.version}, follow=True
        )
        case.refresh_from_db()
        assert (case.status, case.domain, case.priority) == (S.QUALIFIED, "energy", "high")
        assert case.assign_due is not None and case.acknowledged_at is not None
        assert "qualifiée" in text(response)

    def test_reject_without_a_reason_is_refused_in_french(self, as_manager, enterprise):
        case = CaseFactory(enterprise=enterprise)
        response = as_manager.post(
            action(case, "transition"), {"to_status": "rejected", "rejection_reason": "  "}, follow=True
        )
        case.refresh_from_db()
        assert case.status == S.NEW
        assert "Indiquez le motif du rejet." in text(response)

    def test_reject_with_a_reason(self, as_manager, enterprise):
        case = CaseFactory(enterprise=enterprise)
        as_manager.post(
            action(case, "transition"), {"to_status": "rejected", "rejection_reason": "Hors du champ du programme"}
        )
        case.refresh_from_db()
        assert (case.status, case.rejection_reason) == (S.REJECTED, "Hors du champ du programme")

    def test_refer_to_a_partner_of_the_hub_only(self, as_manager, enterprise, partner, other_hub):
        from tests.factories import PartnerFactory

        foreign = PartnerFactory(hub=other_hub)
        case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED)
        as_manager.post(action(case, "transition"), {"to_status": "referred", "partner": foreign.pk})
        case.refresh_from_db()
        assert case.status == S.QUALIFIED
        as_manager.post(action(case, "transition"), {"to_status": "referred", "partner": partner.pk})
        case.refresh_from_db()
        assert (case.status, case.referred_to_name) == (S.REFERRED, partner.name)

    def test_a_move_the_table_does_not_have_is_refused(self, as_manager, enterprise):
        case = CaseFactory(enterprise=enterprise)
        response = as_manager.post(action(case, "transition"), {"to_status": "closed"}, follow=True)
        case.refresh_from_db()
        assert case.status == S.NEW
        assert "Sélectionnez un choix valide" in text(response)


class TestAssignment:
    def test_assign_then_reassign(self, as_manager, hub, enterprise, referent):
        case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED)
        as_manager.post(action(case, "assign"), {"referent": referent.pk, "version": case.version})
        case.refresh_from_db()
        assert (case.status, case.assigned_to) == (S.ASSIGNED, referent)
        assert case.first_contact_due is not None
        second = ReferentUserFactory(hub=hub)
        as_manager.post(action(case, "assign"), {"referent": second.pk, "version": case.version})
        case.refresh_from_db()
        assert (case.status, case.assigned_to) == (S.ASSIGNED, second)
        assert case.events.filter(to_status=S.ASSIGNED).count() == 2

    def test_a_referent_of_another_hub_cannot_be_chosen(self, as_manager, enterprise, other_referent):
        case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED)
        response = as_manager.post(action(case, "assign"), {"referent": other_referent.pk}, follow=True)
        case.refresh_from_db()
        assert case.assigned_to is None
        assert "Sélectionnez un choix valide" in text(response)

    def test_a_stale_page_does_not_overwrite_a_colleagues_assignment(self, as_manager, hub, enterprise, referent):
        case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED)
        seen_version = case.version
        as_manager.post(action(case, "assign"), {"referent": referent.pk, "version": seen_version})
        late = ReferentUserFactory(hub=hub)
        response = as_manager.post(action(case, "assign"), {"referent": late.pk, "version": seen_version}, follow=True)
        case.refresh_from_db()
        assert case.assigned_to == referent
        assert "modifiée par quelqu’un d’autre" in text(response) or "modifiée par quelqu'un d'autre" in text(response)


class TestNotes:
    def test_internal_note_and_message_to_the_sme(self, as_manager, enterprise, manager):
        case = CaseFactory(enterprise=enterprise)
        as_manager.post(action(case, "note"), {"visibility": "internal", "body": "Rappeler jeudi"})
        as_manager.post(action(case, "note"), {"visibility": "sme", "body": "Nous passons jeudi"})
        assert list(case.notes.values_list("visibility", "body", "author")) == [
            ("internal", "Rappeler jeudi", manager.pk),
            ("sme", "Nous passons jeudi", manager.pk),
        ]

    def test_an_empty_note_is_refused(self, as_manager, enterprise):
        case = CaseFactory(enterprise=enterprise)
        response = as_manager.post(action(case, "note"), {"visibility": "internal", "body": ""}, follow=True)
        assert not case.notes.exists()
        assert "Ce champ est obligatoire." in text(response)


class TestRegisterRequest:
    def test_a_phone_request_is_registered_for_the_enterprise(self, as_manager, enterprise, manager):
        response = as_manager.post(
            "/manage/cases/new/",
            {
                "enterprise": enterprise.pk,
                "channel": "phone",
                "domain": "energy",
                "priority": "normal",
                "title": "Panneaux solaires pour la chambre froide",
                "description": "Appel du promoteur : coupures fréquentes.",
                "attachments": [SimpleUploadedFile("devis.pdf", b"%PDF-1.4 devis", content_type="application/pdf")],
            },
            follow=True,
        )
        case = Case.objects.get()
        assert (case.enterprise, case.channel, case.created_by, case.status) == (enterprise, "phone", manager, S.NEW)
        assert case.attachments.count() == 1
        assert case.reference in text(response)

    def test_another_hubs_enterprise_cannot_be_chosen(self, as_manager, other_enterprise):
        response = as_manager.post(
            "/manage/cases/new/",
            {
                "enterprise": other_enterprise.pk,
                "channel": "phone",
                "domain": "energy",
                "priority": "normal",
                "title": "x",
                "description": "y",
            },
        )
        assert response.status_code == 200
        assert "Sélectionnez un choix valide" in text(response)
        assert not Case.objects.exists()

    def test_a_bad_file_saves_nothing(self, as_manager, enterprise):
        fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00", content_type="image/jpeg")
        response = as_manager.post(
            "/manage/cases/new/",
            {
                "enterprise": enterprise.pk,
                "channel": "walk_in",
                "domain": "energy",
                "priority": "normal",
                "title": "x",
                "description": "y",
                "attachments": [fake],
            },
        )
        assert "Seuls les documents PDF" in text(response)
        assert not Case.objects.exists()

    def test_the_portal_channel_is_not_offered(self, as_manager, enterprise):
        response = as_manager.post(
            "/manage/cases/new/",
            {
                "enterprise": enterprise.pk,
                "channel": "portal",
                "domain": "energy",
                "priority": "normal",
                "title": "x",
                "description": "y",
            },
        )
        assert "Sélectionnez un choix valide" in text(response)
        assert not Case.objects.exists()
