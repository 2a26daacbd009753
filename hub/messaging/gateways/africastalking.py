"""Africa's Talking SMS API (docs.africastalking.com/sms): one form POST per message to /version1/messaging
with the account's `username`, `to`, `message` and, when the hub has one, `from` (its sender id or short
code), authenticated by the `apiKey` header; the JSON answer lists each recipient's statusCode and messageId.

OPTIONS: USERNAME ("sandbox" for the sandbox app), API_KEY, SANDBOX (true: the sandbox's address; also when
USERNAME is "sandbox"), URL (another address, for tests), TIMEOUT (seconds, default 10).

A recipient's statusCode 100 (Processed), 101 (Sent) and 102 (Queued) mean the message is taken; 500
(InternalServerError) and 501 (GatewayError) are temporary; 401 (RiskHold), 402 (InvalidSenderId),
403 (InvalidPhoneNumber), 404 (UnsupportedNumberType), 405 (InsufficientBalance), 406 (UserInBlacklist),
407 (CouldNotRoute), 409 (DoNotDisturbRejection), 502 (RejectedByGateway) and any other code are permanent.
An HTTP refusal of the whole request (401: wrong key or username) is permanent; 5xx and 429 are temporary.

Callbacks (form POSTs, not signed by Africa's Talking: the URL's CALLBACK_TOKEN is their only check):
delivery reports carry id, status, phoneNumber, networkCode, failureReason; Success is delivered, Failed and
Rejected are final failures, Sent, Submitted and Buffered are not final and are skipped. Incoming messages
carry from, to, text, id, date, linkId. A callback without id and status (or from) raises `ValueError`."""

import urllib.parse

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
from hub.messaging.gateways.http import as_phone, callback_payload, http_request, redact, timeout_of

LIVE_URL = "https://api.africastalking.com/version1/messaging"
SANDBOX_URL = "https://api.sandbox.africastalking.com/version1/messaging"
ACCEPTED = {100: "Processed", 101: "Sent", 102: "Queued"}
TEMPORARY = {500: "InternalServerError", 501: "GatewayError"}
PERMANENT = {
    401: "RiskHold",
    402: "InvalidSenderId",
    403: "InvalidPhoneNumber",
    404: "UnsupportedNumberType",
    405: "InsufficientBalance",
    406: "UserInBlacklist",
    407: "CouldNotRoute",
    409: "DoNotDisturbRejection",
    502: "RejectedByGateway",
}
DELIVERED = {"success"}
FAILED = {"failed", "rejected"}
PROVIDER = "Africa's Talking"


class AfricasTalkingGateway(Gateway):
    @property
    def url(self) -> str:
        options = self.options
        if options.get("URL"):
            return options["URL"]
        return SANDBOX_URL if options.get("SANDBOX") or options.get("USERNAME") == "sandbox" else LIVE_URL

    def send(self, sms: Sms) -> str:
        options = self.options
        if not options.get("USERNAME") or not options.get("API_KEY"):
            raise ImproperlyConfigured(f"The SMS gateway {self.alias!r} needs OPTIONS.USERNAME and OPTIONS.API_KEY.")
        fields = {"username": options["USERNAME"], "to": sms.to, "message": sms.body}
        if sms.sender:
            fields["from"] = sms.sender
        answer = http_request(
            "POST",
            self.url,
            data=urllib.parse.urlencode(fields).encode(),
            headers={
                "apiKey": options["API_KEY"],
                "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            timeout=timeout_of(options),
            provider=PROVIDER,
        )
        if not 200 <= answer.status < 300:
            text = f"{PROVIDER} refused the request (HTTP {answer.status}): {redact(answer.text)}"
            raise TemporaryFailure(text) if answer.temporary else PermanentFailure(text)
        try:
            data = answer.json()["SMSMessageData"]
            recipients = data.get("Recipients") or []
        except (ValueError, KeyError, TypeError, AttributeError):
            raise PermanentFailure(
                f"{PROVIDER} answered what it does not document; check whether the message went out before "
                f"sending it again: {redact(answer.text)}"
            ) from None
        if not recipients:
            raise PermanentFailure(f"{PROVIDER} took no recipient: {redact(data.get('Message', ''))}")
        recipient = recipients[0]
        try:
            code = int(recipient.get("statusCode"))
        except (TypeError, ValueError):
            code = 0
        status = redact(recipient.get("status", ""))
        if code in ACCEPTED and recipient.get("messageId"):
            return str(recipient["messageId"])[:100]
        name = ACCEPTED.get(code) or TEMPORARY.get(code) or PERMANENT.get(code) or "unknown code"
        text = f"{PROVIDER} refused the message: {code} {name} ({status})"
        if code in TEMPORARY:
            raise TemporaryFailure(text)
        raise PermanentFailure(text)

    def delivery_reports(self, request: HttpRequest) -> list[DeliveryReport]:
        fields = callback_payload(request)
        if not isinstance(fields, dict) or not fields.get("id") or not fields.get("status"):
            raise ValueError("An Africa's Talking delivery report without id or status.")
        status = str(fields["status"])
        if status.lower() in DELIVERED:
            return [DeliveryReport(gateway_id=str(fields["id"]), delivered=True)]
        if status.lower() in FAILED:
            reason = fields.get("failureReason")
            error = redact(f"{status}: {reason}" if reason else status)
            return [DeliveryReport(gateway_id=str(fields["id"]), delivered=False, error=error)]
        return []

    def inbound_messages(self, request: HttpRequest) -> list[InboundSms]:
        fields = callback_payload(request)
        if not isinstance(fields, dict) or not fields.get("from") or "text" not in fields:
            raise ValueError("An Africa's Talking incoming message without from or text.")
        return [InboundSms(sender=as_phone(fields["from"]), text=str(fields["text"]), gateway_id=fields.get("id", ""))]
