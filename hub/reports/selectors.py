"""Report figures, aggregated in the database. Each function returns plain data (dicts of numbers)
that the HTML pages, the exports and the API render alike; none loads records into Python."""

import datetime
import math
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from cases.models import OPEN_STATUSES, Case, CaseStatus
from hub.models import Enterprise, Hub, User
from hub.permissions import hubs_readable_in_reports
from hub.selectors import in_region
from visits.models import Visit

S = CaseStatus
RESOLVED_STATUSES = (S.RESOLVED, S.CLOSED)
SATISFIED_FROM = 4
BACKLOG_AGES = [(0, 7), (8, 30), (31, 90), (91, None)]
DELAYS = {
    "acknowledge": ("acknowledged_at", "acknowledge_due"),
    "assign": ("assigned_at", "assign_due"),
    "first_contact": ("first_contact_at", "first_contact_due"),
    "resolve": ("resolved_at", "resolve_due"),
}
"""Each delay runs from `received_at` to the first field; the second is the due date that the hub's
service standard set for it."""


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


def _filtered(queryset: QuerySet, *, user: User, filters: ReportFilters, date_field: str, person_field: str):
    """Rows of the readable hubs dated within the period, narrowed by the enterprise and referent filters."""
    rows = queryset.filter(
        hub__in=readable_hubs(user=user, filters=filters),
        **{f"{date_field}__date__gte": filters.date_from, f"{date_field}__date__lte": filters.date_to},
    ).filter(_enterprise_conditions(filters, "enterprise__"))
    if filters.referent:
        rows = rows.filter(**{person_field: filters.referent})
    return rows


def report_cases(*, user: User, filters: ReportFilters) -> QuerySet[Case]:
    """Cases received in the period."""
    return _filtered(
        Case.objects.all(), user=user, filters=filters, date_field="received_at", person_field="assigned_to"
    )


def report_visits(*, user: User, filters: ReportFilters) -> QuerySet[Visit]:
    return _filtered(Visit.objects.all(), user=user, filters=filters, date_field="started_at", person_field="referent")


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
    enterprises = Enterprise.objects.filter(
        Q(pk__in=cases.values("enterprise")) | Q(pk__in=visits.values("enterprise"))
    ).aggregate(reached=Count("pk"), women_led_reached=Count("pk", filter=Q(women_led=True)))
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
    }


def _percentile_days(cases: QuerySet[Case], *, done_field: str, count: int, share: float) -> float | None:
    """Nearest-rank percentile of the delay from receipt to `done_field`, in days: the database
    orders the delays and returns the one at that rank."""
    if count == 0:
        return None
    rank = max(math.ceil(share * count), 1) - 1
    delay = ExpressionWrapper(F(done_field) - F("received_at"), output_field=DurationField())
    value = (
        cases.filter(**{f"{done_field}__isnull": False})
        .annotate(delay=delay)
        .order_by("delay")
        .values_list("delay", flat=True)[rank]
    )
    return round(value.total_seconds() / 86400, 2)


def service_quality(*, user: User, filters: ReportFilters, now: datetime.datetime | None = None) -> dict:
    cases = report_cases(user=user, filters=filters)
    counts = cases.aggregate(
        **{
            f"{name}_done": Count("pk", filter=Q(**{f"{done}__isnull": False})) for name, (done, _due) in DELAYS.items()
        },
        **{
            f"{name}_within": Count("pk", filter=Q(**{f"{done}__date__lte": F(due)}))
            for name, (done, due) in DELAYS.items()
        },
        resolved=Count("pk", filter=Q(status__in=RESOLVED_STATUSES)),
        rated=Count("pk", filter=Q(satisfaction_rating__isnull=False)),
        satisfied=Count("pk", filter=Q(satisfaction_rating__gte=SATISFIED_FROM)),
        mean_rating=Avg("satisfaction_rating"),
    )
    delays = {}
    for name, (done, _due) in DELAYS.items():
        done_count = counts[f"{name}_done"]
        delays[name] = {
            "count": done_count,
            "median_days": _percentile_days(cases, done_field=done, count=done_count, share=0.5),
            "p90_days": _percentile_days(cases, done_field=done, count=done_count, share=0.9),
            "within_standard_share": _share(counts[f"{name}_within"], done_count),
        }
    return {
        "delays": delays,
        "backlog_by_age": backlog_by_age(user=user, filters=filters, now=now or timezone.now()),
        "satisfaction": {
            "rated": counts["rated"],
            "mean": round(counts["mean_rating"], 2) if counts["mean_rating"] is not None else None,
            "satisfied_share": _share(counts["satisfied"], counts["rated"]),
            "answer_rate": _share(counts["rated"], counts["resolved"]),
        },
    }


def backlog_by_age(*, user: User, filters: ReportFilters, now: datetime.datetime) -> list[dict]:
    """Cases still open at `now`, whatever the period, grouped by days since receipt."""
    open_cases = Case.objects.filter(hub__in=readable_hubs(user=user, filters=filters), status__in=OPEN_STATUSES)
    open_cases = open_cases.filter(_enterprise_conditions(filters, "enterprise__"))
    if filters.referent:
        open_cases = open_cases.filter(assigned_to=filters.referent)
    buckets = {}
    for index, (low, high) in enumerate(BACKLOG_AGES):
        condition = Q(received_at__lte=now - datetime.timedelta(days=low))
        if high is not None:
            condition &= Q(received_at__gt=now - datetime.timedelta(days=high + 1))
        buckets[f"age_{index}"] = Count("pk", filter=condition)
    counts = open_cases.aggregate(**buckets)
    return [
        {"min_days": low, "max_days": high, "open_cases": counts[f"age_{index}"]}
        for index, (low, high) in enumerate(BACKLOG_AGES)
    ]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summary(*, user: User, filters: ReportFilters) -> dict:
    return {
        "filters": {
            "date_from": filters.date_from,
            "date_to": filters.date_to,
            "hub": filters.hub,
            "region": filters.region,
            "sector": filters.sector,
            "size_class": filters.size_class,
            "women_led": filters.women_led,
            "referent": filters.referent,
        },
        "activity": activity(user=user, filters=filters),
        "service_quality": service_quality(user=user, filters=filters),
    }
