"""Every report figure of `hub.reports.selectors` against an independent count on a hand-made data set.

The data set (`build_world`) is small enough to count by hand; the tables below give, per enterprise,
what each figure should be. Times are UTC, which is also Africa/Bamako time (UTC+0, no summer time),
so a date seen in the database is the date written here.

Hub ML ("HUB IIT Mali"), enterprises:

    name              region          sector  size    women-led
    E1 Karité Plus    ML-BKO Bamako   C       micro   yes
    E2 Atelier Kout.  ML-KTL Koutiala A       small   no     (Koutiala was carved from ML-SIK in 2023)
    E3 Sikasso Agro   ML-SIK Sikasso  C       micro   yes
    E4 Ségou Métal    ML-SEG Ségou    A       medium  yes
    E5 Kita Numérique ML-KIT Kita     J       small   no     (Kita was carved from ML-KAY)

Hub ML2: F1 Moulin du Fleuve (ML-BKO, C, micro, women-led).

Cases of 2026 (received 09:00 unless said; delays in days from receipt; "late" = after the due date):

    case  ent  status       month  ack     assign  contact  resolve  rating  referent
    C1    E1   closed       Mar    0.25    1       2        4        5       A
    C2    E2   resolved     Mar    3 late  3 late  10 late  30 late  2       B
    C3    E3   in progress  Apr    0.75    1       2        -        -       A
    C4    E1   resolved     Apr    1       -       -        6        -       -
    C5    E4   rejected     May    0.5     -       -        -        -       -
    C6    E2   referred     May    1       2       5        -        -       B
    C7    E3   closed       Jun    0.5     1       1        10       4       B
    O1    E4   new          Jun 24 12:00                                      -
    O2    E1   waiting SME  Jun 23 12:00                                      A
    O3    E2   qualified    May 31 12:00                                      -
    C9    E1   new          31 Dec 2025 (outside 2026)                        -
    C10   F1   resolved     Mar    0.25    1       1        2        3       ML2 referent
    O4    F1   new          Jun 30 12:00                                      -

Visits: V1 E1 A 5 Mar (6 people, 4 women), V2 E2 B 20 Mar (3, 1), V3 E1 A 10 Apr (2, 2),
V4 E5 B 15 Jun (5, 0), V5 F1 (ML2) 9 Mar (4, 3), V6 E1 A 15 Nov 2025 (outside 2026).
"""

import dataclasses
import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import translation

from cases.models import CaseStatus
from cases.services import case_create
from hub.classifications import IsicSection, TurnoverBand
from hub.models import AdministrativeUnit, FollowUp, HubTarget, TargetIndicator
from hub.reports.impact import (
    followup_answers,
    impact,
    impact_by_enterprise,
    report_baselines_due,
    report_followups_due,
)
from hub.reports.programme import full_report
from hub.reports.selectors import (
    BREAKDOWNS,
    ReportFilters,
    activity,
    activity_breakdown,
    backlog_by_age,
    service_quality,
)
from hub.reports.targets import targets
from tests.factories import (
    CaseFactory,
    EnterpriseFactory,
    FollowUpFactory,
    ManagerFactory,
    ReferentUserFactory,
    VisitFactory,
)

S = CaseStatus
K = FollowUp.Kind
T = TargetIndicator
UTC = datetime.UTC
M = 1_000_000

YEAR = ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31))
H1 = ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 6, 30))
EMPTY = ReportFilters(date_from=datetime.date(2020, 1, 1), date_to=datetime.date(2020, 12, 31))
AFTER = datetime.date(2027, 2, 1)
"""The day the answer rates of 2026 are counted on: every follow-up due in 2026 has passed its due date."""
NOW = datetime.datetime(2026, 7, 1, 12, tzinfo=UTC)
"""The `now` of the backlog: O1 is then exactly 7 days old, O2 exactly 8, O3 exactly 31, C3 91 days 3 hours."""

FIGURES = (
    "cases_received",
    "cases_answered",
    "cases_resolved",
    "visits",
    "people_reached",
    "women_reached",
    "enterprises_reached",
    "women_led_enterprises_reached",
)
"""The columns of a breakdown row, in the order of the expected tuples below."""


def at(month: int, day: int, hour: int = 9, year: int = 2026) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=UTC)


def day(month: int, dd: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, dd)


def filters(base: ReportFilters = YEAR, **changes) -> ReportFilters:
    return dataclasses.replace(base, **changes)


def unit(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code=code)


def build_world(hub, other_hub, *, with_targets: bool = True) -> SimpleNamespace:
    """The data set of the module docstring, for `hub` and `other_hub`. The query-count test builds it
    three times, the yearly targets (one per hub, year and indicator) only the first time."""
    w = SimpleNamespace(hub=hub, other_hub=other_hub)
    w.ref_a = ReferentUserFactory(hub=hub, first_name="Awa", last_name="Keïta")
    w.ref_b = ReferentUserFactory(hub=hub, first_name="Moussa", last_name="Coulibaly")
    w.ref_other = ReferentUserFactory(hub=other_hub, first_name="Oumar", last_name="Touré")

    def enterprise(target_hub, name, region, sector, employees, women_led):
        return EnterpriseFactory(
            hub=target_hub,
            name=name,
            region=unit(region),
            sector=sector,
            employees_total=employees,
            employees_women=0,
            turnover_band=TurnoverBand.UNDER_30M,
            women_led=women_led,
        )

    w.e1 = enterprise(hub, "Karité Plus", "ML-BKO", IsicSection.C, 5, True)
    w.e2 = enterprise(hub, "Atelier Koutiala", "ML-KTL", IsicSection.A, 20, False)
    w.e3 = enterprise(hub, "Sikasso Agro", "ML-SIK", IsicSection.C, 4, True)
    w.e4 = enterprise(hub, "Ségou Métal", "ML-SEG", IsicSection.A, 60, True)
    w.e5 = enterprise(hub, "Kita Numérique", "ML-KIT", IsicSection.J, 15, False)
    w.f1 = enterprise(other_hub, "Moulin du Fleuve", "ML-BKO", IsicSection.C, 3, True)
    assert [e.size_class for e in (w.e1, w.e2, w.e3, w.e4, w.e5, w.f1)] == [
        "micro",
        "small",
        "micro",
        "medium",
        "small",
        "micro",
    ]

    w.c1 = CaseFactory(
        enterprise=w.e1,
        status=S.CLOSED,
        assigned_to=w.ref_a,
        received_at=at(3, 2),
        acknowledged_at=at(3, 2, 15),
        acknowledge_due=day(3, 3),
        assigned_at=at(3, 3),
        assign_due=day(3, 4),
        first_contact_at=at(3, 4),
        first_contact_due=day(3, 9),
        resolved_at=at(3, 6),
        resolve_due=day(3, 30),
        closed_at=at(3, 8),
        satisfaction_rating=5,
    )
    w.c2 = CaseFactory(
        enterprise=w.e2,
        status=S.RESOLVED,
        assigned_to=w.ref_b,
        received_at=at(3, 10),
        acknowledged_at=at(3, 13),
        acknowledge_due=day(3, 11),
        assigned_at=at(3, 13),
        assign_due=day(3, 12),
        first_contact_at=at(3, 20),
        first_contact_due=day(3, 17),
        resolved_at=at(4, 9),
        resolve_due=day(4, 7),
        satisfaction_rating=2,
    )
    w.c3 = CaseFactory(  # never resolved; acknowledged at 03:00 on its due day: within the standard
        enterprise=w.e3,
        status=S.IN_PROGRESS,
        assigned_to=w.ref_a,
        received_at=at(4, 1),
        acknowledged_at=at(4, 2, 3),
        acknowledge_due=day(4, 2),
        assigned_at=at(4, 2),
        assign_due=day(4, 3),
        first_contact_at=at(4, 3),
        first_contact_due=day(4, 8),
        resolve_due=day(4, 29),
    )
    w.c4 = CaseFactory(  # resolved, never assigned nor contacted (not "answered"), no rating
        enterprise=w.e1,
        status=S.RESOLVED,
        received_at=at(4, 15),
        acknowledged_at=at(4, 16),
        acknowledge_due=day(4, 16),
        resolved_at=at(4, 21),
        resolve_due=day(5, 13),
    )
    w.c5 = CaseFactory(
        enterprise=w.e4,
        status=S.REJECTED,
        rejection_reason="Hors du champ du programme.",
        received_at=at(5, 5),
        acknowledged_at=at(5, 5, 21),
        acknowledge_due=day(5, 6),
    )
    w.c6 = CaseFactory(
        enterprise=w.e2,
        status=S.REFERRED,
        assigned_to=w.ref_b,
        referred_to_name="Institut d'Économie Rurale",
        received_at=at(5, 20),
        acknowledged_at=at(5, 21),
        acknowledge_due=day(5, 21),
        assigned_at=at(5, 22),
        assign_due=day(5, 22),
        first_contact_at=at(5, 25),
        first_contact_due=day(5, 29),
    )
    w.c7 = CaseFactory(
        enterprise=w.e3,
        status=S.CLOSED,
        assigned_to=w.ref_b,
        received_at=at(6, 2),
        acknowledged_at=at(6, 2, 21),
        acknowledge_due=day(6, 3),
        assigned_at=at(6, 3),
        assign_due=day(6, 4),
        first_contact_at=at(6, 3),
        first_contact_due=day(6, 9),
        resolved_at=at(6, 12),
        resolve_due=day(6, 30),
        satisfaction_rating=4,
    )
    w.o1 = CaseFactory(enterprise=w.e4, status=S.NEW, received_at=at(6, 24, 12))
    w.o2 = CaseFactory(enterprise=w.e1, status=S.WAITING_SME, assigned_to=w.ref_a, received_at=at(6, 23, 12))
    w.o3 = CaseFactory(enterprise=w.e2, status=S.QUALIFIED, received_at=at(5, 31, 12))
    w.c9 = CaseFactory(enterprise=w.e1, status=S.NEW, received_at=at(12, 31, year=2025))
    w.c10 = CaseFactory(
        enterprise=w.f1,
        status=S.RESOLVED,
        assigned_to=w.ref_other,
        received_at=at(3, 3),
        acknowledged_at=at(3, 3, 15),
        acknowledge_due=day(3, 4),
        assigned_at=at(3, 4),
        assign_due=day(3, 5),
        first_contact_at=at(3, 4),
        first_contact_due=day(3, 10),
        resolved_at=at(3, 5),
        resolve_due=day(3, 31),
        satisfaction_rating=3,
    )
    w.o4 = CaseFactory(enterprise=w.f1, status=S.NEW, received_at=at(6, 30, 12))

    def visit(enterprise, referent, started_at, people, women):
        return VisitFactory(
            enterprise=enterprise,
            referent=referent,
            started_at=started_at,
            people_reached_total=people,
            people_reached_women=women,
        )

    w.v1 = visit(w.e1, w.ref_a, at(3, 5, 10), 6, 4)
    w.v2 = visit(w.e2, w.ref_b, at(3, 20, 10), 3, 1)
    w.v3 = visit(w.e1, w.ref_a, at(4, 10, 10), 2, 2)
    w.v4 = visit(w.e5, w.ref_b, at(6, 15, 10), 5, 0)
    w.v5 = visit(w.f1, w.ref_other, at(3, 9, 10), 4, 3)
    w.v6 = visit(w.e1, w.ref_a, at(11, 15, 10, year=2025), 10, 5)

    def followup(enterprise, kind, case, collected_on, by, *, due=None, **figures):
        return FollowUpFactory(
            enterprise=enterprise,
            kind=kind,
            case=case,
            due_date=due or collected_on or day(11, 20),
            collected_on=collected_on,
            collected_by=by,
            **figures,
        )

    # Baselines: never summed, only the turnover (and staff) the follow-ups are compared with. E1's is
    # collected in 2026 and carries figures that would show if baselines were summed.
    w.b1 = followup(
        w.e1,
        K.BASELINE,
        None,
        day(2, 1),
        w.ref_a,
        turnover_xof=10 * M,
        employees_total=5,
        jobs_created=99,
        satisfaction=1,
        recommend_score=0,
        technology_adopted=True,
        assigned_to=w.ref_a,
    )
    w.b2 = followup(w.e2, K.BASELINE, None, day(12, 1, 2025), w.ref_b, turnover_xof=40 * M, employees_total=20)
    w.b4 = followup(  # taken late, by A, nobody in charge
        w.e4, K.BASELINE, None, day(1, 15), w.ref_a, due=day(1, 10), turnover_xof=7 * M, employees_total=60
    )
    w.bf = followup(w.f1, K.BASELINE, None, day(1, 10), w.ref_other, turnover_xof=4 * M, employees_total=3)
    w.fu1 = followup(
        w.e1,
        K.MONTH_6,
        w.c1,
        day(9, 6),
        w.ref_a,
        assigned_to=w.ref_a,
        jobs_created=2,
        jobs_kept=3,
        turnover_xof=12 * M,
        new_sales_xof=1_500_000,
        kept_sales_xof=500_000,
        investment_xof=800_000,
        cost_savings_xof=200_000,
        new_products=1,
        new_processes=0,
        technology_adopted=True,
        satisfaction=5,
        recommend_score=10,
    )
    w.fu2 = followup(  # collected late by B, A in charge
        w.e1,
        K.MONTH_12,
        w.c1,
        day(11, 30),
        w.ref_b,
        due=day(11, 15),
        assigned_to=w.ref_a,
        jobs_created=1,
        jobs_kept=0,
        turnover_xof=13 * M,
        new_sales_xof=700_000,
        kept_sales_xof=0,
        investment_xof=0,
        cost_savings_xof=100_000,
        new_products=0,
        new_processes=1,
        technology_adopted=False,
        satisfaction=4,
        recommend_score=8,
    )
    w.fu3 = followup(  # answered by the SME on time, confirmed by B
        w.e2,
        K.MONTH_6,
        w.c2,
        day(6, 9),
        w.ref_b,
        assigned_to=w.ref_b,
        self_reported=True,
        jobs_created=4,
        jobs_kept=2,
        turnover_xof=36 * M,
        new_sales_xof=0,
        kept_sales_xof=2 * M,
        investment_xof=5 * M,
        cost_savings_xof=0,
        new_products=0,
        new_processes=2,
        technology_adopted=True,
        satisfaction=3,
        recommend_score=6,
    )
    w.fu4 = followup(  # E3 has no baseline: counted, but not in the turnover figures
        w.e3,
        K.MONTH_6,
        w.c7,
        day(12, 12),
        w.ref_a,
        assigned_to=w.ref_a,
        jobs_created=3,
        jobs_kept=1,
        turnover_xof=9 * M,
        new_sales_xof=300_000,
        kept_sales_xof=100_000,
        investment_xof=250_000,
        cost_savings_xof=50_000,
        new_products=2,
        new_processes=0,
        recommend_score=9,
    )
    w.fu5 = followup(  # collected after the period
        w.e2, K.MONTH_12, w.c2, day(4, 10, 2027), w.ref_b, jobs_created=50, turnover_xof=99 * M, recommend_score=0
    )
    w.fu6 = followup(w.e2, K.MONTH_6, w.c6, None, None, assigned_to=w.ref_b)  # due 20 November, never collected
    # Due in 2026, collected (or not) after it: in the answer rate, not in the totals of the period.
    w.fu8 = followup(w.e1, K.MONTH_6, w.c4, day(1, 5, 2027), None, due=day(10, 21), self_reported=True)
    w.fu9 = followup(w.e3, K.MONTH_12, w.c7, None, None, due=day(12, 20), assigned_to=w.ref_b)
    w.fu7 = followup(  # answered late by the SME
        w.f1,
        K.MONTH_6,
        w.c10,
        day(9, 5),
        w.ref_other,
        due=day(9, 1),
        self_reported=True,
        jobs_created=7,
        jobs_kept=1,
        turnover_xof=5_400_000,
        new_sales_xof=200_000,
        kept_sales_xof=0,
        investment_xof=1 * M,
        cost_savings_xof=0,
        new_products=0,
        new_processes=0,
        technology_adopted=True,
        satisfaction=4,
        recommend_score=10,
    )

    if not with_targets:
        return w
    for target_hub, year, goals in [
        (hub, 2026, {T.VISITS: 10, T.CASES_RECEIVED: 20, T.CASES_RESOLVED: 16, T.ENTERPRISES_REACHED: 12}),
        (hub, 2026, {T.WOMEN_LED_REACHED: 6, T.JOBS_CREATED: 30, T.SATISFIED_PERCENT: 80}),
        (hub, 2025, {T.VISITS: 999}),
        (other_hub, 2026, {T.VISITS: 4, T.CASES_RECEIVED: 6, T.ENTERPRISES_REACHED: 3, T.WOMEN_LED_REACHED: 2}),
        (other_hub, 2026, {T.JOBS_CREATED: 10, T.SATISFIED_PERCENT: 90}),
    ]:
        for indicator, value in goals.items():
            HubTarget.objects.create(hub=target_hub, year=year, indicator=indicator, value=value)
    return w


@pytest.fixture
def world(hub, other_hub):
    return build_world(hub, other_hub)


def zero_activity() -> dict:
    return {
        "cases_received": 0,
        "cases_answered": 0,
        "cases_resolved": 0,
        "cases_rejected": 0,
        "cases_referred": 0,
        "visits": 0,
        "people_reached": 0,
        "women_reached": 0,
        "enterprises_reached": 0,
        "women_led_enterprises_reached": 0,
        "sheets_shared": 0,
        "partners_shared": 0,
    }


def figures_of(activity_row: dict) -> tuple:
    return tuple(activity_row[name] for name in FIGURES)


def breakdown(user, by: str, report_filters: ReportFilters = YEAR) -> dict:
    """{key: figures tuple} of a breakdown."""
    return {row["key"]: figures_of(row) for row in activity_breakdown(user=user, filters=report_filters, by=by)}


# ---------------------------------------------------------------------------------------------- activity


def test_activity_of_a_manager_counts_the_hubs_cases_and_visits_of_the_period(world, manager):
    assert activity(user=manager, filters=YEAR) == {
        "cases_received": 10,  # C1-C7, O1-O3; not C9 (2025) nor C10/O4 (ML2)
        "cases_answered": 5,  # first contact: C1, C2, C3, C6, C7
        "cases_resolved": 4,  # C1, C2, C4, C7
        "cases_rejected": 1,  # C5
        "cases_referred": 1,  # C6
        "visits": 4,  # V1-V4; not V5 (ML2) nor V6 (2025)
        "people_reached": 16,  # 6 + 3 + 2 + 5
        "women_reached": 7,  # 4 + 1 + 2 + 0
        "enterprises_reached": 5,  # E1-E5 (E5 by a visit only)
        "women_led_enterprises_reached": 3,  # E1, E3, E4
        "sheets_shared": 0,
        "partners_shared": 0,
    }


@pytest.mark.parametrize("user_fixture", ["viewer", "admin_user"])
def test_viewers_and_administrators_count_every_hub(world, request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    assert activity(user=user, filters=YEAR) == {
        "cases_received": 12,  # + C10, O4
        "cases_answered": 6,  # + C10
        "cases_resolved": 5,  # + C10
        "cases_rejected": 1,
        "cases_referred": 1,
        "visits": 5,  # + V5
        "people_reached": 20,
        "women_reached": 10,
        "enterprises_reached": 6,  # + F1
        "women_led_enterprises_reached": 4,
        "sheets_shared": 0,
        "partners_shared": 0,
    }


def test_the_hub_filter(world, manager, viewer):
    ml2 = {
        **zero_activity(),
        "cases_received": 2,
        "cases_answered": 1,
        "cases_resolved": 1,
        "visits": 1,
        "people_reached": 4,
        "women_reached": 3,
        "enterprises_reached": 1,
        "women_led_enterprises_reached": 1,
        "sheets_shared": 0,
        "partners_shared": 0,
    }
    assert activity(user=viewer, filters=filters(hub="ML2")) == ml2
    assert activity(user=viewer, filters=filters(hub="ML")) == activity(user=manager, filters=YEAR)
    assert activity(user=manager, filters=filters(hub="ML")) == activity(user=manager, filters=YEAR)
    # A manager naming another hub reads nothing of it, nor of their own.
    assert activity(user=manager, filters=filters(hub="ML2")) == zero_activity()
    assert activity(user=viewer, filters=filters(hub="NOPE")) == zero_activity()


def test_the_period_bounds_are_inclusive_days(world, manager):
    # C1 received 2 March 09:00, V1 on 5 March 10:00: a period of those two days counts both.
    result = activity(user=manager, filters=ReportFilters(date_from=day(3, 2), date_to=day(3, 5)))
    assert (result["cases_received"], result["visits"], result["enterprises_reached"]) == (1, 1, 1)
    result = activity(user=manager, filters=ReportFilters(date_from=day(3, 3), date_to=day(3, 4)))
    assert result == zero_activity()


def test_users_who_may_not_read_reports_get_zeros(world, referent):
    assert activity(user=referent, filters=YEAR) == zero_activity()
    quality = service_quality(user=referent, filters=YEAR, now=NOW)
    assert quality["delays"]["resolve"] == delay(0, None, None, None)
    assert quality["backlog_by_age"] == backlog(0, 0, 0, 0)
    assert impact(user=referent, filters=YEAR)["followups"] == 0
    assert answers(followup_answers(user=referent, filters=YEAR, today=AFTER))["total"] == NO_ANSWER
    assert list(impact_by_enterprise(user=referent, filters=YEAR)) == []


@pytest.mark.parametrize("call", [*BREAKDOWNS, "targets", "full_report"])
def test_users_who_may_not_read_reports_get_empty_breakdowns_and_targets(world, referent, call):
    if call == "targets":
        assert targets(user=referent, filters=YEAR) == {
            "year": 2026,
            "years": [2026],
            "years_label": "2026",
            "hubs": [],
            "total": None,
            "omitted": None,
        }
    elif call == "full_report":
        assert full_report(user=referent, filters=YEAR)["breakdown"]["rows"] == []
    else:
        rows = activity_breakdown(user=referent, filters=YEAR, by=call)
        assert all(figures_of(row) == (0,) * 8 for row in rows)


# ------------------------------------------------------------------------------------------- filters

#   filter            enterprises       received answered resolved rejected referred  visits people women  reached wl
ACTIVITY_BY_FILTER = [
    ({"region": "ML-SIK"}, (5, 4, 2, 0, 1, 1, 3, 1, 2, 1)),  # E2 (Koutiala, carved from Sikasso) + E3
    ({"region": "ML-KTL"}, (3, 2, 1, 0, 1, 1, 3, 1, 1, 0)),  # E2 only: a reform region does not roll down
    ({"region": "ML-KAY"}, (0, 0, 0, 0, 0, 1, 5, 0, 1, 0)),  # E5 (Kita, carved from Kayes), a visit only
    ({"region": "ML-BKO"}, (3, 1, 2, 0, 0, 2, 8, 6, 1, 1)),  # E1
    ({"region": "ML-MOP"}, (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
    ({"sector": "A"}, (5, 2, 1, 1, 1, 1, 3, 1, 2, 1)),  # E2, E4
    ({"size_class": "micro"}, (5, 3, 3, 0, 0, 2, 8, 6, 2, 2)),  # E1, E3
    ({"women_led": True}, (7, 3, 3, 1, 0, 2, 8, 6, 3, 3)),  # E1, E3, E4
    ({"women_led": False}, (3, 2, 1, 0, 1, 2, 8, 1, 2, 0)),  # E2, E5
    ({"region": "ML-SIK", "women_led": True}, (2, 2, 1, 0, 0, 0, 0, 0, 1, 1)),  # E3
    ({"sector": "A", "size_class": "medium"}, (2, 0, 0, 1, 0, 0, 0, 0, 1, 1)),  # E4
]
ACTIVITY_KEYS = (
    "cases_received",
    "cases_answered",
    "cases_resolved",
    "cases_rejected",
    "cases_referred",
    "visits",
    "people_reached",
    "women_reached",
    "enterprises_reached",
    "women_led_enterprises_reached",
    "sheets_shared",
    "partners_shared",
)


@pytest.mark.parametrize(("changes", "expected"), ACTIVITY_BY_FILTER, ids=lambda v: str(v))
def test_enterprise_filters(world, manager, changes, expected):
    assert activity(user=manager, filters=filters(**changes)) == dict(
        zip(ACTIVITY_KEYS, (*expected, 0, 0), strict=True)
    )


def test_the_referent_filter(world, manager):
    ref_a = activity(user=manager, filters=filters(referent=world.ref_a.pk))
    # C1, C3, O2 assigned to A; V1 and V3 made by A; E1 and E3 reached.
    assert ref_a == dict(zip(ACTIVITY_KEYS, (3, 2, 1, 0, 0, 2, 8, 6, 2, 2, 0, 0), strict=True))
    ref_b = activity(user=manager, filters=filters(referent=world.ref_b.pk))
    # C2, C6 (referred), C7; V2, V4; E2, E3, E5.
    assert ref_b == dict(zip(ACTIVITY_KEYS, (3, 3, 2, 0, 1, 2, 8, 1, 3, 1, 0, 0), strict=True))


def test_the_region_filter_rolls_reform_regions_up_everywhere(world, manager):
    """The same filter narrows the breakdown, the delays, the backlog and the impact alike."""
    sikasso = filters(region="ML-SIK")
    assert breakdown(manager, "region", sikasso) == {
        "ML-KTL": (3, 2, 1, 1, 3, 1, 1, 0),
        "ML-SIK": (2, 2, 1, 0, 0, 0, 1, 1),
    }
    quality = service_quality(user=manager, filters=sikasso, now=NOW)
    assert quality["delays"]["resolve"]["count"] == 2  # C2, C7
    assert quality["backlog_by_age"] == backlog(0, 0, 1, 1)  # O3 (31 days), C3 (91)
    result = impact(user=manager, filters=sikasso, today=AFTER)
    assert (result["followups"], result["enterprises_followed"], result["jobs_created"]) == (2, 2, 7)  # FU3, FU4
    assert answers(result["followups_due"])["total"] == (4, 2, 2, 0, 2, 1, 0.5, 0.5)  # FU3 FU6 FU4; FU9
    assert result["turnover"]["enterprises"] == 1  # E2; E3 has no baseline


# -------------------------------------------------------------------------------------- service quality


def delay(count, median, p90, within, overdue_open=0):
    return {
        "count": count,
        "overdue_open": overdue_open,
        "median_days": median,
        "p90_days": p90,
        "within_standard_share": within,
    }


def test_delays_of_a_manager(world, manager):
    # Nearest rank: the k-th smallest with k = ceil(p * n).
    delays = service_quality(user=manager, filters=YEAR, now=NOW)["delays"]
    assert delays == {
        # 0.25 0.5 0.5 0.75 1 1 3: median 4th, p90 7th; C2 late: 6/7
        "acknowledge": delay(7, 0.75, 3.0, 0.8571),
        # 1 1 1 2 3: median 3rd, p90 5th; C2 late: 4/5
        "assign": delay(5, 1.0, 3.0, 0.8),
        # 1 2 2 5 10
        "first_contact": delay(5, 2.0, 10.0, 0.8),
        # 4 6 10 30: median 2nd, p90 4th; C2 late, and C3 still open past its due date (29 April): 3/5
        "resolve": delay(4, 6.0, 30.0, 0.6, overdue_open=1),
    }


def test_delays_across_hubs(world, admin_user):
    delays = service_quality(user=admin_user, filters=YEAR, now=NOW)["delays"]
    assert delays == {
        # 0.25 0.25 0.5 0.5 0.75 1 1 3: median 4th, p90 8th
        "acknowledge": delay(8, 0.5, 3.0, 0.875),
        # 1 1 1 1 2 3: median 3rd, p90 6th
        "assign": delay(6, 1.0, 3.0, 0.8333),
        # 1 1 2 2 5 10
        "first_contact": delay(6, 2.0, 10.0, 0.8333),
        # 2 4 6 10 30; C2 late and C3 open past its due date: 4/6
        "resolve": delay(5, 6.0, 30.0, 0.6667, overdue_open=1),
    }


def test_satisfaction(world, manager, admin_user):
    # Ratings 5 (C1), 2 (C2), 4 (C7); C4 resolved and not rated; C3, C5, C6 not resolved.
    assert service_quality(user=manager, filters=YEAR, now=NOW)["satisfaction"] == {
        "rated": 3,
        "mean": 3.67,
        "satisfied_share": 0.6667,  # 4 and 5
        "answer_rate": 0.75,  # 3 rated of 4 resolved or closed
    }
    assert service_quality(user=admin_user, filters=YEAR, now=NOW)["satisfaction"] == {
        "rated": 4,  # + C10, rated 3
        "mean": 3.5,
        "satisfied_share": 0.5,
        "answer_rate": 0.8,
    }


def backlog(*counts) -> list[dict]:
    return [
        {"min_days": low, "max_days": high, "open_cases": count}
        for (low, high), count in zip([(0, 7), (8, 30), (31, 90), (91, None)], counts, strict=True)
    ]


def test_backlog_by_age_at_a_fixed_now(world, manager, admin_user, viewer):
    # O1 7 days, O2 8, O3 31, C3 91 and C9 (received in 2025, still new) 182; C5 rejected and
    # C6 referred are not open.
    assert backlog_by_age(user=manager, filters=YEAR, now=NOW) == backlog(1, 1, 1, 2)
    assert service_quality(user=manager, filters=YEAR, now=NOW)["backlog_by_age"] == backlog(1, 1, 1, 2)
    assert backlog_by_age(user=admin_user, filters=YEAR, now=NOW) == backlog(2, 1, 1, 2)  # + O4, 1 day
    assert backlog_by_age(user=viewer, filters=filters(hub="ML2"), now=NOW) == backlog(1, 0, 0, 0)
    assert backlog_by_age(user=manager, filters=filters(referent=world.ref_a.pk), now=NOW) == backlog(0, 1, 0, 1)
    assert backlog_by_age(user=manager, filters=filters(women_led=False), now=NOW) == backlog(0, 0, 1, 0)
    # The backlog is the state at `now`, whatever the period.
    assert backlog_by_age(user=manager, filters=EMPTY, now=NOW) == backlog(1, 1, 1, 2)
    # Everything is open and 91+ days old a year later; nothing had been received a year earlier.
    assert backlog_by_age(user=manager, filters=YEAR, now=NOW.replace(year=2027)) == backlog(0, 0, 0, 5)
    assert backlog_by_age(user=manager, filters=YEAR, now=NOW.replace(year=2025)) == backlog(0, 0, 0, 0)


def test_backlog_band_edges(hub):
    """Calendar days since the local day of receipt, at noon: 7.99 days ago was the 8th day before (8-30),
    30.99 days ago the 31st (31-90, where 24-hour periods counted 30), 90.99 days ago the 91st (91+)."""
    manager = ManagerFactory(hub=hub)
    enterprise = EnterpriseFactory(hub=hub)
    ages = [0, 0.5, 7, 7.99, 8, 30, 30.99, 31, 90, 90.99, 91, 400]
    for age in ages:
        CaseFactory(enterprise=enterprise, status=S.ASSIGNED, received_at=NOW - datetime.timedelta(days=age))
    CaseFactory(enterprise=enterprise, received_at=NOW + datetime.timedelta(hours=1))  # not received yet at `now`
    CaseFactory(enterprise=enterprise, status=S.CLOSED, received_at=NOW - datetime.timedelta(days=3))
    assert backlog_by_age(user=manager, filters=YEAR, now=NOW) == backlog(3, 3, 3, 3)


def test_a_case_still_open_past_its_due_date_counts_as_missed_within_the_standard(hub, manager):
    """Resolved on time: one; open past the due date: missed; open and due today or later, or rejected
    without being resolved: not counted yet, or never."""
    enterprise = EnterpriseFactory(hub=hub)
    received = datetime.datetime(2026, 6, 1, 9, tzinfo=UTC)
    CaseFactory(
        enterprise=enterprise,
        status=S.RESOLVED,
        received_at=received,
        resolved_at=received + datetime.timedelta(days=5),
        resolve_due=day(6, 20),
    )
    CaseFactory(enterprise=enterprise, status=S.IN_PROGRESS, received_at=received, resolve_due=day(6, 30))
    CaseFactory(enterprise=enterprise, status=S.WAITING_SME, received_at=received, resolve_due=day(7, 1))
    CaseFactory(enterprise=enterprise, status=S.REJECTED, received_at=received, resolve_due=day(6, 10))

    resolve = service_quality(user=manager, filters=YEAR, now=NOW)["delays"]["resolve"]

    assert (resolve["count"], resolve["overdue_open"], resolve["within_standard_share"]) == (1, 1, 0.5)
    later = service_quality(user=manager, filters=YEAR, now=NOW + datetime.timedelta(days=1))["delays"]["resolve"]
    assert (later["overdue_open"], later["within_standard_share"]) == (2, 0.3333)


def test_a_case_raised_at_a_visit_meets_the_assign_and_contact_standards(hub, manager):
    referent = ReferentUserFactory(hub=hub)
    case = case_create(
        enterprise=EnterpriseFactory(hub=hub),
        domain="agro",
        title="Séchoir solaire",
        description="Besoin relevé à la visite.",
        by=referent,
        found_at_visit=True,
    )
    today = case.received_at.date()
    delays = service_quality(user=manager, filters=ReportFilters(date_from=today, date_to=today))["delays"]
    assert (delays["assign"]["count"], delays["first_contact"]["count"]) == (1, 1)
    # Done at receipt, delay 0: within any standard.
    assert delays["assign"]["within_standard_share"] == 1.0
    assert delays["first_contact"]["within_standard_share"] == 1.0


def test_the_rating_answer_rate_never_exceeds_one(hub, manager):
    enterprise = EnterpriseFactory(hub=hub)
    CaseFactory(enterprise=enterprise, status=S.RESOLVED, received_at=at(3, 2), resolved_at=at(3, 4))
    for dd in (5, 6):  # rated when resolved, then reopened within the window: in progress, rating kept
        CaseFactory(enterprise=enterprise, status=S.IN_PROGRESS, received_at=at(3, dd), satisfaction_rating=5)
    satisfaction = service_quality(user=manager, filters=YEAR, now=NOW)["satisfaction"]
    assert satisfaction["rated"] == 2
    assert satisfaction["answer_rate"] == 0.0  # neither rated case is resolved now; the resolved one has no rating


# ---------------------------------------------------------------------------------------- breakdowns

#             received answered resolved visits people women reached women-led reached
EXPECTED_BREAKDOWNS = {
    "month": {
        **{f"2026-{m:02d}": (0, 0, 0, 0, 0, 0, 0, 0) for m in range(1, 13)},
        "2026-03": (2, 2, 2, 2, 9, 5, 2, 1),  # C1 C2, V1 V2: E1 E2
        "2026-04": (2, 1, 1, 1, 2, 2, 2, 2),  # C3 C4, V3: E3, E1 (a case and a visit: once)
        "2026-05": (3, 1, 0, 0, 0, 0, 2, 1),  # C5 C6 O3: E4, E2 (two cases: once)
        "2026-06": (3, 1, 1, 1, 5, 0, 4, 3),  # C7 O1 O2, V4: E3 E4 E1 E5
    },
    "hub": {"ML": (10, 5, 4, 4, 16, 7, 5, 3)},
    "region": {
        "ML-BKO": (3, 1, 2, 2, 8, 6, 1, 1),
        "ML-KIT": (0, 0, 0, 1, 5, 0, 1, 0),
        "ML-KTL": (3, 2, 1, 1, 3, 1, 1, 0),
        "ML-SEG": (2, 0, 0, 0, 0, 0, 1, 1),
        "ML-SIK": (2, 2, 1, 0, 0, 0, 1, 1),
    },
    "sector": {
        "A": (5, 2, 1, 1, 3, 1, 2, 1),
        "C": (5, 3, 3, 2, 8, 6, 2, 2),
        "J": (0, 0, 0, 1, 5, 0, 1, 0),
    },
    "size_class": {
        "medium": (2, 0, 0, 0, 0, 0, 1, 1),
        "micro": (5, 3, 3, 2, 8, 6, 2, 2),
        "small": (3, 2, 1, 2, 8, 1, 2, 0),
    },
    "women_led": {
        False: (3, 2, 1, 2, 8, 1, 2, 0),
        True: (7, 3, 3, 2, 8, 6, 3, 3),
    },
    "referent": {
        "A": (3, 2, 1, 2, 8, 6, 2, 2),  # C1 C3 O2, V1 V3: E1 E3
        "B": (3, 3, 2, 2, 8, 1, 3, 1),  # C2 C6 C7, V2 V4: E2 E3 E5
        None: (4, 0, 1, 0, 0, 0, 3, 2),  # C4 C5 O1 O3: E1 E4 E2
    },
}


def expected_breakdown(world, by: str) -> dict:
    rows = EXPECTED_BREAKDOWNS[by]
    if by == "referent":
        return {{"A": world.ref_a.pk, "B": world.ref_b.pk}.get(key): value for key, value in rows.items()}
    return rows


def test_every_breakdown_is_tested():
    assert set(EXPECTED_BREAKDOWNS) == set(BREAKDOWNS)


@pytest.mark.parametrize("by", BREAKDOWNS)
def test_breakdown_figures(world, manager, by):
    assert breakdown(manager, by) == expected_breakdown(world, by)


@pytest.mark.parametrize("by", BREAKDOWNS)
def test_breakdown_rows_add_up_to_the_activity_totals(world, manager, by):
    rows = activity_breakdown(user=manager, filters=YEAR, by=by)
    totals = activity(user=manager, filters=YEAR)
    for name in ("cases_received", "cases_answered", "cases_resolved", "visits", "people_reached", "women_reached"):
        assert sum(row[name] for row in rows) == totals[name], name
    # Enterprises are distinct within a group: never more per group than overall, and at least the total.
    reached = [row["enterprises_reached"] for row in rows]
    assert max(reached) <= totals["enterprises_reached"] <= sum(reached)


@pytest.mark.parametrize("by", ["hub", "region", "sector", "size_class", "women_led"])
def test_breakdowns_by_an_attribute_of_the_enterprise_count_each_enterprise_once(world, manager, by):
    """Each enterprise falls in exactly one group, so here enterprises reached do add up."""
    rows = activity_breakdown(user=manager, filters=YEAR, by=by)
    totals = activity(user=manager, filters=YEAR)
    assert sum(row["enterprises_reached"] for row in rows) == totals["enterprises_reached"]
    assert sum(row["women_led_enterprises_reached"] for row in rows) == totals["women_led_enterprises_reached"]


def test_an_enterprise_reached_in_three_months_counts_once_in_each_and_once_overall(world, manager):
    bamako = filters(region="ML-BKO")  # E1 only: C1 + V1 in March, C4 + V3 in April, O2 in June
    monthly = {
        row["key"]: row["enterprises_reached"] for row in activity_breakdown(user=manager, filters=bamako, by="month")
    }
    assert monthly == {f"2026-{m:02d}": 1 if m in (3, 4, 6) else 0 for m in range(1, 13)}
    assert activity(user=manager, filters=bamako)["enterprises_reached"] == 1


def test_month_breakdown_lists_the_months_of_the_period_in_order(world, manager):
    period = ReportFilters(date_from=day(11, 15, 2025), date_to=day(2, 10))
    rows = activity_breakdown(user=manager, filters=period, by="month")
    assert [row["key"] for row in rows] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    # V6 (15 November 2025, E1) and C9 (31 December 2025, E1).
    assert [figures_of(row) for row in rows] == [
        (0, 0, 0, 1, 10, 5, 1, 1),
        (1, 0, 0, 0, 0, 0, 1, 1),
        (0, 0, 0, 0, 0, 0, 0, 0),
        (0, 0, 0, 0, 0, 0, 0, 0),
    ]


def test_breakdown_by_hub_across_hubs(world, viewer):
    assert breakdown(viewer, "hub") == {
        "ML": (10, 5, 4, 4, 16, 7, 5, 3),
        "ML2": (2, 1, 1, 1, 4, 3, 1, 1),  # C10 O4, V5: F1
    }
    assert breakdown(viewer, "region") == {**EXPECTED_BREAKDOWNS["region"], "ML-BKO": (5, 2, 3, 3, 12, 9, 2, 2)}


def test_breakdown_labels_in_french(world, manager):
    def labels(by):
        with translation.override("fr"):
            return {row["key"]: row["label"] for row in activity_breakdown(user=manager, filters=YEAR, by=by)}

    assert list(labels("month").values()) == [
        "janvier 2026",
        "février 2026",
        "mars 2026",
        "avril 2026",
        "mai 2026",
        "juin 2026",
        "juillet 2026",
        "août 2026",
        "septembre 2026",
        "octobre 2026",
        "novembre 2026",
        "décembre 2026",
    ]
    assert labels("hub") == {"ML": "HUB IIT Mali"}
    assert labels("region") == {
        "ML-BKO": "Bamako",
        "ML-KIT": "Kita",
        "ML-KTL": "Koutiala",
        "ML-SEG": "Ségou",
        "ML-SIK": "Sikasso",
    }
    assert labels("sector") == {
        "A": "A – Agriculture, sylviculture et pêche",
        "C": "C – Activités de fabrication",
        "J": "J – Information et communication",
    }
    assert labels("size_class") == {
        "medium": "Moyenne entreprise",
        "micro": "Micro-entreprise",
        "small": "Petite entreprise",
    }
    assert labels("women_led") == {False: "Non dirigées par une femme", True: "Dirigée par une femme"}
    referents = labels("referent")
    assert (referents[world.ref_a.pk], referents[world.ref_b.pk]) == ("Awa Keïta", "Moussa Coulibaly")


def test_month_labels_in_english(world, manager):
    with translation.override("en"):
        rows = activity_breakdown(user=manager, filters=filters(date_to=day(3, 31)), by="month")
    assert [row["label"] for row in rows] == ["January 2026", "February 2026", "March 2026"]


def test_cases_nobody_was_assigned_form_the_last_referent_group(world, manager):
    with translation.override("en"):
        rows = activity_breakdown(user=manager, filters=YEAR, by="referent")
    assert rows[-1]["key"] is None
    assert rows[-1]["label"] == "Not assigned"
    assert [row["key"] for row in rows[:-1]] != [None]


def test_the_not_assigned_group_is_labelled_in_french(world, manager):
    with translation.override("fr"):
        rows = activity_breakdown(user=manager, filters=YEAR, by="referent")
    assert rows[-1]["key"] is None
    assert rows[-1]["label"] == "Non assignée"


def test_a_referent_without_a_name_is_labelled_by_username(hub):
    manager = ManagerFactory(hub=hub)
    nameless = ReferentUserFactory(hub=hub, username="kone.a", first_name="", last_name="")
    VisitFactory(referent=nameless, started_at=at(3, 1))
    rows = activity_breakdown(user=manager, filters=YEAR, by="referent")
    assert [(row["key"], row["label"], row["visits"]) for row in rows] == [(nameless.pk, "kone.a", 1)]


def test_an_unknown_breakdown_is_refused(world, manager):
    with pytest.raises(ValueError, match="Unknown breakdown"):
        activity_breakdown(user=manager, filters=YEAR, by="commune")


# --------------------------------------------------------------------------------------------- impact

MANAGER_IMPACT = {
    "followups": 4,  # FU1-FU4; not the baselines, FU5 (2027) nor FU6 (not collected)
    "enterprises_followed": 3,  # E1, E2, E3 (E3 without a baseline)
    "technology_adopted": 2,  # FU1, FU3
    "jobs_created": 10,  # 2 + 1 + 4 + 3 (not B1's 99)
    "jobs_kept": 6,
    "new_sales_xof": 2_500_000,
    "kept_sales_xof": 2_600_000,
    "investment_xof": 6_050_000,
    "cost_savings_xof": 350_000,
    "new_products": 3,
    "new_processes": 3,
    "satisfaction_mean": 4.0,  # 5, 4, 3 (FU4 unanswered; not B1's 1)
    "net_promoter_score": 25,  # 10 8 6 9: 50 % promoters - 25 % detractors (not B1's 0)
    "recommend_answers": 4,
    "turnover": {
        # E1: baseline 10 M, latest (FU2, 30 Nov) 13 M; E2: 40 M -> 36 M; E3 left out (no baseline)
        "enterprises": 2,
        "baseline_xof": 50 * M,
        "latest_xof": 49 * M,
        "change_xof": -1 * M,
        "change_share": -0.02,
    },
}


ANSWER_FIGURES = (
    "due",
    "collected",
    "on_time",
    "late",
    "missing",
    "self_reported",
    "answer_rate",
    "self_reported_share",
)
NO_ANSWER = (0, 0, 0, 0, 0, 0, None, None)
MANAGER_ANSWERS = {
    # Due in 2026 (AFTER, all passed): FU1 on time, FU3 on time self-reported, FU4 on time (12 December),
    # FU6 missing, FU8 late self-reported (collected in January 2027).
    "m6": (5, 4, 3, 1, 1, 2, 0.6, 0.5),
    "m12": (2, 1, 0, 1, 1, 0, 0.0, 0.0),  # FU2 late (due 15, collected 30 November), FU9 missing; not FU5 (2027)
    "total": (7, 5, 3, 2, 2, 2, 0.4286, 0.4),  # 3 of 7 on time; 2 of 5 collected self-reported
    "baseline": (2, 2, 1, 1, 0, 0, 0.5, 0.0),  # B1 on time, B4 late; not B2 (2025)
}


def answers(lines: dict) -> dict:
    """The answer-rate lines as tuples of ANSWER_FIGURES, their labels left out."""
    return {key: tuple(line[name] for name in ANSWER_FIGURES) for key, line in lines.items()}


def without_answers(result: dict) -> dict:
    return {name: value for name, value in result.items() if name != "followups_due"}


def test_impact_of_a_manager(world, manager):
    result = impact(user=manager, filters=YEAR, today=AFTER)
    assert without_answers(result) == MANAGER_IMPACT
    assert answers(result["followups_due"]) == MANAGER_ANSWERS


def test_impact_across_hubs(world, admin_user, viewer):
    expected = {
        **MANAGER_IMPACT,
        "followups": 5,  # + FU7
        "enterprises_followed": 4,
        "technology_adopted": 3,
        "jobs_created": 17,
        "jobs_kept": 7,
        "new_sales_xof": 2_700_000,
        "investment_xof": 7_050_000,
        "satisfaction_mean": 4.0,  # 5 4 3 4
        "net_promoter_score": 40,  # 10 8 6 9 10: 60 % - 20 %
        "recommend_answers": 5,
        "turnover": {
            "enterprises": 3,
            "baseline_xof": 54 * M,
            "latest_xof": 54_400_000,
            "change_xof": 400_000,
            "change_share": 0.0074,
        },
    }
    expected_answers = {
        "m6": (6, 5, 3, 2, 1, 3, 0.5, 0.6),  # + FU7, late and self-reported
        "m12": MANAGER_ANSWERS["m12"],
        "total": (8, 6, 3, 3, 2, 3, 0.375, 0.5),
        "baseline": (3, 3, 2, 1, 0, 0, 0.6667, 0.0),  # + BF, on time
    }
    for user in (admin_user, viewer):
        result = impact(user=user, filters=YEAR, today=AFTER)
        assert without_answers(result) == expected
        assert answers(result["followups_due"]) == expected_answers
    ml2 = impact(user=viewer, filters=filters(hub="ML2"), today=AFTER)
    assert answers(ml2["followups_due"]) == {
        "m6": (1, 1, 0, 1, 0, 1, 0.0, 1.0),
        "m12": NO_ANSWER,
        "total": (1, 1, 0, 1, 0, 1, 0.0, 1.0),
        "baseline": (1, 1, 1, 0, 0, 0, 1.0, 0.0),
    }
    assert (ml2["followups"], ml2["jobs_created"], ml2["net_promoter_score"]) == (1, 7, 100)
    assert ml2["turnover"] == {
        "enterprises": 1,
        "baseline_xof": 4 * M,
        "latest_xof": 5_400_000,
        "change_xof": 1_400_000,
        "change_share": 0.35,
    }


def test_impact_of_the_first_half_year(world, manager):
    # FU3 only; B1 (collected 1 February) is a baseline and adds nothing.
    result = impact(user=manager, filters=H1, today=AFTER)
    assert answers(result.pop("followups_due")) == {
        "m6": (1, 1, 1, 0, 0, 1, 1.0, 1.0),  # FU3, self-reported on time
        "m12": NO_ANSWER,
        "total": (1, 1, 1, 0, 0, 1, 1.0, 1.0),
        "baseline": (2, 2, 1, 1, 0, 0, 0.5, 0.0),  # B1 on time, B4 late
    }
    assert result == {
        "followups": 1,
        "enterprises_followed": 1,
        "technology_adopted": 1,
        "jobs_created": 4,
        "jobs_kept": 2,
        "new_sales_xof": 0,
        "kept_sales_xof": 2 * M,
        "investment_xof": 5 * M,
        "cost_savings_xof": 0,
        "new_products": 0,
        "new_processes": 2,
        "satisfaction_mean": 3.0,
        "net_promoter_score": -100,
        "recommend_answers": 1,
        "turnover": {
            "enterprises": 1,
            "baseline_xof": 40 * M,
            "latest_xof": 36 * M,
            "change_xof": -4 * M,
            "change_share": -0.1,
        },
    }


def test_impact_for_one_referent(world, manager):
    # FU1 and FU4 were collected by A; E1's latest turnover among them is FU1's 12 M.
    result = impact(user=manager, filters=filters(referent=world.ref_a.pk), today=AFTER)
    assert (result["followups"], result["enterprises_followed"], result["jobs_created"]) == (2, 2, 5)
    assert (result["satisfaction_mean"], result["net_promoter_score"], result["recommend_answers"]) == (5.0, 100, 2)
    assert result["turnover"] == {
        "enterprises": 1,
        "baseline_xof": 10 * M,
        "latest_xof": 12 * M,
        "change_xof": 2 * M,
        "change_share": 0.2,
    }


def test_impact_by_enterprise(world, manager):
    rows = impact_by_enterprise(user=manager, filters=YEAR).values_list(
        "name",
        "baseline_turnover",
        "baseline_employees",
        "latest_turnover",
        "turnover_change",
        "jobs_created",
        "investment",
    )
    assert list(rows) == [
        ("Atelier Koutiala", 40 * M, 20, 36 * M, -4 * M, 4, 5 * M),
        ("Karité Plus", 10 * M, 5, 13 * M, 3 * M, 3, 800_000),
        ("Sikasso Agro", None, None, 9 * M, None, 3, 250_000),
    ]


def test_impact_of_an_empty_period(world, manager):
    result = impact(user=manager, filters=EMPTY, today=AFTER)
    assert answers(result["followups_due"]) == dict.fromkeys(("m6", "m12", "total", "baseline"), NO_ANSWER)
    assert without_answers(result) == {
        "followups": 0,
        "enterprises_followed": 0,
        "technology_adopted": 0,
        "jobs_created": 0,
        "jobs_kept": 0,
        "new_sales_xof": 0,
        "kept_sales_xof": 0,
        "investment_xof": 0,
        "cost_savings_xof": 0,
        "new_products": 0,
        "new_processes": 0,
        "satisfaction_mean": None,
        "net_promoter_score": None,
        "recommend_answers": 0,
        "turnover": {"enterprises": 0, "baseline_xof": 0, "latest_xof": 0, "change_xof": 0, "change_share": None},
    }
    assert list(impact_by_enterprise(user=manager, filters=EMPTY)) == []


# ------------------------------------------------------------------------------ follow-up answer rate
#
# The follow-ups of the world due in 2026 (hub ML), as counted on AFTER:
#
#     follow-up  enterprise  kind      due      collected        by  in charge  self-reported  answer
#     B1         E1          baseline  1 Feb    1 Feb            A   A                         on time
#     B4         E4          baseline  10 Jan   15 Jan           A   -                         late
#     FU1        E1          m6        6 Sep    6 Sep            A   A                         on time
#     FU3        E2          m6        9 Jun    9 Jun            B   B          yes            on time
#     FU4        E3          m6        12 Dec   12 Dec           A   A                         on time
#     FU6        E2          m6        20 Nov   -                -   B                         missing
#     FU8        E1          m6        21 Oct   5 Jan 2027       -   -          yes            late
#     FU2        E1          m12       15 Nov   30 Nov           B   A                         late
#     FU9        E3          m12       20 Dec   -                -   B                         missing
#
# Hub ML2: BF baseline due and taken 10 January; FU7 m6 due 1 September, self-reported 5 September (late).
# B2 (2025) and FU5 (due in 2027) are outside the period.

REFERENT_ANSWERS = {
    # A is in charge of B1, FU1, FU2 (collected by B) and FU4; nobody is in charge of B4, which A collected.
    "ref_a": {
        "m6": (2, 2, 2, 0, 0, 0, 1.0, 0.0),
        "m12": (1, 1, 0, 1, 0, 0, 0.0, 0.0),
        "total": (3, 3, 2, 1, 0, 0, 0.6667, 0.0),
        "baseline": (2, 2, 1, 1, 0, 0, 0.5, 0.0),
    },
    # B is in charge of FU3, FU6 and FU9; FU2, which B collected, is A's.
    "ref_b": {
        "m6": (2, 1, 1, 0, 1, 1, 0.5, 1.0),
        "m12": (1, 0, 0, 0, 1, 0, 0.0, None),
        "total": (3, 1, 1, 0, 2, 1, 0.3333, 1.0),
        "baseline": NO_ANSWER,
    },
}


@pytest.mark.parametrize("person", list(REFERENT_ANSWERS))
def test_the_answer_rate_of_a_referent_counts_the_follow_ups_in_their_charge(world, manager, person):
    referent = getattr(world, person).pk
    lines = followup_answers(user=manager, filters=filters(referent=referent), today=AFTER)
    assert answers(lines) == REFERENT_ANSWERS[person]


@pytest.mark.parametrize(
    ("changes", "total", "baseline"),
    [
        # E1 and E3: FU1 FU4 on time, FU8 late self-reported; FU2 late, FU9 missing; B1 on time.
        ({"sector": "C"}, (5, 4, 2, 2, 1, 1, 0.4, 0.25), (1, 1, 1, 0, 0, 0, 1.0, 0.0)),
        ({"size_class": "micro"}, (5, 4, 2, 2, 1, 1, 0.4, 0.25), (1, 1, 1, 0, 0, 0, 1.0, 0.0)),
        ({"size_class": "medium"}, NO_ANSWER, (1, 1, 0, 1, 0, 0, 0.0, 0.0)),  # E4: B4 late
        ({"women_led": False}, (2, 1, 1, 0, 1, 1, 0.5, 1.0), NO_ANSWER),  # E2 and E5: FU3, FU6
        ({"women_led": True}, (5, 4, 2, 2, 1, 1, 0.4, 0.25), (2, 2, 1, 1, 0, 0, 0.5, 0.0)),  # E1, E3, E4
        ({"hub": "ML2"}, NO_ANSWER, NO_ANSWER),  # a manager reads no other hub
        ({"date_from": day(11, 1), "date_to": day(11, 30)}, (2, 1, 0, 1, 1, 0, 0.0, 0.0), NO_ANSWER),  # FU6, FU2
    ],
)
def test_the_answer_rate_follows_the_report_filters(world, manager, changes, total, baseline):
    lines = answers(followup_answers(user=manager, filters=filters(**changes), today=AFTER))
    assert (lines["total"], lines["baseline"]) == (total, baseline)


def test_the_answer_rate_counts_the_follow_ups_whose_due_date_has_passed(world, manager):
    """On the day a follow-up is due it may still be collected on time: it counts from the next day."""
    on_the_day = answers(followup_answers(user=manager, filters=YEAR, today=day(12, 12)))
    assert on_the_day["m6"] == (4, 3, 2, 1, 1, 2, 0.5, 0.6667)  # not FU4, due 12 December
    assert on_the_day["m12"] == (1, 1, 0, 1, 0, 0, 0.0, 0.0)  # FU2; not FU9, due 20 December
    day_after = answers(followup_answers(user=manager, filters=YEAR, today=day(12, 13)))
    assert day_after["m6"] == MANAGER_ANSWERS["m6"]
    assert day_after["m12"] == on_the_day["m12"]


def test_each_follow_up_due_is_on_time_late_missing_and_self_reported_or_not(world, manager):
    named = dict(report_followups_due(user=manager, filters=YEAR, today=AFTER).values_list("pk", "answer"))
    assert named == {
        world.fu1.pk: "on_time",
        world.fu3.pk: "on_time_self_reported",
        world.fu4.pk: "on_time",
        world.fu6.pk: "missing",
        world.fu8.pk: "late_self_reported",
        world.fu2.pk: "late",
        world.fu9.pk: "missing",
    }
    baselines = dict(report_baselines_due(user=manager, filters=YEAR, today=AFTER).values_list("pk", "answer"))
    assert baselines == {world.b1.pk: "on_time", world.b4.pk: "late"}


@pytest.mark.parametrize(
    "changes",
    [{}, {"referent": "ref_a"}, {"referent": "ref_b"}, {"region": "ML-SIK"}, {"sector": "C"}, {"women_led": True}],
)
@pytest.mark.parametrize("user_fixture", ["manager", "admin_user"])
def test_the_records_due_are_those_the_answer_rate_counts(world, request, user_fixture, changes):
    if "referent" in changes:
        changes = {**changes, "referent": getattr(world, changes["referent"]).pk}
    user, report_filters = request.getfixturevalue(user_fixture), filters(**changes)
    lines = followup_answers(user=user, filters=report_filters, today=AFTER)
    for line, selector in (("total", report_followups_due), ("baseline", report_baselines_due)):
        records = selector(user=user, filters=report_filters, today=AFTER)
        found = {answer: records.filter(answer__startswith=answer).count() for answer in ("on_time", "late")}
        assert records.count() == lines[line]["due"]
        assert (found["on_time"], found["late"]) == (lines[line]["on_time"], lines[line]["late"])
        assert records.filter(answer="missing").count() == lines[line]["missing"]
        assert records.filter(answer__endswith="self_reported").count() == lines[line]["self_reported"]


def test_the_answer_rate_lines_are_labelled(world, manager):
    with translation.override("en"):
        lines = followup_answers(user=manager, filters=YEAR, today=AFTER)
    assert [(key, line["label"]) for key, line in lines.items()] == [
        ("m6", "6-month follow-up"),
        ("m12", "12-month follow-up"),
        ("total", "6- and 12-month follow-ups"),
        ("baseline", "Baseline"),
    ]


def test_the_answer_rate_takes_one_query_whatever_the_data(hub, other_hub, manager, django_assert_num_queries):
    build_world(hub, other_hub)
    with django_assert_num_queries(1):
        once = followup_answers(user=manager, filters=YEAR, today=AFTER)
    build_world(hub, other_hub, with_targets=False)
    with django_assert_num_queries(1):
        twice = followup_answers(user=manager, filters=YEAR, today=AFTER)
    assert twice["total"]["due"] == 2 * once["total"]["due"] == 14
    assert twice["total"]["answer_rate"] == once["total"]["answer_rate"]


# ------------------------------------------------------------------------------------ net promoter score


def test_the_net_promoter_score_against_hand_counts(hub, manager):
    """Promoters answer 9 or 10, detractors 0 to 6, passives 7 and 8; unanswered follow-ups, baselines and
    follow-ups collected outside the period are left out. Rounded half up."""
    enterprise = EnterpriseFactory(hub=hub)

    def answered(score, collected_on, kind=K.MONTH_6):
        case = CaseFactory(enterprise=enterprise, status=S.RESOLVED, received_at=at(1, 5), resolved_at=at(1, 6))
        FollowUpFactory(
            enterprise=enterprise,
            case=None if kind == K.BASELINE else case,
            kind=kind,
            due_date=collected_on,
            collected_on=collected_on,
            recommend_score=score,
        )

    # March: 10 9 9 | 8 7 | 6 0, one unanswered: 3 promoters and 2 detractors of 7 answers, 14.29 -> 14.
    for score in (10, 9, 9, 8, 7, 6, 0, None):
        answered(score, day(3, 10))
    answered(0, day(3, 11), kind=K.BASELINE)
    answered(0, day(12, 31, 2025))
    march = impact(user=manager, filters=ReportFilters(date_from=day(3, 1), date_to=day(3, 31)))
    assert (march["net_promoter_score"], march["recommend_answers"]) == (14, 7)
    # May: one 10 and seven 8: 1 promoter of 8 answers, 12.5 -> 13.
    for score in (10, 8, 8, 8, 8, 8, 8, 8):
        answered(score, day(5, 10))
    may = impact(user=manager, filters=ReportFilters(date_from=day(5, 1), date_to=day(5, 31)))
    assert (may["net_promoter_score"], may["recommend_answers"]) == (13, 8)
    # Both months: 4 promoters and 2 detractors of 15 answers, 13.33 -> 13.
    both = impact(user=manager, filters=ReportFilters(date_from=day(3, 1), date_to=day(5, 31)))
    assert (both["net_promoter_score"], both["recommend_answers"]) == (13, 15)


# -------------------------------------------------------------------------------------------- targets


def line(indicator, target, expected, actual, share) -> tuple:
    """Shares to four decimals: the selector gives them exact."""
    return (indicator, target, expected, pytest.approx(actual, abs=1e-4), pytest.approx(share, abs=1e-4))


def lines(indicators: list[dict]) -> list[tuple]:
    return [(item["indicator"], item["target"], item["expected"], item["actual"], item["share"]) for item in indicators]


# The first half of 2026 is 181 of 365 days: expected = round(target * 181 / 365).
ML_H1 = [
    line(T.VISITS, 10, 5, 4, 0.4),  # 4.96
    line(T.CASES_RECEIVED, 20, 10, 10, 0.5),  # 9.92
    line(T.CASES_RESOLVED, 16, 8, 4, 0.25),  # 7.93
    line(T.ENTERPRISES_REACHED, 12, 6, 5, 0.4167),  # 5.95
    line(T.WOMEN_LED_REACHED, 6, 3, 3, 0.5),  # 2.98
    line(T.JOBS_CREATED, 30, 15, 4, 0.1333),  # 14.88; FU3
    line(T.SATISFIED_PERCENT, 80, None, 200 / 3, 0.8333),  # E1 (5) and E3 (4) of E1 to E3 rated; E2 rated 2
]
ML2_H1 = [
    line(T.VISITS, 4, 2, 1, 0.25),  # 1.98
    line(T.CASES_RECEIVED, 6, 3, 2, 0.3333),  # 2.98; C10 and O4 (30 June)
    line(T.CASES_RESOLVED, None, None, 1, None),
    line(T.ENTERPRISES_REACHED, 3, 1, 1, 0.3333),  # 1.49
    line(T.WOMEN_LED_REACHED, 2, 1, 1, 0.5),  # 0.99
    line(T.JOBS_CREATED, 10, 5, 0, 0.0),  # 4.96; FU7 is in September
    line(T.SATISFIED_PERCENT, 90, None, 0, 0.0),  # F1 rated 3
]


def test_targets_of_a_manager_pro_rata(world, manager):
    result = targets(user=manager, filters=H1)
    assert (result["year"], result["total"]) == (2026, None)
    assert [(hub["hub"], hub["name"]) for hub in result["hubs"]] == [("ML", "HUB IIT Mali")]
    assert lines(result["hubs"][0]["indicators"]) == ML_H1


def test_targets_over_the_whole_year(world, manager):
    result = targets(user=manager, filters=YEAR)
    assert lines(result["hubs"][0]["indicators"]) == [
        line(T.VISITS, 10, 10, 4, 0.4),  # the 2025 target (999) is not this year's
        line(T.CASES_RECEIVED, 20, 20, 10, 0.5),
        line(T.CASES_RESOLVED, 16, 16, 4, 0.25),
        line(T.ENTERPRISES_REACHED, 12, 12, 5, 0.4167),
        line(T.WOMEN_LED_REACHED, 6, 6, 3, 0.5),
        line(T.JOBS_CREATED, 30, 30, 10, 0.3333),
        line(T.SATISFIED_PERCENT, 80, None, 200 / 3, 0.8333),
    ]


def test_targets_labels_in_french(world, manager):
    with translation.override("fr"):
        result = targets(user=manager, filters=H1)
    labels = [item["label"] for item in result["hubs"][0]["indicators"]]
    assert labels[0] == "Visites de site"
    assert labels[-1] == "PME satisfaites (%)"


@pytest.mark.parametrize("user_fixture", ["viewer", "admin_user"])
def test_targets_of_two_hubs_and_their_total(world, request, user_fixture):
    result = targets(user=request.getfixturevalue(user_fixture), filters=H1)
    assert [hub["hub"] for hub in result["hubs"]] == ["ML", "ML2"]
    assert lines(result["hubs"][0]["indicators"]) == ML_H1
    assert lines(result["hubs"][1]["indicators"]) == ML2_H1
    assert lines(result["total"]) == [
        line(T.VISITS, 14, 7, 5, 0.3571),  # 6.94
        line(T.CASES_RECEIVED, 26, 13, 12, 0.4615),  # 12.89
        line(T.CASES_RESOLVED, None, None, 5, None),  # only ML has a target: no total target
        line(T.ENTERPRISES_REACHED, 15, 7, 6, 0.4),  # 7.44
        line(T.WOMEN_LED_REACHED, 8, 4, 4, 0.5),  # 3.97
        line(T.JOBS_CREATED, 40, 20, 4, 0.1),  # 19.84
        line(T.SATISFIED_PERCENT, 85, None, 50, 0.5882),  # 2 satisfied of 4 enterprises; the mean of 80 and 90
    ]
    one = targets(user=request.getfixturevalue(user_fixture), filters=filters(H1, hub="ML2"))
    assert [hub["hub"] for hub in one["hubs"]] == ["ML2"]
    assert lines(one["hubs"][0]["indicators"]) == ML2_H1
    assert one["total"] is None


def test_targets_of_a_year_without_targets_or_figures(world, manager):
    result = targets(user=manager, filters=EMPTY)
    assert result["year"] == 2020
    assert lines(result["hubs"][0]["indicators"]) == [
        line(T.VISITS, None, None, 0, None),
        line(T.CASES_RECEIVED, None, None, 0, None),
        line(T.CASES_RESOLVED, None, None, 0, None),
        line(T.ENTERPRISES_REACHED, None, None, 0, None),
        line(T.WOMEN_LED_REACHED, None, None, 0, None),
        line(T.JOBS_CREATED, None, None, 0, None),
        line(T.SATISFIED_PERCENT, None, None, None, None),
    ]


# --------------------------------------------------------------------------------------- empty period


def test_an_empty_period(world, manager):
    assert activity(user=manager, filters=EMPTY) == zero_activity()
    quality = service_quality(user=manager, filters=EMPTY, now=NOW)
    assert quality["delays"] == {name: delay(0, None, None, None) for name in quality["delays"]}
    assert set(quality["delays"]) == {"acknowledge", "assign", "first_contact", "resolve"}
    assert quality["satisfaction"] == {"rated": 0, "mean": None, "satisfied_share": None, "answer_rate": None}
    with translation.override("fr"):
        monthly = activity_breakdown(user=manager, filters=EMPTY, by="month")
    assert [row["key"] for row in monthly] == [f"2020-{m:02d}" for m in range(1, 13)]
    assert [row["label"] for row in monthly][:3] == ["janvier 2020", "février 2020", "mars 2020"]
    assert all(figures_of(row) == (0,) * 8 for row in monthly)
    for by in BREAKDOWNS:
        if by != "month":
            assert activity_breakdown(user=manager, filters=EMPTY, by=by) == [], by


# ---------------------------------------------------------------------------------------- full report


def test_full_report_of_a_manager_gathers_every_figure(world, manager):
    report = full_report(user=manager, filters=YEAR)
    assert report["filters"] == {
        "date_from": day(1, 1),
        "date_to": day(12, 31),
        "hub": None,
        "region": None,
        "sector": None,
        "size_class": None,
        "women_led": None,
        "referent": None,
    }
    assert report["activity"] == activity(user=manager, filters=YEAR)
    assert {row["key"]: figures_of(row) for row in report["monthly"]} == EXPECTED_BREAKDOWNS["month"]
    assert report["breakdown"]["by"] == "region"
    assert {row["key"]: figures_of(row) for row in report["breakdown"]["rows"]} == EXPECTED_BREAKDOWNS["region"]
    quality = report["service_quality"]
    assert quality["delays"] == service_quality(user=manager, filters=YEAR, now=NOW)["delays"]
    assert sum(row["open_cases"] for row in quality["backlog_by_age"]) == 5  # taken at the real now
    assert without_answers(report["impact"]) == MANAGER_IMPACT
    assert answers(full_report(user=manager, filters=YEAR, today=AFTER)["impact"]["followups_due"]) == MANAGER_ANSWERS
    assert [
        (row["name"], row["region__name"], row["turnover_change"], row["jobs_created"]) for row in report["enterprises"]
    ] == [
        ("Atelier Koutiala", "Koutiala", -4 * M, 4),
        ("Karité Plus", "Bamako", 3 * M, 3),
        ("Sikasso Agro", "Sikasso", None, 3),
    ]
    assert report["enterprises"][0]["pk"] == world.e2.pk
    assert report["targets"] == targets(user=manager, filters=YEAR)


def test_full_report_per_referent_for_hub_staff(world, manager, admin_user):
    report = full_report(user=manager, filters=YEAR, by="referent")
    assert {row["key"]: figures_of(row) for row in report["breakdown"]["rows"]} == expected_breakdown(world, "referent")
    assert full_report(user=admin_user, filters=YEAR, by="referent")["enterprises"] is not None


def test_full_report_of_a_regional_viewer_has_no_personal_data(world, viewer):
    report = full_report(user=viewer, filters=YEAR)
    assert report["enterprises"] is None
    assert report["activity"]["cases_received"] == 12
    assert [hub["hub"] for hub in report["targets"]["hubs"]] == ["ML", "ML2"]
    with pytest.raises(PermissionDenied):
        full_report(user=viewer, filters=YEAR, by="referent")


def test_full_report_refuses_a_referent_filter_to_a_regional_viewer(world, viewer):
    with pytest.raises(PermissionDenied):
        full_report(user=viewer, filters=filters(referent=world.ref_a.pk))


def test_full_report_of_an_administrator_lists_every_hubs_enterprises(world, admin_user):
    report = full_report(user=admin_user, filters=YEAR, by="hub")
    assert [row["name"] for row in report["enterprises"]] == [
        "Atelier Koutiala",
        "Karité Plus",
        "Moulin du Fleuve",
        "Sikasso Agro",
    ]
    assert {row["key"]: figures_of(row) for row in report["breakdown"]["rows"]} == {
        "ML": (10, 5, 4, 4, 16, 7, 5, 3),
        "ML2": (2, 1, 1, 1, 4, 3, 1, 1),
    }


# --------------------------------------------------------------------------------------- query counts

RANKED_PERCENTILE_QUERIES = 0 if connection.vendor == "postgresql" else 8
"""SQLite ranks the median and the p90 of each of the 4 delays in a query of its own; PostgreSQL computes
them in the query of the counts."""
FULL_REPORT_QUERIES = 27 + RANKED_PERCENTILE_QUERIES
"""The readable hubs' time zones 1 (read once for the whole report); activity 3; monthly 3 (cases, visits,
enterprises reached); breakdown 4 (+ labels); service quality 2 (counts, backlog) and the ranked
percentiles; impact 3 (totals, turnover, answer rate); enterprises 1; targets 8 (hubs, breakdown by hub 4,
jobs, ratings, goals)."""


@pytest.mark.parametrize(
    ("user_fixture", "by", "queries"),
    [
        ("manager", "region", FULL_REPORT_QUERIES),
        ("manager", "referent", FULL_REPORT_QUERIES),
        ("manager", "month", FULL_REPORT_QUERIES - 1),  # months need no label query
        ("viewer", "region", FULL_REPORT_QUERIES - 1),  # no per-enterprise list
        ("admin_user", "sector", FULL_REPORT_QUERIES - 1),  # sector labels are choices
    ],
)
def test_full_report_query_count_does_not_grow_with_the_data(
    hub, other_hub, request, django_assert_num_queries, user_fixture, by, queries
):
    user = request.getfixturevalue(user_fixture)
    build_world(hub, other_hub)
    with django_assert_num_queries(queries):
        small = full_report(user=user, filters=YEAR, by=by)
    build_world(hub, other_hub, with_targets=False)
    build_world(hub, other_hub, with_targets=False)
    with django_assert_num_queries(queries):
        large = full_report(user=user, filters=YEAR, by=by)
    assert large["activity"] == {name: 3 * value for name, value in small["activity"].items()}
    assert large["impact"]["jobs_created"] == 3 * small["impact"]["jobs_created"]


def test_full_report_query_count_of_an_empty_period(world, manager, django_assert_num_queries):
    # No delays to rank and no breakdown rows to label (2 queries fewer).
    with django_assert_num_queries(FULL_REPORT_QUERIES - RANKED_PERCENTILE_QUERIES - 2):
        full_report(user=manager, filters=EMPTY)


def test_the_activity_figures_scale_with_the_data_set(hub, other_hub, manager):
    """Three copies of the data set give three times every count, and the same shares and delays."""
    for copy in range(3):
        build_world(hub, other_hub, with_targets=copy == 0)
    assert activity(user=manager, filters=YEAR) == {
        name: 3 * value
        for name, value in {
            "cases_received": 10,
            "cases_answered": 5,
            "cases_resolved": 4,
            "cases_rejected": 1,
            "cases_referred": 1,
            "visits": 4,
            "people_reached": 16,
            "women_reached": 7,
            "enterprises_reached": 5,
            "women_led_enterprises_reached": 3,
            "sheets_shared": 0,
            "partners_shared": 0,
        }.items()
    }
    delays = service_quality(user=manager, filters=YEAR, now=NOW)["delays"]
    # 4 6 10 30, three times each: 12 values, median 6th (6 days), p90 11th (30 days).
    assert delays["resolve"] == delay(12, 6.0, 30.0, 0.6, overdue_open=3)
    assert impact(user=manager, filters=YEAR)["net_promoter_score"] == 25
