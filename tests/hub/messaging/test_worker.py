"""The workers that take the tasks: the database queue's `db_worker` (the default, `make run`), and RQ's
worker on a real Redis (the PostgreSQL-and-Redis run, `make test-postgres`)."""

import io
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from hub.messaging import services
from hub.messaging.gateways import locmem
from hub.messaging.gateways.base import TemporaryFailure
from hub.models import OutgoingMessage

M = OutgoingMessage


def queue_sms(body: str = "Votre demande est reçue.") -> OutgoingMessage:
    return services.queue_message(channel=M.Channel.SMS, to="+22376123456", body=body, template="t", language="fr")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_worker_sends_what_was_queued_once(settings, sms_outbox):
    """On real transactions: the worker checks its connection between tasks, as a long-running process does."""
    settings.TASKS = {"default": settings.TASKS_BACKENDS["database"]}
    message = queue_sms()
    assert sms_outbox == []

    for _ in range(2):
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0, stdout=io.StringIO())

    assert [sms.body for sms in sms_outbox] == [message.body]
    assert M.objects.get().status == M.Status.SENT


@pytest.mark.redis
def test_the_rq_worker_sends_through_redis_and_schedules_the_retry(db, settings, committed, sms_outbox):
    import django_rq
    from rq import SimpleWorker
    from rq.registry import ScheduledJobRegistry

    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("REDIS_URL is not set: `make test-postgres` sets it to the Redis of the machine")
    settings.RQ_QUEUES = {"default": {"URL": url}}
    settings.TASKS = {"default": settings.TASKS_BACKENDS["rq"]}
    queue = django_rq.get_queue("default")
    queue.connection.flushdb()  # the database of REDIS_URL is the tests' own (db 15 in the Makefile)
    worker = django_rq.get_worker("default", job_class="django_tasks_rq.Job", worker_class=SimpleWorker)

    with committed():
        sent, retried = queue_sms(), queue_sms("Deuxième message")
    locmem.failures.append(TemporaryFailure("HTTP 503"))
    assert len(queue) == 2
    worker.work(burst=True)

    sent.refresh_from_db()
    retried.refresh_from_db()
    assert {sent.status, retried.status} == {M.Status.SENT, M.Status.QUEUED}
    assert len(sms_outbox) == 1
    assert len(ScheduledJobRegistry(queue=queue)) == 1
    queue.connection.flushdb()


def test_the_smpp_receiver_refuses_a_gateway_that_is_not_smpp(db):
    with pytest.raises(ImproperlyConfigured, match="'default' is not an SMPP gateway"):
        call_command("smpp_receiver", "default")
