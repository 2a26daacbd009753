"""Several app servers in front of one PostgreSQL share no local state (`make test-postgres`): two gunicorn
instances on two ports of 127.0.0.1, one worker each, run the production settings against the test
database. A token from one works on the other, a visit recorded on one is read and replayed on the
other and stored once, and a session opened on one is honoured, then closed, on the other.

The servers are reached as nginx reaches them: plain HTTP on 127.0.0.1 with `X-Forwarded-Proto: https`.
"""

import http.client
import json
import os
import signal
import socket
import string
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils.crypto import get_random_string

from tests.factories import EnterpriseFactory, HubFactory, ReferentUserFactory
from tests.factories.hub import PASSWORD
from visits.models import Visit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
BASE_DIR = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60
REQUEST_SECONDS = 30


def database_url() -> str:
    """The test database pytest-django created, as a DATABASE_URL for the servers."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One gunicorn with one worker serving hub.wsgi with the production settings."""

    def __init__(self, *, log_dir: Path, secret_key: str, extra_env: dict | None = None):
        self.port = free_port()
        env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        env.update(
            DJANGO_SETTINGS_MODULE="hub.settings.production",
            DJANGO_SECRET_KEY=secret_key,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=database_url(),
            DJANGO_LOG_LEVEL="WARNING",
            **(extra_env or {}),
        )
        self.log = log_dir / f"gunicorn-{self.port}.log"
        command = [
            sys.executable, "-m", "gunicorn", "hub.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
            "--workers", "1", "--timeout", "60", "--graceful-timeout", "5", "--error-logfile", str(self.log),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL)  # noqa: S603

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn on {self.port} exited with {self.process.returncode}: {self.log.read_text()}")
            try:
                self.request("GET", "/api/v1/")
                return
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"gunicorn on {self.port} did not answer within {STARTUP_SECONDS} s")

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None, source="127.0.0.1"
    ):
        """(status, headers, body) of one request, sent as nginx forwards an HTTPS request: from the
        machine's own address, or from `source` (another address of the loopback network, 127.0.0.0/8)."""
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_SECONDS, source_address=(source, 0))
        try:
            client.request(method, path, body=body, headers={"X-Forwarded-Proto": "https", **(headers or {})})
            response = client.getresponse()
            return response.status, response.headers, response.read()
        finally:
            client.close()

    def api(self, method: str, path: str, *, data: dict | None = None, auth: dict | None = None, source="127.0.0.1"):
        headers = {"Accept": "application/json", **(auth or {})}
        body = None
        if data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        status, _headers, content = self.request(method, path, body=body, headers=headers, source=source)
        return status, json.loads(content) if content else None

    def form(self, path: str, fields: dict, *, cookies: dict):
        """POST a form with the CSRF pair a browser holds: the `csrftoken` cookie and the same secret in the
        form (the sign-in page itself needs `collectstatic` under the production settings, which this test
        leaves alone), the Referer of this server."""
        csrf = get_random_string(32, allowed_chars=string.ascii_letters + string.digits)
        cookie = "; ".join(f"{name}={value}" for name, value in {**cookies, "csrftoken": csrf}.items())
        return self.request(
            "POST",
            path,
            body=urlencode({**fields, "csrfmiddlewaretoken": csrf}).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Referer": f"https://127.0.0.1:{self.port}{path}",
            },
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)


@pytest.fixture
def servers(tmp_path):
    started = []
    secret_key = get_random_string(60)  # one environment for every app server: sessions are signed with it
    try:
        for _ in range(2):
            started.append(Server(log_dir=tmp_path, secret_key=secret_key))
        for server in started:
            server.wait_until_ready()
        yield started
    finally:
        for server in started:
            server.stop()


def session_cookie(headers) -> str:
    cookie = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        cookie.load(header)
    return cookie["sessionid"].value if "sessionid" in cookie else ""


def test_two_app_servers_share_one_database_and_nothing_else(servers):
    a, b = servers
    hub = HubFactory(code="AS")
    referent = ReferentUserFactory(hub=hub)
    referent.password = make_password(PASSWORD, hasher="pbkdf2_sha256")  # a hasher the servers know
    referent.save(update_fields=["password"])
    enterprise = EnterpriseFactory(hub=hub)

    status, body = a.api("POST", "/api/v1/auth/token/", data={"username": referent.username, "password": PASSWORD})
    assert status == 200, body
    token = {"Authorization": f"Token {body['token']}"}

    visit = {
        "client_uuid": str(uuid.uuid4()),
        "enterprise": enterprise.pk,
        "started_at": "2026-11-20T09:30:00Z",
        "duration_minutes": 45,
        "purpose": "diagnostic",
        "observations": "Séchage au sol",
    }
    status, created = a.api("POST", "/api/v1/visits/", data=visit, auth=token)
    assert status == 201, created

    status, read = b.api("GET", f"/api/v1/visits/{created['id']}/", auth=token)
    assert status == 200, read
    assert read["client_uuid"] == visit["client_uuid"]

    status, replayed = b.api("POST", "/api/v1/visits/", data=visit, auth=token)
    assert status == 200, replayed
    assert replayed["id"] == created["id"]
    assert Visit.objects.filter(client_uuid=visit["client_uuid"]).count() == 1

    status, headers, _body = a.form("/login/", {"username": referent.username, "password": PASSWORD}, cookies={})
    assert status == 302
    session = {"sessionid": session_cookie(headers)}
    assert session["sessionid"]
    signed_in = {"Cookie": f"sessionid={session['sessionid']}"}

    status, read = b.api("GET", f"/api/v1/visits/{created['id']}/", auth=signed_in)
    assert status == 200, read
    assert read["id"] == created["id"]
    assert b.api("GET", f"/api/v1/visits/{created['id']}/")[0] in (401, 403)

    status, _headers, _body = b.form("/logout/", {}, cookies=session)
    assert status == 302
    assert a.api("GET", f"/api/v1/visits/{created['id']}/", auth=signed_in)[0] in (401, 403)
