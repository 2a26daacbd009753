"""The hubs' yearly targets against the actual figures of a report's period."""

import dataclasses
import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Avg,
    QuerySet,
    Sum,
)
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from hub.models import HubTarget, TargetIndicator, User
from hub.reports.impact import report_followups
from hub.reports.selectors import (
    SATISFIED_FROM,
    ReportFilters,
    activity_breakdown,
    readable_hubs,
    report_cases,
    round_half_up,
    zones_read_once,
)


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


@zones_read_once
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
            "expected": round_half_up(target * fraction) if target is not None and counted else None,
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
                target = round_half_up(sum(values) / len(values)) if complete else None
                total_lines.append(line(indicator, target, 100 * satisfied / rated if rated else None))
            else:
                actual = sum(actual_of(code, indicator) for _pk, code, _name in hubs)
                total_lines.append(line(indicator, sum(values) if complete else None, actual))
    return lines, total_lines
