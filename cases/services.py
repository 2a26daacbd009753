"""Every write to a case. Status changes go through `case_transition` only. The people concerned are told
by `cases.notifications` once the change is committed."""

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import notifications
from cases.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    Case,
    CaseActionReceipt,
    CaseAttachment,
    CaseEvent,
    CaseNote,
    CaseShare,
    CaseStatus,
    Channel,
    Priority,
    ReferenceCounter,
)
from cases.selectors import (
    DueDigest,
    RatingRequest,
    case_changes_since,
    case_version_to_check,
    due_digests,
    satisfaction_reminders_due,
)
from hub.calendar import HubCalendar, LocalDays, hub_local_date
from hub.followups.selectors import (
    FollowUpDigest,
    QuestionnaireRequest,
    followup_questionnaires_due,
    followups_due_digests,
)
from hub.followups.services import followups_plan_baseline, followups_plan_for_case
from hub.library.services import shared_item
from hub.models import Enterprise, FollowUp, Partner, Role, TechnologySheet, User, related_or_none
from hub.permissions import Action, can
from hub.services import check_not_anonymised
from hub.uploads import document_type, removed_on_error

S = CaseStatus
Kind = CaseActionReceipt.Kind


class CaseChanged(Exception):
    """The case was changed by someone else since the version the caller read."""

    def __init__(self, case: Case):
        super().__init__(_("This case was changed by someone else in the meantime. Reload it and try again."))
        self.case = case


class CaseActionStale(Exception):
    """A queued move was made on a version of the case older than the current one; `changes` says what
    changed since, `case` is the case as it is now."""

    def __init__(self, case: Case, *, changes: list[str]):
        super().__init__(_("Someone else changed this case after you made this change on your phone:"))
        self.case = case
        self.changes = changes


class CaseActionConflict(Exception):
    """The client UUID is already stored for another action."""

    def __init__(self):
        super().__init__(_("Another action was already recorded with this identifier."))


def _lock(case: Case, *, expected_version: int | None) -> Case:
    """Re-read `case` under a row lock; precondition: inside a transaction."""
    locked = Case.objects.select_for_update().select_related("hub").get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise CaseChanged(locked)
    return locked


def case_visited(*, case: Case, at: datetime.datetime) -> Case:
    """A visit that started `at` was made about the case: its first contact is then at the latest that
    visit (a visit logged offline may reach the server after the case moved on), never before it was
    received. Precondition: inside a transaction."""
    case = _lock(case, expected_version=None)
    if at < case.received_at or (case.first_contact_at is not None and case.first_contact_at <= at):
        return case
    case.first_contact_at = at
    case.version += 1
    case.save()
    return case


def next_case_reference(*, hub, year: int) -> str:
    """Precondition: called inside a transaction; the counter row stays locked until it commits."""
    ReferenceCounter.objects.get_or_create(hub=hub, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(hub=hub, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{hub.code}-{year}-{counter.last_number:05d}"


def _due(case: Case, days: int, start: datetime.datetime) -> datetime.date:
    """`days` working days after the local day of `start` in the case's hub."""
    calendar = HubCalendar.of(case.hub)
    return calendar.add_working_days(calendar.local_date(start), days)


def _check_actor_reaches_case(*, case: Case, by: User) -> None:
    if not by.is_active:
        raise PermissionDenied(_("This account is deactivated."))
    reaches = (
        by.role == Role.ADMIN
        or (by.role in (Role.MANAGER, Role.REFERENT) and by.hub_id == case.hub_id)
        or (by.role == Role.SME and by.enterprise_id == case.enterprise_id)
    )
    if not reaches:
        raise PermissionDenied(_("You cannot act on this case."))


@transaction.atomic
def case_create(
    *,
    enterprise: Enterprise,
    domain: str,
    title: str,
    description: str,
    by: User,
    channel: str = Channel.PORTAL,
    priority: str = Priority.NORMAL,
    found_at_visit: bool = False,
) -> Case:
    """With `found_at_visit`, the referent `by` raises a need found at a site visit: the case is theirs at
    once, received, acknowledged, assigned and first contacted at the visit."""
    if found_at_visit and not can(by, Action.LOG_VISITS):
        raise PermissionDenied(_("Only referents raise cases at a visit."))
    if not can(by, Action.SUBMIT_CASE):
        raise PermissionDenied(_("You cannot submit a support request."))
    if by.role == Role.SME and by.enterprise_id != enterprise.pk:
        raise PermissionDenied(_("You can only submit requests for your own enterprise."))
    if by.role in (Role.MANAGER, Role.REFERENT) and by.hub_id != enterprise.hub_id:
        raise PermissionDenied(_("This enterprise belongs to another hub."))
    check_not_anonymised(enterprise)
    now = timezone.now()
    case = Case(
        hub=enterprise.hub,
        enterprise=enterprise,
        domain=domain,
        title=title,
        description=description,
        channel=channel,
        priority=priority,
        created_by=by,
        received_at=now,
    )
    case.reference = "pending"
    case.full_clean(exclude=["reference"])
    case.reference = next_case_reference(hub=enterprise.hub, year=hub_local_date(now, hub=enterprise.hub).year)
    case.acknowledge_due = _due(case, case.hub.acknowledge_days, now)
    case.resolve_due = _due(case, case.hub.resolve_days, now)
    if found_at_visit:
        case.channel = Channel.VISIT
        case.status = S.ASSIGNED
        case.assigned_to = by
        case.acknowledged_at = case.assigned_at = case.first_contact_at = now
        case.assign_due = case.first_contact_due = hub_local_date(now, hub=enterprise.hub)
    case.save()
    if found_at_visit:
        followups_plan_baseline(enterprise=enterprise, referent=by, at=now)
    CaseEvent.objects.create(case=case, to_status=case.status, actor=by, created_at=now)
    notifications.notify_case_received(case=case)
    return case


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to_status: str,
    by: User,
    note: str = "",
    resolution_summary: str = "",
    rejection_reason: str = "",
    partner: Partner | None = None,
    referent: User | None = None,
    expected_version: int | None = None,
) -> Case:
    """Move `case` to `to_status` if the transition table lets `by`'s role make that move; a move to
    assigned gives the case to `referent` (or to the referent it already names).

    Raises ValidationError for a move the table does not have or data the move needs,
    PermissionDenied when the role or the person may not make it, and CaseChanged when
    `expected_version` is given and the case has moved on since.
    """
    case = _lock(case, expected_version=expected_version)
    move = (case.status, to_status)
    if move not in TRANSITIONS:
        raise ValidationError(
            {
                "status": _("A case cannot go from “%(from)s” to “%(to)s”.")
                % {"from": S(case.status).label, "to": S(to_status).label if to_status in S.values else to_status}
            }
        )
    if by.role not in TRANSITIONS[move]:
        raise PermissionDenied(_("Your role cannot make this change."))
    _check_actor_reaches_case(case=case, by=by)
    if by.role == Role.REFERENT and case.assigned_to_id != by.pk:
        raise PermissionDenied(_("Only the assigned referent can work on this case."))

    now = timezone.now()
    if to_status == S.ASSIGNED:
        referent = referent or case.assigned_to
        if referent is None:
            raise ValidationError({"assigned_to": _("Choose the referent to assign.")})
        _check_assignable(case=case, referent=referent)
        case.assigned_to = referent
    if to_status == S.REJECTED:
        if not rejection_reason.strip():
            raise ValidationError({"rejection_reason": _("Give the reason for the rejection.")})
        case.rejection_reason = rejection_reason.strip()
    if to_status == S.REFERRED:
        if partner is None or partner.hub_id != case.hub_id:
            raise ValidationError({"partner": _("Choose a partner organisation of this hub.")})
        case.referred_to = partner
        case.referred_to_name = partner.name
    if to_status == S.RESOLVED:
        if not resolution_summary.strip():
            raise ValidationError({"resolution_summary": _("Summarise how the request was resolved.")})
        case.resolution_summary = resolution_summary.strip()
        case.resolved_at = now
    if move == (S.RESOLVED, S.IN_PROGRESS):
        resolved_at = case.resolved_at or case.updated_at
        if now > resolved_at + datetime.timedelta(days=case.hub.reopen_days):
            raise ValidationError(
                {
                    "status": _("This case was resolved more than %(days)d days ago and can no longer be reopened.")
                    % {"days": case.hub.reopen_days}
                }
            )
        case.resolved_at = None
    if to_status == S.CLOSED:
        case.closed_at = now
    if case.status == S.NEW and case.acknowledged_at is None:
        case.acknowledged_at = now
    if to_status == S.QUALIFIED:
        case.assign_due = _due(case, case.hub.assign_days, now)
    if to_status == S.ASSIGNED:
        case.assigned_at = now
        case.first_contact_due = _due(case, case.hub.first_contact_days, now)
    if to_status == S.IN_PROGRESS and case.first_contact_at is None:
        case.first_contact_at = now

    case.status = to_status
    case.version += 1
    case.save()
    if to_status == S.ASSIGNED:
        followups_plan_baseline(enterprise=case.enterprise, referent=case.assigned_to, at=now)
    if to_status == S.RESOLVED or move == (S.RESOLVED, S.IN_PROGRESS):
        followups_plan_for_case(case=case, by=by)
    recorded_note = note or {S.RESOLVED: case.resolution_summary, S.REJECTED: case.rejection_reason}.get(to_status, "")
    CaseEvent.objects.create(
        case=case, from_status=move[0], to_status=to_status, actor=by, note=recorded_note, created_at=now
    )
    notifications.notify_status_changed(case=case, from_status=move[0], by=by, note=note)
    return case


@transaction.atomic
def case_assign(*, case: Case, referent: User, by: User, note: str = "", expected_version: int | None = None) -> Case:
    """Assign (from qualified, through `case_transition`) or reassign (while open, the status kept) the case
    to a referent of its hub."""
    if not can(by, Action.ASSIGN_CASES):
        raise PermissionDenied(_("Your role cannot assign cases."))
    case = _lock(case, expected_version=expected_version)
    _check_actor_reaches_case(case=case, by=by)
    _check_assignable(case=case, referent=referent)
    if case.status not in OPEN_STATUSES or case.status == S.NEW:
        raise ValidationError({"status": _("Only a qualified or open case can be assigned.")})
    if case.status == S.QUALIFIED:
        return case_transition(case=case, to_status=S.ASSIGNED, by=by, note=note, referent=referent)
    now = timezone.now()
    from_status, previous_id = case.status, case.assigned_to_id
    case.assigned_to = referent
    case.assigned_at = now
    case.first_contact_due = _due(case, case.hub.first_contact_days, now)
    case.version += 1
    case.save()
    CaseEvent.objects.create(
        case=case, from_status=from_status, to_status=case.status, actor=by, note=note, created_at=now
    )
    notifications.notify_case_assigned(case=case, previous_id=previous_id, by=by)
    return case


def _check_assignable(*, case: Case, referent: User) -> None:
    profile = related_or_none(referent, "referent")
    if (
        referent.role != Role.REFERENT
        or referent.hub_id != case.hub_id
        or not referent.is_active
        or profile is None
        or not profile.is_active
    ):
        raise ValidationError({"assigned_to": _("Assign the case to an active referent of its hub.")})


@transaction.atomic
def case_qualify(
    *, case: Case, by: User, domain: str, priority: str, note: str = "", expected_version: int | None = None
) -> Case:
    """Confirm the domain and priority of a new case and move it to qualified."""
    if not can(by, Action.TRIAGE_CASES):
        raise PermissionDenied(_("Your role cannot qualify cases."))
    case = _lock(case, expected_version=expected_version)
    _check_actor_reaches_case(case=case, by=by)
    case.domain = domain
    case.priority = priority
    case.full_clean(exclude=["reference"])
    case.save(update_fields=["domain", "priority", "updated_at"])
    return case_transition(case=case, to_status=S.QUALIFIED, by=by, note=note)


def case_add_note(
    *, case: Case, by: User, body: str, visibility: str = CaseNote.Visibility.INTERNAL, notify: bool = True
) -> CaseNote:
    """`notify` False when the caller's own notification carries the note (an SME's reason to reopen)."""
    _check_actor_reaches_case(case=case, by=by)
    if visibility == CaseNote.Visibility.INTERNAL and not can(by, Action.WRITE_INTERNAL_NOTES):
        raise PermissionDenied(_("Your role cannot write internal notes."))
    if not body.strip():
        raise ValidationError({"body": _("Write the note.")})
    note = CaseNote.objects.create(case=case, author=by, body=body.strip(), visibility=visibility)
    if notify:
        notifications.notify_note_added(note=note)
    return note


@transaction.atomic
def case_rate(*, case: Case, by: User | None, rating: int, comment: str = "", via_link: bool = False) -> Case:
    """The SME rates a resolved or closed case, once: signed in as `by`, or through the signed rating link
    of `cases.rating` (`via_link`, `by` None), which stands for the enterprise."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not via_link and (by is None or not can(by, Action.RATE_CASES) or by.enterprise_id != case.enterprise_id):
        raise PermissionDenied(_("Only the enterprise that asked can rate this case."))
    if case.status not in (S.RESOLVED, S.CLOSED):
        raise ValidationError({"rating": _("A case can be rated once it is resolved.")})
    if case.satisfaction_rating is not None:
        raise ValidationError({"rating": _("This case has already been rated.")})
    if rating not in range(1, 6):
        raise ValidationError({"rating": _("Give a rating from 1 to 5.")})
    case.satisfaction_rating = rating
    case.satisfaction_comment = comment.strip()
    case.rated_at = timezone.now()
    case.version += 1
    case.save()
    return case


MAX_ATTACHMENTS_PER_CASE = 5


def case_attach_files(*, case: Case, by: User, uploads: list, visible_to_sme: bool = True) -> list[CaseAttachment]:
    """Attach files after checking their type by content and their size; all or none are stored."""
    _check_actor_reaches_case(case=case, by=by)
    if case.attachments.count() + len(uploads) > MAX_ATTACHMENTS_PER_CASE:
        raise ValidationError({"attachments": _("A request has at most 5 attachments.")})
    checked = []
    for upload in uploads:
        checked.append((upload, *document_type(upload, field="attachments")))
    attachments = []
    with transaction.atomic(), removed_on_error() as stored:
        for upload, extension, content_type in checked:
            attachment = CaseAttachment(
                case=case,
                token=uuid.uuid4(),
                original_name=upload.name[:255],
                content_type=content_type,
                size=upload.size,
                visible_to_sme=visible_to_sme,
                uploaded_by=by,
            )
            attachment.file.save(f"file.{extension}", upload, save=False)
            stored.append(attachment.file)
            attachment.save()
            attachments.append(attachment)
    return attachments


@dataclass(frozen=True)
class Reminders:
    digests: list[DueDigest]
    rating_requests: list[RatingRequest]
    followup_digests: list[FollowUpDigest]
    questionnaire_requests: list[QuestionnaireRequest]


def reminders_send(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None, dry_run: bool = False
) -> Reminders:
    """Send each referent and manager one message with their overdue and due-soon cases, and each referent
    the impact follow-ups they are in charge of in the same message; ask SMEs to rate the cases resolved a
    few days ago, and to answer the questionnaire of each 6- or 12-month follow-up that came due. Each hub
    counts from its own today at `now` (the present by default), or from `today` when given. A case or a
    follow-up is marked as reminded, so it is asked about once, and its message goes out after that mark is
    committed. With `dry_run`, only say what would be sent."""
    days = LocalDays.on(today) if today else LocalDays.at(now)
    reminders = Reminders(
        digests=due_digests(today=days),
        rating_requests=satisfaction_reminders_due(today=days),
        followup_digests=followups_due_digests(today=days),
        questionnaire_requests=followup_questionnaires_due(today=days),
    )
    if dry_run:
        return reminders
    by_day: dict[datetime.date, tuple[list, list]] = {}
    for digest in reminders.digests:
        by_day.setdefault(days.of(digest.user.hub_id), ([], []))[0].append(digest)
    for followup_digest in reminders.followup_digests:
        by_day.setdefault(days.of(followup_digest.user.hub_id), ([], []))[1].append(followup_digest)
    for day, (digests, followup_digests) in by_day.items():
        notifications.send_due_digests(digests=digests, followup_digests=followup_digests, today=day)
    with transaction.atomic():
        sent_at = timezone.now()
        Case.objects.filter(pk__in=[case.pk for request in reminders.rating_requests for case in request.cases]).update(
            satisfaction_reminded_at=sent_at
        )
        FollowUp.objects.filter(
            pk__in=[followup.pk for request in reminders.questionnaire_requests for followup in request.followups]
        ).update(reminded_at=sent_at)
        notifications.notify_satisfaction_reminders(requests=reminders.rating_requests)
        notifications.notify_followup_questionnaires(requests=reminders.questionnaire_requests)
    return reminders


@transaction.atomic
def case_reply(*, case: Case, by: User, body: str) -> CaseNote:
    """The SME writes on its case; a case waiting for the SME goes back to in progress with it."""
    case = _lock(case, expected_version=None)
    if case.status in FINAL_STATUSES:
        raise ValidationError({"body": _("This request is finished: send a new request if you need more help.")})
    note = case_add_note(case=case, by=by, body=body, visibility=CaseNote.Visibility.SME)
    if case.status == S.WAITING_SME:
        case_transition(case=case, to_status=S.IN_PROGRESS, by=by)
    return note


@transaction.atomic
def case_reopen(*, case: Case, by: User, reason: str) -> Case:
    """The SME reopens its resolved case within the hub's reopen window; the reason becomes its message."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say what is still not solved.")})
    case = case_transition(case=case, to_status=S.IN_PROGRESS, by=by)
    case_add_note(case=case, by=by, body=reason, visibility=CaseNote.Visibility.SME, notify=False)
    return case


@transaction.atomic
def case_share(
    *, case: Case, by: User, sheet: TechnologySheet | None = None, partner: Partner | None = None
) -> CaseShare:
    """Share a published sheet or a partner organisation with the SME in `case`; the same item shared
    again is the share already recorded."""
    _check_actor_reaches_case(case=case, by=by)
    item = shared_item(by=by, hub_id=case.hub_id, sheet=sheet, partner=partner)
    already = case.shares.filter(sheet=sheet) if sheet else case.shares.filter(partner=partner)
    return already.first() or CaseShare.objects.create(case=case, **item)


@transaction.atomic
def cases_return_to_triage(*, referent: User, by: User) -> list[Case]:
    """The open cases assigned to `referent` go back to qualified and unassigned, due to be assigned within the
    hub's standard from now, for a manager to give them to another referent (when the referent leaves); a first
    contact already made stays measured against its due date. Nobody is notified: the manager doing it
    reassigns them. Returns them, oldest first."""
    if not can(by, Action.ASSIGN_CASES):
        raise PermissionDenied(_("Your role cannot assign cases."))
    assigned = Case.objects.select_for_update().select_related("hub", "enterprise")
    returned = []
    for case in assigned.filter(assigned_to=referent, status__in=OPEN_STATUSES).order_by("received_at", "pk"):
        _check_actor_reaches_case(case=case, by=by)
        now, from_status = timezone.now(), case.status
        case.status = S.QUALIFIED
        case.assigned_to = case.assigned_at = None
        case.assign_due = _due(case, case.hub.assign_days, now)
        case.version += 1
        case.save()
        note = _("Back to triage: %(name)s no longer handles cases.") % {
            "name": referent.get_full_name() or referent.username
        }
        CaseEvent.objects.create(
            case=case, from_status=from_status, to_status=case.status, actor=by, note=note, created_at=now
        )
        returned.append(case)
    return returned


def _action_hash(**content) -> str:
    """SHA-256 of the action's content in a canonical form: equal for an exact resend."""
    made_at = content["made_at"]
    content["made_at"] = made_at.astimezone(datetime.UTC).isoformat() if made_at else None
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _stored_action(*, client_uuid: uuid.UUID, content_hash: str, by: User) -> CaseActionReceipt | None:
    """The receipt stored under `client_uuid`, if it is this exact action of `by`; raises
    CaseActionConflict for any other action stored under it."""
    stored = CaseActionReceipt.objects.filter(client_uuid=client_uuid).first()
    if stored is not None and (stored.author_id != by.pk or stored.content_hash != content_hash):
        raise CaseActionConflict
    return stored


def case_queued_action(
    *,
    case: Case,
    by: User,
    client_uuid: uuid.UUID,
    kind: str,
    version: int,
    body: str = "",
    to_status: str = "",
    resolution_summary: str = "",
    made_at: datetime.datetime | None = None,
) -> tuple[CaseActionReceipt, bool]:
    """Apply an action the referent `by` made on `case` on their phone, `version` being the case's version
    the phone had then, and keep its receipt, in one transaction; the same action resent returns the receipt
    stored. Returns (receipt, created).

    A note or a message is added whatever the version; a move is refused with CaseActionStale when someone
    else changed the case since `version` (`case_version_to_check`). Raises CaseActionConflict when
    `client_uuid` is stored for another action, and ValidationError or PermissionDenied as `case_add_note`
    and `case_transition` do.
    """
    if not can(by, Action.WORK_ON_CASES):
        raise PermissionDenied(_("Your role cannot work on cases."))
    content_hash = _action_hash(
        case=case.pk,
        kind=kind,
        version=version,
        body=body,
        to_status=to_status,
        resolution_summary=resolution_summary,
        made_at=made_at,
    )
    if stored := _stored_action(client_uuid=client_uuid, content_hash=content_hash, by=by):
        return stored, False
    receipt = CaseActionReceipt(
        client_uuid=client_uuid, case=case, author=by, kind=kind, content_hash=content_hash, made_at=made_at
    )
    try:
        with transaction.atomic():
            if kind == Kind.MOVE:
                if not to_status:
                    raise ValidationError({"to_status": _("Choose the status to move the case to.")})
                checked = case_version_to_check(case=case, version=version, user=by)
                case = case_transition(
                    case=case,
                    to_status=to_status,
                    by=by,
                    note=body,
                    resolution_summary=resolution_summary,
                    expected_version=checked,
                )
                receipt.applied_on = checked
                receipt.event = case.events.latest("pk")
            elif kind in (Kind.NOTE, Kind.MESSAGE):
                visibility = CaseNote.Visibility.SME if kind == Kind.MESSAGE else CaseNote.Visibility.INTERNAL
                receipt.note = case_add_note(case=case, by=by, body=body, visibility=visibility)
                receipt.applied_on = case.version
            else:
                raise ValidationError({"kind": _("Unknown kind of action.")})
            receipt.case_version = case.version
            receipt.save()
    except (CaseChanged, ValidationError) as refused:
        # A resend that waited on the first send's lock finds the case moved by that very action.
        if stored := _stored_action(client_uuid=client_uuid, content_hash=content_hash, by=by):
            return stored, False
        if isinstance(refused, ValidationError):
            raise
        changes = case_changes_since(case=refused.case, version=version, user=by)
        raise CaseActionStale(refused.case, changes=changes) from None
    except IntegrityError:
        if stored := _stored_action(client_uuid=client_uuid, content_hash=content_hash, by=by):
            return stored, False
        raise
    return receipt, True
