"""Request ids, structured logs and error reports (hub/observability.py, hub.middleware.RequestIdMiddleware):
every answer and log line names its request; a 500 reaches the error tracker, or ADMINS by mail when there is
none, with that id and without the request's secrets or the phone numbers and addresses it carried."""

import io
import json
import logging
from contextlib import closing
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import pytest
import sentry_sdk
from django.conf import settings
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from django.urls import path
from django.utils.functional import SimpleLazyObject
from django.views.decorators.csrf import csrf_exempt
from sentry_sdk.transport import Transport

from hub import observability
from tests.hub.test_settings import production_env, random_secret_key, run

PHONE = "+223 76 12 34 56"
EMAIL = "awa.traore@example.org"
TYPED_PASSWORD = "Hunter2-typed-in-the-form"
QUERY_TOKEN = "q7Zk3xV9mR2pL8wNq7Zk3xV9"
API_TOKEN = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
PROXY_REQUEST_ID = "0f4c2a9e8b7d6c5b4a3f2e1d0c9b8a7f"


@csrf_exempt
def failing_view(request):
    """Logs, then fails, with what the person typed: as a view that met a bug would."""
    phone = request.POST["phone"]
    logging.getLogger("hub.security").warning("sign-in failed for %r", phone)
    raise RuntimeError(f"No enterprise answers at {phone} or {request.POST['email']}")


urlpatterns = [path("boom/", failing_view)]


@pytest.fixture
def session_key(referent):
    """The session cookie of the signed-in referent."""
    client = Client()
    client.force_login(referent)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def fail(session_key: str) -> dict[str, str]:
    """A POST that ends in a 500, with a phone number, an address and secrets in every part of the request;
    the answer's status and headers. It goes through Django's WSGI handler as gunicorn's requests do: the
    test client's handler leaves out what the error tracker's SDK reads there (URL, query string, headers)."""
    body = urlencode({"phone": PHONE, "email": EMAIL, "password": TYPED_PASSWORD}).encode()
    environ = {}
    setup_testing_defaults(environ)
    environ.update(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/boom/",
            "QUERY_STRING": f"token={QUERY_TOKEN}&status=new",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "HTTP_AUTHORIZATION": f"Token {API_TOKEN}",
            "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={session_key}",
            "HTTP_X_REQUEST_ID": PROXY_REQUEST_ID,
        }
    )
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(headers, status=status)

    with closing(WSGIHandler()(environ, start_response)) as response:
        b"".join(response)
    return answer


def secrets(session_key: str) -> list[str]:
    return [PHONE, "76 12 34 56", "76123456", EMAIL, TYPED_PASSWORD, QUERY_TOKEN, API_TOKEN, session_key]


class MemoryTransport(Transport):
    """Keeps the events the SDK would send to the tracker."""

    def __init__(self):
        super().__init__()
        self.events = []

    def capture_envelope(self, envelope):
        self.events.extend(item.payload.json for item in envelope.items if item.type == "event")


@pytest.fixture
def sentry_events():
    """The SDK initialised as the production settings do, sending to memory; off again afterwards."""
    transport = MemoryTransport()
    options = observability.sentry_options(
        dsn="https://public@glitchtip.example.org/1", environment="test", release="test", traces_sample_rate=0.0
    )
    sentry_sdk.init(**options, transport=transport)
    yield transport.events
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


@pytest.fixture
def console():
    """What the console handler of LOGGING writes."""
    handler = next(handler for handler in logging.getLogger().handlers if handler.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


class TestRequestId:
    def test_the_proxys_id_is_kept_and_returned(self, client):
        response = client.get("/healthz", HTTP_X_REQUEST_ID=PROXY_REQUEST_ID)
        assert response["X-Request-ID"] == PROXY_REQUEST_ID

    @pytest.mark.parametrize(
        "supplied",
        ["", "short", "x" * 65, "has spaces in it", "id\r\nSet-Cookie: a=b", "<script>alert(1)</script>", "ünïcödé-id"],
    )
    def test_an_absent_or_odd_id_is_replaced_by_a_new_one(self, client, supplied):
        response = client.get("/healthz", HTTP_X_REQUEST_ID=supplied)
        assert response["X-Request-ID"] != supplied
        assert len(response["X-Request-ID"]) == 32 and int(response["X-Request-ID"], 16) >= 0

    def test_each_request_has_its_own(self, client):
        assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


class TestLogs:
    def test_security_log_lines_name_the_request_and_the_user_by_id(self, client, referent, console):
        client.force_login(referent)
        response = client.get("/manage/reports/")
        assert response.status_code == 403
        [line] = [line for line in console.getvalue().splitlines() if " hub.security refused: " in line]
        assert line.endswith(f"[request {response['X-Request-ID']} user {referent.pk}]")
        assert referent.username not in line and str(referent.phone) not in line

    def test_answers_django_logs_after_the_middleware_name_their_request_too(self, client, console):
        response = client.get("/nowhere/")
        assert response.status_code == 404
        [line] = [line for line in console.getvalue().splitlines() if "Not Found: /nowhere/" in line]
        assert line.endswith(f"[request {response['X-Request-ID']} user None]")

    def test_outside_a_request_the_line_says_so(self, console):
        logging.getLogger("hub.security").warning("from a command")
        assert console.getvalue().rstrip().endswith("from a command [request None user None]")

    def test_a_user_not_loaded_yet_is_not_loaded_for_a_log_line(self, rf):
        request = rf.get("/")
        request.request_id = "abcdef12"
        request.user = SimpleLazyObject(lambda: pytest.fail("the log line loaded the user"))
        record = logging.LogRecord("hub", logging.INFO, __file__, 1, "message", None, None)
        with observability.serving(request):
            observability.RequestContextFilter().filter(record)
        assert (record.request_id, record.user_id) == ("abcdef12", None)

    def test_json_lines(self):
        try:
            raise ValueError("broken")
        except ValueError as error:
            record = logging.LogRecord(
                "hub.security",
                logging.ERROR,
                __file__,
                1,
                "refused: %s\nsecond line é",
                ("GET",),
                (ValueError, error, None),
            )
        record.request_id, record.user_id = PROXY_REQUEST_ID, 7
        line = observability.JsonFormatter().format(record)
        assert "\n" not in line
        entry = json.loads(line)
        assert entry["time"].endswith("+00:00")
        assert {key: entry[key] for key in ("level", "logger", "message", "request_id", "user_id")} == {
            "level": "ERROR",
            "logger": "hub.security",
            "message": "refused: GET\nsecond line é",
            "request_id": PROXY_REQUEST_ID,
            "user_id": 7,
        }
        assert entry["exception"].endswith("ValueError: broken")


class TestScrubbing:
    @pytest.mark.parametrize(
        "text",
        [
            "call +223 76 12 34 56 today",
            "call +22376123456 today",
            "call 0022376123456 today",
            "call (+223) 76-12-34-56 today",
            "call 76 12 34 56 today",
            "call 76123456 today",
            "PhoneNumber(country_code=223, national_number=76123456)",
            "write to awa.traore+hub@example.org today",
        ],
    )
    def test_phone_numbers_and_addresses_are_filtered(self, text):
        scrubbed = observability.scrub_text(text)
        assert "[Filtered]" in scrubbed
        assert not any(digits in scrubbed for digits in ("76", "12 34", "awa"))

    @pytest.mark.parametrize(
        "text",
        [
            "received 2026-01-15T10:00:00+00:00",
            "case ML-2026-00001",
            "from 10.0.0.11",
            "visit 0b7e5c9a-3f1d-4c2b-9a8e-7d6c5b4a3f2e",
            "budget 1 500 000 XOF",
            "user 1234",
        ],
    )
    def test_dates_references_addresses_and_amounts_are_kept(self, text):
        assert observability.scrub_text(text) == text

    def test_token_like_query_values_are_filtered_and_the_others_kept(self):
        assert (
            observability.scrub_text("/portal/?token=abc&status=new&api_key=x&q=76123456")
            == "/portal/?token=[Filtered]&status=new&api_key=[Filtered]&q=[Filtered]"
        )


# Through the WSGI handler, whose end of request closes the database connections (as on a server).
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_500_reaches_the_tracker_tagged_and_without_secrets(session_key, referent, sentry_events):
    answer = fail(session_key)
    assert answer["status"].startswith("500")
    [event] = sentry_events
    assert event["tags"]["request_id"] == answer["X-Request-ID"] == PROXY_REQUEST_ID
    assert event["user"] == {"id": str(referent.pk)}
    assert event["exception"]["values"][-1]["value"] == "No enterprise answers at [Filtered] or [Filtered]"
    assert event["request"]["url"] == "http://127.0.0.1/boom/"
    assert event["request"]["query_string"] == "token=[Filtered]&status=new"
    assert "data" not in event["request"] and "cookies" not in event["request"]
    assert {name.lower() for name in event["request"]["headers"]} <= {"host", "content-type", "content-length"}
    assert "sign-in failed for '[Filtered]'" in [crumb["message"] for crumb in event["breadcrumbs"]["values"]]
    text = json.dumps(event)
    assert [secret for secret in secrets(session_key) if secret in text] == []


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_tracker_a_500_mails_admins_once_without_secrets(session_key, referent, settings):
    settings.ADMINS = [("Ops", "ops@example.org")]
    answer = fail(session_key)
    assert answer["status"].startswith("500")
    [message] = mail.outbox
    assert message.to == ["ops@example.org"]
    assert f"Request id: {PROXY_REQUEST_ID}" in message.body
    assert f"USER: user {referent.pk}" in message.body
    assert "password = '********************'" in message.body
    assert "No enterprise answers at [Filtered] or [Filtered]" in message.body
    text = message.subject + message.body
    assert [secret for secret in secrets(session_key) if secret in text] == []


PROBE = """
import json, logging, django, sentry_sdk
django.setup()
from django.conf import settings
from hub import observability
logging.getLogger("hub.security").warning("probe")
client = sentry_sdk.get_client()
print(json.dumps({
    "admins": settings.ADMINS,
    "server_email": settings.SERVER_EMAIL,
    "django.request": [handler.name for handler in logging.getLogger("django.request").handlers],
    "sentry": client.is_active() and {
        "environment": client.options["environment"],
        "release": client.options["release"],
        "traces_sample_rate": client.options["traces_sample_rate"],
        "personal_data": client.should_send_default_pii(),
        "before_send": client.options["before_send"] is observability.before_send,
    },
}))
"""


def probe_production(**overrides: str):
    env = {name: value for name, value in production_env().items() if not name.startswith("SENTRY_")}
    env.update(DJANGO_SECRET_KEY=random_secret_key(), DJANGO_ALLOWED_HOSTS="hub.example.org", **overrides)
    return run(["-c", PROBE], env)


class TestProductionSettings:
    def test_without_a_tracker_logs_are_json_and_500s_are_mailed(self):
        result = probe_production(
            DJANGO_ADMINS="Awa Traoré <awa@example.org>, ops@example.org",
            DJANGO_DEFAULT_FROM_EMAIL="hub-iit@example.org",
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == {
            "admins": [["Awa Traoré", "awa@example.org"], ["", "ops@example.org"]],
            "server_email": "hub-iit@example.org",
            "django.request": ["mail_admins"],
            "sentry": False,
        }
        [line] = [line for line in result.stderr.splitlines() if "probe" in line]
        entry = json.loads(line)
        assert {key: entry[key] for key in ("level", "logger", "message", "request_id", "user_id")} == {
            "level": "WARNING",
            "logger": "hub.security",
            "message": "probe",
            "request_id": None,
            "user_id": None,
        }

    def test_a_dsn_turns_the_tracker_on_instead_of_mail(self):
        result = probe_production(
            SENTRY_DSN="https://public@glitchtip.example.org/1",
            SENTRY_ENVIRONMENT="staging",
            SENTRY_RELEASE="v1.4.0",
            DJANGO_ADMINS="ops@example.org",
        )
        assert result.returncode == 0, result.stderr
        facts = json.loads(result.stdout)
        assert facts["django.request"] == []
        assert facts["sentry"] == {
            "environment": "staging",
            "release": "v1.4.0",
            "traces_sample_rate": 0.0,
            "personal_data": False,
            "before_send": True,
        }

    def test_plain_logs_on_request(self):
        result = probe_production(DJANGO_LOG_FORMAT="plain")
        assert result.returncode == 0, result.stderr
        assert "WARNING hub.security probe [request None user None]" in result.stderr

    def test_an_unknown_log_format_is_refused(self):
        result = probe_production(DJANGO_LOG_FORMAT="xml")
        assert result.returncode != 0
        assert "DJANGO_LOG_FORMAT" in result.stderr
