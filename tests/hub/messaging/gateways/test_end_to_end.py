"""A gateway in place: a message queued for the Mali hub goes out through the gateway its settings give the
hub (a local fake of Africa's Talking, then of Orange), is recorded sent with the provider's id, and the
provider's delivery callback, posted to the hub's URL, marks it delivered."""

import json

import pytest

from hub.messaging import services
from hub.models import OutgoingMessage
from tests.hub.messaging.gateways.test_orange import FakeOrange

M = OutgoingMessage
TOKEN = "cb-0123456789abcdef"


def queue_sms(hub):
    return services.queue_message(
        channel=M.Channel.SMS,
        to="+22376123456",
        body="Votre demande est reçue.",
        template="received",
        language="fr",
        hub_id=hub.pk,
    )


@pytest.fixture
def gateways(settings):
    def configure(alias, backend, options):
        settings.SMS_GATEWAYS = {
            "default": {"BACKEND": "hub.messaging.gateways.locmem.LocmemGateway"},
            alias: {
                "BACKEND": backend,
                "HUBS": ["ML"],
                "SENDER": "HUBIIT",
                "CALLBACK_TOKEN": TOKEN,
                "OPTIONS": options,
            },
        }

    return configure


def test_africas_talking_sends_and_reports(hub, committed, client, provider, gateways):
    gateways(
        "at-ml",
        "hub.messaging.gateways.africastalking.AfricasTalkingGateway",
        {"USERNAME": "hubiit", "API_KEY": "k", "URL": f"{provider.url}/version1/messaging"},
    )
    recipient = {"statusCode": 101, "number": "+22376123456", "status": "Success", "messageId": "ATXid_e2e"}
    provider.answer = lambda received: (
        201,
        {"SMSMessageData": {"Message": "Sent to 1/1", "Recipients": [recipient]}},
        {},
    )

    with committed():
        message = queue_sms(hub)

    message.refresh_from_db()
    assert (message.status, message.gateway, message.gateway_id) == (M.Status.SENT, "at-ml", "ATXid_e2e")
    assert provider.received[0].form["from"] == "HUBIIT"

    answer = client.post(
        f"/messaging/at-ml/{TOKEN}/delivery/", {"id": "ATXid_e2e", "status": "Success", "phoneNumber": "+22376123456"}
    )
    assert answer.status_code == 200
    message.refresh_from_db()
    assert message.status == M.Status.DELIVERED

    fields = {"from": "+22376123456", "to": "36123", "text": "STOP", "id": "ATXid_in", "date": "2026-12-07 08:00:00"}
    answer = client.post(f"/messaging/at-ml/{TOKEN}/inbound/", fields)
    assert (answer.status_code, answer.json()) == (200, {"stored": 1})

    assert client.post(f"/messaging/at-ml/{TOKEN}/delivery/", {"status": "Success"}).status_code == 400
    assert client.post("/messaging/at-ml/wrong-token/delivery/", {"id": "x", "status": "Success"}).status_code == 404


def test_orange_sends_and_reports_and_a_refusal_fails_the_message(hub, committed, client, provider, gateways):
    orange = FakeOrange(provider)
    gateways(
        "orange-ml",
        "hub.messaging.gateways.orange.OrangeGateway",
        {
            "CLIENT_ID": "client-id",
            "CLIENT_SECRET": "client-secret",
            "SENDER_NUMBER": "2230000",
            "BASE_URL": provider.url,
        },
    )
    with committed():
        message = queue_sms(hub)

    message.refresh_from_db()
    assert (message.status, message.gateway_id) == (M.Status.SENT, "9f2b4c1e-0d1a-4c5e-8a7f-1b2c3d4e5f60")
    receipt = {
        "deliveryInfoNotification": {
            "callbackData": message.gateway_id,
            "deliveryInfo": {"address": "tel:+22376123456", "deliveryStatus": "DeliveredToTerminal"},
        }
    }
    answer = client.post(
        f"/messaging/orange-ml/{TOKEN}/delivery/", json.dumps(receipt), content_type="application/json"
    )
    assert answer.json() == {"known": 1}

    error = {
        "serviceException": {"messageId": "SVC0004", "text": "No valid addresses", "variables": "tel:+22376123456"}
    }
    orange.send_answer = lambda received: (400, {"requestError": error}, {})
    with committed():
        refused = queue_sms(hub)
    refused.refresh_from_db()
    assert refused.status == M.Status.FAILED
    assert "SVC0004" in refused.error and "76123456" not in refused.error
