"""Queuing, sending and following messages. `queue_message` records a message and enqueues its sending for
when the caller's transaction commits (nothing is sent for a change rolled back); the task `send_message`
takes a queued message, marks it as being sent, hands it to its gateway or to Django's e-mail backend, and
records the outcome: sent with the gateway's id, queued again after a temporary failure (the waits double
from a minute, MESSAGE_MAX_ATTEMPTS at most), or failed. A message found being sent by a later run (a
worker that died during the send) is marked failed, never sent again: the gateway may have taken it.

The logs name messages by id only: no phone number, address or text reaches them."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

from hub.messaging import encoding
from hub.messaging.gateways.base import (
    DeliveryReport,
    Sms,
    TemporaryFailure,
    gateway_alias_for,
    get_gateway,
)
from hub.models import OutgoingMessage, SmsOptOut, User
from hub.permissions import Action, can, works_in_hub

logger = logging.getLogger(__name__)
M = OutgoingMessage
FIRST_RETRY_WAIT = datetime.timedelta(minutes=1)
STALE_AFTER = datetime.timedelta(minutes=15)
INTERRUPTED = "Interrupted while being sent: check with the gateway whether it went out before sending it again."


def queue_message(
    *,
    channel: str,
    to: str,
    body: str,
    template: str,
    language: str,
    subject: str = "",
    hub_id: int | None = None,
    case=None,
    user: User | None = None,
    recipient_name: str = "",
    essential: bool = True,
) -> OutgoingMessage | None:
    """Record the message and send it once the current transaction commits. A text message is made plain
    and shortened to SMS_MAX_PARTS parts (`encoding`); one that is not essential is not queued for a
    number that answered STOP."""
    if channel == M.Channel.SMS:
        if not essential and SmsOptOut.objects.filter(phone=to).exists():
            return None
        body = encoding.shorten(encoding.plain(body), settings.SMS_MAX_PARTS)
    message = OutgoingMessage.objects.create(
        hub_id=hub_id,
        case=case,
        user=user,
        recipient_name=recipient_name,
        channel=channel,
        to=to,
        body=body,
        subject=subject,
        template=template,
        language=language,
        essential=essential,
        parts=encoding.count_parts(body) if channel == M.Channel.SMS else 1,
    )
    _enqueue_on_commit(message.pk)
    return message


def _enqueue_on_commit(message_id: int) -> None:
    transaction.on_commit(lambda: send_message.enqueue(message_id), robust=True)


@task()
def send_message(message_id: int) -> str:
    """The background task: send the message if it is still queued; returns its status."""
    return deliver(message_id)


def deliver(message_id: int) -> str:
    with transaction.atomic():
        messages = OutgoingMessage.objects.select_related("hub").select_for_update(of=("self",))
        message = messages.filter(pk=message_id).first()
        if message is None or message.status != M.Status.QUEUED:
            return message.status if message else ""
        message.status = M.Status.SENDING
        message.attempts += 1
        message.attempted_at = timezone.now()
        if message.channel == M.Channel.SMS and not message.gateway:
            message.gateway = gateway_alias_for(message.hub.code if message.hub else None)
        message.save(update_fields=["status", "attempts", "attempted_at", "gateway"])
    try:
        gateway_id = _hand_over(message)
    except TemporaryFailure as error:
        return _retry_or_fail(message, error)
    except Exception as error:
        logger.warning("Message %s failed: %s", message.pk, type(error).__name__)
        return _record(message, status=M.Status.FAILED, error=str(error) or type(error).__name__)
    return _record(message, status=M.Status.SENT, gateway_id=gateway_id, sent_at=timezone.now(), error="")


def _hand_over(message: OutgoingMessage) -> str:
    if message.channel == M.Channel.EMAIL:
        try:
            send_mail(message.subject, message.body, None, [message.to])
        except OSError as error:
            raise TemporaryFailure(str(error)) from error
        return ""
    gateway = get_gateway(message.gateway)
    return gateway.send(Sms(to=message.to, body=message.body, sender=gateway.sender, reference=str(message.pk)))


def _retry_or_fail(message: OutgoingMessage, error: Exception) -> str:
    if message.attempts >= settings.MESSAGE_MAX_ATTEMPTS:
        logger.warning("Message %s failed after %s attempts.", message.pk, message.attempts)
        return _record(message, status=M.Status.FAILED, error=str(error))
    when = timezone.now() + FIRST_RETRY_WAIT * 2 ** (message.attempts - 1)
    status = _record(message, status=M.Status.QUEUED, error=str(error), next_attempt_at=when)
    if default_task_backend.supports_defer:
        send_message.using(run_after=when).enqueue(message.pk)
    return status


def _record(message: OutgoingMessage, *, status: str, **fields) -> str:
    for name, value in fields.items():
        setattr(message, name, value)
    message.status = status
    message.save(update_fields=["status", *fields])
    return status


def resend(*, message: OutgoingMessage, by: User) -> OutgoingMessage:
    """A failed message queued again as a new record, so that the log keeps the failure. Raises
    PermissionDenied when `by` may not follow the message's hub's messages."""
    if not can(by, Action.FOLLOW_MESSAGES) or not works_in_hub(by, message.hub_id):
        raise PermissionDenied(_("You cannot send this hub's messages."))
    if message.status != M.Status.FAILED:
        raise ValidationError(_("Only a message that failed can be sent again."))
    copy = OutgoingMessage.objects.create(
        **{
            field: getattr(message, field)
            for field in (
                "hub_id",
                "case_id",
                "user_id",
                "recipient_name",
                "channel",
                "to",
                "body",
                "subject",
                "template",
                "language",
                "essential",
                "parts",
                "gateway",
            )
        },
        resent_from=message,
    )
    _enqueue_on_commit(copy.pk)
    return copy


def fail_interrupted(*, older_than: datetime.timedelta = STALE_AFTER) -> int:
    """Mark failed the messages left being sent by a worker that died; returns how many."""
    interrupted = OutgoingMessage.objects.filter(status=M.Status.SENDING, attempted_at__lt=timezone.now() - older_than)
    return interrupted.update(status=M.Status.FAILED, error=INTERRUPTED)


def enqueue_stale(*, older_than: datetime.timedelta = STALE_AFTER) -> int:
    """Enqueue again the messages still queued well after their task should have run (a queue emptied, a
    backend that cannot defer); returns how many. A message is sent once however many tasks it has."""
    now = timezone.now()
    stale = OutgoingMessage.objects.filter(status=M.Status.QUEUED).filter(
        Q(next_attempt_at__lt=now - older_than) | Q(next_attempt_at__isnull=True, created_at__lt=now - older_than)
    )
    ids = list(stale.values_list("pk", flat=True))
    for message_id in ids:
        send_message.enqueue(message_id)
    return len(ids)


def record_delivery_reports(*, gateway: str, reports: list[DeliveryReport]) -> int:
    """Update the messages the gateway reports on; returns how many it knew. A report never moves a
    message back from delivered."""
    known = 0
    now = timezone.now()
    for report in reports:
        messages = OutgoingMessage.objects.filter(gateway=gateway, gateway_id=report.gateway_id).exclude(
            status=M.Status.DELIVERED
        )
        if report.delivered:
            known += messages.update(status=M.Status.DELIVERED, delivered_at=now, error="")
        else:
            known += messages.update(status=M.Status.FAILED, error=report.error or "Not delivered")
    return known
