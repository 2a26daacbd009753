"""Text messages received, understood: each is stored once per gateway id, then becomes what it says.

- STOP (ARRET, ARRÊT, STOP.; case, accents and punctuation ignored) puts the number on `SmsOptOut`: it then
  gets only essential text messages (`queue_message`); START or DEMARRER takes it off again. A START is
  recorded as read (there is no outcome of its own and nothing for anyone to read).
- A single digit 1 to 5 from a number sent a rating request (the latest "resolved" or "satisfaction_reminder"
  message with a case, to that number, in the last RATING_MAX_AGE, whose case is resolved or closed and not
  rated) rates that case through `case_rate`, as the signed link of the resolution message does: the number
  the request went to stands for the enterprise as the link does.
- Otherwise, when the enterprises the number is known for (its active SME user's, the enterprises whose
  owner's phone it is) have exactly one case waiting for the SME, the text is the SME's reply on it through
  `case_reply`, as from the portal: a message to the staff, and the case back to in progress. The reply is
  written by the SME user with that number; a number that is only an owner's phone has no account to write
  as (a case note has an author), so it goes to triage with the case named.
- Anything else is for the hub's managers to read (outcome TRIAGE): the hub of the waiting case, else of the
  SME user's enterprise, else of the owner's enterprise with the latest case. An unknown number has no hub:
  only administrators read it. Two waiting cases for one number also go to triage, the reply being
  for a person to place.

The logs name the received message by id only: no phone number or text reaches them."""

import logging
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import Case, CaseStatus
from cases.rating import RATING_MAX_AGE
from cases.selectors import active_sme_users
from hub.backends import phone_in_e164
from hub.messaging.gateways.base import InboundSms
from hub.messaging.services import queue_message
from hub.models import Enterprise, InboundMessage, OutgoingMessage, SmsOptOut, User
from hub.permissions import Action, can, works_in_hub

logger = logging.getLogger(__name__)
Outcome = InboundMessage.Outcome
STOP_WORDS = frozenset({"STOP", "ARRET"})
START_WORDS = frozenset({"START", "DEMARRER"})
RATINGS = frozenset("12345")
RATING_TEMPLATES = ("resolved", "satisfaction_reminder")
SENDER_MAX_LENGTH = InboundMessage._meta.get_field("sender").max_length
GATEWAY_ID_MAX_LENGTH = InboundMessage._meta.get_field("gateway_id").max_length


def keyword(text: str) -> str:
    """The text in capitals, without accents, spaces or punctuation: "Arrêt." is ARRET."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[\W_]+", "", plain).upper()


def sender_in_e164(sender: str) -> str | None:
    """The sender's number in E.164 form (as User.phone and Enterprise.owner_phone are stored), whether the
    gateway writes it with or without its "+"; None when it is not a valid phone number."""
    text = sender.strip()
    phone = phone_in_e164(text) if text else None
    if phone is None and text.isdigit():
        phone = phone_in_e164(f"+{text}")
    return phone


@transaction.atomic
def receive_sms(*, gateway: str, sms: InboundSms) -> InboundMessage:
    """Store the text message `gateway` received and act on it; the same gateway id received again is the
    message already stored, acted on once."""
    phone = sender_in_e164(sms.sender)
    gateway_id = sms.gateway_id.strip()[:GATEWAY_ID_MAX_LENGTH]
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                gateway=gateway,
                gateway_id=gateway_id,
                sender=phone or sms.sender.strip()[:SENDER_MAX_LENGTH],
                text=sms.text,
            )
    except IntegrityError:
        stored = InboundMessage.objects.filter(gateway=gateway, gateway_id=gateway_id).first() if gateway_id else None
        if stored is None:
            raise
        logger.info("Text message %s received again from the gateway: kept as stored.", stored.pk)
        return stored
    _understand(message, phone=phone)
    message.save(update_fields=["hub", "enterprise", "case", "outcome"])
    logger.info("Text message %s received: %s.", message.pk, message.outcome)
    return message


def _confirm(message: InboundMessage, *, phone: str, stopped: bool) -> None:
    """Tell the number, once, in its hub's language, that it was taken off or put back on the messages."""
    language = message.hub.language if message.hub and message.hub.language else settings.LANGUAGE_CODE
    with translation.override(language):
        body = (
            _("HUB IIT: you will no longer get our information messages. Answer START to get them again.")
            if stopped
            else _("HUB IIT: you will get our messages again. Answer STOP to end them.")
        )
    queue_message(
        channel=OutgoingMessage.Channel.SMS,
        to=phone,
        body=body,
        template="stopped" if stopped else "started",
        language=language,
        hub_id=message.hub_id,
    )


def _understand(message: InboundMessage, *, phone: str | None) -> None:
    """Set the message's outcome, hub, enterprise and case, doing what it asks."""
    if phone is None:
        message.outcome = Outcome.TRIAGE
        return
    user = active_sme_users().filter(phone=phone).select_related("enterprise").first()
    enterprises = _enterprises_of(phone=phone, user=user)
    _place(message, enterprise=enterprises[0] if enterprises else None)
    word = keyword(message.text)
    if word in STOP_WORDS:
        if SmsOptOut.objects.get_or_create(phone=phone)[1]:
            _confirm(message, phone=phone, stopped=True)
        message.outcome = Outcome.OPT_OUT
        return
    if word in START_WORDS:
        if SmsOptOut.objects.filter(phone=phone).delete()[0]:
            _confirm(message, phone=phone, stopped=False)
        message.outcome = Outcome.READ
        return
    if word in RATINGS and (case := _case_to_rate(phone=phone)) is not None:
        _place(message, enterprise=case.enterprise, case=case)
        if _done(case_services.case_rate, case=case, by=None, rating=int(word), via_link=True):
            message.outcome = Outcome.RATING
            return
    waiting = list(
        Case.objects.filter(enterprise__in=enterprises, status=CaseStatus.WAITING_SME).select_related(
            "enterprise__hub"
        )[:2]
    )
    if len(waiting) == 1:
        case = waiting[0]
        _place(message, enterprise=case.enterprise, case=case)
        author = user if user is not None and user.enterprise_id == case.enterprise_id else None
        if author is not None and _done(case_services.case_reply, case=case, by=author, body=message.text):
            message.outcome = Outcome.NOTE
            return
    message.outcome = Outcome.TRIAGE


def _enterprises_of(*, phone: str, user: User | None) -> list[Enterprise]:
    """The enterprises the number is known for: its SME user's first, then those whose owner's phone it is,
    the one with the latest case first."""
    owned = (
        Enterprise.objects.filter(owner_phone=phone, anonymised_at__isnull=True)
        .select_related("hub")
        .annotate(last_case_at=Max("cases__received_at"))
        .order_by(F("last_case_at").desc(nulls_last=True), "-pk")
    )
    enterprises = [user.enterprise] if user is not None and user.enterprise is not None else []
    return enterprises + [enterprise for enterprise in owned if enterprise not in enterprises]


def _place(message: InboundMessage, *, enterprise: Enterprise | None, case: Case | None = None) -> None:
    message.enterprise = enterprise
    message.hub_id = enterprise.hub_id if enterprise is not None else None
    message.case = case


def _case_to_rate(*, phone: str) -> Case | None:
    request = (
        OutgoingMessage.objects.filter(
            channel=OutgoingMessage.Channel.SMS,
            to=phone,
            template__in=RATING_TEMPLATES,
            created_at__gte=timezone.now() - RATING_MAX_AGE,
            case__status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED],
            case__satisfaction_rating__isnull=True,
        )
        .select_related("case__enterprise")
        .order_by("-created_at", "-pk")
        .first()
    )
    return request.case if request is not None else None


def _done(service, **arguments) -> bool:
    """Call the case service; False, with nothing of it kept, when it refuses (the case moved on
    meanwhile): the message then goes to triage."""
    try:
        with transaction.atomic():
            service(**arguments)
    except (ValidationError, PermissionDenied):
        return False
    return True


def inbound_mark_read(*, message: InboundMessage, by: User) -> InboundMessage:
    """A manager marks a message to read as read. Raises PermissionDenied when `by` may not read the
    message's hub's messages, ValidationError when the message was not to read."""
    if not can(by, Action.READ_INBOX) or not works_in_hub(by, message.hub_id):
        raise PermissionDenied(_("You cannot read this hub's text messages."))
    if message.outcome == Outcome.READ:
        return message
    marked = InboundMessage.objects.filter(pk=message.pk, outcome=Outcome.TRIAGE).update(
        outcome=Outcome.READ, read_by=by
    )
    if not marked:
        raise ValidationError(_("Only a message to read can be marked as read."))
    message.refresh_from_db()
    return message
