"""The SME's case page after submission: the answer, messages and replies, confirming or reopening a
resolved case, rating it (from the page or from the link sent by SMS), and downloading shared files."""

import datetime
import time
from types import SimpleNamespace

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cases import services
from cases.models import Case, CaseEvent, CaseNote, CaseStatus
from cases.rating import case_from_rating_token, rating_token
from tests.factories import CaseFactory, CaseNoteFactory, EnterpriseFactory

S = CaseStatus


def fr(msgid: str) -> str:
    """The French text of one of our messages (the English msgid until the catalogue is compiled)."""
    with translation.override("fr"):
        return translation.gettext(msgid)


def page_of(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def case_url(case, action: str = "") -> str:
    return f"/portal/requests/{case.pk}/{action + '/' if action else ''}"


@pytest.fixture
def sme(client, sme_user):
    client.force_login(sme_user)
    return client


@pytest.fixture
def working(enterprise, referent):
    """A case the referent is working on."""
    return CaseFactory(enterprise=enterprise, status=S.IN_PROGRESS, assigned_to=referent)


@pytest.fixture
def resolved(enterprise, referent):
    return CaseFactory(
        enterprise=enterprise,
        status=S.RESOLVED,
        assigned_to=referent,
        resolution_summary="Séchoir de 20 m² installé, formation faite.",
        resolved_at=timezone.now() - datetime.timedelta(days=2),
    )


def pdf(name: str = "devis.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 devis", content_type="application/pdf")


class TestReply:
    def test_the_sme_replies_and_the_message_shows_as_theirs(self, sme, sme_user, working):
        response = sme.post(case_url(working, "reply"), {"body": "  La presse fait 50 kg/h.  "}, follow=True)

        note = CaseNote.objects.get(case=working)
        assert (note.author, note.visibility, note.body) == (
            sme_user,
            CaseNote.Visibility.SME,
            "La presse fait 50 kg/h.",
        )
        assert response.redirect_chain == [(case_url(working), 302)]
        page = page_of(response)
        assert "La presse fait 50 kg/h." in page
        assert fr("Your message has been sent.") in page
        assert Case.objects.get(pk=working.pk).status == S.IN_PROGRESS

    def test_a_reply_to_a_case_waiting_for_the_sme_puts_it_back_in_progress(self, sme, sme_user, enterprise, referent):
        case = CaseFactory(enterprise=enterprise, status=S.WAITING_SME, assigned_to=referent)

        sme.post(case_url(case, "reply"), {"body": "Voici les dimensions : 2 m sur 3 m."})

        case.refresh_from_db()
        assert case.status == S.IN_PROGRESS
        assert case.version == 2
        event = CaseEvent.objects.get(case=case)
        assert (event.from_status, event.to_status, event.actor) == (S.WAITING_SME, S.IN_PROGRESS, sme_user)
        assert CaseNote.objects.filter(case=case, visibility=CaseNote.Visibility.SME).count() == 1

    def test_an_empty_reply_is_refused_in_french_and_nothing_saved(self, sme, enterprise, referent):
        case = CaseFactory(enterprise=enterprise, status=S.WAITING_SME, assigned_to=referent)
        response = sme.post(case_url(case, "reply"), {"body": "   "})
        assert response.status_code == 200
        assert "Ce champ est obligatoire." in page_of(response)
        case.refresh_from_db()
        assert case.status == S.WAITING_SME
        assert not CaseNote.objects.exists()

    @pytest.mark.parametrize("status", [S.CLOSED, S.REJECTED, S.REFERRED])
    def test_a_finished_case_takes_no_more_replies(self, sme, enterprise, status):
        case = CaseFactory(enterprise=enterprise, status=status, rejection_reason="Hors champ")
        assert f'action="{case_url(case, "reply")}"' not in sme.get(case_url(case)).content.decode()
        response = sme.post(case_url(case, "reply"), {"body": "Et maintenant ?"})
        assert fr("This request is finished: send a new request if you need more help.") in page_of(response)
        assert not CaseNote.objects.exists()


class TestConfirmAndReopen:
    def test_confirming_closes_the_resolved_case(self, sme, sme_user, resolved):
        response = sme.post(case_url(resolved, "confirm"), follow=True)
        resolved.refresh_from_db()
        assert resolved.status == S.CLOSED
        assert resolved.closed_at is not None
        assert CaseEvent.objects.get(case=resolved).actor == sme_user
        assert fr("Thank you for confirming: the request is closed.") in page_of(response)

    def test_a_case_not_resolved_cannot_be_confirmed(self, sme, working):
        response = sme.post(case_url(working, "confirm"))
        assert response.status_code == 200
        assert '<li class="error">Une demande ne peut pas passer de' in page_of(response)
        assert Case.objects.get(pk=working.pk).status == S.IN_PROGRESS
        assert not CaseEvent.objects.exists()

    def test_reopening_within_the_window_keeps_the_reason_as_the_smes_message(self, sme, sme_user, resolved):
        response = sme.post(case_url(resolved, "reopen"), {"reason": "Le séchoir chauffe trop l'après-midi."})

        assert response.status_code == 302
        resolved.refresh_from_db()
        assert resolved.status == S.IN_PROGRESS
        assert resolved.resolved_at is None
        event = CaseEvent.objects.get(case=resolved)
        assert (event.from_status, event.to_status, event.actor) == (S.RESOLVED, S.IN_PROGRESS, sme_user)
        note = CaseNote.objects.get(case=resolved)
        assert (note.author, note.visibility, note.body) == (
            sme_user,
            CaseNote.Visibility.SME,
            "Le séchoir chauffe trop l'après-midi.",
        )
        page = page_of(sme.get(case_url(resolved)))
        assert fr("The request was reopened.") in page

    def test_a_reason_is_required_to_reopen(self, sme, resolved):
        response = sme.post(case_url(resolved, "reopen"), {"reason": "  "})
        assert response.status_code == 200
        assert fr("Say what is still not solved.") in page_of(response)
        assert Case.objects.get(pk=resolved.pk).status == S.RESOLVED
        assert not CaseNote.objects.exists()

    def test_after_the_hubs_reopen_window_the_case_stays_resolved(self, sme, hub, resolved):
        hub.reopen_days = 30
        hub.save()
        Case.objects.filter(pk=resolved.pk).update(resolved_at=timezone.now() - datetime.timedelta(days=31))

        page = page_of(sme.get(case_url(resolved)))
        assert f'action="{case_url(resolved, "reopen")}"' not in page
        assert fr("The time to reopen this request has passed: send a new request if you still need help.") in page

        response = sme.post(case_url(resolved, "reopen"), {"reason": "Toujours en panne."})
        assert response.status_code == 200
        assert "ne peut plus être rouverte" in page_of(response)
        assert Case.objects.get(pk=resolved.pk).status == S.RESOLVED
        assert not CaseNote.objects.exists()
        assert not CaseEvent.objects.exists()

    def test_the_last_day_of_the_window_still_reopens(self, sme, hub, resolved):
        Case.objects.filter(pk=resolved.pk).update(
            resolved_at=timezone.now() - datetime.timedelta(days=hub.reopen_days, hours=-1)
        )
        sme.post(case_url(resolved, "reopen"), {"reason": "Toujours en panne."})
        assert Case.objects.get(pk=resolved.pk).status == S.IN_PROGRESS


class TestRateFromThePage:
    def test_the_button_says_it_sends_the_rating(self, sme, resolved):
        page = page_of(sme.get(case_url(resolved)))
        assert '<button type="submit" class="primary">Envoyer mon évaluation</button>' in page
        assert "Envoyer ma note" not in page

    def test_the_sme_rates_a_resolved_case_once(self, sme, resolved):
        response = sme.post(case_url(resolved, "rate"), {"rating": "4", "comment": " Rapide et clair. "}, follow=True)

        resolved.refresh_from_db()
        assert (resolved.satisfaction_rating, resolved.satisfaction_comment) == (4, "Rapide et clair.")
        assert resolved.rated_at is not None
        page = page_of(response)
        assert fr("Thank you for your rating!") in page
        assert f'action="{case_url(resolved, "rate")}"' not in page

        again = sme.post(case_url(resolved, "rate"), {"rating": "1", "comment": "Finalement non"})
        assert "Cette demande a déjà été évaluée." in page_of(again)
        resolved.refresh_from_db()
        assert (resolved.satisfaction_rating, resolved.satisfaction_comment) == (4, "Rapide et clair.")

    @pytest.mark.parametrize("rating", ["0", "6", "", "cinq"])
    def test_a_rating_outside_1_to_5_is_refused(self, sme, resolved, rating):
        response = sme.post(case_url(resolved, "rate"), {"rating": rating})
        assert response.status_code == 200
        assert response.context["rate_form"].errors["rating"]
        assert Case.objects.get(pk=resolved.pk).satisfaction_rating is None

    def test_a_case_still_in_progress_cannot_be_rated(self, sme, working):
        response = sme.post(case_url(working, "rate"), {"rating": "5"})
        assert "Une demande ne peut être évaluée qu’une fois résolue." in page_of(response)
        assert Case.objects.get(pk=working.pk).satisfaction_rating is None


class TestCasePage:
    def test_the_page_shows_the_answer_the_steps_in_plain_words_and_the_question_asked(
        self, sme, sme_user, manager, referent, enterprise
    ):
        case = services.case_create(enterprise=enterprise, by=sme_user, domain="agro", title="Presse", description="x")
        services.case_qualify(case=case, by=manager, domain="agro", priority="high", note="Client difficile")
        services.case_assign(case=case, referent=referent, by=manager)
        services.case_transition(case=case, to_status=S.IN_PROGRESS, by=referent, note="Devis fournisseur à 2 M")
        services.case_transition(
            case=case, to_status=S.WAITING_SME, by=referent, note="Envoyez-nous une photo de la presse."
        )
        CaseNoteFactory(case=case, author=referent, visibility=CaseNote.Visibility.INTERNAL, body="Note interne")

        page = page_of(sme.get(case_url(case)))

        for step in (
            "We received your request.",
            "Your request was accepted and is being prepared.",
            "A technology referent is now in charge of your request.",
            "Work on your request has started.",
            "We asked you for information.",
            "We are waiting for your answer: read the last message and reply below.",
        ):
            assert fr(step) in page
        assert "Envoyez-nous une photo de la presse." in page
        for staff_only in ("Client difficile", "Devis fournisseur à 2 M", "Note interne"):
            assert staff_only not in page

    def test_a_resolved_case_shows_its_answer_and_the_actions(self, sme, resolved):
        page = page_of(sme.get(case_url(resolved)))
        assert "Séchoir de 20 m² installé, formation faite." in page
        for action in ("confirm", "reopen", "rate", "reply"):
            assert f'action="{case_url(resolved, action)}"' in page

    def test_the_page_costs_the_same_queries_however_long_the_conversation(self, sme, sme_user, referent, resolved):
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert sme.get(case_url(resolved)).status_code == 200
            return len(captured)

        CaseNoteFactory(case=resolved, author=referent, visibility=CaseNote.Visibility.SME)
        services.case_attach_files(case=resolved, by=sme_user, uploads=[pdf()])
        few = queries()
        for _ in range(4):
            CaseNoteFactory(case=resolved, author=referent, visibility=CaseNote.Visibility.SME)
            CaseEvent.objects.create(
                case=resolved, from_status=S.IN_PROGRESS, to_status=S.RESOLVED, created_at=timezone.now()
            )
        services.case_attach_files(case=resolved, by=sme_user, uploads=[pdf("b.pdf"), pdf("c.pdf")])
        assert queries() == few

    @pytest.mark.parametrize(
        "url", ["/portal/", "/portal/requests/new/", "/portal/requests/{pk}/", "/portal/rate/{token}/"]
    )
    def test_portal_pages_are_not_kept_in_the_browsers_cache(self, sme, resolved, url):
        response = sme.get(url.format(pk=resolved.pk, token=rating_token(resolved)))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]

    def test_unknown_actions_and_get_requests_change_nothing(self, sme, resolved):
        assert sme.post(case_url(resolved, "delete")).status_code == 404
        assert sme.get(case_url(resolved, "confirm")).status_code == 405
        assert Case.objects.get(pk=resolved.pk).status == S.RESOLVED


class TestAttachments:
    def test_a_shared_file_downloads_as_an_attachment(self, sme, sme_user, resolved):
        attachment = services.case_attach_files(case=resolved, by=sme_user, uploads=[pdf("Devis séchoir.pdf")])[0]
        url = f"{case_url(resolved)}attachments/{attachment.token}/"
        assert f'href="{url}"' in sme.get(case_url(resolved)).content.decode()

        response = sme.get(url)

        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 devis"
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''Devis%20s%C3%A9choir.pdf" in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "/media/" not in sme.get(case_url(resolved)).content.decode()

    def test_a_file_not_shared_with_the_sme_is_not_found(self, sme, manager, resolved):
        hidden = services.case_attach_files(case=resolved, by=manager, uploads=[pdf()], visible_to_sme=False)[0]
        assert hidden.original_name not in sme.get(case_url(resolved)).content.decode()
        assert sme.get(f"{case_url(resolved)}attachments/{hidden.token}/").status_code == 404

    def test_a_file_of_another_case_is_not_reached_through_ones_own_case(self, sme, hub, manager, resolved):
        neighbour = CaseFactory(enterprise=EnterpriseFactory(hub=hub))
        theirs = services.case_attach_files(case=neighbour, by=manager, uploads=[pdf()])[0]
        assert sme.get(f"{case_url(resolved)}attachments/{theirs.token}/").status_code == 404
        assert sme.get(f"{case_url(neighbour)}attachments/{theirs.token}/").status_code == 404

    def test_staff_and_anonymous_visitors_do_not_use_the_portal_download(self, client, manager, sme_user, resolved):
        attachment = services.case_attach_files(case=resolved, by=sme_user, uploads=[pdf()])[0]
        url = f"{case_url(resolved)}attachments/{attachment.token}/"
        assert client.get(url)["Location"].startswith("/login/")
        client.force_login(manager)
        assert client.get(url).status_code == 403


class TestOtherEnterprises:
    @pytest.fixture
    def neighbours_case(self, hub, manager):
        case = CaseFactory(enterprise=EnterpriseFactory(hub=hub), status=S.RESOLVED, resolution_summary="Fait")
        services.case_attach_files(case=case, by=manager, uploads=[pdf()])
        return case

    def test_every_portal_route_answers_404_for_another_enterprises_case(self, sme, neighbours_case):
        attachment = neighbours_case.attachments.get()
        posts = {"reply": {"body": "Bonjour"}, "confirm": {}, "reopen": {"reason": "Non"}, "rate": {"rating": "5"}}
        for action, data in posts.items():
            assert sme.post(case_url(neighbours_case, action), data).status_code == 404
            assert sme.post(f"/portal/requests/999999/{action}/", data).status_code == 404
        assert sme.get(case_url(neighbours_case)).status_code == 404
        assert sme.get(f"{case_url(neighbours_case)}attachments/{attachment.token}/").status_code == 404
        neighbours_case.refresh_from_db()
        assert (neighbours_case.status, neighbours_case.satisfaction_rating) == (S.RESOLVED, None)
        assert not CaseNote.objects.exists()


def link_signed_days_ago(monkeypatch, case, days: int) -> str:
    with monkeypatch.context() as patched:
        patched.setattr("django.core.signing.time", SimpleNamespace(time=lambda: time.time() - days * 86400))
        return rating_token(case)


class TestRatingLink:
    def test_the_token_names_the_case_and_nothing_else_opens_it(self, resolved):
        assert case_from_rating_token(rating_token(resolved)) == resolved
        assert case_from_rating_token(rating_token(resolved) + "x") is None
        assert case_from_rating_token(signing.dumps(resolved.pk, salt="accounts.invite")) is None
        assert case_from_rating_token(signing.dumps("1", salt="cases.rating")) is None

    def test_the_sme_rates_without_signing_in_and_is_thanked(self, client, resolved):
        url = f"/portal/rate/{rating_token(resolved)}/"
        page = page_of(client.get(url))
        assert resolved.reference in page
        assert resolved.title in page
        assert "Séchoir de 20 m² installé, formation faite." in page

        response = client.post(url, {"rating": "5", "comment": "Merci à Seydou"}, follow=True)

        resolved.refresh_from_db()
        assert (resolved.satisfaction_rating, resolved.satisfaction_comment) == (5, "Merci à Seydou")
        assert resolved.history.first().satisfaction_rating == 5
        assert response.redirect_chain == [(url, 302)]
        thanks = page_of(response)
        assert fr("Thank you for your rating!") in thanks
        assert fr("This request has been rated. Thank you for your answer!") in thanks
        assert '<form method="post" novalidate>' not in thanks

    def test_the_button_says_it_sends_the_rating(self, client, resolved):
        page = page_of(client.get(f"/portal/rate/{rating_token(resolved)}/"))
        assert '<button type="submit" class="primary">Envoyer mon évaluation</button>' in page
        assert "Envoyer ma note" not in page

    def test_the_page_shows_nothing_but_reference_title_and_summary(self, client, referent, resolved):
        CaseNoteFactory(case=resolved, author=referent, visibility=CaseNote.Visibility.SME, body="Message privé")
        page = page_of(client.get(f"/portal/rate/{rating_token(resolved)}/"))
        for private in (
            resolved.description,
            resolved.enterprise.name,
            "Message privé",
            resolved.enterprise.owner_name,
        ):
            assert private not in page

    def test_a_case_is_rated_once_whichever_way(self, client, sme_user, resolved):
        services.case_rate(case=resolved, by=sme_user, rating=3)
        url = f"/portal/rate/{rating_token(resolved)}/"

        assert fr("This request has been rated. Thank you for your answer!") in page_of(client.get(url))
        response = client.post(url, {"rating": "1"})
        assert fr("This request has been rated. Thank you for your answer!") in page_of(response)
        assert Case.objects.get(pk=resolved.pk).satisfaction_rating == 3

    def test_a_bad_rating_is_refused_in_french(self, client, resolved):
        response = client.post(f"/portal/rate/{rating_token(resolved)}/", {"rating": "9"})
        assert response.status_code == 200
        assert "Sélectionnez un choix valide." in page_of(response)
        assert Case.objects.get(pk=resolved.pk).satisfaction_rating is None

    def test_a_reopened_case_waits_for_its_new_resolution(self, client, working):
        url = f"/portal/rate/{rating_token(working)}/"
        assert fr("This request is being worked on again: you can rate it once it is resolved.") in page_of(
            client.get(url)
        )
        client.post(url, {"rating": "2"})
        assert Case.objects.get(pk=working.pk).satisfaction_rating is None

    @pytest.mark.parametrize("token", ["nimportequoi", "MQ:1tAbCd:forged-signature"])
    def test_an_invalid_link_gets_a_clear_page(self, client, resolved, token):
        response = client.get(f"/portal/rate/{token}/")
        assert response.status_code == 404
        assert fr("This link cannot be used") in page_of(response)
        assert client.post(f"/portal/rate/{token}/", {"rating": "5"}).status_code == 404
        assert Case.objects.get(pk=resolved.pk).satisfaction_rating is None

    def test_a_link_is_valid_60_days(self, client, resolved, monkeypatch):
        fresh = link_signed_days_ago(monkeypatch, resolved, 59)
        expired = link_signed_days_ago(monkeypatch, resolved, 61)

        response = client.post(f"/portal/rate/{expired}/", {"rating": "5"})
        assert response.status_code == 404
        assert fr(
            "This rating link is not valid or has expired (links are valid for 60 days). You can rate the request "
            "from your space, or tell us what you think when we call you."
        ) in page_of(response)
        assert Case.objects.get(pk=resolved.pk).satisfaction_rating is None
        client.post(f"/portal/rate/{fresh}/", {"rating": "5"})
        assert Case.objects.get(pk=resolved.pk).satisfaction_rating == 5

    def test_the_form_is_protected_against_cross_site_posts(self, resolved):
        browser = Client(enforce_csrf_checks=True)
        url = f"/portal/rate/{rating_token(resolved)}/"
        assert browser.post(url, {"rating": "1"}).status_code == 403
        assert Case.objects.get(pk=resolved.pk).satisfaction_rating is None

        page = browser.get(url).content.decode()
        token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        assert browser.post(url, {"rating": "4", "csrfmiddlewaretoken": token}).status_code == 302
        assert Case.objects.get(pk=resolved.pk).satisfaction_rating == 4
