"""Reads of the messages sent and received, narrowed to what the person may see."""

from django.db.models import QuerySet

from hub.models import InboundMessage, OutgoingMessage, User
from hub.permissions import Action, can, scope


def outgoing_messages_visible_to(*, user: User, status: str = "") -> QuerySet[OutgoingMessage]:
    """The messages of the person's hub (every hub's for administrators), newest first; `status` narrows
    them. Messages to no hub (a sign-up code) are the administrators' only."""
    if not can(user, Action.FOLLOW_MESSAGES):
        return OutgoingMessage.objects.none()
    messages = scope(OutgoingMessage.objects.select_related("case", "hub"), user=user)
    return messages.filter(status=status) if status else messages


def inbound_messages_visible_to(*, user: User, to_read: bool = False) -> QuerySet[InboundMessage]:
    """The text messages the person's hub received (every hub's for administrators), newest first;
    `to_read` keeps those waiting for someone to read them. Messages from unknown numbers have no hub: they
    are the administrators' only."""
    if not can(user, Action.READ_INBOX):
        return InboundMessage.objects.none()
    messages = scope(InboundMessage.objects.select_related("hub", "enterprise", "case", "read_by"), user=user)
    return messages.filter(outcome=InboundMessage.Outcome.TRIAGE) if to_read else messages
