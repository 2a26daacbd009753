"""The sign-in lockout holds across app servers (`make test-postgres`, with the Redis at REDIS_URL): two
gunicorn servers with the production settings share their cache in Redis, as docs/DEPLOY.md sets them
up. Failed sign-ins spread over both, each with a different forged X-Forwarded-For, lock the name on
both; a server started afterwards refuses it too, so the count lives in Redis, not in a process; and
the right password is refused while the name is locked.
"""

import os

import pytest
import redis
from django.contrib.auth.hashers import make_password
from django.utils.crypto import get_random_string

from hub.security import LOCKOUT_ATTEMPTS
from tests.factories import ReferentUserFactory
from tests.factories.hub import PASSWORD
from tests.test_app_servers import Server

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("REDIS_URL is not set: `make test-postgres` sets it to the Redis of the machine")
    connection = redis.Redis.from_url(url)
    connection.flushdb()  # the database of REDIS_URL is the tests' own (db 15 in the Makefile)
    yield url
    connection.flushdb()


@pytest.fixture
def start(tmp_path, redis_url):
    secret_key = get_random_string(60)
    started = []

    def start() -> Server:
        server = Server(log_dir=tmp_path, secret_key=secret_key, extra_env={"REDIS_URL": redis_url})
        started.append(server)
        server.wait_until_ready()
        return server

    yield start
    for server in started:
        server.stop()


def sign_in(server: Server, username: str, password: str, forwarded_for: str) -> int:
    status, _body = server.api(
        "POST",
        "/api/v1/auth/token/",
        data={"username": username, "password": password},
        auth={"X-Forwarded-For": forwarded_for},
    )
    return status


def test_failed_sign_ins_on_two_servers_lock_the_name_on_every_server(start, redis_url):
    referent = ReferentUserFactory()
    referent.password = make_password(PASSWORD, hasher="pbkdf2_sha256")  # a hasher the servers know
    referent.save(update_fields=["password"])
    a, b = start(), start()
    assert sign_in(a, referent.username, PASSWORD, "198.51.100.1") == 200

    for attempt in range(LOCKOUT_ATTEMPTS):
        server = (a, b)[attempt % 2]
        assert sign_in(server, referent.username, "wrong-password", f"203.0.113.{attempt}") == 400

    assert sign_in(a, referent.username, PASSWORD, "198.51.100.2") == 400
    assert sign_in(b, referent.username, PASSWORD, "198.51.100.3") == 400
    assert sign_in(start(), referent.username, PASSWORD, "198.51.100.4") == 400
    assert any(key.startswith(b":1:lockout:") for key in redis.Redis.from_url(redis_url).keys("*"))
