"""Sign-in lockout that a forged address does not bypass, session timeouts, sessions and tokens ended
on sign-out and deactivation, the Content Security Policy, and the security log."""

import logging
import re
from pathlib import Path

from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import timezone
from rest_framework.authtoken.models import Token

from hub import security
from tests.factories import PASSWORD

LOCKED = "Trop de tentatives"


def sign_in(client, username, password=PASSWORD, **headers):
    return client.post("/login/", {"username": username, "password": password}, **headers)


LIMIT = settings.AXES_FAILURE_LIMIT


class TestClientAddress:
    def address(self, remote, forwarded=None):
        headers = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            headers["HTTP_X_FORWARDED_FOR"] = forwarded
        return security.client_address(RequestFactory().get("/", **headers))

    def test_the_proxy_on_the_machine_is_believed(self):
        assert self.address("127.0.0.1", "203.0.113.7") == "203.0.113.7"
        assert self.address("::1", "2001:db8::7") == "2001:db8::7"

    def test_what_a_client_wrote_before_the_proxy_is_not_believed(self):
        assert self.address("127.0.0.1", "10.9.9.9, 203.0.113.7") == "203.0.113.7"

    def test_a_header_from_anyone_else_is_ignored(self):
        assert self.address("198.51.100.4", "203.0.113.7") == "198.51.100.4"
        assert self.address("127.0.0.2", "203.0.113.7") == "127.0.0.2"

    def test_a_chain_of_trusted_proxies_is_walked_back_to_the_client(self, settings):
        settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
        assert self.address("127.0.0.1", "192.0.2.1, 203.0.113.7, 10.1.2.3") == "203.0.113.7"

    def test_a_malformed_header_leaves_the_last_address_believed(self):
        assert self.address("127.0.0.1", "not-an-address") == "127.0.0.1"
        assert self.address("127.0.0.1", "not-an-address, 203.0.113.7") == "203.0.113.7"


class TestLockout:
    def test_five_failures_lock_the_account_from_that_address_even_with_the_right_password(self, client, manager):
        for _attempt in range(LIMIT):
            assert sign_in(client, "manager", "wrong-password").status_code == 200
        refused = sign_in(client, "manager")
        assert refused.status_code == 200
        assert LOCKED in refused.content.decode()
        assert "_auth_user_id" not in client.session

    def test_behind_the_proxy_each_client_address_is_counted_apart(self, client, manager):
        for _attempt in range(LIMIT):
            sign_in(client, "manager", "wrong-password", HTTP_X_FORWARDED_FOR="203.0.113.66")
        assert LOCKED in sign_in(client, "manager", HTTP_X_FORWARDED_FOR="203.0.113.66").content.decode()

        real_user = Client()
        assert sign_in(real_user, "manager", HTTP_X_FORWARDED_FOR="198.51.100.20").status_code == 302

    def test_a_forged_forwarded_address_from_an_untrusted_client_does_not_reset_the_count(self, client, manager):
        for attempt in range(LIMIT):
            sign_in(
                client,
                "manager",
                "wrong-password",
                REMOTE_ADDR="203.0.113.66",
                HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}",
            )
        refused = sign_in(client, "manager", REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR="10.9.9.9")
        assert LOCKED in refused.content.decode()

    def test_failures_under_many_names_from_one_office_do_not_lock_anyone_else_out(self, client, manager):
        for attempt in range(30):
            sign_in(client, f"person-{attempt}", "wrong-password", HTTP_X_FORWARDED_FOR="203.0.113.66")
        assert sign_in(Client(), "manager", HTTP_X_FORWARDED_FOR="203.0.113.66").status_code == 302

    def test_an_unknown_name_is_locked_with_the_same_words(self, client, db):
        answers = [sign_in(client, "personne", "wrong").content.decode() for _ in range(LIMIT + 1)]
        assert LOCKED not in answers[0]
        assert LOCKED in answers[-1]

    def test_the_lock_covers_the_account_whatever_its_spelling(self, client, sme_user):
        sme_user.phone = "+22376123456"
        sme_user.save()
        for attempt in range(LIMIT):
            sign_in(
                client,
                "76 12 34 56" if attempt % 2 else sme_user.username.upper(),
                "wrong-password",
            )
        assert LOCKED in sign_in(client, "+223 76 12 34 56").content.decode()
        assert LOCKED in sign_in(client, sme_user.username).content.decode()

    def test_the_api_token_is_refused_too_while_locked(self, client, manager):
        for _attempt in range(LIMIT):
            client.post("/api/v1/auth/token/", {"username": "manager", "password": "wrong"})
        refused = client.post("/api/v1/auth/token/", {"username": "manager", "password": PASSWORD})
        assert refused.status_code == 400
        assert "token" not in refused.json()
        assert LOCKED in refused.json()["non_field_errors"][0]

    def test_a_success_clears_the_count(self, client, manager):
        for _attempt in range(LIMIT - 1):
            sign_in(client, "manager", "wrong-password")
        assert sign_in(client, "manager").status_code == 302
        client.logout()
        for _attempt in range(LIMIT - 1):
            sign_in(client, "manager", "wrong-password")
        assert sign_in(client, "manager").status_code == 302

    def test_failures_from_many_addresses_slow_the_account_down_for_seconds(self, client, manager):
        for attempt in range(security.ACCOUNT_SLOWDOWN_AFTER):
            sign_in(client, "manager", "wrong-password", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
        slowed = sign_in(Client(), "manager", HTTP_X_FORWARDED_FOR="198.51.100.20")
        assert "Trop de tentatives sur ce compte" in slowed.content.decode()

        AccessAttempt.objects.update(attempt_time=timezone.now() - security.ACCOUNT_SLOWDOWN_INTERVAL)
        assert sign_in(Client(), "manager", HTTP_X_FORWARDED_FOR="198.51.100.20").status_code == 302


class TestTokenThrottle:
    def test_an_office_behind_one_address_is_not_refused(self, client, db):
        answers = [
            client.post("/api/v1/auth/token/", {"username": f"person-{n}", "password": "wrong"}).status_code
            for n in range(15)
        ]
        assert 429 not in answers

    def test_one_account_retrying_from_one_address_is_throttled(self, client, db):
        answers = [
            client.post("/api/v1/auth/token/", {"username": "person", "password": "wrong"}).status_code
            for _ in range(11)
        ]
        assert answers[-1] == 429
        assert client.post("/api/v1/auth/token/", {"username": "other", "password": "wrong"}).status_code == 400


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
