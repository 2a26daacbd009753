"""Every write to an impact follow-up. Follow-ups are planned here and nowhere else: the case services call
`followups_plan_baseline` when support starts and `followups_plan_for_case` when a case is resolved or
reopened, the visit service calls `followups_plan_baseline`; pages, the API, the phone's outbox and the SME's
questionnaire record answers through `followup_collect`.

Dates: a follow-up is due a number of calendar days after its case's resolution (the hub's
`followup_6_months_days` and `followup_12_months_days`); a baseline is due within the hub's first-contact
standard, in working days, from the start of support. Days are the hub's local days (`hub.calendar`)."""

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseStatus
from hub.calendar import HubCalendar, hub_local_date, hub_today
from hub.imports.bulk import Bulk
from hub.models import RECORDS_FROM, Enterprise, FollowUp, Role, User, related_or_none
from hub.permissions import Action, can, works_in_hub

K = FollowUp.Kind

ANSWER_FIELDS = [
    "employees_total",
    "jobs_created",
    "jobs_kept",
    "turnover_xof",
    "new_sales_xof",
    "kept_sales_xof",
    "investment_xof",
    "cost_savings_xof",
    "new_products",
    "new_processes",
    "technology_adopted",
    "technology_notes",
    "satisfaction",
    "recommend_score",
    "notes",
]
"""What a collection records; a referent's correction of self-reported answers changes the same fields."""

SELF_REPORT_FIELDS = [name for name in ANSWER_FIELDS if name not in ("technology_notes", "notes")]
"""The questions an owner answers alone through the questionnaire link."""

BASELINE_FIELDS = ["employees_total", "turnover_xof", "notes"]
"""A baseline records where the enterprise stands; the other questions measure a change since."""

CREATE_FIELDS = ["enterprise", "due_date", "collected_on", *ANSWER_FIELDS]
"""What `followup_baseline_create` takes besides the kind and the case (the API's create)."""


class FollowUpConflict(Exception):
    """The client UUID is already stored with other content, or for another follow-up; `followup` is the
    stored one when `by` may read it."""

    def __init__(self, followup: FollowUp | None):
        super().__init__(_("Another follow-up was already recorded with this identifier."))
        self.followup = followup


def _create_once(*, bulk: Bulk | None = None, **fields) -> FollowUp | None:
    """Insert the follow-up unless the constraints say it exists (one baseline per enterprise, one
    follow-up per case and kind): a concurrent planner's row wins, in a savepoint of its own."""
    followup = FollowUp(**fields)
    if bulk is not None:
        bulk.defer_history(followup)
    try:
        with transaction.atomic():
            followup.save(force_insert=True)
            return followup
    except IntegrityError:
        if bulk is not None:
            bulk.undefer(followup)
        return None


def followups_plan_baseline(
    *, enterprise: Enterprise, referent: User | None, at: datetime.datetime, bulk: Bulk | None = None
) -> FollowUp | None:
    """The baseline of an enterprise that starts receiving support at `at` (its first case assigned, its
    first visit logged), unless it has one: due within the hub's first-contact standard, for `referent`.
    Returns the baseline planned, or None when it had one. An import passes the hub's calendar and the
    enterprises known to have a baseline, read once (`bulk`, hub.imports.bulk)."""
    known = bulk.baselines if bulk is not None else None
    if enterprise.pk in (known or ()):
        return None
    if known is None and FollowUp.objects.filter(enterprise=enterprise, kind=K.BASELINE).exists():
        return None
    hub = enterprise.hub
    calendar = bulk.calendar if bulk is not None and bulk.calendar is not None else HubCalendar.of(hub)
    due = calendar.add_working_days(calendar.local_date(at), hub.first_contact_days)
    planned = _create_once(
        hub=hub, enterprise=enterprise, kind=K.BASELINE, due_date=due, assigned_to=referent, bulk=bulk
    )
    if known is not None:
        known.add(enterprise.pk)
    return planned


def followups_plan_for_case(*, case: Case, by: User | None = None) -> list[FollowUp]:
    """Bring the case's 6- and 12-month follow-ups in line with its status: a resolved case has both, due
    the hub's delays after its resolution; a reopened case loses those not collected yet (the history keeps
    them), to be planned afresh when it is resolved again. Rejected and referred cases plan none, nor do
    closed ones (a closed case was resolved first). Returns the follow-ups planned."""
    if case.status == CaseStatus.RESOLVED:
        resolved_on = hub_local_date(case.resolved_at, hub=case.hub)
        delays = {K.MONTH_6: case.hub.followup_6_months_days, K.MONTH_12: case.hub.followup_12_months_days}
        existing = set(case.followups.values_list("kind", flat=True))
        planned = [
            _create_once(
                hub_id=case.hub_id,
                enterprise_id=case.enterprise_id,
                case=case,
                kind=kind,
                due_date=resolved_on + datetime.timedelta(days=days),
                assigned_to_id=case.assigned_to_id,
            )
            for kind, days in delays.items()
            if kind not in existing
        ]
        return [followup for followup in planned if followup is not None]
    if case.status in (CaseStatus.IN_PROGRESS, CaseStatus.WAITING_SME):
        for followup in case.followups.filter(collected_on__isnull=True):
            followup._history_user = by
            followup.delete()
    return []


@dataclass(frozen=True, kw_only=True)
class Collection:
    """What is recorded at a follow-up: the day it was collected and the answers (ANSWER_FIELDS)."""

    collected_on: datetime.date
    answers: dict

    def content_hash(self) -> str:
        """SHA-256 of the content in a canonical form: equal for an exact resend."""
        content = {
            "collected_on": self.collected_on.isoformat(),
            **{name: self.answers.get(name) for name in ANSWER_FIELDS},
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def check_collection_date(*, followup: FollowUp, collected_on: datetime.date | None) -> None:
    """A follow-up is collected neither in the future, nor before its case was resolved, nor (a 12-month
    one) before the 6-month follow-up of its case was due or collected."""
    if collected_on is None:
        return
    if collected_on > hub_today(hub=followup.hub) + datetime.timedelta(days=1):
        # A day's grace for a phone whose clock runs a little ahead.
        raise ValidationError({"collected_on": _("A follow-up cannot be collected in the future.")})
    if collected_on < RECORDS_FROM:
        raise ValidationError(
            {
                "collected_on": _("A follow-up cannot be dated before %(year)d: check the year.")
                % {"year": RECORDS_FROM.year}
            }
        )
    case = related_or_none(followup, "case")
    resolved_on = case and case.resolved_at and hub_local_date(case.resolved_at, hub=followup.hub)
    if resolved_on and collected_on < resolved_on:
        raise ValidationError(
            {
                "collected_on": _("A follow-up cannot be collected before its case was resolved (%(date)s).")
                % {"date": formats.date_format(resolved_on, "SHORT_DATE_FORMAT")}
            }
        )
    if followup.kind == K.MONTH_12 and case is not None:
        six = case.followups.filter(kind=K.MONTH_6).first()
        floor = six and max(filter(None, [six.due_date, six.collected_on]))
        if floor and collected_on < floor:
            raise ValidationError(
                {
                    "collected_on": _("A 12-month follow-up cannot be collected before the 6-month one (%(date)s).")
                    % {"date": formats.date_format(floor, "SHORT_DATE_FORMAT")}
                }
            )


def _check_baseline_answers(answers: dict) -> None:
    asked = {name for name, value in answers.items() if value not in (None, "") and name not in BASELINE_FIELDS}
    if asked:
        message = _("A baseline does not ask this: it records where the enterprise stands before support.")
        raise ValidationError(dict.fromkeys(sorted(asked), message))


def _reaches(by: User | None, followup: FollowUp) -> bool:
    """Staff reach their hub's follow-ups, administrators every hub's."""
    return by is not None and works_in_hub(by, followup.hub_id)


def _check_collector(*, followup: FollowUp, by: User) -> None:
    if not can(by, Action.RECORD_FOLLOWUPS):
        raise PermissionDenied(_("Your role cannot record impact follow-ups."))
    if not _reaches(by, followup):
        raise PermissionDenied(_("This follow-up belongs to another hub."))


def _stored_or_conflict(*, client_uuid: uuid.UUID, content_hash: str, followup: FollowUp, by: User | None) -> FollowUp:
    stored = FollowUp.objects.get(client_uuid=client_uuid)
    if stored.pk != followup.pk or stored.content_hash != content_hash:
        raise FollowUpConflict(stored if _reaches(by, stored) else None)
    return stored


def followup_collect(
    *,
    followup: FollowUp,
    data: Collection,
    by: User | None,
    client_uuid: uuid.UUID | None = None,
    self_reported: bool = False,
) -> tuple[FollowUp, bool]:
    """Record the answers of a planned follow-up, once: by hub staff `by` (on the phone, possibly offline,
    with the phone's `client_uuid`), or `self_reported` by the enterprise through its questionnaire link
    (`by` None). Returns (follow-up, recorded): a resend with the same UUID and content is the stored
    follow-up. Raises FollowUpConflict for a UUID stored with other content, ValidationError for a second
    collection or invalid answers, PermissionDenied when `by` may not record it."""
    if not self_reported:
        _check_collector(followup=followup, by=by)
    content_hash = data.content_hash()
    if client_uuid is not None and FollowUp.objects.filter(client_uuid=client_uuid).exists():
        return _stored_or_conflict(client_uuid=client_uuid, content_hash=content_hash, followup=followup, by=by), False
    unknown = set(data.answers) - set(SELF_REPORT_FIELDS if self_reported else ANSWER_FIELDS)
    if unknown:
        raise ValueError(f"Not answers: {sorted(unknown)}")
    if followup.kind == K.BASELINE:
        _check_baseline_answers(data.answers)
    try:
        with transaction.atomic():
            followup = (
                FollowUp.objects.select_for_update(of=("self",)).select_related("case", "hub").get(pk=followup.pk)
            )
            if client_uuid is not None and followup.client_uuid == client_uuid:
                # A resend that waited for the lock while the first send was being recorded.
                stored = _stored_or_conflict(
                    client_uuid=client_uuid, content_hash=content_hash, followup=followup, by=by
                )
                return stored, False
            if followup.collected_on is not None:
                raise ValidationError(
                    {
                        "collected_on": _("This follow-up was already recorded on %(date)s.")
                        % {"date": formats.date_format(followup.collected_on, "SHORT_DATE_FORMAT")}
                    }
                )
            if followup.enterprise.anonymised_at is not None:
                raise ValidationError(
                    {"enterprise": _("This enterprise was anonymised on its request: it takes no new records.")}
                )
            check_collection_date(followup=followup, collected_on=data.collected_on)
            for name, value in data.answers.items():
                setattr(followup, name, value)
            followup.collected_on = data.collected_on
            followup.collected_by = by
            followup.self_reported = self_reported
            followup.client_uuid = client_uuid
            followup.content_hash = content_hash if client_uuid else ""
            followup.full_clean(exclude=["client_uuid"])
            followup._history_user = by
            followup.save()
    except IntegrityError:
        if client_uuid is None or not FollowUp.objects.filter(client_uuid=client_uuid).exists():
            raise
        return _stored_or_conflict(client_uuid=client_uuid, content_hash=content_hash, followup=followup, by=by), False
    return followup, True


@transaction.atomic
def followup_confirm(*, followup: FollowUp, by: User, answers: dict) -> FollowUp:
    """A referent or manager checks the answers an enterprise reported itself, correcting any of them;
    the history keeps what the enterprise had answered."""
    _check_collector(followup=followup, by=by)
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if not followup.self_reported:
        raise ValidationError({"self_reported": _("Only answers the enterprise reported itself are confirmed.")})
    if followup.confirmed_at is not None:
        raise ValidationError({"confirmed_at": _("These answers were already confirmed.")})
    unknown = set(answers) - set(ANSWER_FIELDS)
    if unknown:
        raise ValueError(f"Not answers: {sorted(unknown)}")
    for name, value in answers.items():
        setattr(followup, name, value)
    followup.confirmed_by = by
    followup.confirmed_at = timezone.now()
    followup.full_clean(exclude=["client_uuid"])
    followup._history_user = by
    followup.save()
    return followup


@transaction.atomic
def followup_assign(*, followup: FollowUp, referent: User, by: User) -> FollowUp:
    """A manager puts an active referent of the follow-up's hub in charge of collecting it."""
    if not can(by, Action.ASSIGN_CASES):
        raise PermissionDenied(_("Your role cannot assign follow-ups."))
    if not _reaches(by, followup):
        raise PermissionDenied(_("This follow-up belongs to another hub."))
    profile = related_or_none(referent, "referent")
    if (
        referent.role != Role.REFERENT
        or referent.hub_id != followup.hub_id
        or not referent.is_active
        or profile is None
        or not profile.is_active
    ):
        raise ValidationError({"assigned_to": _("Choose an active referent of the follow-up's hub.")})
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.collected_on is not None:
        raise ValidationError({"assigned_to": _("This follow-up is already recorded.")})
    followup.assigned_to = referent
    followup._history_user = by
    followup.save(update_fields=["assigned_to"])
    return followup


@transaction.atomic
def followups_assign(*, followups: list[FollowUp], referent: User, by: User) -> None:
    """Put `referent` in charge of several follow-ups at once (a referent leaves, a region changes hands):
    all of them, or none when one is refused."""
    for followup in sorted(followups, key=lambda followup: followup.pk):
        followup_assign(followup=followup, referent=referent, by=by)


@transaction.atomic
def followup_baseline_create(*, by: User, kind: str = K.BASELINE, case: Case | None = None, **fields) -> FollowUp:
    """Record a baseline outside the plan (one taken before the enterprise's support was logged here), in
    `by`'s hub, after full validation. 6- and 12-month follow-ups are only planned, when their case is
    resolved, and recorded through `followup_collect`."""
    if not can(by, Action.RECORD_FOLLOWUPS):
        raise PermissionDenied(_("Your role cannot record impact follow-ups."))
    if kind != K.BASELINE or case is not None:
        raise ValidationError(
            {"kind": _("6- and 12-month follow-ups are planned when their case is resolved: record them with collect.")}
        )
    unknown = set(fields) - set(CREATE_FIELDS)
    if unknown:
        raise ValueError(f"Not a baseline's: {sorted(unknown)}")
    _check_baseline_answers({name: value for name, value in fields.items() if name in ANSWER_FIELDS})
    followup = FollowUp(kind=K.BASELINE, **fields)
    if followup.enterprise_id:
        followup.hub_id = followup.enterprise.hub_id
    if not _reaches(by, followup):
        raise ValidationError({"enterprise": _("You can only work in your own hub.")})
    if followup.collected_on:
        followup.collected_by = by
    check_collection_date(followup=followup, collected_on=followup.collected_on)
    followup.full_clean(exclude=["client_uuid"])
    followup._history_user = by
    try:
        with transaction.atomic():
            followup.save()
    except IntegrityError as error:
        raise ValidationError({"enterprise": _("This enterprise already has its baseline.")}) from error
    return followup
