import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import OPEN_STATUSES, TRANSITIONS, Case, CaseNote, CaseShare, CaseStatus
from hub.calendar import HubCalendar, LocalDays
from hub.models import Enterprise, Referent, Role, User
from hub.permissions import Action, can, scope

S = CaseStatus


def cases_visible_to(*, user: User) -> QuerySet[Case]:
    return scope(Case.objects.select_related("enterprise", "assigned_to"), user=user, enterprise_field="enterprise")


def _next_due_compared(lookup: str, day: datetime.date) -> Q:
    """Open cases whose current stage's due date or resolution date compares to `day` by `lookup`;
    the SQL side of `Case.next_due`."""
    return (
        Q(status=S.NEW, **{f"acknowledge_due__{lookup}": day})
        | Q(status=S.QUALIFIED, **{f"assign_due__{lookup}": day})
        | Q(status=S.ASSIGNED, **{f"first_contact_due__{lookup}": day})
        | Q(status__in=OPEN_STATUSES, **{f"resolve_due__{lookup}": day})
    )


def overdue_condition(*, today: datetime.date) -> Q:
    """A case is overdue when the due date of the stage it is in, or its resolution date, has passed."""
    return _next_due_compared("lt", today)


def due_by_condition(*, until: datetime.date) -> Q:
    """Open cases that must meet a date on or before `until`, overdue ones included."""
    return _next_due_compared("lte", until)


def case_counts(*, cases: QuerySet[Case], today: datetime.date) -> dict[str, int]:
    """New, open and overdue counts of `cases` in one query."""
    return cases.aggregate(
        new=Count("pk", filter=Q(status=S.NEW)),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=overdue_condition(today=today)),
    )


def notes_readable_by(*, user: User, notes: QuerySet[CaseNote]) -> QuerySet[CaseNote]:
    """Those of `notes` that `user` may read, their cases being visible to them: SME users never read
    internal notes."""
    if user.role == Role.SME:
        return notes.filter(visibility=CaseNote.Visibility.SME)
    return notes


def case_notes_visible_to(*, user: User, case: Case) -> QuerySet[CaseNote]:
    """Precondition: `case` is visible to `user`."""
    return notes_readable_by(user=user, notes=case.notes.select_related("author"))


@dataclass(frozen=True)
class ReferentSuggestion:
    referent: User
    open_cases: int
    knows_domain: bool
    covers_region: bool

    @property
    def reasons(self) -> list[str]:
        reasons = [_("knows this domain")] if self.knows_domain else []
        if self.covers_region:
            reasons.append(_("covers this region"))
        reasons.append(
            ngettext("%(count)d open case", "%(count)d open cases", self.open_cases) % {"count": self.open_cases}
        )
        return reasons


def referent_suggestions(*, case: Case) -> list[ReferentSuggestion]:
    """Active referents of the case's hub, best first: technology domain, then region covered, then the
    lightest open load. Counted in one query, by subqueries per referent (a join would run over every case
    they were ever assigned); a hub has tens of referents, so ranking is done here."""
    region = case.enterprise.region_id
    open_load = (
        Case.objects.filter(assigned_to=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by()
        .values("assigned_to")
        .annotate(n=Count("pk"))
        .values("n")
    )
    coverage = Referent.regions.through.objects.filter(referent__user=OuterRef("pk"), administrativeunit=region)
    referents = (
        User.objects.filter(role=Role.REFERENT, hub=case.hub_id, is_active=True, referent__is_active=True)
        .select_related("referent")
        .annotate(
            open_cases=Coalesce(Subquery(open_load, output_field=IntegerField()), Value(0)),
            covers_region=Exists(coverage),
        )
    )
    suggestions = [
        ReferentSuggestion(
            referent=user,
            open_cases=user.open_cases,
            knows_domain=case.domain in user.referent.domains,
            covers_region=bool(user.covers_region),
        )
        for user in referents
    ]
    return sorted(suggestions, key=lambda s: (not s.knows_domain, not s.covers_region, s.open_cases, s.referent.pk))


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str
    """"status", "internal", "sme", "visit", "attachment", "share", "message" (an e-mail or text message
    sent) or "change"."""
    actor: User | None
    title: str
    body: str = ""
    visit_id: int | None = None
    """The visit a "visit" entry tells, for its page."""


def _history_changes(case: Case) -> list[TimelineEntry]:
    """Field changes kept by the history that the status events do not already tell."""
    shown = {"domain", "priority", "assigned_to", "title", "description", "enterprise"}
    records = list(case.history.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    for previous, record in zip(records, records[1:], strict=False):
        changed = [change.field for change in record.diff_against(previous).changes if change.field in shown]
        if changed:
            labels = ", ".join(str(Case._meta.get_field(field).verbose_name) for field in changed)
            entries.append(
                TimelineEntry(
                    record.history_date, "change", record.history_user, _("Changed: %(fields)s") % {"fields": labels}
                )
            )
    return entries


CHANGES_TOLD = ("status", "assigned_to", "priority", "resolve_due", "title", "domain")
"""The fields of a case that a referent acting on an older version is told about."""


def case_version_to_check(*, case: Case, version: int, user: User) -> int:
    """The version a move `user` made on `version` of `case` is checked against: the current one when every
    change since was `user`'s own (a visit of theirs sent before it, which dates the first contact), so that
    only someone else's change makes it stale; `version` otherwise. A change with no known author counts as
    someone else's."""
    current = Case.objects.values_list("version", flat=True).get(pk=case.pk)
    later = case.history.filter(version__gt=version)
    if current > version and later.filter(version=current).exists() and not later.exclude(history_user=user).exists():
        return current
    return version


def case_changes_since(*, case: Case, version: int, user: User | None = None) -> list[str]:
    """What changed in `case` since `version`, one sentence per field of CHANGES_TOLD, such as "Status: In
    progress → Closed"; one general sentence when the history does not hold that version or only other
    fields changed. With `user`, from the version before someone else's first change: what `user` changed
    themselves is not told them."""
    if user is not None:
        others = case.history.filter(version__gt=version).exclude(history_user=user).order_by("version").first()
        version = others.version - 1 if others else version
    then = case.history.filter(version=version).order_by("-history_date", "-history_id").first()
    if then is None:
        return [_("This case was changed by someone else since you last read it.")]
    fields = [Case._meta.get_field(name) for name in CHANGES_TOLD]
    changed = [field for field in fields if getattr(then, field.attname) != getattr(case, field.attname)]
    reassigned = then.assigned_to_id != case.assigned_to_id
    people = User.objects.in_bulk([then.assigned_to_id, case.assigned_to_id]) if reassigned else {}

    def shown(record, field) -> str:
        value = getattr(record, field.attname)
        if value is None or value == "":
            return "—"
        if field.is_relation:
            person = people.get(value)
            return (person.get_full_name() or person.username) if person else "—"
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        return formats.localize(value)

    sentences = [
        _("%(field)s: %(before)s → %(after)s")
        % {"field": capfirst(field.verbose_name), "before": shown(then, field), "after": shown(case, field)}
        for field in changed
    ]
    return sentences or [_("Other details of this case were changed since you last read it.")]


def case_shares(*, case: Case) -> QuerySet[CaseShare]:
    """What was shared with the enterprise in `case`, oldest first; archived sheets and deleted partners
    included (the partner's name is kept)."""
    return case.shares.select_related("sheet", "partner", "shared_by")


def plain_moves(*, status: str, role: str) -> list[str]:
    """The statuses `role` may move a case in `status` to as plain moves; qualifying and assigning have forms
    of their own."""
    return [
        to
        for (frm, to), roles in TRANSITIONS.items()
        if frm == status and role in roles and to not in (CaseStatus.QUALIFIED, CaseStatus.ASSIGNED)
    ]


def moves_offered(*, case: Case, user: User) -> list[str]:
    return plain_moves(status=case.status, role=user.role)


def case_timeline(*, case: Case, user: User) -> list[TimelineEntry]:
    """Everything that happened to the case that `user` may read, oldest first: status changes, notes and
    messages, visits, attachments, items shared, for the staff the e-mails and text messages sent with
    their delivery and, for those who may read the history, other field changes."""
    entries = [
        TimelineEntry(
            event.created_at,
            "status",
            event.actor,
            CaseStatus(event.to_status).label
            if not event.from_status
            else _("%(from)s → %(to)s")
            % {"from": event.get_from_status_display(), "to": event.get_to_status_display()},
            event.note,
        )
        for event in case.events.select_related("actor")
    ]
    entries += [
        TimelineEntry(note.created_at, note.visibility, note.author, note.get_visibility_display(), note.body)
        for note in case_notes_visible_to(user=user, case=case).select_related("author")
    ]
    entries += [
        TimelineEntry(
            visit.started_at,
            "visit",
            visit.referent,
            _("Visit: %(purpose)s") % {"purpose": visit.get_purpose_display()},
            visit.recommendations or visit.observations,
            visit.pk,
        )
        for visit in case.visits.select_related("referent")
    ]
    entries += [
        TimelineEntry(
            attachment.uploaded_at, "attachment", attachment.uploaded_by, _("File attached"), attachment.original_name
        )
        for attachment in case.attachments.select_related("uploaded_by")
    ]
    entries += [
        TimelineEntry(
            share.shared_at,
            "share",
            share.shared_by,
            _("Sheet shared") if share.sheet_id else _("Partner shared"),
            share.sheet.title if share.sheet_id else share.partner_name,
        )
        for share in case_shares(case=case)
    ]
    if can(user, Action.WORK_ON_CASES):
        entries += [
            TimelineEntry(
                message.created_at,
                "message",
                None,
                _("%(channel)s to %(recipient)s: %(status)s")
                % {
                    "channel": message.get_channel_display(),
                    "recipient": message.recipient_name or message.to,
                    "status": message.get_status_display().lower(),
                },
                message.body if message.channel == message.Channel.SMS else message.subject,
            )
            for message in case.outgoing_messages.all()
        ]
    if can(user, Action.VIEW_HISTORY):
        entries += _history_changes(case)
    return sorted(entries, key=lambda entry: entry.at)


DUE_SOON_WORKING_DAYS = 2
SATISFACTION_REMINDER_AFTER_DAYS = 3
SATISFACTION_REMINDER_WITHIN_DAYS = 30


def active_sme_users() -> QuerySet[User]:
    return User.objects.filter(role=Role.SME, is_active=True)


@dataclass
class DueDigest:
    """One person's open cases that are overdue or due soon, each list by due date."""

    user: User
    overdue: list[Case] = field(default_factory=list)
    due_soon: list[Case] = field(default_factory=list)


def due_digests(*, today: LocalDays) -> list[DueDigest]:
    """For each active referent, the open cases assigned to them, and for each active manager, the open
    cases of their hub (unassigned ones included), that are overdue or due within DUE_SOON_WORKING_DAYS
    working days of their hub, counted from the hub's own `today`. People with nothing due are left out.
    Three queries, whatever the number of cases."""
    days = [today.default, *today.days.values()]
    calendars = HubCalendar.of_hubs(today.hubs.values(), since=min(days), until=max(days) + datetime.timedelta(days=60))
    condition = Q(pk__in=[])
    for pk, calendar in calendars.items():
        until = calendar.add_working_days(today.of(pk), DUE_SOON_WORKING_DAYS)
        condition |= Q(hub=pk) & due_by_condition(until=until)
    cases = sorted(
        Case.objects.filter(condition).select_related("enterprise", "assigned_to"),
        key=lambda case: (case.next_due, case.reference),
    )
    managers: dict[int, list[User]] = defaultdict(list)
    for manager in User.objects.filter(role=Role.MANAGER, is_active=True, hub__in={case.hub_id for case in cases}):
        managers[manager.hub_id].append(manager)
    digests: dict[int, DueDigest] = {}
    for case in cases:
        people = list(managers[case.hub_id])
        if case.assigned_to is not None and case.assigned_to.is_active:
            people.append(case.assigned_to)
        for person in people:
            digest = digests.setdefault(person.pk, DueDigest(user=person))
            (digest.overdue if case.next_due < today.of(case.hub_id) else digest.due_soon).append(case)
    return list(digests.values())


@dataclass(frozen=True)
class RatingRequest:
    """An enterprise's resolved cases to remind it to rate, and its active SME users (empty when the
    enterprise has no account: its owner is then asked)."""

    enterprise: Enterprise
    cases: list[Case]
    sme_users: list[User]


def _resolved_between(day: datetime.date, zone) -> Q:
    """Resolved from SATISFACTION_REMINDER_WITHIN_DAYS to SATISFACTION_REMINDER_AFTER_DAYS local days before
    `day` in `zone`, as a range of instants."""

    def midnight(days_before: int) -> datetime.datetime:
        return datetime.datetime.combine(day - datetime.timedelta(days=days_before), datetime.time.min, tzinfo=zone)

    return Q(
        resolved_at__gte=midnight(SATISFACTION_REMINDER_WITHIN_DAYS),
        resolved_at__lt=midnight(SATISFACTION_REMINDER_AFTER_DAYS - 1),
    )


def satisfaction_reminders_due(*, today: LocalDays) -> list[RatingRequest]:
    """Resolved or closed cases, neither rated nor reminded yet, resolved between
    SATISFACTION_REMINDER_AFTER_DAYS and SATISFACTION_REMINDER_WITHIN_DAYS days before `today`, each in its
    hub's local days, grouped per enterprise. Two queries."""
    cases = (
        Case.objects.filter(
            today.condition(_resolved_between, by_zone=True),
            status__in=[S.RESOLVED, S.CLOSED],
            satisfaction_rating__isnull=True,
            satisfaction_reminded_at__isnull=True,
        )
        .select_related("enterprise__hub")
        .prefetch_related(Prefetch("enterprise__users", queryset=active_sme_users(), to_attr="active_sme_users"))
        .order_by("enterprise_id", "resolved_at", "pk")
    )
    requests: dict[int, RatingRequest] = {}
    for case in cases:
        request = requests.setdefault(
            case.enterprise_id,
            RatingRequest(enterprise=case.enterprise, cases=[], sme_users=case.enterprise.active_sme_users),
        )
        request.cases.append(case)
    return list(requests.values())
