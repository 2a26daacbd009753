"""Africa's Talking against a local fake of its SMS API: the documented request (form fields, apiKey
header, JSON asked for), the per-recipient status codes, and the documented callbacks."""

import time

import pytest
from django.test import RequestFactory

from hub.messaging.gateways.africastalking import LIVE_URL, SANDBOX_URL, AfricasTalkingGateway
from hub.messaging.gateways.base import DeliveryReport, PermanentFailure, Sms, TemporaryFailure

SMS = Sms(to="+22376123456", body="Votre visite est prévue demain.", sender="HUBIIT", reference="7")
rf = RequestFactory()
API_KEY = "atsk_0123456789abcdef"


def gateway(provider, **options) -> AfricasTalkingGateway:
    options = {"USERNAME": "hubiit", "API_KEY": API_KEY, "URL": f"{provider.url}/version1/messaging", **options}
    return AfricasTalkingGateway(alias="at", config={"SENDER": "HUBIIT", "OPTIONS": options})


def recipients(*recipients, message="Sent to 1/1 Total Cost: XOF 20.0000"):
    """Africa's Talking's answer: HTTP 201 with SMSMessageData."""
    return lambda received: (201, {"SMSMessageData": {"Message": message, "Recipients": list(recipients)}}, {})


def recipient(code, status, message_id="None"):
    return {
        "statusCode": code,
        "number": "+22376123456",
        "status": status,
        "cost": "XOF 20.0000",
        "messageId": message_id,
    }


def test_a_message_is_sent_as_documented_and_its_id_returned(provider):
    provider.answer = recipients(recipient(101, "Success", "ATXid_4f7c1b2a"))

    assert gateway(provider).send(SMS) == "ATXid_4f7c1b2a"

    [request] = provider.received
    assert (request.method, request.path) == ("POST", "/version1/messaging")
    assert request.headers["apikey"] == API_KEY
    assert request.headers["accept"] == "application/json"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form == {"username": "hubiit", "to": "+22376123456", "message": SMS.body, "from": "HUBIIT"}


def test_without_a_sender_id_no_from_is_sent(provider):
    provider.answer = recipients(recipient(102, "Queued", "ATXid_1"))
    assert gateway(provider).send(Sms(to="+22376123456", body="Bonjour")) == "ATXid_1"
    assert "from" not in provider.received[0].form


@pytest.mark.parametrize(
    ("code", "status"),
    [(403, "InvalidPhoneNumber"), (405, "InsufficientBalance"), (406, "UserInBlacklist"), (402, "InvalidSenderId")],
)
def test_a_refused_recipient_is_a_permanent_failure(provider, code, status):
    provider.answer = recipients(recipient(code, status), message="Sent to 0/1 Total Cost: 0")
    with pytest.raises(PermanentFailure, match=f"{code} {status}") as refused:
        gateway(provider).send(SMS)
    assert "76123456" not in str(refused.value)


@pytest.mark.parametrize(("code", "status"), [(500, "InternalServerError"), (501, "GatewayError")])
def test_a_recipient_failed_by_the_gateway_is_temporary(provider, code, status):
    provider.answer = recipients(recipient(code, status))
    with pytest.raises(TemporaryFailure, match=str(code)):
        gateway(provider).send(SMS)


def test_no_recipient_taken_is_permanent(provider):
    provider.answer = recipients(message="InvalidSenderId")
    with pytest.raises(PermanentFailure, match="InvalidSenderId"):
        gateway(provider).send(SMS)


def test_a_wrong_api_key_is_permanent(provider):
    provider.answer = lambda received: (401, "The supplied authentication is invalid", {"Content-Type": "text/plain"})
    with pytest.raises(PermanentFailure, match="HTTP 401.*authentication is invalid"):
        gateway(provider, API_KEY="wrong").send(SMS)


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_server_error_is_temporary(provider, status):
    provider.answer = lambda received: (status, "Internal Server Error", {})
    with pytest.raises(TemporaryFailure, match=f"HTTP {status}"):
        gateway(provider).send(SMS)


def test_no_answer_within_the_timeout_is_temporary(provider):
    def slow(received):
        time.sleep(0.4)
        return 201, {}, {}

    provider.answer = slow
    with pytest.raises(TemporaryFailure, match="Africa's Talking did not answer within 0.1 s"):
        gateway(provider, TIMEOUT=0.1).send(SMS)


def test_an_undocumented_answer_is_a_failure_to_check(provider):
    provider.answer = lambda received: (201, "<html>maintenance</html>", {})
    with pytest.raises(PermanentFailure, match="check whether the message went out"):
        gateway(provider).send(SMS)


def test_the_sandbox_and_live_addresses():
    config = {"OPTIONS": {"USERNAME": "sandbox", "API_KEY": "k"}}
    assert AfricasTalkingGateway(alias="at", config=config).url == SANDBOX_URL
    config = {"OPTIONS": {"USERNAME": "hubiit", "API_KEY": "k", "SANDBOX": True}}
    assert AfricasTalkingGateway(alias="at", config=config).url == SANDBOX_URL
    config = {"OPTIONS": {"USERNAME": "hubiit", "API_KEY": "k"}}
    assert AfricasTalkingGateway(alias="at", config=config).url == LIVE_URL


class TestCallbacks:
    gateway = AfricasTalkingGateway(alias="at", config={"OPTIONS": {"USERNAME": "hubiit", "API_KEY": "k"}})

    def report(self, **fields):
        base = {"phoneNumber": "+22376123456", "networkCode": "61002", "retryCount": "0"}
        return self.gateway.delivery_reports(rf.post("/messaging/at/t/delivery/", {**base, **fields}))

    def test_success_is_delivered(self):
        assert self.report(id="ATXid_1", status="Success") == [DeliveryReport("ATXid_1", True)]

    @pytest.mark.parametrize("status", ["Failed", "Rejected"])
    def test_failed_and_rejected_are_final_failures_with_their_reason(self, status):
        [report] = self.report(id="ATXid_2", status=status, failureReason="UserInBlackList")
        assert report == DeliveryReport("ATXid_2", False, f"{status}: UserInBlackList")

    @pytest.mark.parametrize("status", ["Sent", "Submitted", "Buffered"])
    def test_statuses_that_are_not_final_are_skipped(self, status):
        assert self.report(id="ATXid_3", status=status) == []

    @pytest.mark.parametrize("fields", [{"status": "Success"}, {"id": "ATXid_4"}])
    def test_a_report_without_id_or_status_is_a_value_error(self, fields):
        with pytest.raises(ValueError):
            self.report(**fields)

    def test_an_incoming_message(self):
        fields = {
            "from": "+22376123456",
            "to": "36123",
            "text": "STOP",
            "id": "ATXid_in1",
            "date": "2026-12-07 08:00:00",
            "linkId": "SampleLinkId123",
            "networkCode": "61002",
        }
        [sms] = self.gateway.inbound_messages(rf.post("/messaging/at/t/inbound/", fields))
        assert (sms.sender, sms.text, sms.gateway_id) == ("+22376123456", "STOP", "ATXid_in1")

    def test_an_incoming_message_without_sender_is_a_value_error(self):
        with pytest.raises(ValueError):
            self.gateway.inbound_messages(rf.post("/messaging/at/t/inbound/", {"text": "STOP"}))
