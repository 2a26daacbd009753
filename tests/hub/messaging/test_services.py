"""Messages queued after the transaction commits, sent once by their task, retried with doubling waits on a
temporary failure, failed after the last attempt, and followed to their delivery."""

import datetime
import io
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend

from hub.messaging import services
from hub.messaging.gateways import locmem
from hub.messaging.gateways.base import DeliveryReport, PermanentFailure, TemporaryFailure, gateway_alias_for
from hub.models import OutgoingMessage, SmsOptOut
from tests.factories import AdminFactory, HubFactory

M = OutgoingMessage
PHONE = "+22376123456"
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def queue_sms(**overrides):
    fields = {
        "channel": M.Channel.SMS,
        "to": PHONE,
        "body": "HUB IIT : votre demande ML-2026-00001 est reçue.",
        "template": "received",
        "language": "fr",
    }
    return services.queue_message(**{**fields, **overrides})


@pytest.fixture
def held(settings):
    """The tasks enqueued but not run, as a worker that has not taken them yet."""
    settings.TASKS = DUMMY
    default_task_backend.clear()
    yield default_task_backend.results
    default_task_backend.clear()


class TestQueuedAfterCommit:
    def test_a_committed_message_is_sent_once_by_its_task(self, db, committed, sms_outbox):
        with committed():
            message = queue_sms()

        message.refresh_from_db()
        assert [(sms.to, sms.body) for sms in sms_outbox] == [(PHONE, message.body)]
        assert (message.status, message.attempts, message.gateway) == (M.Status.SENT, 1, "default")
        assert message.gateway_id.startswith("locmem-") and message.sent_at is not None

    def test_nothing_is_recorded_or_sent_for_a_rolled_back_change(self, db, committed, sms_outbox):
        with committed(), pytest.raises(RuntimeError), transaction.atomic():
            queue_sms()
            raise RuntimeError("the action failed")

        assert (M.objects.count(), sms_outbox) == (0, [])

    def test_the_message_waits_for_the_commit(self, db, held, sms_outbox, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as callbacks:
            message = queue_sms()
            assert held == []
        assert len(callbacks) == 1
        callbacks[0]()
        assert [result.args for result in held] == [[message.pk]]
        assert sms_outbox == []

    def test_a_task_run_again_after_the_gateway_took_the_message_sends_nothing(self, db, held, sms_outbox):
        message = queue_sms()

        assert services.deliver(message.pk) == M.Status.SENT
        assert services.deliver(message.pk) == M.Status.SENT
        assert len(sms_outbox) == 1
        assert M.objects.get().attempts == 1

    def test_a_message_left_being_sent_by_a_dead_worker_is_failed_not_sent_again(self, db, held, sms_outbox):
        message = queue_sms()
        M.objects.filter(pk=message.pk).update(
            status=M.Status.SENDING, attempts=1, attempted_at=timezone.now() - datetime.timedelta(hours=1)
        )

        assert services.fail_interrupted() == 1
        assert services.deliver(message.pk) == M.Status.FAILED
        assert sms_outbox == []
        assert "check with the gateway" in M.objects.get().error

    def test_an_e_mail_goes_through_the_e_mail_backend(self, db, committed, mailoutbox):
        with committed():
            message = services.queue_message(
                channel=M.Channel.EMAIL,
                to="awa@example.org",
                subject="Votre demande",
                body="Bonjour",
                template="received",
                language="fr",
            )

        assert [(mail.to, mail.subject, mail.body) for mail in mailoutbox] == [
            (["awa@example.org"], "Votre demande", "Bonjour")
        ]
        message.refresh_from_db()
        assert (message.status, message.gateway) == (M.Status.SENT, "")


class TestRetries:
    def test_temporary_failures_are_retried_with_doubling_waits_then_failed(self, db, held, settings, sms_outbox):
        settings.MESSAGE_MAX_ATTEMPTS = 3
        message = queue_sms()
        locmem.failures.extend(TemporaryFailure("HTTP 503") for _ in range(3))

        waits = []
        for _ in range(2):
            before = timezone.now()
            assert services.deliver(message.pk) == M.Status.QUEUED
            retry = held[-1]
            assert retry.args == [message.pk]
            waits.append(round((retry.task.run_after - before).total_seconds() / 60))
        assert waits == [1, 2]

        assert services.deliver(message.pk) == M.Status.FAILED
        message.refresh_from_db()
        assert (message.attempts, message.error, sms_outbox) == (3, "HTTP 503", [])
        assert len(held) == 2

    def test_a_retry_that_succeeds_sends_the_message_once(self, db, held, sms_outbox):
        message = queue_sms()
        locmem.failures.append(TemporaryFailure("timed out"))

        assert services.deliver(message.pk) == M.Status.QUEUED
        assert services.deliver(message.pk) == M.Status.SENT
        assert len(sms_outbox) == 1
        message.refresh_from_db()
        assert (message.attempts, message.error) == (2, "")

    def test_a_permanent_failure_is_not_retried(self, db, held, sms_outbox):
        message = queue_sms()
        locmem.failures.append(PermanentFailure("number refused by the operator"))

        assert services.deliver(message.pk) == M.Status.FAILED
        assert held == []
        assert M.objects.get().error == "number refused by the operator"

    def test_the_logs_name_the_message_not_the_number(self, db, held, caplog, settings):
        settings.MESSAGE_MAX_ATTEMPTS = 1
        message = queue_sms()
        locmem.failures.append(TemporaryFailure("HTTP 503"))

        with caplog.at_level(logging.INFO, logger="hub.messaging"):
            services.deliver(message.pk)

        assert f"Message {message.pk} failed" in caplog.text
        assert PHONE not in caplog.text and "76123456" not in caplog.text


class TestResend:
    def test_a_failed_message_is_sent_again_as_a_new_record(self, db, committed, sms_outbox, manager):
        locmem.failures.append(PermanentFailure("no credit left"))
        with committed():
            failed = queue_sms(hub_id=manager.hub_id)
        with committed():
            again = services.resend(message=M.objects.get(pk=failed.pk), by=manager)

        again.refresh_from_db()
        assert (again.status, again.resent_from_id, again.body) == (M.Status.SENT, failed.pk, failed.body)
        assert M.objects.get(pk=failed.pk).status == M.Status.FAILED
        assert len(sms_outbox) == 1

    def test_a_message_that_did_not_fail_is_not_sent_again(self, db, committed, sms_outbox, manager):
        with committed():
            sent = queue_sms(hub_id=manager.hub_id)
        with pytest.raises(ValidationError):
            services.resend(message=M.objects.get(pk=sent.pk), by=manager)

    def test_a_message_to_no_hub_is_resent_by_an_administrator_only(self, db, committed, sms_outbox, manager):
        locmem.failures.append(PermanentFailure("no credit left"))
        with committed():
            failed = queue_sms(template="signup_code")
        failed.refresh_from_db()
        with pytest.raises(PermissionDenied):
            services.resend(message=failed, by=manager)
        with committed():
            services.resend(message=failed, by=AdminFactory())
        assert len(sms_outbox) == 1


class TestStop:
    def test_a_number_that_answered_stop_gets_only_essential_messages(self, db, committed, sms_outbox):
        SmsOptOut.objects.create(phone=PHONE)
        with committed():
            assert queue_sms(essential=False) is None
            queue_sms(template="password_reset", body="Code 123456")

        assert [sms.body for sms in sms_outbox] == ["Code 123456"]


class TestTexts:
    def test_french_typography_is_made_plain_so_that_the_text_stays_gsm_7(self, db, committed, sms_outbox):
        with committed():
            message = queue_sms(body="L’entreprise « Karité Plus » a répondu…")

        assert sms_outbox[0].body == 'L\'entreprise " Karité Plus " a répondu...'
        assert M.objects.get(pk=message.pk).parts == 1

    def test_a_long_text_is_shortened_to_three_messages(self, db, committed, sms_outbox):
        with committed():
            queue_sms(body="Réunion des producteurs de karité " * 30)

        (sms,) = sms_outbox
        assert sms.body.endswith("...")
        assert M.objects.get().parts == 3


class TestGatewayOfTheHub:
    def test_a_hub_sends_through_the_gateway_listing_it_else_the_default(self, db, settings, held):
        settings.SMS_GATEWAYS = {
            "default": {"BACKEND": "hub.messaging.gateways.locmem.LocmemGateway"},
            "orange-sn": {"BACKEND": "hub.messaging.gateways.locmem.LocmemGateway", "HUBS": ["SN"], "SENDER": "HUBIIT"},
        }
        senegal, mali = HubFactory(code="SN", country="SN"), HubFactory(code="ML", country="ML")

        assert (gateway_alias_for("SN"), gateway_alias_for("ML"), gateway_alias_for(None)) == (
            "orange-sn",
            "default",
            "default",
        )
        for hub in (senegal, mali):
            services.deliver(queue_sms(hub_id=hub.pk).pk)
        assert [message.gateway for message in M.objects.order_by("pk")] == ["orange-sn", "default"]
        assert [sms.sender for sms in locmem.outbox[-2:]] == ["HUBIIT", ""]


class TestDeliveryReports:
    def test_a_report_marks_the_message_delivered_or_failed(self, db, committed, sms_outbox):
        with committed():
            delivered, lost = queue_sms(), queue_sms(to="+22376000000")
        delivered.refresh_from_db()
        lost.refresh_from_db()

        known = services.record_delivery_reports(
            gateway="default",
            reports=[
                DeliveryReport(gateway_id=delivered.gateway_id, delivered=True),
                DeliveryReport(gateway_id=lost.gateway_id, delivered=False, error="AbsentSubscriber"),
                DeliveryReport(gateway_id="unknown", delivered=True),
            ],
        )

        assert known == 2
        delivered.refresh_from_db()
        lost.refresh_from_db()
        assert (delivered.status, lost.status, lost.error) == (M.Status.DELIVERED, M.Status.FAILED, "AbsentSubscriber")

    def test_a_late_failure_report_does_not_undo_a_delivery(self, db, committed, sms_outbox):
        with committed():
            message = queue_sms()
        message.refresh_from_db()
        report = DeliveryReport(gateway_id=message.gateway_id, delivered=True)
        services.record_delivery_reports(gateway="default", reports=[report])

        services.record_delivery_reports(
            gateway="default", reports=[DeliveryReport(gateway_id=message.gateway_id, delivered=False)]
        )

        assert M.objects.get().status == M.Status.DELIVERED

    def test_another_gateways_id_is_not_confused_with_ours(self, db, committed, sms_outbox):
        with committed():
            message = queue_sms()
        message.refresh_from_db()

        known = services.record_delivery_reports(
            gateway="orange-sn", reports=[DeliveryReport(gateway_id=message.gateway_id, delivered=True)]
        )

        assert known == 0
        assert M.objects.get().status == M.Status.SENT


class TestSweep:
    def test_the_sweep_fails_the_interrupted_and_enqueues_the_overdue(self, db, held, sms_outbox):
        long_ago = timezone.now() - datetime.timedelta(hours=1)
        interrupted, overdue, waiting, recent = (queue_sms() for _ in range(4))
        M.objects.filter(pk=interrupted.pk).update(status=M.Status.SENDING, attempted_at=long_ago)
        M.objects.filter(pk=overdue.pk).update(next_attempt_at=long_ago)
        M.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now() + datetime.timedelta(minutes=4))
        M.objects.exclude(pk=recent.pk).update(created_at=long_ago)

        call_command("sweep_messages", stdout=io.StringIO())

        assert M.objects.get(pk=interrupted.pk).status == M.Status.FAILED
        assert [result.args for result in held] == [[overdue.pk]]
