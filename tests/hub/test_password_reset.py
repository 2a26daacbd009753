"""Resetting a forgotten password: one answer whatever was typed, a link by text message and e-mail that
works once and for a limited time, the validators, and the other sessions and tokens ended."""

import datetime
import logging
import re
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import Client, RequestFactory
from rest_framework.authtoken.models import Token

from hub import security
from hub.models import User
from tests.factories import PASSWORD, SmeUserFactory, UserFactory

RESET = "/accounts/password-reset/"
NEW = "mangue-de-sikasso-2026"


@pytest.fixture
def awa(enterprise):
    return SmeUserFactory(enterprise=enterprise, phone="+22376123456", email="awa@example.org", language="fr")


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """POSTs the request form as the person would, running what waits for the commit."""

    def ask(identifier: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(RESET, {"identifier": identifier})

    return ask


def link_in(text: str) -> str:
    (url,) = re.findall(r"https://hub\.example\.org(/accounts/password-reset/[^/\s]+/[^/\s]+/)", text)
    return url


def choose(client: Client, url: str, password1: str, password2: str | None = None):
    """Opens the link (Django moves the token to the session and redirects), then posts the form."""
    form_url = client.get(url).url
    return form_url, client.post(form_url, {"password1": password1, "password2": password2 or password1})


class TestRequest:
    def test_a_phone_number_gets_a_text_message_and_an_email_with_the_link(self, ask, awa, sms_outbox, mailoutbox):
        response = ask("76 12 34 56")

        assert response.status_code == 302 and response.url == "/accounts/password-reset/sent/"
        (message,) = sms_outbox
        assert message.to == "+22376123456"
        assert "nouveau mot de passe" in message.body and len(message.body) < 320
        (mail,) = mailoutbox
        assert mail.to == ["awa@example.org"]
        assert link_in(mail.body) == link_in(message.body)

    @pytest.mark.parametrize("identifier", ["+22376123456", "AWA@example.org"])
    def test_the_e164_number_or_the_email_in_any_case_find_the_account(self, ask, awa, identifier, sms_outbox):
        ask(identifier)

        assert [message.to for message in sms_outbox] == ["+22376123456"]

    def test_the_answer_is_the_same_whether_the_account_exists_or_not(self, client, ask, awa, sms_outbox, mailoutbox):
        known = ask("76 12 34 56")
        unknown = ask("76 99 99 99")

        assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
        assert len(sms_outbox) == 1 and len(mailoutbox) == 1
        page = client.get(known.url).content.decode()
        assert "Si un compte correspond" in page

    def test_inactive_accounts_and_accounts_without_a_password_get_nothing(self, ask, enterprise, sms_outbox):
        SmeUserFactory(enterprise=enterprise, phone="+22376000001", is_active=False)
        invited = SmeUserFactory(enterprise=enterprise, phone="+22376000002")
        invited.set_unusable_password()
        invited.save()

        ask("76 00 00 01")
        ask("76 00 00 02")

        assert sms_outbox == []

    def test_past_three_requests_an_hour_nothing_more_is_sent_and_the_answer_does_not_change(
        self, ask, awa, sms_outbox
    ):
        answers = [ask("76 12 34 56") for _ in range(security.TEXTS_PER_NAME + 2)]

        assert len(sms_outbox) == security.TEXTS_PER_NAME
        assert {(answer.status_code, answer.url) for answer in answers} == {(302, "/accounts/password-reset/sent/")}

    def test_an_empty_or_overlong_identifier_is_a_form_error_in_french(self, client, sms_outbox):
        empty = client.post(RESET, {"identifier": ""})
        overlong = client.post(RESET, {"identifier": "7" * 300})

        assert empty.status_code == overlong.status_code == 200
        assert "Ce champ est obligatoire" in empty.content.decode()
        assert "au plus 254 caractères" in overlong.content.decode()
        assert sms_outbox == []

    def test_the_login_page_links_to_the_reset(self, client):
        assert RESET in client.get("/login/").content.decode()


class TestNewPassword:
    def test_the_link_sets_the_new_password_once(self, client, ask, awa, sms_outbox):
        ask("76 12 34 56")
        url = link_in(sms_outbox[0].body)

        form_url, response = choose(client, url, NEW)

        assert response.status_code == 302 and response.url == "/accounts/password-reset/done/"
        awa.refresh_from_db()
        assert awa.check_password(NEW) and not awa.check_password(PASSWORD)
        assert SESSION_KEY not in client.session
        again = client.get(url, follow=True)
        assert again.context["validlink"] is False
        assert "plus valable" in again.content.decode()

    def test_the_person_then_signs_in_with_the_new_password(self, client, ask, awa, sms_outbox):
        ask("76 12 34 56")
        choose(client, link_in(sms_outbox[0].body), NEW)

        response = client.post("/login/", {"username": "76 12 34 56", "password": NEW})

        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(awa.pk)

    def test_a_weak_or_mismatched_password_is_refused_and_the_old_one_stays(self, client, ask, awa, sms_outbox):
        ask("76 12 34 56")
        url = link_in(sms_outbox[0].body)

        form_url, weak = choose(client, url, "12345678")
        mismatched = client.post(form_url, {"password1": NEW, "password2": NEW + "x"})

        assert weak.status_code == mismatched.status_code == 200
        assert "trop courant" in weak.content.decode() or "entièrement numérique" in weak.content.decode()
        assert "Les deux mots de passe ne sont pas identiques" in mismatched.content.decode()
        awa.refresh_from_db()
        assert awa.check_password(PASSWORD)

    def test_a_forged_link_shows_that_it_is_not_valid(self, client, awa):
        response = client.get(f"/accounts/password-reset/{awa.pk}/forged-token/", follow=True)

        assert response.status_code == 200 and response.context["validlink"] is False

    def test_a_link_expires_after_the_timeout(self, client, ask, awa, sms_outbox, settings):
        ask("76 12 34 56")
        url = link_in(sms_outbox[0].body)
        # Django's token generator counts in naive local time.
        later = datetime.datetime.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)  # noqa: DTZ005

        with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
            response = client.get(url, follow=True)

        assert response.context["validlink"] is False

    def test_other_sessions_and_api_tokens_end_and_the_lockout_is_lifted(self, ask, awa, sms_outbox):
        elsewhere = Client()
        elsewhere.force_login(awa)
        Token.objects.create(user=awa)
        for _ in range(settings.AXES_FAILURE_LIMIT):
            Client().post("/login/", {"username": "76 12 34 56", "password": "wrong-password"})
        assert security.lockout(username="+22376123456", request=RequestFactory().post("/login/")) == "locked"

        ask("76 12 34 56")
        choose(Client(), link_in(sms_outbox[0].body), NEW)

        assert elsewhere.get("/portal/").status_code == 302
        assert not Token.objects.filter(user=awa).exists()
        assert security.lockout(username="+22376123456", request=RequestFactory().post("/login/")) is None

    def test_the_security_log_records_the_reset_without_the_token_or_password(self, ask, awa, sms_outbox, caplog):
        with caplog.at_level(logging.INFO, logger="hub.security"):
            ask("76 12 34 56")
            url = link_in(sms_outbox[0].body)
            choose(Client(), url, NEW)

        assert f"password reset: user {awa.pk}" in caplog.text
        assert url.rstrip("/").rsplit("/", 1)[-1] not in caplog.text
        assert NEW not in caplog.text

    def test_a_staff_member_with_only_a_user_name_and_an_email_resets_too(self, client, ask, hub, mailoutbox):
        staff = UserFactory(username="moussa", email="moussa@example.org", phone=None)

        ask("Moussa")
        choose(client, link_in(mailoutbox[0].body), NEW)

        assert User.objects.get(pk=staff.pk).check_password(NEW)
