"""Orange's SMS API against a local fake of api.orange.com: the OAuth token (client credentials, Basic
header), kept until it expires and asked for again after a 401, the documented send request and its 201
answer, Orange's errors, and the delivery receipts and incoming messages it posts."""

import base64
import itertools
import json
import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from hub.messaging.gateways.base import DeliveryReport, PermanentFailure, Sms, TemporaryFailure
from hub.messaging.gateways.orange import OrangeGateway

SMS = Sms(to="+22376123456", body="Votre demande est reçue.", sender="HUB IIT", reference="3")
BASIC = "Basic " + base64.b64encode(b"client-id:client-secret").decode()
SEND_PATH = "/smsmessaging/v1/outbound/tel%3A%2B2230000/requests"
rf = RequestFactory()


class FakeOrange:
    """Tokens, valid until `expire()`, and an answer for the sends once the token is checked."""

    def __init__(self, provider):
        self.provider = provider
        self.valid: set[str] = set()
        self.revoked = False
        self.numbers = itertools.count(1)
        self.token_answer = None
        self.send_answer = lambda received: (201, self.created(received), {})
        provider.answer = self.answer

    def created(self, received, message_id="9f2b4c1e-0d1a-4c5e-8a7f-1b2c3d4e5f60"):
        request = received.json()["outboundSMSMessageRequest"]
        request["address"] = [request["address"]]
        request["resourceURL"] = f"https://api.orange.com{SEND_PATH}/{message_id}"
        return {"outboundSMSMessageRequest": request}

    def answer(self, received):
        if received.path == "/oauth/v3/token":
            if self.token_answer:
                return self.token_answer(received)
            if received.headers.get("authorization") != BASIC or received.body != b"grant_type=client_credentials":
                return (
                    401,
                    {"error": "invalid_client", "error_description": "The requested service needs credentials"},
                    {},
                )
            token = f"tok-{next(self.numbers)}"
            self.valid.add(token)
            return 200, {"token_type": "Bearer", "access_token": token, "expires_in": "3600"}, {}
        assert received.path == SEND_PATH
        if self.revoked or received.headers.get("authorization", "").removeprefix("Bearer ") not in self.valid:
            return (
                401,
                {
                    "code": 42,
                    "message": "Expired credentials",
                    "description": "The requested service needs credentials, but the ones provided were out-of-date.",
                },
                {},
            )
        return self.send_answer(received)

    def expire(self):
        self.valid.clear()

    def paths(self):
        return [received.path for received in self.provider.received]


@pytest.fixture
def orange(provider):
    return FakeOrange(provider)


def gateway(provider, **options) -> OrangeGateway:
    options = {
        "CLIENT_ID": "client-id",
        "CLIENT_SECRET": "client-secret",
        "SENDER_NUMBER": "2230000",
        "BASE_URL": provider.url,
        **options,
    }
    return OrangeGateway(alias="orange-ml", config={"SENDER": "HUB IIT", "OPTIONS": options})


def test_a_message_is_sent_as_documented_and_its_id_read_from_the_resource_url(provider, orange):
    assert gateway(provider).send(SMS) == "9f2b4c1e-0d1a-4c5e-8a7f-1b2c3d4e5f60"

    token_request, send_request = provider.received
    assert (token_request.method, token_request.path) == ("POST", "/oauth/v3/token")
    assert token_request.headers["authorization"] == BASIC
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert token_request.form == {"grant_type": "client_credentials"}
    assert (send_request.method, send_request.path) == ("POST", SEND_PATH)
    assert send_request.headers["authorization"] == "Bearer tok-1"
    assert send_request.headers["content-type"] == "application/json"
    assert send_request.json() == {
        "outboundSMSMessageRequest": {
            "address": "tel:+22376123456",
            "senderAddress": "tel:+2230000",
            "senderName": "HUB IIT",
            "outboundSMSTextMessage": {"message": "Votre demande est reçue."},
        }
    }


def test_the_authorization_header_of_the_portal_can_be_given_as_is(provider, orange):
    options = {"CLIENT_ID": "", "CLIENT_SECRET": "", "AUTHORIZATION_HEADER": BASIC, "SENDER_NUMBER": "+2230000"}
    assert gateway(provider, **options).send(Sms(to="+22376123456", body="Bonjour"))
    assert "senderName" not in provider.received[1].json()["outboundSMSMessageRequest"]


def test_the_token_is_kept_until_it_expires(provider, orange, monkeypatch):
    kept = []
    monkeypatch.setattr(cache, "set", lambda key, value, timeout: kept.append((key, value, timeout)) or None)
    monkeypatch.setattr(cache, "get", lambda key: next((value for k, value, _ in kept if k == key), None))

    gateway(provider).send(SMS)
    gateway(provider).send(SMS)  # a new gateway object, as each task builds one: the token is in the cache

    assert orange.paths() == ["/oauth/v3/token", SEND_PATH, SEND_PATH]
    [(key, token, timeout)] = kept
    assert key.startswith("sms-gateway:orange:orange-ml:")
    assert "client-secret" not in key
    assert (token, timeout) == ("tok-1", 3600 - 60)  # an hour (expires_in, a string), less a minute


def test_a_cache_down_does_not_fail_the_message(provider, orange, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    assert gateway(provider).send(SMS)
    assert gateway(provider).send(SMS)
    assert orange.paths() == ["/oauth/v3/token", SEND_PATH, "/oauth/v3/token", SEND_PATH]


def test_an_expired_token_is_asked_for_again_once(provider, orange):
    gateway(provider).send(SMS)
    orange.expire()

    assert gateway(provider).send(SMS)

    assert orange.paths() == ["/oauth/v3/token", SEND_PATH, SEND_PATH, "/oauth/v3/token", SEND_PATH]
    assert provider.received[-1].headers["authorization"] == "Bearer tok-2"


def test_a_token_refused_twice_is_a_permanent_failure(provider, orange):
    orange.revoked = True  # Orange gives tokens it then refuses (a subscription ended)
    with pytest.raises(PermanentFailure, match="HTTP 401.*42 Expired credentials"):
        gateway(provider).send(SMS)
    assert orange.paths() == ["/oauth/v3/token", SEND_PATH, "/oauth/v3/token", SEND_PATH]


def test_wrong_credentials_are_permanent(provider, orange):
    with pytest.raises(PermanentFailure, match="token request \\(HTTP 401\\): invalid_client"):
        gateway(provider, CLIENT_SECRET="wrong").send(SMS)


def test_the_token_service_down_is_temporary(provider, orange):
    orange.token_answer = lambda received: (503, {"code": 5, "message": "Service unavailable"}, {})
    with pytest.raises(TemporaryFailure, match="HTTP 503"):
        gateway(provider).send(SMS)


def test_an_invalid_address_is_permanent_and_not_logged_with_the_number(provider, orange):
    error = {
        "serviceException": {
            "messageId": "SVC0004",
            "text": "No valid addresses provided in message part %1",
            "variables": "tel:+22376123456",
        }
    }
    orange.send_answer = lambda received: (400, {"requestError": error}, {})
    with pytest.raises(PermanentFailure, match="HTTP 400.*SVC0004 No valid addresses") as refused:
        gateway(provider).send(SMS)
    assert "76123456" not in str(refused.value)


def test_an_empty_bundle_is_permanent(provider, orange):
    error = {
        "policyException": {
            "messageId": "POL0001",
            "text": "A policy error occurred. For example, rate limit error, authentication and authorization error",
            "variables": "Insufficient balance",
        }
    }
    orange.send_answer = lambda received: (403, {"requestError": error}, {})
    with pytest.raises(PermanentFailure, match="POL0001.*Insufficient balance"):
        gateway(provider).send(SMS)


@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_errors_and_throttling_are_temporary(provider, orange, status):
    orange.send_answer = lambda received: (status, {"code": 1, "message": "Internal error"}, {})
    with pytest.raises(TemporaryFailure, match=f"HTTP {status}"):
        gateway(provider).send(SMS)


def test_no_answer_within_the_timeout_is_temporary(provider, orange):
    def slow(received):
        time.sleep(0.4)
        return 201, orange.created(received), {}

    orange.send_answer = slow
    with pytest.raises(TemporaryFailure, match="Orange did not answer within 0.1 s"):
        gateway(provider, TIMEOUT=0.1).send(SMS)


def test_a_201_without_resource_url_is_a_failure_to_check(provider, orange):
    orange.send_answer = lambda received: (201, {"outboundSMSMessageRequest": {}}, {})
    with pytest.raises(PermanentFailure, match="without giving its id"):
        gateway(provider).send(SMS)


def receipt(status, callback_data="9f2b4c1e"):
    body = {
        "deliveryInfoNotification": {
            "callbackData": callback_data,
            "deliveryInfo": {"address": "tel:+22376123456", "deliveryStatus": status},
        }
    }
    return rf.post("/messaging/orange-ml/t/delivery/", json.dumps(body), content_type="application/json")


class TestCallbacks:
    gateway = OrangeGateway(alias="orange-ml", config={"OPTIONS": {"SENDER_NUMBER": "2230000"}})

    def test_delivered_to_terminal(self):
        assert self.gateway.delivery_reports(receipt("DeliveredToTerminal")) == [DeliveryReport("9f2b4c1e", True)]

    def test_delivery_impossible(self):
        assert self.gateway.delivery_reports(receipt("DeliveryImpossible")) == [
            DeliveryReport("9f2b4c1e", False, "DeliveryImpossible")
        ]

    @pytest.mark.parametrize("status", ["DeliveredToNetwork", "MessageWaiting", "DeliveryUncertain"])
    def test_statuses_that_are_not_final_are_skipped(self, status):
        assert self.gateway.delivery_reports(receipt(status)) == []

    @pytest.mark.parametrize(
        "request_",
        [
            receipt("DeliveredToTerminal", callback_data=""),
            receipt(""),
            rf.post("/cb/", json.dumps({"deliveryInfo": {}}), content_type="application/json"),
            rf.post("/cb/", "not json", content_type="application/json"),
            rf.post("/cb/", {"id": "x", "status": "Success"}),
        ],
    )
    def test_a_malformed_receipt_is_a_value_error(self, request_):
        with pytest.raises(ValueError):
            self.gateway.delivery_reports(request_)

    def test_an_incoming_message(self):
        body = {
            "inboundSMSMessageNotification": {
                "inboundSMSMessage": {
                    "senderAddress": "tel:+22376123456",
                    "destinationAddress": "2230000",
                    "message": "OUI",
                    "messageId": "in-1",
                    "dateTime": "2026-12-07T08:00:00Z",
                }
            }
        }
        request = rf.post("/messaging/orange-ml/t/inbound/", json.dumps(body), content_type="application/json")
        [sms] = self.gateway.inbound_messages(request)
        assert (sms.sender, sms.text, sms.gateway_id) == ("+22376123456", "OUI", "in-1")
        with pytest.raises(ValueError):
            self.gateway.inbound_messages(receipt("DeliveredToTerminal"))
