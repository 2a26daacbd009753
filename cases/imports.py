"""Past cases brought in from a hub's spreadsheets (`hub.imports`): the one write path of an imported case.

`cases.services.case_create` registers a request received now: it dates it now, counts its due dates from
now and tells the hub and the enterprise, and `case_transition` then moves it one step at a time, each step
dated now. None of that fits a request answered years ago: `case_import` stores it at once in the status the
spreadsheet records, with its own dates, and tells nobody."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import OPEN_STATUSES, Case, CaseEvent, CaseStatus, ReferenceCounter
from cases.services import next_case_reference
from hub.calendar import HubCalendar, hub_local_date
from hub.imports.bulk import Bulk, full_clean
from hub.models import Hub, User, related_or_none
from hub.permissions import Action, can, works_in_hub
from hub.services import check_not_anonymised

S = CaseStatus
WITH_REFERENT = frozenset({S.ASSIGNED, S.IN_PROGRESS, S.WAITING_SME})
RESOLVED = frozenset({S.RESOLVED, S.CLOSED})


class References:
    """The references of many cases of a hub stored in one transaction, taken from the hub's counter of each
    year (`cases.models.ReferenceCounter`) by blocks of BLOCK numbers: one update of the counter per block
    instead of one per case (on PostgreSQL, a row updated thousands of times in one transaction is read
    through all its versions). `close` gives back the numbers left unused. Precondition: inside the
    transaction storing the cases, which keeps each counter locked from its first number to its end; a
    counter left ahead (`close` not reached) only skips numbers."""

    BLOCK = 100

    def __init__(self, hub: Hub):
        self.hub = hub
        self.counters: dict[int, tuple[ReferenceCounter, int]] = {}
        """Per year: the counter as stored, and the last number given."""

    def next(self, year: int) -> str:
        if year not in self.counters:
            ReferenceCounter.objects.get_or_create(hub=self.hub, year=year)
            counter = ReferenceCounter.objects.select_for_update().get(hub=self.hub, year=year)
            self.counters[year] = (counter, counter.last_number)
        counter, given = self.counters[year]
        given += 1
        if given > counter.last_number:
            counter.last_number = given + self.BLOCK - 1
            counter.save(update_fields=["last_number"])
        self.counters[year] = (counter, given)
        return f"{self.hub.code}-{year}-{given:05d}"

    def close(self) -> None:
        for counter, given in self.counters.values():
            if counter.last_number != given:
                counter.last_number = given
                counter.save(update_fields=["last_number"])


def _check_past(case: Case) -> dict[str, list[str]]:
    """The refusals of what the status needs, by field."""
    errors = {}
    if case.status in WITH_REFERENT:
        referent = related_or_none(case, "assigned_to")
        profile = related_or_none(referent, "referent") if referent else None
        if referent is None or not referent.is_active or profile is None or not profile.is_active:
            errors["assigned_to"] = [_("An assigned or ongoing case needs an active referent of the hub.")]
    if case.status in RESOLVED:
        if not case.resolution_summary.strip():
            errors["resolution_summary"] = [_("Summarise how the request was resolved.")]
        if case.resolved_at is None:
            errors["resolved_at"] = [_("Give the date the request was resolved.")]
        elif case.received_at and case.resolved_at < case.received_at:
            errors["resolved_at"] = [_("A request is resolved after it is received.")]
    elif case.resolved_at is not None or case.satisfaction_rating is not None:
        field = "resolved_at" if case.resolved_at is not None else "satisfaction_rating"
        errors[field] = [_("Only a resolved or closed case has a resolution date and a rating.")]
    partner = related_or_none(case, "referred_to")
    if case.status == S.REFERRED and partner is None:
        errors["referred_to"] = [_("Choose a partner organisation of this hub.")]
    elif case.status != S.REFERRED and partner is not None:
        errors["referred_to"] = [_("Only a case referred to a partner names one.")]
    if case.received_at and case.received_at > timezone.now():
        errors["received_at"] = [_("A past case is received before today.")]
    return errors


@transaction.atomic
def case_import(
    *,
    case: Case,
    by: User,
    calendar: HubCalendar | None = None,
    references: References | None = None,
    bulk: Bulk | None = None,
) -> Case:
    """Store `case`, unsaved, as the past request a spreadsheet records, `by` importing it.

    `case` carries its enterprise, its received_at and its status with what that status needs: the active
    referent of an assigned or ongoing case, the resolved_at and resolution summary of a resolved or closed
    one (closed then as well), the reason of a rejected one, the partner of a referred one; a resolved or
    closed case may carry the rating the hub collected. The reference is numbered in the year it was
    received; the due dates to acknowledge and resolve follow the hub's standards from its receipt; the
    description is its title when it has none; one event records the import. Nothing is sent and no
    follow-up is planned: the impact loop starts with the cases handled in the tracker. A caller importing
    many cases of one hub passes its `calendar`, read once, its `references` (closed once they are all
    stored) and what it read for all of them (`bulk`, hub.imports.bulk: the same validation, fewer queries).

    Raises PermissionDenied when `by` may not import into the enterprise's hub, ValidationError keyed by
    field on invalid content."""
    enterprise = case.enterprise
    if not can(by, Action.IMPORT_RECORDS) or not works_in_hub(by, enterprise.hub_id):
        raise PermissionDenied(_("You cannot import records into this hub."))
    check_not_anonymised(enterprise)
    hub = enterprise.hub
    case.hub = hub
    case.created_by = by
    case.description = case.description or case.title
    if case.status in OPEN_STATUSES and case.status not in WITH_REFERENT:
        case.assigned_to = None
    if case.status == S.REFERRED and related_or_none(case, "referred_to") is not None:
        case.referred_to_name = case.referred_to.name
    errors = _check_past(case)
    case.reference = "pending"
    try:
        full_clean(case, exclude=["reference", *errors], bulk=bulk)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    if case.status in RESOLVED:
        case.rated_at = case.resolved_at if case.satisfaction_rating is not None else None
        case.closed_at = case.resolved_at if case.status == S.CLOSED else None
    calendar = calendar or HubCalendar.of(hub)
    received_on = calendar.local_date(case.received_at)
    case.acknowledge_due = calendar.add_working_days(received_on, hub.acknowledge_days)
    case.resolve_due = calendar.add_working_days(received_on, hub.resolve_days)
    year = hub_local_date(case.received_at, hub=hub).year
    case.reference = references.next(year) if references else next_case_reference(hub=hub, year=year)
    if bulk is not None:
        bulk.defer_history(case)
    case.save()
    CaseEvent.objects.create(
        case=case,
        to_status=case.status,
        actor=by,
        note=_("Imported from a spreadsheet."),
        created_at=timezone.now(),
    )
    return case
