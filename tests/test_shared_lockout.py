"""The sign-in lockout behind the proxy, on real app servers (`make test-postgres`): gunicorn with the
production settings, reached as nginx reaches it (from 127.0.0.1, the trusted proxy, with the person's
address in X-Forwarded-For) or straight from another address of the machine (an untrusted client, whose
X-Forwarded-For is ignored). Failed sign-ins are counted in the database, per (account, address), so
every server and every server started later agrees; the token throttle counts per pair in the shared
cache (the database's, or Redis when REDIS_URL is set).
"""

import os

import pytest
import redis
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils.crypto import get_random_string

from tests.factories import ReferentUserFactory
from tests.factories.hub import PASSWORD
from tests.test_app_servers import Server

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
LIMIT = settings.AXES_FAILURE_LIMIT
UNTRUSTED = "127.0.0.5"
"""An address of the machine that is not the proxy's: what a client reaching gunicorn directly would be."""


@pytest.fixture
def start(tmp_path):
    secret_key = get_random_string(60)
    started = []

    def start(**extra_env) -> Server:
        server = Server(log_dir=tmp_path, secret_key=secret_key, extra_env=extra_env)
        started.append(server)
        server.wait_until_ready()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def referent(db):
    referent = ReferentUserFactory()
    referent.password = make_password(PASSWORD, hasher="pbkdf2_sha256")  # a hasher the servers know
    referent.save(update_fields=["password"])
    return referent


def sign_in(server: Server, username: str, password: str, *, forwarded_for: str | None = None, source="127.0.0.1"):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return server.api(
        "POST", "/api/v1/auth/token/", data={"username": username, "password": password}, auth=headers, source=source
    )


def test_behind_the_proxy_a_locked_out_attacker_does_not_lock_out_the_real_user(start, referent):
    a, b = start(), start()

    for attempt in range(LIMIT):
        status, _body = sign_in((a, b)[attempt % 2], referent.username, "wrong", forwarded_for="203.0.113.66")
        assert status == 400

    status, body = sign_in(a, referent.username, PASSWORD, forwarded_for="203.0.113.66")
    assert status == 400
    assert "token" not in body
    assert sign_in(start(), referent.username, PASSWORD, forwarded_for="203.0.113.66")[0] == 400
    status, body = sign_in(b, referent.username, PASSWORD, forwarded_for="198.51.100.20")
    assert status == 200
    assert body["token"]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}


def test_a_forged_forwarded_address_from_an_untrusted_client_is_ignored(start, referent):
    server = start()

    for attempt in range(LIMIT):
        sign_in(server, referent.username, "wrong", forwarded_for=f"198.51.100.{attempt}", source=UNTRUSTED)

    assert sign_in(server, referent.username, PASSWORD, forwarded_for="198.51.100.99", source=UNTRUSTED)[0] == 400
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {UNTRUSTED}
    assert sign_in(server, referent.username, PASSWORD, forwarded_for="198.51.100.99")[0] == 200


def test_the_token_throttle_counts_per_account_and_address_on_every_server(start):
    a, b = start(), start()
    answers = [sign_in((a, b)[n % 2], "someone", "wrong", forwarded_for="203.0.113.66")[0] for n in range(11)]
    assert answers[:10] == [400] * 10
    assert answers[10] == 429

    office = [sign_in(a, f"colleague-{n}", "wrong", forwarded_for="203.0.113.66")[0] for n in range(12)]
    assert 429 not in office


@pytest.mark.redis
def test_with_redis_the_token_throttle_is_shared_there(start):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("REDIS_URL is not set: `make test-postgres` sets it to the Redis of the machine")
    connection = redis.Redis.from_url(url)
    connection.flushdb()  # the database of REDIS_URL is the tests' own (db 15 in the Makefile)
    try:
        a, b = start(REDIS_URL=url), start(REDIS_URL=url)
        answers = [sign_in((a, b)[n % 2], "someone", "wrong", forwarded_for="203.0.113.66")[0] for n in range(11)]
        assert answers[10] == 429
        assert any(key.startswith(b":1:throttle_login_") for key in connection.keys("*"))
    finally:
        connection.flushdb()
