"""Report figures, aggregated in the database. Each function returns plain data (dicts of numbers)
that the HTML pages, the exports and the API render alike; none loads records into Python."""

import contextvars
import dataclasses
import datetime
import decimal
import functools
import math
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.lookups import LessThanOrEqual
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cases.models import OPEN_STATUSES, Case, CaseShare, CaseStatus
from hub.calendar import hub_today
from hub.classifications import IsicSection, SizeClass
from hub.library.search import fold
from hub.models import RECORDS_FROM, AdministrativeUnit, Enterprise, Hub, User
from hub.permissions import hubs_readable_in_reports
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


def enterprise_conditions(filters: ReportFilters, prefix: str) -> Q:
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


def zones_read_once(function):
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
    return HubZones.of(hubs, **period_bounds(filters))


def _filtered(queryset: QuerySet, *, user: User, filters: ReportFilters, date_field: str | None, person_field: str):
    """Rows of the readable hubs dated within the period, each in its hub's local days (whatever their date
    without `date_field`), narrowed by the enterprise and referent filters."""
    rows = queryset.filter(
        Q(hub__in=readable_hubs(user=user, filters=filters))
        & (report_zones(user=user, filters=filters).period(date_field) if date_field else Q())
    ).filter(enterprise_conditions(filters, "enterprise__"))
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


@zones_read_once
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
    ).filter(enterprise_conditions(filters, f"{record}__enterprise__"))
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


@zones_read_once
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
        delays[name]["within_standard_share"] = share_of(counts[f"{name}_within"], done_count + overdue)
    return {
        "delays": delays,
        "backlog_by_age": backlog_by_age(user=user, filters=filters, now=now),
        "satisfaction": {
            "rated": counts["rated"],
            "mean": round(counts["mean_rating"], 2) if counts["mean_rating"] is not None else None,
            "satisfied_share": share_of(counts["satisfied"], counts["rated"]),
            "answer_rate": share_of(counts["rated_resolved"], counts["resolved"]),
        },
    }


@zones_read_once
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


def share_of(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def round_half_up(value: float) -> int:
    """Rounded half up, as a spreadsheet does (12.5 → 13), not to even."""
    return int(decimal.Decimal(value).quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))


def summary_filters(filters: ReportFilters) -> dict:
    return dataclasses.asdict(filters)


@zones_read_once
def summary(*, user: User, filters: ReportFilters) -> dict:
    return {
        "filters": summary_filters(filters),
        "activity": activity(user=user, filters=filters),
        "service_quality": service_quality(user=user, filters=filters),
    }


def period_bounds(filters: ReportFilters) -> dict:
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


@zones_read_once
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
