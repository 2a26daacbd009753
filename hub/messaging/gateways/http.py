"""The generic HTTP gateway, configured as DHIS2's generic SMS gateway is (a URL, GET or POST, parameters with
placeholders, form or JSON, headers, basic authentication), for the aggregators that have no gateway of their
own; and the HTTP helpers that the provider gateways (Africa's Talking, Orange) share.

Configuration (`SMS_GATEWAYS[alias]["OPTIONS"]`, docs/SMS_GATEWAYS.md has examples):
- URL: the provider's sending address (https); METHOD: "POST" (default) or "GET";
- CONTENT_TYPE: "form" (default, application/x-www-form-urlencoded) or "json"; a GET puts PARAMETERS in the
  query string;
- PARAMETERS: the request's fields; in their values (strings, or lists and objects in JSON) the placeholders
  ${recipient} (+22376123456), ${recipient_digits} (22376123456), ${message}, ${sender} and ${reference}
  (our id of the message) are replaced; DHIS2's ${recipients} and ${text} are accepted too;
- QUERY: fields always added to the URL's query string (an API key some providers want there);
- HEADERS: extra headers (an API key: {"X-API-Key": "..."}); BASIC_AUTH: {"USERNAME": ..., "PASSWORD": ...};
- ID_FIELD: where the provider's message id is in a JSON answer, a dotted path ("data.messages.0.id"); or
  ID_REGEX: a regular expression on the answer's text whose first group (or whole match) is the id;
- SUCCESS_REGEX: for providers that answer 200 to a refused message, what a 2xx answer must contain to be a
  success; TEMPORARY_REGEX: what in a refused answer means "try later" (throttling);
- TIMEOUT: seconds to wait for the provider (default 10);
- DELIVERY: how the delivery-report callback is read: {"ID": "id", "STATUS": "status", "ERROR": "",
  "DELIVERED": [...], "FAILED": [...], "LIST": ""}; a status in neither list (sent, buffered...) is not final
  and is skipped; LIST is the path of a JSON list of reports, when the provider sends several at once;
- INBOUND: how the inbound-message callback is read: {"FROM": "from", "TEXT": "text", "ID": "id", "LIST": ""};
- CALLBACK_HEADER: {"NAME": ..., "VALUE": ...}, a secret header the provider adds to its callbacks; or
  CALLBACK_HMAC: {"HEADER": ..., "SECRET": ..., "ALGORITHM": "sha256", "ENCODING": "hex" | "base64"}, a
  signature of the callback's body; a callback without it raises `ForgedCallback`.

Callbacks are read from a JSON body, a form body, or the query string (a GET). A callback without the fields
it must have raises `ValueError` (the view answers 400). Outcomes of a send: a 2xx answer is a success;
no answer, a timeout, 408, 425, 429 and 5xx are `TemporaryFailure`s; any other answer is a
`PermanentFailure`. Error texts never carry a phone number (`redact`)."""

import base64
import hashlib
import hmac
import http.client
import json
import re
import string
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from hub.messaging.gateways.base import (
    DeliveryReport,
    ForgedCallback,
    Gateway,
    InboundSms,
    PermanentFailure,
    Sms,
    TemporaryFailure,
)

DEFAULT_TIMEOUT = 10
TEMPORARY_STATUSES = frozenset({408, 425, 429})
_PHONE = re.compile(r"\+?\d[\d .\-]{5,}\d")
_MISSING = object()


def redact(text: object, limit: int = 200) -> str:
    """Text for the delivery log: numbers of 7 digits or more (phone numbers) masked, at most `limit` long."""
    return _PHONE.sub("[number]", " ".join(str(text).split()))[:limit]


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    headers: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        """The JSON answer; `ValueError` when it is not JSON."""
        return json.loads(self.body)

    @property
    def temporary(self) -> bool:
        return self.status in TEMPORARY_STATUSES or self.status >= 500


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A provider that redirects a POST is misconfigured: urllib would follow it as a GET without the body."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def timeout_of(options: dict) -> float:
    try:
        return float(options.get("TIMEOUT", DEFAULT_TIMEOUT))
    except (TypeError, ValueError):
        raise ImproperlyConfigured("The SMS gateway's TIMEOUT must be a number of seconds.") from None


def http_request(
    method: str,
    url: str,
    *,
    data: bytes | None = None,
    headers: dict | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    provider: str = "The gateway",
) -> Response:
    """Make one request and return the answer, whatever its status; a network error or no answer within
    `timeout` seconds raises `TemporaryFailure` (without the URL, which may carry a key)."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ImproperlyConfigured("An SMS gateway's URL must start with https:// (or http://).")
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)  # noqa: S310 - checked
    try:
        with _opener.open(request, timeout=timeout) as answer:
            return Response(answer.status, answer.read(), dict(answer.headers))
    except urllib.error.HTTPError as error:
        with error:
            try:
                body = error.read()
            except (http.client.HTTPException, OSError):
                body = b""
            return Response(error.code, body, dict(error.headers or {}))
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise TemporaryFailure(f"{provider} did not answer within {timeout:g} s.") from error
        raise TemporaryFailure(f"{provider} could not be reached: {redact(error.reason)}.") from error
    except TimeoutError as error:
        raise TemporaryFailure(f"{provider} did not answer within {timeout:g} s.") from error
    except (http.client.HTTPException, OSError) as error:
        raise TemporaryFailure(f"{provider} could not be reached: {type(error).__name__}.") from error


def dig(data, path: str, default=_MISSING):
    """The value at a dotted path in decoded JSON ("data.messages.0.id"); `default`, or `KeyError`."""
    value = data
    for key in path.split(".") if path else ():
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.lstrip("-").isdigit() and -len(value) <= int(key) < len(value):
            value = value[int(key)]
        elif default is _MISSING:
            raise KeyError(path)
        else:
            return default
    return value


def callback_payload(request: HttpRequest):
    """What a callback carries: its decoded JSON body, else its form fields and query string together."""
    if request.content_type == "application/json" or request.content_type.endswith("+json"):
        try:
            return json.loads(request.body or b"null")
        except ValueError:
            raise ValueError("The callback's body is not JSON.") from None
    return {**request.GET.dict(), **(request.POST.dict() if request.method == "POST" else {})}


def as_phone(value: object) -> str:
    """A phone number as a callback gives it ("tel:+223...", "00223...", "+223...") in E.164 when it can."""
    phone = re.sub(r"[\s\-.()]", "", str(value or ""))
    phone = phone.removeprefix("tel:")
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    return phone


def _placeholders(sms: Sms) -> dict:
    digits = sms.to.lstrip("+")
    return {
        "recipient": sms.to,
        "recipients": sms.to,
        "recipient_digits": digits,
        "message": sms.body,
        "text": sms.body,
        "sender": sms.sender,
        "reference": sms.reference,
    }


def _fill(value, values: dict):
    if isinstance(value, str):
        return string.Template(value).safe_substitute(values)
    if isinstance(value, dict):
        return {key: _fill(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    return value


def _check_secret(request: HttpRequest, options: dict) -> None:
    if header := options.get("CALLBACK_HEADER"):
        given = request.headers.get(header["NAME"], "")
        if not hmac.compare_digest(given.encode(), str(header["VALUE"]).encode()):
            raise ForgedCallback("The callback does not carry the gateway's secret header.")
    if signed := options.get("CALLBACK_HMAC"):
        algorithm = signed.get("ALGORITHM", "sha256")
        if algorithm not in hashlib.algorithms_guaranteed:
            raise ImproperlyConfigured(f"Unknown CALLBACK_HMAC algorithm {algorithm!r}.")
        digest = hmac.new(str(signed["SECRET"]).encode(), request.body, algorithm).digest()
        expected = base64.b64encode(digest).decode() if signed.get("ENCODING") == "base64" else digest.hex()
        given = request.headers.get(signed["HEADER"], "").strip()
        given = given.split("=", 1)[1] if given.startswith(f"{algorithm}=") else given
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise ForgedCallback("The callback's signature is wrong.")


def _items(payload, list_path: str) -> list[dict]:
    if list_path:
        try:
            payload = dig(payload, list_path)
        except KeyError:
            raise ValueError("The callback has no list of items where LIST says.") from None
    items = payload if isinstance(payload, list) else [payload]
    if not items or not all(isinstance(item, dict) for item in items):
        raise ValueError("The callback carries no fields.")
    return items


class HttpGateway(Gateway):
    """A provider reached by one HTTP request per message, configured in OPTIONS (see the module)."""

    provider = "The gateway"

    def send(self, sms: Sms) -> str:
        options = self.options
        url = options.get("URL", "")
        if not url:
            raise ImproperlyConfigured(f"The SMS gateway {self.alias!r} has no OPTIONS.URL.")
        method = options.get("METHOD", "POST").upper()
        if method not in ("GET", "POST"):
            raise ImproperlyConfigured(f"The SMS gateway {self.alias!r}'s METHOD must be GET or POST.")
        values = _placeholders(sms)
        parameters = _fill(options.get("PARAMETERS", {}), values)
        query = dict(_fill(options.get("QUERY", {}), values))
        headers = {"Accept": "application/json, text/plain, */*", **options.get("HEADERS", {})}
        if auth := options.get("BASIC_AUTH"):
            pair = f"{auth['USERNAME']}:{auth['PASSWORD']}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        data = None
        if method == "GET":
            query.update(parameters)
        elif options.get("CONTENT_TYPE", "form") == "json":
            data = json.dumps(parameters, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json; charset=utf-8"
        else:
            data = urllib.parse.urlencode(parameters, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
        if query:
            url += ("&" if urllib.parse.urlsplit(url).query else "?") + urllib.parse.urlencode(query, doseq=True)
        answer = http_request(method, url, data=data, headers=headers, timeout=timeout_of(options))
        return self._read_answer(answer)

    def _read_answer(self, answer: Response) -> str:
        options = self.options
        temporary = options.get("TEMPORARY_REGEX")
        if not 200 <= answer.status < 300:
            text = f"{self.provider} refused the message (HTTP {answer.status}): {redact(answer.text)}"
            if answer.temporary or (temporary and re.search(temporary, answer.text)):
                raise TemporaryFailure(text)
            raise PermanentFailure(text)
        if (success := options.get("SUCCESS_REGEX")) and not re.search(success, answer.text):
            text = f"{self.provider} refused the message: {redact(answer.text)}"
            if temporary and re.search(temporary, answer.text):
                raise TemporaryFailure(text)
            raise PermanentFailure(text)
        return self._message_id(answer)

    def _message_id(self, answer: Response) -> str:
        options = self.options
        message_id = None
        if path := options.get("ID_FIELD"):
            try:
                message_id = dig(answer.json(), path, None)
            except ValueError:
                message_id = None
        elif pattern := options.get("ID_REGEX"):
            if found := re.search(pattern, answer.text):
                message_id = found.group(1) if found.groups() else found.group(0)
        else:
            return ""
        if message_id in (None, ""):
            raise PermanentFailure(
                f"{self.provider} answered without a message id; check with it whether the message went out "
                f"before sending it again: {redact(answer.text)}"
            )
        return str(message_id)[:100]

    def delivery_reports(self, request: HttpRequest) -> list[DeliveryReport]:
        _check_secret(request, self.options)
        names = {"ID": "id", "STATUS": "status", "ERROR": "", "LIST": ""} | self.options.get("DELIVERY", {})
        delivered = {str(status).lower() for status in names.get("DELIVERED", ("delivered", "delivrd"))}
        failed = {
            str(status).lower()
            for status in names.get("FAILED", ("failed", "undeliv", "undelivered", "rejectd", "rejected", "expired"))
        }
        reports = []
        for item in _items(callback_payload(request), names["LIST"]):
            gateway_id = str(dig(item, names["ID"], "") or "")
            status = str(dig(item, names["STATUS"], "") or "")
            if not gateway_id or not status:
                raise ValueError("A delivery report without the message's id or status.")
            if status.lower() in delivered:
                reports.append(DeliveryReport(gateway_id=gateway_id, delivered=True))
            elif status.lower() in failed:
                error = str(dig(item, names["ERROR"], "") or "") if names["ERROR"] else ""
                reports.append(DeliveryReport(gateway_id, False, redact(f"{status}: {error}" if error else status)))
        return reports

    def inbound_messages(self, request: HttpRequest) -> list[InboundSms]:
        _check_secret(request, self.options)
        names = {"FROM": "from", "TEXT": "text", "ID": "id", "LIST": ""} | self.options.get("INBOUND", {})
        received = []
        for item in _items(callback_payload(request), names["LIST"]):
            sender = as_phone(dig(item, names["FROM"], ""))
            text = dig(item, names["TEXT"], None)
            if not sender or text is None:
                raise ValueError("An inbound message without its sender or text.")
            gateway_id = str(dig(item, names["ID"], "") or "") if names["ID"] else ""
            received.append(InboundSms(sender=sender, text=str(text), gateway_id=gateway_id))
        return received
