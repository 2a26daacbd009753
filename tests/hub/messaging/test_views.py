"""The hub's log of messages sent, with "Send again", and the gateways' callbacks at their secret URLs."""

import pytest

from hub.messaging import services
from hub.messaging.gateways import locmem
from hub.messaging.gateways.base import DeliveryReport, ForgedCallback, Gateway, InboundSms, PermanentFailure
from hub.models import InboundMessage, OutgoingMessage
from tests.factories import AdminFactory, HubFactory, ManagerFactory

M = OutgoingMessage
LOG = "/manage/messages/"
TOKEN = "s3cret-callback-token"


class SignedGateway(Gateway):
    """A provider that signs its callbacks with a header and posts `id`/`status`, or `from`/`text`."""

    def _check(self, request):
        if request.headers.get("X-Signature") != "good":
            raise ForgedCallback
        if "id" not in request.POST and "from" not in request.POST:
            raise ValueError("no message in the callback")

    def delivery_reports(self, request):
        self._check(request)
        return [DeliveryReport(gateway_id=request.POST["id"], delivered=request.POST["status"] == "DELIVRD")]

    def inbound_messages(self, request):
        self._check(request)
        return [InboundSms(sender=request.POST["from"], text=request.POST["text"], gateway_id=request.POST["mid"])]


@pytest.fixture(autouse=True)
def gateways(settings):
    settings.SMS_GATEWAYS = {
        "default": {"BACKEND": "hub.messaging.gateways.locmem.LocmemGateway", "CALLBACK_TOKEN": TOKEN},
        "signed": {"BACKEND": f"{__name__}.SignedGateway", "CALLBACK_TOKEN": TOKEN},
    }


def queue_sms(hub, body="Votre demande est reçue.", **fields):
    return services.queue_message(
        channel=M.Channel.SMS, to="+22376123456", body=body, template="received", language="fr", hub_id=hub.pk, **fields
    )


class TestLog:
    @pytest.fixture
    def failed(self, hub, committed, sms_outbox):
        locmem.failures.append(PermanentFailure("number refused by the operator"))
        with committed():
            failed = queue_sms(hub, "Message qui a échoué", recipient_name="Awa Traoré")
            queue_sms(hub, "Message parti")
            queue_sms(HubFactory(code="SN", country="SN"), "Message du Sénégal")
        return failed

    def test_a_manager_sees_the_failed_messages_of_their_hub_with_the_reason(self, client, manager, failed):
        client.force_login(manager)
        page = client.get(LOG).content.decode()

        assert "Message qui a échoué" in page and "number refused by the operator" in page
        assert "Message parti" not in page
        assert "Message du Sénégal" not in page

    def test_every_status_of_the_hub_and_none_of_another_hub(self, client, manager, failed):
        client.force_login(manager)
        page = client.get(LOG, {"status": "all"}).content.decode()

        assert "Message qui a échoué" in page and "Message parti" in page
        assert "Message du Sénégal" not in page

    def test_an_administrator_sees_every_hub(self, client, failed):
        client.force_login(AdminFactory())
        page = client.get(LOG, {"status": "all"}).content.decode()
        assert "Message du Sénégal" in page and "Message parti" in page

    def test_a_failed_message_is_sent_again(self, client, manager, failed, django_capture_on_commit_callbacks):
        client.force_login(manager)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"{LOG}{failed.pk}/resend/")

        assert response.status_code == 302
        again = M.objects.get(resent_from=failed)
        assert again.status == M.Status.SENT
        assert [sms.body for sms in locmem.outbox] == ["Message parti", "Message du Sénégal", "Message qui a échoué"]

    def test_another_hubs_manager_can_neither_see_nor_resend_it(self, client, failed):
        client.force_login(ManagerFactory(hub=HubFactory(code="CI", country="CI")))

        assert "Message qui a échoué" not in client.get(LOG).content.decode()
        assert client.post(f"{LOG}{failed.pk}/resend/").status_code == 404
        assert not M.objects.filter(resent_from=failed).exists()

    @pytest.mark.parametrize("role", ["referent", "sme_user"])
    def test_referents_and_enterprises_are_refused(self, client, request, role, failed):
        client.force_login(request.getfixturevalue(role))
        assert client.get(LOG).status_code == 403
        assert client.post(f"{LOG}{failed.pk}/resend/").status_code == 403

    def test_a_message_sent_is_not_sent_again(self, client, manager, hub, committed, sms_outbox):
        with committed():
            sent = queue_sms(hub)
        client.force_login(manager)

        response = client.post(f"{LOG}{sent.pk}/resend/", follow=True)

        assert "Seul un message en échec peut être envoyé à nouveau." in response.content.decode()
        assert len(sms_outbox) == 1


class TestCallbacks:
    @pytest.fixture
    def sent(self, hub, settings, committed, sms_outbox):
        settings.SMS_GATEWAYS["signed"]["BACKEND"] = "hub.messaging.gateways.locmem.LocmemGateway"
        settings.SMS_GATEWAYS["signed"]["HUBS"] = [hub.code]
        with committed():
            message = queue_sms(hub)
        settings.SMS_GATEWAYS["signed"]["BACKEND"] = f"{__name__}.SignedGateway"
        message.refresh_from_db()
        return message

    def test_a_signed_delivery_report_marks_the_message_delivered(self, client, sent):
        response = client.post(
            f"/messaging/signed/{TOKEN}/delivery/",
            {"id": sent.gateway_id, "status": "DELIVRD"},
            HTTP_X_SIGNATURE="good",
        )

        assert (response.status_code, response.json()) == (200, {"known": 1})
        sent.refresh_from_db()
        assert sent.status == M.Status.DELIVERED

    def test_a_forged_report_is_refused_and_changes_nothing(self, client, sent):
        response = client.post(
            f"/messaging/signed/{TOKEN}/delivery/", {"id": sent.gateway_id, "status": "DELIVRD"}, HTTP_X_SIGNATURE="bad"
        )

        assert response.status_code == 403
        assert M.objects.get(pk=sent.pk).status == M.Status.SENT

    @pytest.mark.parametrize(
        "url", [f"/messaging/signed/wrong-{TOKEN}/delivery/", f"/messaging/nowhere/{TOKEN}/delivery/"]
    )
    def test_a_wrong_token_or_gateway_is_not_found(self, client, sent, url):
        response = client.post(url, {"id": sent.gateway_id, "status": "DELIVRD"}, HTTP_X_SIGNATURE="good")
        assert response.status_code == 404
        assert M.objects.get(pk=sent.pk).status == M.Status.SENT

    def test_a_gateway_without_a_token_has_no_callback(self, client, settings, sent):
        del settings.SMS_GATEWAYS["signed"]["CALLBACK_TOKEN"]
        response = client.post("/messaging/signed//delivery/", {"id": sent.gateway_id}, HTTP_X_SIGNATURE="good")
        assert response.status_code == 404

    def test_an_unreadable_callback_is_a_bad_request(self, client, sent):
        response = client.post(f"/messaging/signed/{TOKEN}/delivery/", {}, HTTP_X_SIGNATURE="good")
        assert response.status_code == 400

    def test_a_text_received_is_stored_once(self, client, db):
        for _ in range(2):
            response = client.post(
                f"/messaging/signed/{TOKEN}/inbound/",
                {"from": "+22390000000", "text": "Bonjour", "mid": "in-1"},
                HTTP_X_SIGNATURE="good",
            )
            assert (response.status_code, response.json()) == (200, {"stored": 1})

        message = InboundMessage.objects.get()
        assert (message.gateway, message.text, message.outcome) == ("signed", "Bonjour", InboundMessage.Outcome.TRIAGE)
