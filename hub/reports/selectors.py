"""Report figures, aggregated in the database. Each function returns plain data (dicts of numbers)
that the HTML pages, the exports and the API render alike; none loads records into Python."""

import contextvars
import dataclasses
import datetime
import decimal
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    F,
    FilteredRelation,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import Coalesce, RowNumber
from django.db.models.lookups import LessThanOrEqual
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cases.models import OPEN_STATUSES, Case, CaseShare, CaseStatus
from hub.calendar import hub_today
from hub.classifications import IsicSection, SizeClass
from hub.library.search import fold
from hub.models import RECORDS_FROM, AdministrativeUnit, Enterprise, FollowUp, Hub, HubTarget, TargetIndicator, User
from hub.permissions import hubs_readable_in_reports, reads_personal_data_in_reports
from hub.reports.expressions import HubZones, PercentileDisc, ZoneGroup, delay_order
from hub.selectors import count_per_row, in_region
from visits.models import Visit, VisitShare

S = CaseStatus
RESOLVED_STATUSES = (S.RESOLVED, S.CLOSED)
SATISFIED_FROM = 4
BACKLOG_AGES = [(0, 7), (8, 30), (31, 90), (91, None)]
BACKLOG_NOTE = _(
    "The cases still open on the day of the report, whatever the period, by calendar days since the day they "
    "were received (0 on that day)."
)
"""How the backlog's age is counted, as the page and the PDF say it."""
DELAYS = {
    "acknowledge": ("acknowledged_at", "acknowledge_due"),
    "assign": ("assigned_at", "assign_due"),
    "first_contact": ("first_contact_at", "first_contact_due"),
    "resolve": ("resolved_at", "resolve_due"),
}
"""Each delay runs from `received_at` to the first field; the second is the due date that the hub's
service standard set for it."""


def hub_totals(*, user: User) -> QuerySet[Hub]:
    """The hubs whose figures `user` reads, each with its enterprises, cases (and those resolved) and
    visits since it opened: the roll-up on a regional viewer's home page. Counted per hub by subqueries;
    joining the four tables would multiply their rows (a million cases by a million visits)."""
    return (
        Hub.objects.filter(hubs_readable_in_reports(user))
        .annotate(
            enterprise_count=count_per_row(Enterprise.objects.all(), key="hub"),
            case_count=count_per_row(Case.objects.all(), key="hub"),
            resolved_count=count_per_row(Case.objects.filter(status__in=RESOLVED_STATUSES), key="hub"),
            visit_count=count_per_row(Visit.objects.all(), key="hub"),
        )
        .order_by("code")
    )


REPORT_LAST_DAY = datetime.date(2100, 12, 31)
"""A period ends by then: a later end is a typing error, and the day after it would overflow Python's dates."""


def within_report_dates(day: datetime.date) -> None:
    """A validator of the period's dates, for the report pages and the API alike."""
    if not RECORDS_FROM <= day <= REPORT_LAST_DAY:
        raise ValidationError(
            _("Choose a date from %(first)s to %(last)s.")
            % {
                "first": formats.date_format(RECORDS_FROM, "SHORT_DATE_FORMAT"),
                "last": formats.date_format(REPORT_LAST_DAY, "SHORT_DATE_FORMAT"),
            },
            code="out_of_range",
        )


@dataclass(frozen=True, kw_only=True)
class ReportFilters:
    date_from: datetime.date
    date_to: datetime.date
    hub: str | None = None
    region: str | None = None
    sector: str | None = None
    size_class: str | None = None
    women_led: bool | None = None
    referent: int | None = None


def _enterprise_conditions(filters: ReportFilters, prefix: str) -> Q:
    condition = Q()
    if filters.region:
        condition &= in_region(filters.region, prefix=prefix)
    if filters.sector:
        condition &= Q(**{f"{prefix}sector": filters.sector})
    if filters.size_class:
        condition &= Q(**{f"{prefix}size_class": filters.size_class})
    if filters.women_led is not None:
        condition &= Q(**{f"{prefix}women_led": filters.women_led})
    return condition


def readable_hubs(*, user: User, filters: ReportFilters) -> QuerySet[Hub]:
    hubs = Hub.objects.filter(hubs_readable_in_reports(user))
    if filters.hub:
        hubs = hubs.filter(code=filters.hub)
    return hubs


def report_today(*, user: User, hub: str | None = None) -> datetime.date:
    """Today for a report's default period: in the hub it names (when readable), else in the reader's hub,
    else in the current zone."""
    named = readable_hubs(user=user, filters=ReportFilters(date_from=RECORDS_FROM, date_to=RECORDS_FROM, hub=hub))
    chosen = named.first() if hub else (user.hub if user.hub_id else None)
    return hub_today(hub=chosen) if chosen else timezone.localdate()


_zones_read: contextvars.ContextVar[dict | None] = contextvars.ContextVar("report_zones_read", default=None)


def _zones_read_once(function):
    """While `function` runs, each report's hubs and their zones are read once (one query), however many of
    its querysets ask `report_zones`; a figure called by another reads the caller's."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if _zones_read.get() is not None:
            return function(*args, **kwargs)
        token = _zones_read.set({})
        try:
            return function(*args, **kwargs)
        finally:
            _zones_read.reset(token)

    return wrapper


def report_zones(*, user: User, filters: ReportFilters) -> HubZones:
    """The readable hubs grouped by how their local days fall over the period: every date of a report is
    counted in the calendar of the record's hub (`hub.calendar`). One query."""
    read = _zones_read.get()
    key = (user.pk, filters.hub)
    hubs = read.get(key) if read is not None else None
    if hubs is None:
        hubs = list(readable_hubs(user=user, filters=filters).only("pk", "country", "time_zone").order_by("pk"))
        if read is not None:
            read[key] = hubs
    return HubZones.of(hubs, **_period(filters))


def _filtered(queryset: QuerySet, *, user: User, filters: ReportFilters, date_field: str | None, person_field: str):
    """Rows of the readable hubs dated within the period, each in its hub's local days (whatever their date
    without `date_field`), narrowed by the enterprise and referent filters."""
    rows = queryset.filter(
        Q(hub__in=readable_hubs(user=user, filters=filters))
        & (report_zones(user=user, filters=filters).period(date_field) if date_field else Q())
    ).filter(_enterprise_conditions(filters, "enterprise__"))
    if filters.referent:
        rows = rows.filter(**{person_field: filters.referent})
    return rows


def report_cases(*, user: User, filters: ReportFilters) -> QuerySet[Case]:
    """Cases received in the period."""
    return _filtered(
        Case.objects.all(), user=user, filters=filters, date_field="received_at", person_field="assigned_to"
    )


def report_cases_answered(*, user: User, filters: ReportFilters) -> QuerySet[Case]:
    """Cases received in the period that had a first contact: the activity report's "cases answered"."""
    return report_cases(user=user, filters=filters).filter(first_contact_at__isnull=False)


def report_cases_resolved(*, user: User, filters: ReportFilters) -> QuerySet[Case]:
    """Cases received in the period and resolved or closed since: the activity report's "cases resolved"."""
    return report_cases(user=user, filters=filters).filter(status__in=RESOLVED_STATUSES)


def report_open_cases(*, user: User, filters: ReportFilters) -> QuerySet[Case]:
    """Cases open now, whatever the period, narrowed by the enterprise and referent filters: the backlog."""
    return _filtered(
        Case.objects.filter(status__in=OPEN_STATUSES),
        user=user,
        filters=filters,
        date_field=None,
        person_field="assigned_to",
    )


def report_visits(*, user: User, filters: ReportFilters) -> QuerySet[Visit]:
    return _filtered(Visit.objects.all(), user=user, filters=filters, date_field="started_at", person_field="referent")


def _reached(cases: QuerySet[Case], visits: QuerySet[Visit]) -> QuerySet[Enterprise]:
    """The enterprises of `cases` or `visits`. One IN over the union, which PostgreSQL joins by hashing: two
    INs joined by OR are tested row by row once their rows outgrow `work_mem` (over 9 minutes on a million
    cases and visits)."""
    reached = cases.values("enterprise").order_by().union(visits.values("enterprise").order_by())
    return Enterprise.objects.filter(pk__in=reached)


def report_enterprises(*, user: User, filters: ReportFilters) -> QuerySet[Enterprise]:
    """The enterprises reached in the period (a case received or a visit made): the records behind the
    activity report's "enterprises reached"."""
    return _reached(report_cases(user=user, filters=filters), report_visits(user=user, filters=filters))


@_zones_read_once
def activity(*, user: User, filters: ReportFilters) -> dict:
    cases = report_cases(user=user, filters=filters)
    visits = report_visits(user=user, filters=filters)
    case_figures = cases.aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(first_contact_at__isnull=False)),
        resolved=Count("pk", filter=Q(status__in=RESOLVED_STATUSES)),
        rejected=Count("pk", filter=Q(status=S.REJECTED)),
        referred=Count("pk", filter=Q(status=S.REFERRED)),
    )
    visit_figures = visits.aggregate(
        visits=Count("pk"),
        people_reached=Sum("people_reached_total", default=0),
        women_reached=Sum("people_reached_women", default=0),
    )
    enterprises = _reached(cases, visits).aggregate(
        reached=Count("pk"), women_led_reached=Count("pk", filter=Q(women_led=True))
    )
    shared = {"sheets": 0, "partners": 0}
    for shares, record in ((CaseShare.objects.all(), "case"), (VisitShare.objects.all(), "visit")):
        counts = _shared_in_period(shares, record=record, user=user, filters=filters).aggregate(
            sheets=Count("pk", filter=Q(sheet__isnull=False)), partners=Count("pk", filter=Q(sheet__isnull=True))
        )
        shared = {kind: shared[kind] + counts[kind] for kind in shared}
    return {
        "cases_received": case_figures["received"],
        "cases_answered": case_figures["answered"],
        "cases_resolved": case_figures["resolved"],
        "cases_rejected": case_figures["rejected"],
        "cases_referred": case_figures["referred"],
        "visits": visit_figures["visits"],
        "people_reached": visit_figures["people_reached"],
        "women_reached": visit_figures["women_reached"],
        "enterprises_reached": enterprises["reached"],
        "women_led_enterprises_reached": enterprises["women_led_reached"],
        "sheets_shared": shared["sheets"],
        "partners_shared": shared["partners"],
    }


def _shared_in_period(shares: QuerySet, *, record: str, user: User, filters: ReportFilters) -> QuerySet:
    """Sheets and partners shared in the period through the cases or visits (`record`) of the readable
    hubs, narrowed by the enterprise filters and, for a referent, by who shared them."""
    rows = shares.filter(
        Q(hub__in=readable_hubs(user=user, filters=filters))
        & report_zones(user=user, filters=filters).period("shared_at")
    ).filter(_enterprise_conditions(filters, f"{record}__enterprise__"))
    return rows.filter(shared_by=filters.referent) if filters.referent else rows


def _percentile_days_by_rank(cases: QuerySet[Case], *, done_field: str, count: int, share: float) -> float | None:
    """Nearest-rank percentile of the delay from receipt to `done_field`, in days: the database orders the
    delays and returns the row at that rank, whose delay is then taken to the microsecond."""
    if count == 0:
        return None
    rank = max(math.ceil(share * count), 1) - 1
    done, received = (
        cases.filter(**{f"{done_field}__isnull": False})
        .order_by(delay_order(done_field, "received_at"))
        .values_list(done_field, "received_at")[rank]
    )
    return _days((done - received).total_seconds())


def _days(seconds: float | None) -> float | None:
    return round(seconds / 86400, 2) if seconds is not None else None


PERCENTILES = {"median_days": 0.5, "p90_days": 0.9}


@_zones_read_once
def service_quality(*, user: User, filters: ReportFilters, now: datetime.datetime | None = None) -> dict:
    """The share within the standard of each stage is over the cases that reached it and those still open
    past its due date at `now` (missed, though not done yet). On PostgreSQL one query computes every count
    and percentile (an ordered-set aggregate); SQLite has none, so each percentile there is the row at its
    rank, two queries per delay."""
    now = now or timezone.now()
    zones = report_zones(user=user, filters=filters)
    cases = report_cases(user=user, filters=filters)
    on_postgresql = connection.vendor == "postgresql"
    percentiles = {
        f"{name}_{key}": PercentileDisc(share, delay_order(done, "received_at"), output_field=FloatField())
        for name, (done, _due) in DELAYS.items()
        for key, share in PERCENTILES.items()
        if on_postgresql
    }
    counts = cases.aggregate(
        **{
            f"{name}_done": Count("pk", filter=Q(**{f"{done}__isnull": False})) for name, (done, _due) in DELAYS.items()
        },
        **{
            f"{name}_within": Count("pk", filter=LessThanOrEqual(zones.local_date(done), F(due)))
            for name, (done, due) in DELAYS.items()
        },
        **{
            f"{name}_overdue": Count(
                "pk",
                filter=zones.condition(
                    lambda group, done=done, due=due: Q(
                        **{f"{done}__isnull": True, f"{due}__lt": group.today(now)}, status__in=OPEN_STATUSES
                    )
                ),
            )
            for name, (done, due) in DELAYS.items()
        },
        **percentiles,
        resolved=Count("pk", filter=Q(status__in=RESOLVED_STATUSES)),
        rated=Count("pk", filter=Q(satisfaction_rating__isnull=False)),
        rated_resolved=Count("pk", filter=Q(satisfaction_rating__isnull=False, status__in=RESOLVED_STATUSES)),
        satisfied=Count("pk", filter=Q(satisfaction_rating__gte=SATISFIED_FROM)),
        mean_rating=Avg("satisfaction_rating"),
    )
    delays = {}
    for name, (done, _due) in DELAYS.items():
        done_count = counts[f"{name}_done"]
        overdue = counts[f"{name}_overdue"]
        delays[name] = {"count": done_count, "overdue_open": overdue}
        for key, share in PERCENTILES.items():
            if on_postgresql:
                delays[name][key] = _days(counts[f"{name}_{key}"])
            else:
                delays[name][key] = _percentile_days_by_rank(cases, done_field=done, count=done_count, share=share)
        delays[name]["within_standard_share"] = _share(counts[f"{name}_within"], done_count + overdue)
    return {
        "delays": delays,
        "backlog_by_age": backlog_by_age(user=user, filters=filters, now=now),
        "satisfaction": {
            "rated": counts["rated"],
            "mean": round(counts["mean_rating"], 2) if counts["mean_rating"] is not None else None,
            "satisfied_share": _share(counts["satisfied"], counts["rated"]),
            "answer_rate": _share(counts["rated_resolved"], counts["resolved"]),
        },
    }


@_zones_read_once
def backlog_by_age(*, user: User, filters: ReportFilters, now: datetime.datetime) -> list[dict]:
    """Cases still open at `now`, whatever the period, grouped by calendar days since the local day they
    were received (0 on that day), as managers read "days since received" and as the due dates count: a
    case received 31 days ago at a later hour than now is 31 days old, not 30. The bands are ranges of
    local midnights, so the hub and date index still serves; each case counts in its hub's calendar."""
    zones = report_zones(user=user, filters=filters)

    def band(group: ZoneGroup, low: int, high: int | None) -> Q:
        today = group.today(now)
        condition = Q(received_at__lte=now, received_at__lt=group.midnight(today - datetime.timedelta(days=low - 1)))
        if high is not None:
            condition &= Q(received_at__gte=group.midnight(today - datetime.timedelta(days=high)))
        return condition

    buckets = {
        f"age_{index}": Count("pk", filter=zones.condition(lambda group, low=low, high=high: band(group, low, high)))
        for index, (low, high) in enumerate(BACKLOG_AGES)
    }
    counts = report_open_cases(user=user, filters=filters).aggregate(**buckets)
    return [
        {"min_days": low, "max_days": high, "open_cases": counts[f"age_{index}"]}
        for index, (low, high) in enumerate(BACKLOG_AGES)
    ]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _whole(value: float) -> int:
    """Rounded half up, as a spreadsheet does (12.5 → 13), not to even."""
    return int(decimal.Decimal(value).quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))


def summary_filters(filters: ReportFilters) -> dict:
    return dataclasses.asdict(filters)


@_zones_read_once
def summary(*, user: User, filters: ReportFilters) -> dict:
    return {
        "filters": summary_filters(filters),
        "activity": activity(user=user, filters=filters),
        "service_quality": service_quality(user=user, filters=filters),
    }


def _period(filters: ReportFilters) -> dict:
    return {"date_from": filters.date_from, "date_to": filters.date_to}


BREAKDOWNS = ("month", "hub", "region", "sector", "size_class", "women_led", "referent")
STAFF_ONLY_BREAKDOWNS = frozenset({"referent"})
"""Figures per referent name people: they are for hub staff, never for regional viewers."""


def _breakdown_key(by: str, *, date_field: str, person_field: str, zones: HubZones):
    if by == "month":
        return zones.local_month(date_field)
    if by == "hub":
        return F("hub__code")
    if by == "referent":
        return F(person_field)
    return F(f"enterprise__{by}")


def _month(value) -> str:
    """A month as "YYYY-MM", from a datetime (PostgreSQL, the ORM) or a text timestamp (SQLite, raw SQL)."""
    return value.strftime("%Y-%m") if hasattr(value, "strftime") else str(value)[:7]


def _months(date_from: datetime.date, date_to: datetime.date) -> list[str]:
    months, year, month = [], date_from.year, date_from.month
    while (year, month) <= (date_to.year, date_to.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _reached_by(cases: QuerySet, visits: QuerySet, by: str, zones: HubZones) -> dict:
    """Distinct enterprises reached per group, by a case received or a visit made in it: one query over
    the union of (group, enterprise) pairs, which neither side alone can count, joined to the enterprises
    once the union has removed the duplicates (not in each branch, for every case and visit)."""
    pairs = (
        cases.annotate(group=_breakdown_key(by, date_field="received_at", person_field="assigned_to", zones=zones))
        .values("group", "enterprise_id")
        .order_by()
        .union(
            visits.annotate(group=_breakdown_key(by, date_field="started_at", person_field="referent", zones=zones))
            .values("group", "enterprise_id")
            .order_by()
        )
    )
    try:
        sql, params = pairs.query.sql_with_params()
    except EmptyResultSet:
        return {}
    enterprises, pk = (
        connection.ops.quote_name(name) for name in (Enterprise._meta.db_table, Enterprise._meta.pk.column)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH pairs (grp, enterprise) AS ({sql}) "  # noqa: S608 - the ORM's own SQL  # nosec B608
            "SELECT grp, COUNT(DISTINCT enterprise), COUNT(DISTINCT CASE WHEN e.women_led THEN enterprise END) "
            f"FROM pairs JOIN {enterprises} e ON e.{pk} = pairs.enterprise GROUP BY grp",
            params,
        )
        return {_normal(by, group): (reached, women_led) for group, reached, women_led in cursor.fetchall()}


def _normal(by: str, value):
    if value is None:
        return None
    if by == "month":
        return _month(value)
    if by == "women_led":
        return bool(value)
    return value


def _labels(by: str, keys) -> dict:
    """What a reader sees for each group key: names for ids and codes, labels for choices."""
    keys = [key for key in keys if key is not None]
    if by == "hub":
        return dict(Hub.objects.filter(code__in=keys).values_list("code", "name"))
    if by == "region":
        return dict(AdministrativeUnit.objects.filter(code__in=keys).values_list("code", "name"))
    if by == "referent":
        people = User.objects.filter(pk__in=keys).values_list("pk", "first_name", "last_name", "username")
        return {pk: f"{first} {last}".strip() or username for pk, first, last, username in people}
    if by == "sector":
        return {key: f"{key} – {IsicSection(key).label}" for key in keys}
    if by == "size_class":
        return {key: str(SizeClass(key).label) for key in keys}
    if by == "women_led":
        return {True: str(_("Women-led")), False: str(_("Not women-led"))}
    return {key: formats.date_format(datetime.date.fromisoformat(f"{key}-01"), "YEAR_MONTH_FORMAT") for key in keys}


@_zones_read_once
def activity_breakdown(*, user: User, filters: ReportFilters, by: str) -> list[dict]:
    """The activity figures per group (`by`, one of BREAKDOWNS), in a fixed number of queries. Every month
    of the period is listed, empty ones included; a group with no key (a case nobody was assigned) is
    labelled as such. The rows add up to the totals of `activity`, except enterprises reached, which an
    enterprise reached in two groups counts in each."""
    if by not in BREAKDOWNS:
        raise ValueError(f"Unknown breakdown {by!r}")
    zones = report_zones(user=user, filters=filters)
    cases = report_cases(user=user, filters=filters)
    visits = report_visits(user=user, filters=filters)
    case_rows = (
        cases.annotate(group=_breakdown_key(by, date_field="received_at", person_field="assigned_to", zones=zones))
        .values("group")
        .order_by()
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=Q(first_contact_at__isnull=False)),
            resolved=Count("pk", filter=Q(status__in=RESOLVED_STATUSES)),
        )
    )
    visit_rows = (
        visits.annotate(group=_breakdown_key(by, date_field="started_at", person_field="referent", zones=zones))
        .values("group")
        .order_by()
        .annotate(visits=Count("pk"), people=Sum("people_reached_total"), women=Sum("people_reached_women"))
    )
    figures: dict = {}

    def row(key) -> dict:
        return figures.setdefault(
            key,
            {
                "key": key,
                "visits": 0,
                "cases_received": 0,
                "cases_answered": 0,
                "cases_resolved": 0,
                "enterprises_reached": 0,
                "women_led_enterprises_reached": 0,
                "people_reached": 0,
                "women_reached": 0,
            },
        )

    if by == "month":
        for month in _months(filters.date_from, filters.date_to):
            row(month)
    for found in case_rows:
        figure = row(_normal(by, found["group"]))
        figure.update(
            cases_received=found["received"], cases_answered=found["answered"], cases_resolved=found["resolved"]
        )
    for found in visit_rows:
        row(_normal(by, found["group"])).update(
            visits=found["visits"], people_reached=found["people"] or 0, women_reached=found["women"] or 0
        )
    for key, (reached, women_led) in _reached_by(cases, visits, by, zones).items():
        row(key).update(enterprises_reached=reached, women_led_enterprises_reached=women_led)
    labels = _labels(by, figures)
    for figure in figures.values():
        figure["label"] = labels.get(figure["key"], str(_("Not assigned")) if figure["key"] is None else figure["key"])
    return sorted(figures.values(), key=lambda figure: (figure["key"] is None, _order(by, figure)))


def _order(by: str, figure: dict):
    """Months and codes in their own order, size classes from the smallest, names alphabetically."""
    if by == "size_class":
        return SizeClass.values.index(figure["key"]) if figure["key"] in SizeClass.values else len(SizeClass.values)
    if by in ("month", "sector", "women_led"):
        return str(figure["key"])
    return fold(str(figure["label"]))


IMPACT_SUMS = [
    "jobs_created",
    "jobs_kept",
    "new_sales_xof",
    "kept_sales_xof",
    "investment_xof",
    "cost_savings_xof",
    "new_products",
    "new_processes",
]


def report_followups(*, user: User, filters: ReportFilters) -> QuerySet[FollowUp]:
    """The 6- and 12-month follow-ups collected in the period."""
    followups = FollowUp.objects.filter(
        hub__in=readable_hubs(user=user, filters=filters),
        kind__in=[FollowUp.Kind.MONTH_6, FollowUp.Kind.MONTH_12],
        collected_on__gte=filters.date_from,
        collected_on__lte=filters.date_to,
    ).filter(_enterprise_conditions(filters, "enterprise__"))
    if filters.referent:
        followups = followups.filter(collected_by=filters.referent)
    return followups


FOLLOWUP_KINDS = (FollowUp.Kind.MONTH_6, FollowUp.Kind.MONTH_12)
"""The kinds the answer rate's total counts; the baselines have a line of their own, outside the total."""
ANSWER_LINES = {
    FollowUp.Kind.MONTH_6.value: (FollowUp.Kind.MONTH_6,),
    FollowUp.Kind.MONTH_12.value: (FollowUp.Kind.MONTH_12,),
    "total": FOLLOWUP_KINDS,
    FollowUp.Kind.BASELINE.value: (FollowUp.Kind.BASELINE,),
}
"""The lines of the follow-up answer rate and the kinds each counts."""
COLLECTED_ON_TIME = Q(collected_on__isnull=False, collected_on__lte=F("due_date"))
COLLECTED_LATE = Q(collected_on__isnull=False, collected_on__gt=F("due_date"))
NOT_COLLECTED = Q(collected_on__isnull=True)
ANSWER_LINE_LABELS = {
    FollowUp.Kind.MONTH_6.value: FollowUp.Kind.MONTH_6.label,
    FollowUp.Kind.MONTH_12.value: FollowUp.Kind.MONTH_12.label,
    "total": _("6- and 12-month follow-ups"),
    FollowUp.Kind.BASELINE.value: FollowUp.Kind.BASELINE.label,
}
ANSWERS = {
    "on_time": _("Collected on time"),
    "on_time_self_reported": _("Collected on time, self-reported"),
    "late": _("Collected late"),
    "late_self_reported": _("Collected late, self-reported"),
    "missing": _("Not collected"),
}
"""What became of a follow-up due: collected by its due date or after it, by a referent or by the SME
itself through its link (self-reported), or not collected (missing). `followup_answer` computes it."""


def followup_answer() -> SqlCase:
    """One of ANSWERS for each follow-up, computed by the database: the records' column."""
    return SqlCase(
        When(NOT_COLLECTED, then=Value("missing")),
        When(COLLECTED_ON_TIME & Q(self_reported=True), then=Value("on_time_self_reported")),
        When(COLLECTED_ON_TIME, then=Value("on_time")),
        When(self_reported=True, then=Value("late_self_reported")),
        default=Value("late"),
    )


def _followups_due(
    *, user: User, filters: ReportFilters, kinds: Sequence[str], today: datetime.date | None = None
) -> QuerySet[FollowUp]:
    """The follow-ups of `kinds` whose due date falls in the period and has passed (before `today`, by
    default each hub's own today): one due today or later may still be collected on time, and counts once
    its day is over. Read by the hub and due-date index. The referent filter takes the referent in charge,
    or who collected it when nobody was in charge."""
    now = timezone.now()
    hubs = readable_hubs(user=user, filters=filters)

    def passed(group: ZoneGroup) -> Q:
        last = min(filters.date_to, (today or group.today(now)) - datetime.timedelta(days=1))
        return Q(hub__in=hubs, due_date__gte=filters.date_from, due_date__lte=last, kind__in=kinds)

    zones = report_zones(user=user, filters=filters) if today is None else HubZones.of([], **_period(filters))
    followups = FollowUp.objects.filter(zones.condition(passed)).filter(_enterprise_conditions(filters, "enterprise__"))
    if filters.referent:
        followups = followups.filter(
            Q(assigned_to=filters.referent) | Q(assigned_to__isnull=True, collected_by=filters.referent)
        )
    return followups


def report_followups_due(
    *, user: User, filters: ReportFilters, today: datetime.date | None = None
) -> QuerySet[FollowUp]:
    """The 6- and 12-month follow-ups due in the period (their due date passed), collected or not: the
    records behind the total of the follow-up answer rate."""
    return _followups_due(user=user, filters=filters, kinds=FOLLOWUP_KINDS, today=today).annotate(
        answer=followup_answer()
    )


def report_baselines_due(
    *, user: User, filters: ReportFilters, today: datetime.date | None = None
) -> QuerySet[FollowUp]:
    """The baselines due in the period (their due date passed), taken or not: the records behind the
    baseline line of the follow-up answer rate."""
    return _followups_due(user=user, filters=filters, kinds=(FollowUp.Kind.BASELINE,), today=today).annotate(
        answer=followup_answer()
    )


@_zones_read_once
def followup_answers(*, user: User, filters: ReportFilters, today: datetime.date | None = None) -> dict:
    """The answer rate of the follow-ups due in the period, per line of ANSWER_LINES: how many were due,
    collected (on time, late), missing and self-reported; the answer rate is those collected on time over
    those due, the self-reported share is over those collected. One query, counted per kind."""
    counts = {
        f"{kind}_{name}": Count("pk", filter=Q(kind=kind) & condition)
        for kind in FollowUp.Kind.values
        for name, condition in (
            ("due", Q()),
            ("on_time", COLLECTED_ON_TIME),
            ("late", COLLECTED_LATE),
            ("self_reported", Q(self_reported=True) & ~NOT_COLLECTED),
        )
    }
    found = _followups_due(user=user, filters=filters, kinds=FollowUp.Kind.values, today=today).aggregate(**counts)
    lines = {}
    for line, kinds in ANSWER_LINES.items():
        due, on_time, late, self_reported = (
            sum(found[f"{kind}_{name}"] for kind in kinds) for name in ("due", "on_time", "late", "self_reported")
        )
        collected = on_time + late
        lines[line] = {
            "label": str(ANSWER_LINE_LABELS[line]),
            "due": due,
            "collected": collected,
            "on_time": on_time,
            "late": late,
            "missing": due - collected,
            "self_reported": self_reported,
            "answer_rate": _share(on_time, due),
            "self_reported_share": _share(self_reported, collected),
        }
    return lines


def impact_by_enterprise(*, user: User, filters: ReportFilters) -> QuerySet[Enterprise]:
    """The enterprises followed up in the period, each with its baseline turnover and jobs, its latest
    follow-up's turnover in the period, and the jobs created and investment reported in the period."""
    followups = report_followups(user=user, filters=filters)
    latest = followups.filter(enterprise=OuterRef("pk"), turnover_xof__isnull=False).order_by("-collected_on", "-pk")

    def total(field: str) -> Coalesce:
        summed = followups.filter(enterprise=OuterRef("pk")).order_by().values("enterprise")
        return Coalesce(Subquery(summed.annotate(total=Sum(field)).values("total")), Value(0))

    return (
        Enterprise.objects.filter(pk__in=followups.values("enterprise"))
        .annotate(baseline=FilteredRelation("followups", condition=Q(followups__kind=FollowUp.Kind.BASELINE)))
        .annotate(
            baseline_turnover=F("baseline__turnover_xof"),
            baseline_employees=F("baseline__employees_total"),
            latest_turnover=Subquery(latest.values("turnover_xof")[:1]),
            jobs_created=total("jobs_created"),
            investment=total("investment_xof"),
        )
        .annotate(turnover_change=F("latest_turnover") - F("baseline_turnover"))
        .order_by("name", "pk")
    )


ENTERPRISE_IMPACT_COLUMNS = (
    "pk",
    "name",
    "region__name",
    "baseline_turnover",
    "latest_turnover",
    "turnover_change",
    "baseline_employees",
    "jobs_created",
    "investment",
)
"""What the report shows of each enterprise of `impact_by_enterprise`, on the page, in the exports and the API."""


def _turnover_against_baseline(followups: QuerySet[FollowUp]) -> dict:
    """How many enterprises have both a baseline turnover and one among `followups`, and the sums of their
    baseline and of their latest such turnover (the latest collected, then the latest recorded). The
    latest is found in one pass numbering each enterprise's follow-ups (a window), then joined to the
    baselines, one per enterprise by a unique constraint: the same figures as `impact_by_enterprise`'s
    turnover change, whose subqueries per enterprise took 4.6 s on 1.7 million follow-ups."""
    latest = (
        followups.filter(turnover_xof__isnull=False)
        .annotate(
            newest=Window(
                RowNumber(), partition_by=F("enterprise"), order_by=[F("collected_on").desc(), F("pk").desc()]
            )
        )
        .filter(newest=1)
        .values("enterprise_id", "turnover_xof")
    )
    try:
        sql, params = latest.query.sql_with_params()
    except EmptyResultSet:
        return {"enterprises": 0, "baseline": 0, "latest": 0}
    table = connection.ops.quote_name(FollowUp._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(b.turnover_xof), 0), COALESCE(SUM(latest.turnover_xof), 0) "  # noqa: S608 - the ORM's own SQL  # nosec B608
            f"FROM ({sql}) latest JOIN {table} b ON b.enterprise_id = latest.enterprise_id "
            "AND b.kind = %s AND b.turnover_xof IS NOT NULL",
            [*params, FollowUp.Kind.BASELINE],
        )
        enterprises, baseline, latest_sum = cursor.fetchone()
    return {"enterprises": enterprises, "baseline": int(baseline), "latest": int(latest_sum)}


@_zones_read_once
def impact(*, user: User, filters: ReportFilters, today: datetime.date | None = None) -> dict:
    """Totals of the follow-ups collected in the period, the turnover change of the enterprises that have
    both a baseline and a follow-up turnover, and the answer rate of the follow-ups due in the period
    (`followup_answers`, as of `today`). NPS is the share of 9-10 answers less the share of 0-6, over the
    follow-ups that answered the question."""
    followups = report_followups(user=user, filters=filters)
    totals = followups.aggregate(
        followups=Count("pk"),
        enterprises_followed=Count("enterprise", distinct=True),
        technology_adopted=Count("pk", filter=Q(technology_adopted=True)),
        satisfaction_mean=Avg("satisfaction"),
        recommend_answers=Count("recommend_score"),
        promoters=Count("pk", filter=Q(recommend_score__gte=9)),
        detractors=Count("pk", filter=Q(recommend_score__lte=6)),
        **{name: Sum(name, default=0) for name in IMPACT_SUMS},
    )
    turnover = _turnover_against_baseline(followups)
    answers = totals.pop("recommend_answers")
    promoters, detractors = totals.pop("promoters"), totals.pop("detractors")
    mean = totals.pop("satisfaction_mean")
    return {
        **totals,
        "satisfaction_mean": round(mean, 2) if mean is not None else None,
        "net_promoter_score": _whole(100 * (promoters - detractors) / answers) if answers else None,
        "recommend_answers": answers,
        "turnover": {
            "enterprises": turnover["enterprises"],
            "baseline_xof": turnover["baseline"],
            "latest_xof": turnover["latest"],
            "change_xof": turnover["latest"] - turnover["baseline"],
            "change_share": _share(turnover["latest"] - turnover["baseline"], turnover["baseline"]),
        },
        "followups_due": followup_answers(user=user, filters=filters, today=today),
    }


def satisfied_enterprises(cases: QuerySet[Case]) -> dict[str, tuple[int, int]]:
    """Per hub code, the enterprises with a rated case among `cases`, and those of them whose mean rating
    is at least SATISFIED_FROM: the satisfied SMEs of the targets. One query over the means per enterprise."""
    means = (
        cases.filter(satisfaction_rating__isnull=False)
        .values("hub__code", "enterprise")
        .order_by()
        .annotate(mean=Avg("satisfaction_rating"))
        .values_list("hub__code", "mean")
    )
    try:
        sql, params = means.query.sql_with_params()
    except EmptyResultSet:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH means (hub, mean) AS ({sql}) "  # noqa: S608 - the ORM's own SQL  # nosec B608
            "SELECT hub, COUNT(*), SUM(CASE WHEN mean >= %s THEN 1 ELSE 0 END) FROM means GROUP BY hub",
            [*params, SATISFIED_FROM],
        )
        return {code: (rated, int(satisfied)) for code, rated, satisfied in cursor.fetchall()}


TARGETS_LEFT_OUT = _(
    "The targets are the hubs' goals for all their enterprises: they are left out of a report narrowed to a "
    "region, a sector, a size, women-led enterprises or a referent, whose figures cover only part of them."
)


def narrowed(filters: ReportFilters) -> bool:
    """Whether the report covers only part of its hubs' enterprises or work."""
    return any([filters.region, filters.sector, filters.size_class, filters.women_led is not None, filters.referent])


@_zones_read_once
def targets(*, user: User, filters: ReportFilters) -> dict:
    """Each readable hub's targets against the actual figures of the period, one line per indicator and per
    year the period touches: that year's actuals (the part of the period inside it) against that year's goal,
    `expected` pro rata of the part of the year covered. None, and `omitted` saying why, for a `narrowed`
    report. `share` is the exact actual over the target, rounded only where it is shown. The satisfied SMEs
    are the enterprises whose mean rating of their cases of the period is at least SATISFIED_FROM, as a
    percentage of those rated (no pro rata: it is no count). With several hubs, `total` adds them up; its
    target is given only when every hub set one (the mean of theirs for the share of satisfied SMEs).
    `year` is the last year, `years_label` names them all ("2025–2026")."""
    years = list(range(filters.date_from.year, filters.date_to.year + 1))
    result = {
        "year": years[-1],
        "years": years,
        "years_label": f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]),
        "hubs": [],
        "total": None,
        "omitted": None,
    }
    if narrowed(filters):
        return {**result, "omitted": str(TARGETS_LEFT_OUT)}
    hubs = list(readable_hubs(user=user, filters=filters).order_by("code").values_list("pk", "code", "name"))
    result["hubs"] = [{"hub": code, "name": name, "indicators": []} for _pk, code, name in hubs]
    total = [] if len(hubs) > 1 else None
    for year in years:
        part = dataclasses.replace(
            filters,
            date_from=max(filters.date_from, datetime.date(year, 1, 1)),
            date_to=min(filters.date_to, datetime.date(year, 12, 31)),
        )
        by_hub, year_total = _targets_of_year(user=user, filters=part, year=year, hubs=hubs, labelled=len(years) > 1)
        for hub in result["hubs"]:
            hub["indicators"] += by_hub[hub["hub"]]
        if total is not None:
            total += year_total
    result["total"] = total
    return result


def _targets_of_year(
    *, user: User, filters: ReportFilters, year: int, hubs: list[tuple], labelled: bool
) -> tuple[dict[str, list[dict]], list[dict]]:
    """The lines of `year` for each hub (by code) and their total over the hubs, `filters` being the part of
    the period inside that year; `labelled` puts the year in each line's label."""
    by_hub = {row["key"]: row for row in activity_breakdown(user=user, filters=filters, by="hub")}
    jobs = dict(
        report_followups(user=user, filters=filters)
        .values("hub__code")
        .order_by()
        .annotate(total=Sum("jobs_created"))
        .values_list("hub__code", "total")
    )
    ratings = satisfied_enterprises(report_cases(user=user, filters=filters))
    goals = {
        (hub_id, indicator): value
        for hub_id, indicator, value in HubTarget.objects.filter(
            hub__in=[pk for pk, _code, _name in hubs], year=year
        ).values_list("hub_id", "indicator", "value")
    }
    year_start, year_end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    covered = (filters.date_to - filters.date_from).days + 1
    fraction = max(covered, 0) / ((year_end - year_start).days + 1)

    def actual_of(code: str, indicator: str) -> int | None:
        figures = by_hub.get(code, {})
        if indicator == TargetIndicator.JOBS_CREATED:
            return jobs.get(code) or 0
        if indicator == TargetIndicator.SATISFIED_PERCENT:
            rated, satisfied = ratings.get(code, (0, 0))
            return 100 * satisfied / rated if rated else None
        if indicator == TargetIndicator.WOMEN_LED_REACHED:
            return figures.get("women_led_enterprises_reached", 0)
        return figures.get(indicator, 0)

    def line(indicator: str, target: int | None, actual: int | None) -> dict:
        counted = indicator != TargetIndicator.SATISFIED_PERCENT
        label = str(TargetIndicator(indicator).label)
        return {
            "indicator": indicator,
            "year": year,
            "label": f"{label} ({year})" if labelled else label,
            "target": target,
            "expected": _whole(target * fraction) if target is not None and counted else None,
            "actual": actual,
            "share": actual / target if target and actual is not None else None,
        }

    lines = {
        code: [
            line(indicator, goals.get((hub_id, indicator)), actual_of(code, indicator))
            for indicator in TargetIndicator.values
        ]
        for hub_id, code, _name in hubs
    }
    total_lines = []
    if len(hubs) > 1:
        rated = sum(rated for rated, _satisfied in ratings.values())
        satisfied = sum(satisfied for _rated, satisfied in ratings.values())
        for indicator in TargetIndicator.values:
            values = [goals[(hub_id, indicator)] for hub_id, _c, _n in hubs if (hub_id, indicator) in goals]
            complete = len(values) == len(hubs)
            if indicator == TargetIndicator.SATISFIED_PERCENT:
                target = _whole(sum(values) / len(values)) if complete else None
                total_lines.append(line(indicator, target, 100 * satisfied / rated if rated else None))
            else:
                actual = sum(actual_of(code, indicator) for _pk, code, _name in hubs)
                total_lines.append(line(indicator, sum(values) if complete else None, actual))
    return lines, total_lines


@_zones_read_once
def full_report(
    *,
    user: User,
    filters: ReportFilters,
    by: str = "region",
    enterprises: int | None = None,
    today: datetime.date | None = None,
) -> dict:
    """Every figure of the programme report for the period, as the page, the PDF, the exports and the API
    show it. `enterprises` (impact per enterprise, in the order of their names) is None for those who may
    not read personal data, and so is a breakdown per referent; the argument `enterprises` keeps the first
    that many (the page shows 50 of tens of thousands on a large hub, the PDF `pdf.PDF_ENTERPRISES`; the
    spreadsheets take all). The follow-ups due are counted as of `today` (today's date by default)."""
    if (by in STAFF_ONLY_BREAKDOWNS or filters.referent) and not reads_personal_data_in_reports(user):
        raise PermissionDenied(_("Figures per referent are for hub staff only."))
    personal = reads_personal_data_in_reports(user)
    per_enterprise = impact_by_enterprise(user=user, filters=filters).values(*ENTERPRISE_IMPACT_COLUMNS)
    return {
        "filters": summary_filters(filters),
        "activity": activity(user=user, filters=filters),
        "monthly": activity_breakdown(user=user, filters=filters, by="month"),
        "breakdown": {"by": by, "rows": activity_breakdown(user=user, filters=filters, by=by)},
        "service_quality": service_quality(user=user, filters=filters),
        "impact": impact(user=user, filters=filters, today=today),
        "enterprises": list(per_enterprise[:enterprises] if enterprises is not None else per_enterprise)
        if personal
        else None,
        "targets": targets(user=user, filters=filters),
    }
