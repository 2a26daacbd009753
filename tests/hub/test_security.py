"""Sign-in lockout that a forged address does not bypass, session timeouts, sessions and tokens ended
on sign-out and deactivation, the Content Security Policy, and the security log."""

import logging
import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from hub import security
from tests.factories import PASSWORD

LOCKED = "Trop de tentatives"


def sign_in(client, username, password=PASSWORD, **headers):
    return client.post("/login/", {"username": username, "password": password}, **headers)


class TestLockout:
    def test_five_failures_lock_the_name_even_with_the_right_password(self, client, manager):
        for _attempt in range(security.LOCKOUT_ATTEMPTS):
            assert sign_in(client, "manager", "wrong-password").status_code == 200
        refused = sign_in(client, "manager")
        assert refused.status_code == 200
        assert LOCKED in refused.content.decode()
        assert "_auth_user_id" not in client.session

    def test_a_forged_forwarded_address_does_not_reset_the_count(self, client, manager):
        for attempt in range(security.LOCKOUT_ATTEMPTS):
            sign_in(client, "manager", "wrong-password", HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}")
        refused = sign_in(client, "manager", HTTP_X_FORWARDED_FOR="10.9.9.9")
        assert LOCKED in refused.content.decode()

    def test_an_unknown_name_is_locked_with_the_same_words(self, client, db):
        answers = [sign_in(client, "personne", "wrong").content.decode() for _ in range(security.LOCKOUT_ATTEMPTS + 1)]
        assert LOCKED not in answers[0]
        assert LOCKED in answers[-1]

    def test_the_lock_covers_the_phone_number_spelled_otherwise(self, client, sme_user):
        sme_user.phone = "+22376123456"
        sme_user.save()
        for _attempt in range(security.LOCKOUT_ATTEMPTS):
            sign_in(client, "76 12 34 56", "wrong-password")
        assert LOCKED in sign_in(client, "+223 76 12 34 56").content.decode()

    def test_the_api_token_is_refused_too_while_locked(self, client, manager):
        for _attempt in range(security.LOCKOUT_ATTEMPTS):
            client.post("/api/v1/auth/token/", {"username": "manager", "password": "wrong"})
        refused = client.post("/api/v1/auth/token/", {"username": "manager", "password": PASSWORD})
        assert refused.status_code in (400, 429)
        assert "token" not in refused.json()

    def test_a_success_clears_the_count(self, client, manager):
        for _attempt in range(security.LOCKOUT_ATTEMPTS - 1):
            sign_in(client, "manager", "wrong-password")
        assert sign_in(client, "manager").status_code == 302
        client.logout()
        for _attempt in range(security.LOCKOUT_ATTEMPTS - 1):
            sign_in(client, "manager", "wrong-password")
        assert sign_in(client, "manager").status_code == 302


class TestSessions:
    def test_an_idle_session_ends(self, client, manager):
        sign_in(client, "manager")
        session = client.session
        session["seen_at"] = timezone.now().timestamp() - security.SESSION_IDLE.total_seconds() - 60
        session.save()
        response = client.get("/manage/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")

    def test_a_session_ends_after_the_absolute_limit_even_when_busy(self, client, manager):
        sign_in(client, "manager")
        session = client.session
        session["signed_in_at"] = timezone.now().timestamp() - security.SESSION_ABSOLUTE.total_seconds() - 60
        session.save()
        assert client.get("/manage/").status_code == 302

    def test_an_active_session_goes_on(self, client, manager):
        sign_in(client, "manager")
        assert client.get("/manage/").status_code == 200
        assert security.SESSION_ABSOLUTE.total_seconds() >= settings.SESSION_COOKIE_AGE

    def test_signing_out_ends_the_other_sessions_and_the_tokens(self, manager):
        office, phone = Client(), Client()
        sign_in(office, "manager")
        sign_in(phone, "manager")
        Token.objects.create(user=manager)
        office.post("/logout/")
        assert phone.get("/manage/").status_code == 302
        assert not Token.objects.filter(user=manager).exists()

    def test_deactivating_a_user_ends_their_sessions_and_tokens(self, client, manager):
        sign_in(client, "manager")
        token = Token.objects.create(user=manager)
        manager.is_active = False
        manager.save()
        assert client.get("/manage/").status_code == 302
        assert not Token.objects.filter(key=token.key).exists()


class TestHeadersAndLog:
    def test_pages_and_the_api_carry_a_policy_without_inline_scripts(self, client, manager):
        client.force_login(manager)
        for url in ("/manage/", "/api/v1/cases/", "/login/"):
            policy = client.get(url)["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
            assert "frame-ancestors 'none'" in policy

    def test_no_template_holds_an_inline_script(self):
        scripts = re.compile(r"<script(?![^>]*\b(src|type=\"application/json\")\b)[^>]*>", re.IGNORECASE)
        templates = [
            path
            for root in (Path(settings.BASE_DIR) / name for name in ("hub", "cases", "visits", "api"))
            for path in root.rglob("templates/**/*.html")
        ]
        assert templates
        assert [str(path) for path in templates if scripts.search(path.read_text())] == []

    def test_failures_and_refusals_are_logged_without_the_password(self, client, referent, caplog):
        with caplog.at_level(logging.INFO, logger="hub.security"):
            sign_in(client, "referent", "secret-typed-wrong")
            sign_in(client, "referent")
            client.get("/manage/reports/")
        text = caplog.text
        assert "sign-in failed for 'referent'" in text
        assert f"signed in: user {referent.pk}" in text
        assert f"refused: GET /manage/reports/ for user {referent.pk}" in text
        assert "secret-typed-wrong" not in text and PASSWORD not in text
