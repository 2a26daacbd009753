"""Request ids, structured logs and error reports (docs/OBSERVABILITY.md).

Every request has an id (`hub.middleware.RequestIdMiddleware`): nginx's, or a new one. While the request is
served, `RequestContextFilter` adds that id and the signed-in user's id to each log record, and
`before_send` tags the error reports with them. What leaves the process in a report, to the Sentry-compatible
tracker or by mail to ADMINS, leaves out what identifies the people served: request bodies, cookies,
credentials, the values of token-like query parameters, phone numbers and e-mail addresses.
"""

import datetime
import json
import logging
import re
import subprocess  # nosec B404 - git describe only, fixed arguments
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from django.utils.functional import empty
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

_current_request: ContextVar = ContextVar("current_request", default=None)

FILTERED = "[Filtered]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    # International: +223 76 12 34 56, 0022376123456, (+223) 76-12-34-56.
    r"(?<![\w+])(?:\+|00)\d(?:[ ().-]{0,2}\d){7,14}(?!\w)"
    # National, as Mali writes them: 76123456, 76 12 34 56.
    r"|(?<![\w+.,:/-])\d{2}(?: ?\d{2}){3}(?![\w.,:/-])"
)
_SENSITIVE_NAME = r"token|key|secret|pass|sig|auth|code|session|csrf|uid"
_SENSITIVE_PARAMETER = re.compile(_SENSITIVE_NAME, re.IGNORECASE)
_SENSITIVE_QUERY_VALUE = re.compile(
    rf"((?:^|(?<=[?&]))[^=&#\s'\"]*(?:{_SENSITIVE_NAME})[^=&#\s'\"]*=)[^&#\s'\"]*", re.IGNORECASE
)


@contextmanager
def serving(request) -> Iterator[None]:
    """While the block runs, log records and error reports name `request.request_id` and its user."""
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def current_request_id() -> str | None:
    return getattr(_current_request.get(), "request_id", None)


def current_user_id() -> int | None:
    return _user_id(_current_request.get())


def _user_id(request) -> int | None:
    """The signed-in user's id, once the request has loaded its user: loading it here would query the
    database in the middle of logging (and log that query), or fail with it."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


def scrub_text(text: str) -> str:
    """`text` without e-mail addresses, phone numbers or the values of token-like query parameters."""
    text = _EMAIL.sub(FILTERED, text)
    text = _PHONE.sub(FILTERED, text)
    return _SENSITIVE_QUERY_VALUE.sub(rf"\1{FILTERED}", text)


def scrub_parameters(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Query parameters: token-like ones hidden, phone numbers and addresses taken out of the others."""
    return [(name, FILTERED if _SENSITIVE_PARAMETER.search(name) else scrub_text(value)) for name, value in items]


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user_id` (None outside a request) to every record: the user's id only, never a
    name or a phone number. Django logs an answer of 400 or more once the middleware are done with it, and
    names its request on the record: that one is read first."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None) or _current_request.get()
        record.request_id = getattr(request, "request_id", None)
        record.user_id = _user_id(request)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (ISO 8601, UTC), level, logger, message, request_id, user_id, and the
    traceback as `exception` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class MailReportFilter(SafeExceptionReporterFilter):
    """Django's filter (settings and headers named like API, AUTH, TOKEN, KEY, SECRET, PASS, SIGNATURE, and
    the cookies) also hides the query string wherever the request's metadata repeats it, the client's
    addresses, and every value of a posted form: forms carry names, phone numbers and notes."""

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|QUERY_STRING|RAW_URI|REQUEST_URI|REFERER|FORWARDED|REMOTE_ADDR",
        flags=re.IGNORECASE,
    )

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)


class MailExceptionReporter(ExceptionReporter):
    """The report mailed to ADMINS (`mail_admins` in LOGGING): MailReportFilter's, the user by id, and
    the exception's message and the query parameters scrubbed like the tracker's reports."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filter = MailReportFilter()

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            user_id = _user_id(self.request)
            data["user_str"] = "no user known" if user_id is None else f"user {user_id}"
            data["request_GET_items"] = scrub_parameters(self.request.GET.items())
            data["request_insecure_uri"] = scrub_text(data["request_insecure_uri"])
        for key in ("exception_value", "exception_notes"):
            if key in data:
                data[key] = scrub_text(data[key])
        for frame in data.get("frames", []):
            if frame.get("exc_cause") is not None:
                frame["exc_cause"] = scrub_text(str(frame["exc_cause"]))
        return data


_PERSONAL_KEYS = [
    "phone",
    "email",
    "username",
    "password1",
    "password2",
    "old_password",
    "new_password1",
    "new_password2",
    "http_authorization",
    "http_cookie",
]
_KEPT_HEADERS = frozenset(
    {"accept", "accept-language", "content-length", "content-type", "host", "user-agent", "x-forwarded-proto"}
)
_CODE_KEYS = frozenset(
    {"abs_path", "filename", "function", "module", "package", "context_line", "pre_context", "post_context"}
)
"""Where a frame's code is described: left as it is, the source is not personal data."""


def _scrubbed(value):
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: item if key in _CODE_KEYS else _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrubbed(item) for item in value]
    return value


def before_send(event: dict, hint: dict) -> dict:
    """Runs in the thread that reports the error, so the request being served is known: its id becomes
    the `request_id` tag and its user the event's user (the id only). The request keeps its URL, method,
    a few harmless headers and its scrubbed query string; its body and cookies are dropped. Phone numbers,
    addresses and token-like query values are taken out of the messages, exception values, frames'
    variables, breadcrumbs and extra data."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)
        request.pop("cookies", None)
        headers = request.get("headers") or {}
        request["headers"] = {name: value for name, value in headers.items() if name.lower() in _KEPT_HEADERS}
        if request.get("query_string"):
            request["query_string"] = scrub_text(request["query_string"])
    for key in ("message", "logentry", "exception", "threads", "breadcrumbs", "extra"):
        if key in event:
            event[key] = _scrubbed(event[key])
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    user_id = current_user_id()
    if user_id is None:
        event.pop("user", None)
    else:
        event["user"] = {"id": str(user_id)}
    return event


def sentry_options(*, dsn: str, environment: str, release: str | None, traces_sample_rate: float) -> dict:
    """The options of `sentry_sdk.init` for a self-hosted GlitchTip or Sentry. `send_default_pii` is left at
    its default, off (sentry-sdk 2.76 warns that passing it is deprecated): no user, cookies or client
    address. Request bodies are never read, and the SDK's scrubber also hides phone, email and password
    fields by name, at any depth."""
    return {
        "dsn": dsn,
        "environment": environment,
        "release": release,
        "traces_sample_rate": traces_sample_rate,
        "integrations": [DjangoIntegration()],
        "max_request_body_size": "never",
        "event_scrubber": EventScrubber(denylist=[*DEFAULT_DENYLIST, *_PERSONAL_KEYS], recursive=True),
        "before_send": before_send,
    }


def git_describe() -> str | None:
    """The deployed tag (or commit) as `git describe` names it; None in a release archive, which has no
    .git: set SENTRY_RELEASE there."""
    try:
        result = subprocess.run(  # nosec B603 B607 - git from PATH, fixed arguments
            ["git", "describe", "--tags", "--always", "--dirty"],  # noqa: S607 - git from PATH, fixed arguments
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None
