"""Impact figures of the report, aggregated in the database: the 6- and 12-month follow-ups collected in the
period, the turnover against the baselines, and the answer rate of the follow-ups due."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    F,
    FilteredRelation,
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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.models import Enterprise, FollowUp, User
from hub.reports.expressions import HubZones, ZoneGroup
from hub.reports.selectors import (
    ReportFilters,
    enterprise_conditions,
    period_bounds,
    readable_hubs,
    report_zones,
    round_half_up,
    share_of,
    zones_read_once,
)

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
    ).filter(enterprise_conditions(filters, "enterprise__"))
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

    zones = report_zones(user=user, filters=filters) if today is None else HubZones.of([], **period_bounds(filters))
    followups = FollowUp.objects.filter(zones.condition(passed)).filter(enterprise_conditions(filters, "enterprise__"))
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


@zones_read_once
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
            "answer_rate": share_of(on_time, due),
            "self_reported_share": share_of(self_reported, collected),
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


@zones_read_once
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
        "net_promoter_score": round_half_up(100 * (promoters - detractors) / answers) if answers else None,
        "recommend_answers": answers,
        "turnover": {
            "enterprises": turnover["enterprises"],
            "baseline_xof": turnover["baseline"],
            "latest_xof": turnover["latest"],
            "change_xof": turnover["latest"] - turnover["baseline"],
            "change_share": share_of(turnover["latest"] - turnover["baseline"], turnover["baseline"]),
        },
        "followups_due": followup_answers(user=user, filters=filters, today=today),
    }
