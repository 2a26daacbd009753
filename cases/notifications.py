"""Messages to the people a case concerns, by e-mail and text message, each in its recipient's language.

The case services call the `notify_*` functions inside their transaction. These only register the
rendering with `transaction.on_commit`, so a change that is rolled back sends nothing; each message is then
queued in `hub.messaging`, whose background task sends it, retries it and records its delivery. What is
sent when, and to whom, is described in docs/NOTIFICATIONS.md.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseNote, CaseStatus
from cases.rating import rating_token
from cases.selectors import DUE_SOON_WORKING_DAYS, DueDigest, RatingRequest, active_sme_users
from hub.followups.questionnaire import QUESTIONNAIRE_MAX_AGE, questionnaire_token
from hub.followups.selectors import DUE_SOON_DAYS, FollowUpDigest, QuestionnaireRequest
from hub.messaging import encoding
from hub.messaging.services import queue_message
from hub.models import Enterprise, FollowUp, OutgoingMessage, Role, User
from hub.permissions import Action, can

S = CaseStatus
TEMPLATE_DIR = "cases/notifications"


@dataclass(frozen=True)
class Recipient:
    name: str
    language: str
    email: str = ""
    phone: str = ""
    user: User | None = None
    """None for an enterprise's owner who has no account."""

    @classmethod
    def of_user(cls, user: User) -> "Recipient":
        return cls(
            name=user.get_full_name() or user.username,
            language=user.language,
            email=user.email,
            phone=str(user.phone or ""),
            user=user,
        )


def sme_recipients(*, enterprise: Enterprise, users: Iterable[User] | None = None) -> list[Recipient]:
    """The enterprise's active SME users or, when it has none, its owner's phone and e-mail, in the hub's
    language. Pass `users` when they are already loaded."""
    if users is None:
        users = active_sme_users().filter(enterprise=enterprise)
    return [Recipient.of_user(user) for user in users] or [
        Recipient(
            name=enterprise.owner_name,
            language=enterprise.hub.language or settings.LANGUAGE_CODE,
            email=enterprise.owner_email,
            phone=str(enterprise.owner_phone or ""),
        )
    ]


def send(*, recipients: Iterable[Recipient], template: str, context: dict) -> int:
    """Render `template` for each recipient in their language and queue it by e-mail and by SMS to
    whichever of the two they have; returns how many messages were queued. The files are
    `<template>_subject.txt`, `<template>.txt` (the e-mail) and `<template>_sms.txt` under
    cases/templates/cases/notifications/. An SMS that lists `items` drops the last ones, counted in
    `more`, until it fits in SMS_MAX_PARTS text messages. Text messages to SMEs are not essential: a
    number that answered STOP does not get them."""
    case = context.get("case")
    enterprise = case.enterprise if case else context.get("enterprise")
    queued = 0
    for recipient in recipients:
        common = {
            "template": template,
            "language": recipient.language,
            "hub_id": enterprise.hub_id if enterprise else recipient.user.hub_id,
            "case": case,
            "user": recipient.user,
            "recipient_name": recipient.name,
        }
        with translation.override(recipient.language):
            personal = {**context, "recipient": recipient, "site_url": settings.SITE_URL}
            if recipient.email:
                queue_message(
                    channel=OutgoingMessage.Channel.EMAIL,
                    to=recipient.email,
                    **_render_email(template, personal),
                    **common,
                )
                queued += 1
            if recipient.phone:
                essential = recipient.user is not None and recipient.user.role != Role.SME
                queued += bool(
                    queue_message(
                        channel=OutgoingMessage.Channel.SMS,
                        to=recipient.phone,
                        body=_render_sms_to_fit(template, personal),
                        essential=essential,
                        **common,
                    )
                )
    return queued


def _render_email(template: str, context: dict) -> dict:
    subject = " ".join(render_to_string(f"{TEMPLATE_DIR}/{template}_subject.txt", context).split())
    body = render_to_string(f"{TEMPLATE_DIR}/{template}.txt", context)
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in body.splitlines())).strip() + "\n"
    return {"subject": subject, "body": body}


def _render_sms(template: str, context: dict) -> str:
    lines = (
        " ".join(line.split()) for line in render_to_string(f"{TEMPLATE_DIR}/{template}_sms.txt", context).splitlines()
    )
    return "\n".join(line for line in lines if line)


def _render_sms_to_fit(template: str, context: dict) -> str:
    items = list(context.get("items", []))
    text = _render_sms(template, context)
    while encoding.count_parts(text) > settings.SMS_MAX_PARTS and len(items) > 1:
        items.pop()
        text = _render_sms(template, {**context, "items": items, "more": len(context["items"]) - len(items)})
    return text


def _url(name: str, *args, query: str = "") -> str:
    return settings.SITE_URL + reverse(name, args=args) + (f"?{query}" if query else "")


def staff_case_url(*, user: User, case: Case) -> str:
    """The case page for those who triage cases; the person's home page for referents."""
    if can(user, Action.TRIAGE_CASES):
        return _url("manage-cases:detail", case.pk)
    return _url("home")


def rating_url(case: Case) -> str:
    return _url("cases:rate-link", rating_token(case))


def questionnaire_url(followup: FollowUp) -> str:
    return _url("cases:followup-questionnaire", questionnaire_token(followup))


def _after_commit(tell, /, *, case: Case, **kwargs) -> None:
    """Call `tell(case=..., **kwargs)` with the case as committed, once the transaction commits."""
    case_id = case.pk

    def tell_committed():
        committed = Case.objects.select_related("hub", "enterprise__region", "assigned_to", "referred_to")
        tell(case=committed.get(pk=case_id), **kwargs)

    transaction.on_commit(tell_committed, robust=True)


def _tell_sme(*, case: Case, template: str, **context) -> None:
    send(
        recipients=sme_recipients(enterprise=case.enterprise),
        template=template,
        context={"case": case, "portal_url": _url("cases:portal-case", case.pk), **context},
    )


def _tell_staff(*, users: Iterable[User], case: Case, template: str, **context) -> None:
    for user in users:
        send(
            recipients=[Recipient.of_user(user)],
            template=template,
            context={"case": case, "case_url": staff_case_url(user=user, case=case), **context},
        )


def _active_referent(case: Case) -> list[User]:
    return [case.assigned_to] if case.assigned_to is not None and case.assigned_to.is_active else []


def notify_case_received(*, case: Case) -> None:
    """Precondition: inside the transaction that created `case`."""
    _after_commit(_tell_sme, case=case, template="received")


SME_TEMPLATES: dict[tuple[str | None, str], str] = {
    (S.NEW, S.QUALIFIED): "acknowledged",
    (None, S.REJECTED): "rejected",
    (None, S.REFERRED): "referred",
    (None, S.WAITING_SME): "waiting_sme",
}
"""The message the SME gets for a move; None stands for any status the case comes from."""


def notify_status_changed(*, case: Case, from_status: str, by: User, note: str = "") -> None:
    """Precondition: inside the transaction that moved `case` from `from_status` to its status."""
    move = (from_status, case.status)
    if case.status == S.ASSIGNED:
        notify_case_assigned(case=case, previous_id=None, by=by)
    elif case.status == S.RESOLVED:
        _after_commit(_tell_resolved, case=case)
    elif move == (S.RESOLVED, S.IN_PROGRESS):
        _after_commit(_tell_reopened, case=case, by=by, since=timezone.now())
    elif template := SME_TEMPLATES.get(move) or SME_TEMPLATES.get((None, case.status)):
        _after_commit(_tell_sme, case=case, template=template, note=note)


def _tell_resolved(*, case: Case) -> None:
    _tell_sme(case=case, template="resolved", rating_url=rating_url(case))


def _tell_reopened(*, case: Case, by: User, since: datetime.datetime) -> None:
    """With the messages `by` wrote to go with the reopening (`cases.services.case_reopen`)."""
    referents = [referent for referent in _active_referent(case) if referent != by]
    if referents:
        messages = case.notes.filter(author=by, visibility=CaseNote.Visibility.SME, created_at__gte=since)
        _tell_staff(users=referents, case=case, template="reopened", by=by, messages=list(messages))


def notify_case_assigned(*, case: Case, previous_id: int | None, by: User) -> None:
    """Precondition: inside the transaction that gave `case` to `case.assigned_to`; `previous_id` is the
    referent who had it."""
    if previous_id != case.assigned_to_id:
        _after_commit(_tell_assignment, case=case, previous_id=previous_id, by=by)


def _tell_assignment(*, case: Case, previous_id: int | None, by: User) -> None:
    _tell_sme(case=case, template="assigned")
    _tell_staff(users=[case.assigned_to], case=case, template="assigned_to_you", by=by)
    if previous_id is not None:
        previous = User.objects.filter(pk=previous_id, is_active=True)
        _tell_staff(users=previous, case=case, template="unassigned", by=by)


def notify_note_added(*, note: CaseNote) -> None:
    """A message to the SME goes to the enterprise; a message from the SME goes to the assigned referent,
    or to the hub's managers while nobody is assigned. Internal notes are not sent."""
    if note.visibility != CaseNote.Visibility.SME:
        return
    if note.author.role == Role.SME:
        _after_commit(_tell_case_workers, case=note.case, message=note)
    else:
        _after_commit(_tell_sme, case=note.case, template="message_to_sme", message=note)


def _tell_case_workers(*, case: Case, message: CaseNote) -> None:
    workers = _active_referent(case) or User.objects.filter(role=Role.MANAGER, hub=case.hub_id, is_active=True)
    _tell_staff(users=workers, case=case, template="message_from_sme", message=message)


@dataclass(frozen=True)
class DueItem:
    case: Case
    due: datetime.date
    action: Promise
    url: str


STEP_ACTIONS = {
    S.NEW: _("Acknowledge"),
    S.QUALIFIED: _("Assign"),
    S.ASSIGNED: _("First contact or visit"),
}


def _due_item(case: Case, *, user: User) -> DueItem:
    stage_due = {S.NEW: case.acknowledge_due, S.QUALIFIED: case.assign_due, S.ASSIGNED: case.first_contact_due}
    action = STEP_ACTIONS[case.status] if stage_due.get(case.status) == case.next_due else _("Resolve")
    return DueItem(case=case, due=case.next_due, action=action, url=staff_case_url(user=user, case=case))


def send_due_digest(
    *, user: User, digest: DueDigest | None, followups: FollowUpDigest | None, today: datetime.date
) -> int:
    """One message listing the person's overdue and due-soon cases and the impact follow-ups they are in
    charge of, overdue or due soon."""
    is_manager = user.role == Role.MANAGER
    context = {
        "today": today,
        "is_manager": is_manager,
        "overdue": [_due_item(case, user=user) for case in digest.overdue] if digest else [],
        "due_soon": [_due_item(case, user=user) for case in digest.due_soon] if digest else [],
        "due_soon_days": DUE_SOON_WORKING_DAYS,
        "list_url": _url("manage-cases:list") if is_manager else _url("home"),
        "followups_overdue": followups.overdue if followups else [],
        "followups_due_soon": followups.due_soon if followups else [],
        "followups_count": len(followups.overdue) + len(followups.due_soon) if followups else 0,
        "followups_due_soon_days": DUE_SOON_DAYS,
        "followups_url": _url("home"),
    }
    return send(recipients=[Recipient.of_user(user)], template="due_digest", context=context)


def send_due_digests(*, digests: list[DueDigest], followup_digests: list[FollowUpDigest], today: datetime.date) -> None:
    """Each person's cases and follow-ups in one message."""
    followups = {followup_digest.user.pk: followup_digest for followup_digest in followup_digests}
    for digest in digests:
        send_due_digest(user=digest.user, digest=digest, followups=followups.pop(digest.user.pk, None), today=today)
    for followup_digest in followups.values():
        send_due_digest(user=followup_digest.user, digest=None, followups=followup_digest, today=today)


def send_satisfaction_reminder(*, request: RatingRequest) -> int:
    """One message per SME user (or the owner) asking to rate the enterprise's resolved cases; about one
    case, the message is recorded as the case's (its timeline; a digit in reply rates it)."""
    items = [{"case": case, "rating_url": rating_url(case)} for case in request.cases]
    about = {"case": request.cases[0]} if len(request.cases) == 1 else {}
    return send(
        recipients=sme_recipients(enterprise=request.enterprise, users=request.sme_users),
        template="satisfaction_reminder",
        context={"enterprise": request.enterprise, "items": items, "more": 0, **about},
    )


def notify_satisfaction_reminders(*, requests: list[RatingRequest]) -> None:
    """Precondition: inside the transaction that marks the requests' cases as reminded."""

    def send_reminders():
        for request in requests:
            send_satisfaction_reminder(request=request)

    transaction.on_commit(send_reminders, robust=True)


def send_followup_questionnaire(*, request: QuestionnaireRequest) -> int:
    """One message per SME user (or the owner) with the questionnaire link of each follow-up that came due."""
    items = [{"followup": followup, "url": questionnaire_url(followup)} for followup in request.followups]
    return send(
        recipients=sme_recipients(enterprise=request.enterprise, users=request.sme_users),
        template="followup_questionnaire",
        context={
            "enterprise": request.enterprise,
            "items": items,
            "more": 0,
            "valid_days": QUESTIONNAIRE_MAX_AGE.days,
            "space_url": _url("cases:portal-home"),
        },
    )


def notify_followup_questionnaires(*, requests: list[QuestionnaireRequest]) -> None:
    """Precondition: inside the transaction that marks the requests' follow-ups as reminded."""

    def send_questionnaires():
        for request in requests:
            send_followup_questionnaire(request=request)

    transaction.on_commit(send_questionnaires, robust=True)
