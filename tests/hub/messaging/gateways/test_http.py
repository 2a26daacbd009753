"""The generic HTTP gateway against a local fake aggregator: the request as configured (URL, method, form or
JSON, placeholders, headers, basic authentication), the answers (id, refusals, no answer) and the callbacks."""

import base64
import hashlib
import hmac
import json
import socket
import time

import pytest
from django.test import RequestFactory, override_settings

from hub.messaging.gateways.base import (
    DeliveryReport,
    ForgedCallback,
    PermanentFailure,
    Sms,
    TemporaryFailure,
    get_gateway,
)
from hub.messaging.gateways.http import HttpGateway, redact

SMS = Sms(to="+22376123456", body="Votre demande est reçue.", sender="HUBIIT", reference="42")
rf = RequestFactory()


def gateway(provider, **options) -> HttpGateway:
    return HttpGateway(
        alias="aggregator", config={"SENDER": "HUBIIT", "OPTIONS": {"URL": f"{provider.url}/api/send", **options}}
    )


def answer(status, body="", headers=None):
    return lambda received: (status, body, headers or {})


class TestSend:
    def test_form_post_with_placeholders_basic_auth_and_query(self, provider):
        provider.answer = answer(200, {"status": "ok", "data": {"messages": [{"id": "agg-7"}]}})
        sent = gateway(
            provider,
            PARAMETERS={"to": "${recipient_digits}", "text": "${message}", "from": "${sender}", "ref": "${reference}"},
            QUERY={"apikey": "k-123"},
            BASIC_AUTH={"USERNAME": "hub", "PASSWORD": "s3cret"},
            ID_FIELD="data.messages.0.id",
        ).send(SMS)

        assert sent == "agg-7"
        [request] = provider.received
        assert (request.method, request.path, request.query) == ("POST", "/api/send", {"apikey": "k-123"})
        assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
        assert request.headers["authorization"] == "Basic " + base64.b64encode(b"hub:s3cret").decode()
        assert request.form == {"to": "22376123456", "text": "Votre demande est reçue.", "from": "HUBIIT", "ref": "42"}

    def test_json_post_with_a_header_key_and_dhis2_placeholders(self, provider):
        provider.answer = answer(201, {"messageId": 991})
        sent = gateway(
            provider,
            CONTENT_TYPE="json",
            HEADERS={"X-API-Key": "k-456"},
            PARAMETERS={"recipients": ["${recipients}"], "message": {"body": "${text}"}, "priority": 1},
            ID_FIELD="messageId",
        ).send(SMS)

        assert sent == "991"
        [request] = provider.received
        assert request.headers["x-api-key"] == "k-456"
        assert request.headers["content-type"].startswith("application/json")
        assert request.json() == {"recipients": ["+22376123456"], "message": {"body": SMS.body}, "priority": 1}

    def test_get_with_parameters_in_the_query_and_an_id_read_by_regex(self, provider):
        provider.answer = answer(200, "OK: 1234567-A", {"Content-Type": "text/plain"})
        sent = gateway(
            provider,
            METHOD="GET",
            PARAMETERS={"dest": "${recipient}", "msg": "${message}"},
            QUERY={"user": "hub"},
            ID_REGEX=r"OK: ([\w-]+)",
        ).send(SMS)

        assert sent == "1234567-A"
        [request] = provider.received
        assert request.method == "GET"
        assert request.query == {"user": "hub", "dest": "+22376123456", "msg": SMS.body}

    def test_no_id_configured_gives_an_empty_id(self, provider):
        provider.answer = answer(200, "accepted")
        assert gateway(provider, PARAMETERS={"to": "${recipient}"}).send(SMS) == ""

    @pytest.mark.parametrize("status", [500, 502, 503, 429, 408])
    def test_server_errors_and_throttling_are_temporary(self, provider, status):
        provider.answer = answer(status, "busy, retry later")
        with pytest.raises(TemporaryFailure, match=f"HTTP {status}"):
            gateway(provider).send(SMS)

    @pytest.mark.parametrize("status", [400, 401, 402, 403, 404])
    def test_other_refusals_are_permanent_and_name_no_phone_number(self, provider, status):
        provider.answer = answer(status, {"error": "Invalid number +22376123456 (223 76 12 34 56)"})
        with pytest.raises(PermanentFailure) as refused:
            gateway(provider).send(SMS)
        assert f"HTTP {status}" in str(refused.value)
        assert "76123456" not in str(refused.value).replace(" ", "")

    def test_a_redirect_is_refused_not_followed_as_a_get(self, provider):
        provider.answer = answer(302, "", {"Location": "/elsewhere"})
        with pytest.raises(PermanentFailure, match="HTTP 302"):
            gateway(provider).send(SMS)
        assert len(provider.received) == 1

    def test_no_answer_within_the_timeout_is_temporary(self, provider):
        def slow(received):
            time.sleep(0.4)
            return 200, {"id": "late"}, {}

        provider.answer = slow
        started = time.monotonic()
        with pytest.raises(TemporaryFailure, match="did not answer within 0.1 s"):
            gateway(provider, TIMEOUT=0.1, ID_FIELD="id").send(SMS)
        assert time.monotonic() - started < 0.4

    def test_no_server_is_temporary(self):
        with socket.socket() as unused:
            unused.bind(("127.0.0.1", 0))
            port = unused.getsockname()[1]
        broken = HttpGateway(alias="x", config={"OPTIONS": {"URL": f"http://127.0.0.1:{port}/send", "TIMEOUT": 1}})
        with pytest.raises(TemporaryFailure, match="could not be reached"):
            broken.send(SMS)

    def test_a_200_answer_that_is_a_refusal(self, provider):
        provider.answer = answer(200, {"status": "error", "message": "Insufficient credit"})
        with pytest.raises(PermanentFailure, match="Insufficient credit"):
            gateway(provider, SUCCESS_REGEX='"status": "ok"', TEMPORARY_REGEX="(?i)throttl").send(SMS)
        provider.answer = answer(200, {"status": "error", "message": "Throttled: 10 per second"})
        with pytest.raises(TemporaryFailure, match="Throttled"):
            gateway(provider, SUCCESS_REGEX='"status": "ok"', TEMPORARY_REGEX="(?i)throttl").send(SMS)

    def test_a_success_without_the_id_is_a_failure_to_check(self, provider):
        provider.answer = answer(200, {"status": "ok"})
        with pytest.raises(PermanentFailure, match="without a message id"):
            gateway(provider, ID_FIELD="data.id").send(SMS)

    def test_loaded_by_alias_from_the_settings(self, provider):
        provider.answer = answer(200, {"id": "x1"})
        config = {"BACKEND": "hub.messaging.gateways.http.HttpGateway", "SENDER": "HUBIIT"}
        config["OPTIONS"] = {"URL": f"{provider.url}/s", "PARAMETERS": {"from": "${sender}"}, "ID_FIELD": "id"}
        with override_settings(SMS_GATEWAYS={"default": config}):
            loaded = get_gateway("default")
            assert isinstance(loaded, HttpGateway)
            assert loaded.send(SMS) == "x1"
        assert provider.received[0].form == {"from": "HUBIIT"}


DELIVERY = {"ID": "msgid", "STATUS": "stat", "ERROR": "err", "DELIVERED": ["DELIVRD"], "FAILED": ["UNDELIV", "REJECTD"]}


class TestCallbacks:
    def test_delivery_reports_from_a_form(self, provider):
        gw = gateway(provider, DELIVERY=DELIVERY)
        assert gw.delivery_reports(rf.post("/cb/", {"msgid": "a1", "stat": "DELIVRD"})) == [DeliveryReport("a1", True)]
        [failed] = gw.delivery_reports(rf.post("/cb/", {"msgid": "a2", "stat": "UNDELIV", "err": "001"}))
        assert (failed.gateway_id, failed.delivered, failed.error) == ("a2", False, "UNDELIV: 001")

    def test_a_status_that_is_not_final_is_skipped(self, provider):
        gw = gateway(provider, DELIVERY=DELIVERY)
        assert gw.delivery_reports(rf.post("/cb/", {"msgid": "a1", "stat": "ACCEPTD"})) == []

    def test_delivery_reports_from_a_json_list_and_from_a_get(self, provider):
        gw = gateway(provider, DELIVERY={**DELIVERY, "ID": "id", "STATUS": "status.name", "LIST": "results"})
        body = {"results": [{"id": "b1", "status": {"name": "DELIVRD"}}, {"id": "b2", "status": {"name": "REJECTD"}}]}
        reports = gw.delivery_reports(rf.post("/cb/", json.dumps(body), content_type="application/json"))
        assert [(report.gateway_id, report.delivered) for report in reports] == [("b1", True), ("b2", False)]
        gw = gateway(provider, DELIVERY=DELIVERY)
        [report] = gw.delivery_reports(rf.get("/cb/", {"msgid": "c1", "stat": "DELIVRD"}))
        assert report.delivered

    def test_default_names_and_statuses(self, provider):
        [report] = gateway(provider).delivery_reports(rf.post("/cb/", {"id": "d1", "status": "delivered"}))
        assert (report.gateway_id, report.delivered) == ("d1", True)

    @pytest.mark.parametrize(
        "request_",
        [
            rf.post("/cb/", {"stat": "DELIVRD"}),
            rf.post("/cb/", {"msgid": "a1"}),
            rf.post("/cb/", "{not json", content_type="application/json"),
            rf.post("/cb/", "[]", content_type="application/json"),
            rf.post("/cb/", '"text"', content_type="application/json"),
        ],
    )
    def test_a_malformed_delivery_report_is_a_value_error(self, provider, request_):
        with pytest.raises(ValueError):
            gateway(provider, DELIVERY=DELIVERY).delivery_reports(request_)

    def test_inbound_messages(self, provider):
        gw = gateway(provider, INBOUND={"FROM": "msisdn", "TEXT": "content", "ID": "smsid"})
        [sms] = gw.inbound_messages(rf.post("/cb/", {"msisdn": "0022376123456", "content": "STOP", "smsid": "m9"}))
        assert (sms.sender, sms.text, sms.gateway_id) == ("+22376123456", "STOP", "m9")
        with pytest.raises(ValueError):
            gw.inbound_messages(rf.post("/cb/", {"msisdn": "+22376123456"}))

    def test_a_secret_header_is_checked(self, provider):
        gw = gateway(provider, CALLBACK_HEADER={"NAME": "X-Hook-Secret", "VALUE": "h00k"})
        fields = {"id": "e1", "status": "delivered"}
        assert gw.delivery_reports(rf.post("/cb/", fields, headers={"X-Hook-Secret": "h00k"}))
        with pytest.raises(ForgedCallback):
            gw.delivery_reports(rf.post("/cb/", fields, headers={"X-Hook-Secret": "guess"}))
        with pytest.raises(ForgedCallback):
            gw.inbound_messages(rf.post("/cb/", {"from": "+22376123456", "text": "hi"}))

    def test_an_hmac_signature_is_checked(self, provider):
        gw = gateway(provider, CALLBACK_HMAC={"HEADER": "X-Signature", "SECRET": "k"})
        body = json.dumps({"id": "f1", "status": "delivered"})
        signature = hmac.new(b"k", body.encode(), hashlib.sha256).hexdigest()
        signed = rf.post("/cb/", body, content_type="application/json", headers={"X-Signature": f"sha256={signature}"})
        assert gw.delivery_reports(signed)[0].gateway_id == "f1"
        forged = rf.post(
            "/cb/", body.replace("f1", "f2"), content_type="application/json", headers={"X-Signature": signature}
        )
        with pytest.raises(ForgedCallback):
            gw.delivery_reports(forged)


def test_redact_masks_phone_numbers():
    assert redact("Numéro +223 76 12 34 56 refusé, code 42") == "Numéro [number] refusé, code 42"
    assert redact("0022376123456") == "[number]"
    assert len(redact("x" * 500)) == 200
