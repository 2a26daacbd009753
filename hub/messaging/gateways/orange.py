"""Orange's SMS API for Africa and the Middle East (developer.orange.com, "SMS Africa and Middle East").

Sending takes an OAuth 2.0 token (client credentials: a POST of grant_type=client_credentials to
/oauth/v3/token with the application's Basic authorization header), kept in the cache until it expires (an
hour); then a JSON POST to /smsmessaging/v1/outbound/tel%3A%2B{sender number}/requests with
`outboundSMSMessageRequest` {address: "tel:+223...", senderAddress: "tel:+{sender number}", senderName (when
the hub has a sender name Orange registered), outboundSMSTextMessage: {message}}. Orange answers 201 with a
resourceURL whose last segment is the message's id. A 401 (expired or revoked token) fetches a new token
and tries once more.

OPTIONS: CLIENT_ID and CLIENT_SECRET (or AUTHORIZATION_HEADER, the "Basic ..." header the Orange Developer
portal shows), SENDER_NUMBER (the country's sender number Orange gives, with its country code: "2230000"),
BASE_URL (default https://api.orange.com; another address for tests), TIMEOUT (seconds, default 10).
The gateway's SENDER, if any, is sent as senderName.

Outcomes: 400 (SVC0002 invalid input, SVC0004 no valid address), 403 (POL... policy errors: no SMS left in
the bundle, sender name not allowed), 404 and a second 401 are permanent; 429, 5xx and no answer are
temporary. The token request's 400/401 (wrong credentials) are permanent too.

Callbacks (JSON POSTs, not signed by Orange: the URL's CALLBACK_TOKEN is their only check): a delivery
receipt is {"deliveryInfoNotification": {"callbackData": <message id>, "deliveryInfo": {"address": ...,
"deliveryStatus": ...}}}; DeliveredToTerminal is delivered, DeliveryImpossible a final failure, the other
statuses (DeliveredToNetwork, MessageWaiting, DeliveryUncertain...) are not final and skipped. An incoming
message (the GSMA OneAPI form Orange's "SMS response" uses) is {"inboundSMSMessageNotification":
{"inboundSMSMessage": {"senderAddress": "tel:+...", "message": ..., "messageId": ...}}}. A callback of another
shape raises `ValueError`."""

import base64
import hashlib
import json
import logging
import urllib.parse

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from hub.messaging.gateways.base import (
    DeliveryReport,
    Gateway,
    InboundSms,
    PermanentFailure,
    Sms,
    TemporaryFailure,
)
from hub.messaging.gateways.http import Response, as_phone, callback_payload, http_request, redact, timeout_of

logger = logging.getLogger(__name__)
BASE_URL = "https://api.orange.com"
TOKEN_PATH = "/oauth/v3/token"  # noqa: S105 - a path, not a secret  # nosec B105
PROVIDER = "Orange"
DELIVERED = "DeliveredToTerminal"
FAILED = {"DeliveryImpossible"}
TOKEN_MARGIN = 60
"""Seconds before its end that a token is no longer used, so that it does not expire on the way."""


def _error_text(answer: Response) -> str:
    """Orange's error, from its body: a requestError's serviceException or policyException, or code and
    message (the gateway's own errors), else the raw text."""
    try:
        body = answer.json()
    except ValueError:
        return redact(answer.text)
    if isinstance(body, dict) and isinstance(body.get("requestError"), dict):
        for exception in body["requestError"].values():
            if isinstance(exception, dict):
                variables = exception.get("variables", "")
                if isinstance(variables, list):
                    variables = ", ".join(map(str, variables))
                return redact(f"{exception.get('messageId', '')} {exception.get('text', '')} {variables}".strip())
    if isinstance(body, dict) and ("code" in body or "message" in body):
        parts = (body.get("code", ""), body.get("message", ""), body.get("description", ""))
        return redact(" ".join(str(part) for part in parts if part))
    if isinstance(body, dict) and "error" in body:
        return redact(f"{body['error']} {body.get('error_description', '')}".strip())
    return redact(answer.text)


def _cached(key: str) -> str | None:
    try:
        return cache.get(key)
    except Exception:  # the cache down (Redis) must not fail the message: a new token is asked for
        logger.warning("The cache could not be read for an Orange token.", exc_info=True)
        return None


class OrangeGateway(Gateway):
    @property
    def base_url(self) -> str:
        return self.options.get("BASE_URL", BASE_URL).rstrip("/")

    @property
    def sender_number(self) -> str:
        number = str(self.options.get("SENDER_NUMBER", "")).removeprefix("tel:").lstrip("+").replace(" ", "")
        if not number.isdigit():
            raise ImproperlyConfigured(f"The SMS gateway {self.alias!r} needs OPTIONS.SENDER_NUMBER, e.g. 2230000.")
        return number

    def _authorization(self) -> str:
        options = self.options
        if options.get("AUTHORIZATION_HEADER"):
            return options["AUTHORIZATION_HEADER"]
        if not options.get("CLIENT_ID") or not options.get("CLIENT_SECRET"):
            raise ImproperlyConfigured(f"The SMS gateway {self.alias!r} needs OPTIONS.CLIENT_ID and CLIENT_SECRET.")
        pair = f"{options['CLIENT_ID']}:{options['CLIENT_SECRET']}".encode()
        return "Basic " + base64.b64encode(pair).decode()

    def _cache_key(self) -> str:
        fingerprint = hashlib.sha256(f"{self.base_url} {self._authorization()}".encode()).hexdigest()[:24]
        return f"sms-gateway:orange:{self.alias}:{fingerprint}"

    def access_token(self, *, fresh: bool = False) -> str:
        """The cached token, or a new one asked for and cached until shortly before it expires."""
        key = self._cache_key()
        if not fresh and (token := _cached(key)):
            return token
        answer = http_request(
            "POST",
            self.base_url + TOKEN_PATH,
            data=b"grant_type=client_credentials",
            headers={
                "Authorization": self._authorization(),
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            timeout=timeout_of(self.options),
            provider=PROVIDER,
        )
        if answer.status != 200:
            text = f"{PROVIDER} refused the token request (HTTP {answer.status}): {_error_text(answer)}"
            raise TemporaryFailure(text) if answer.temporary else PermanentFailure(text)
        try:
            body = answer.json()
            token = str(body["access_token"])
            lifetime = int(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise TemporaryFailure(f"{PROVIDER}'s token answer is unreadable.") from None
        try:
            cache.set(key, token, timeout=lifetime - TOKEN_MARGIN if lifetime > 2 * TOKEN_MARGIN else lifetime // 2)
        except Exception:  # the cache down (Redis): the token is asked for at each message until it is back
            logger.warning("The cache could not keep gateway %s's Orange token.", self.alias, exc_info=True)
        return token

    def send(self, sms: Sms) -> str:
        number = self.sender_number
        url = f"{self.base_url}/smsmessaging/v1/outbound/{urllib.parse.quote('tel:+' + number, safe='')}/requests"
        request = {
            "address": "tel:+" + sms.to.lstrip("+"),
            "senderAddress": "tel:+" + number,
            "outboundSMSTextMessage": {"message": sms.body},
        }
        if sms.sender:
            request["senderName"] = sms.sender
        data = json.dumps({"outboundSMSMessageRequest": request}, ensure_ascii=False).encode()
        answer = self._post(url, data, self.access_token())
        if answer.status == 401:
            answer = self._post(url, data, self.access_token(fresh=True))
        if not 200 <= answer.status < 300:
            text = f"{PROVIDER} refused the message (HTTP {answer.status}): {_error_text(answer)}"
            raise TemporaryFailure(text) if answer.temporary else PermanentFailure(text)
        return self._message_id(answer)

    def _post(self, url: str, data: bytes, token: str) -> Response:
        return http_request(
            "POST",
            url,
            data=data,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
            timeout=timeout_of(self.options),
            provider=PROVIDER,
        )

    def _message_id(self, answer: Response) -> str:
        resource = ""
        try:
            body = answer.json()
        except ValueError:
            body = {}
        if isinstance(body, dict):
            for wrapper in ("outboundSMSMessageRequest", "resourceReference"):
                if isinstance(body.get(wrapper), dict) and body[wrapper].get("resourceURL"):
                    resource = str(body[wrapper]["resourceURL"])
                    break
        resource = resource or answer.headers.get("Location", "")
        message_id = urllib.parse.unquote(resource.rstrip("/").rsplit("/", 1)[-1]) if "/requests/" in resource else ""
        if not message_id:
            raise PermanentFailure(
                f"{PROVIDER} took the message without giving its id; check with Orange whether it went out "
                "before sending it again."
            )
        return message_id[:100]

    def delivery_reports(self, request: HttpRequest) -> list[DeliveryReport]:
        payload = callback_payload(request)
        notification = payload.get("deliveryInfoNotification") if isinstance(payload, dict) else None
        if not isinstance(notification, dict):
            raise ValueError("Not an Orange delivery receipt.")
        gateway_id = str(notification.get("callbackData") or "")
        infos = notification.get("deliveryInfo")
        infos = infos if isinstance(infos, list) else [infos]
        if not gateway_id or not all(isinstance(info, dict) and info.get("deliveryStatus") for info in infos):
            raise ValueError("An Orange delivery receipt without callbackData or deliveryStatus.")
        reports = []
        for info in infos:
            status = str(info["deliveryStatus"])
            if status == DELIVERED:
                reports.append(DeliveryReport(gateway_id=gateway_id, delivered=True))
            elif status in FAILED:
                reports.append(DeliveryReport(gateway_id=gateway_id, delivered=False, error=redact(status)))
        return reports

    def inbound_messages(self, request: HttpRequest) -> list[InboundSms]:
        payload = callback_payload(request)
        notification = payload.get("inboundSMSMessageNotification") if isinstance(payload, dict) else None
        message = notification.get("inboundSMSMessage") if isinstance(notification, dict) else None
        if not isinstance(message, dict) or not message.get("senderAddress") or "message" not in message:
            raise ValueError("Not an Orange incoming message.")
        return [
            InboundSms(
                sender=as_phone(message["senderAddress"]),
                text=str(message["message"]),
                gateway_id=str(message.get("messageId") or ""),
            )
        ]
