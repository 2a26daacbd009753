"""The summary report: every figure against an independent count on hand-made data."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from cases.models import CaseStatus
from hub.models import FollowUp
from tests.factories import CaseFactory, EnterpriseFactory, FollowUpFactory, VisitFactory

S = CaseStatus


def at(day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, tzinfo=datetime.UTC)


@pytest.fixture
def data(hub, other_hub, enterprise, referent):
    women_led = enterprise
    men_led = EnterpriseFactory(hub=hub, women_led=False, region_id="ML-KTL")
    resolved_fast = CaseFactory(
        enterprise=women_led,
        status=S.CLOSED,
        received_at=at(2),
        acknowledged_at=at(2, 12),
        acknowledge_due=datetime.date(2026, 3, 3),
        first_contact_at=at(3),
        resolved_at=at(4),
        resolve_due=datetime.date(2026, 3, 20),
        satisfaction_rating=5,
        assigned_to=referent,
    )
    resolved_late = CaseFactory(
        enterprise=men_led,
        status=S.RESOLVED,
        received_at=at(2),
        acknowledged_at=at(6),
        acknowledge_due=datetime.date(2026, 3, 3),
        first_contact_at=at(10),
        resolved_at=at(30),
        resolve_due=datetime.date(2026, 3, 20),
        satisfaction_rating=2,
    )
    never_resolved = CaseFactory(enterprise=men_led, status=S.IN_PROGRESS, received_at=at(5), first_contact_at=at(6))
    CaseFactory(enterprise=men_led, status=S.RESOLVED, received_at=at(7), resolved_at=at(8))
    CaseFactory(enterprise=women_led, received_at=datetime.datetime(2025, 12, 31, tzinfo=datetime.UTC))
    CaseFactory(hub=other_hub, received_at=at(3))
    VisitFactory(
        enterprise=women_led, referent=referent, started_at=at(9), people_reached_total=6, people_reached_women=4
    )
    VisitFactory(enterprise=men_led, started_at=at(9), people_reached_total=2, people_reached_women=0)
    VisitFactory(hub=other_hub, started_at=at(9))
    return {"fast": resolved_fast, "late": resolved_late, "open": never_resolved}


def summary(api, user, query="date_from=2026-01-01&date_to=2026-12-31"):
    response = api(user).get(f"/api/v1/reports/summary/?{query}")
    assert response.status_code == 200, response.json()
    return response.json()


def test_activity_counts_the_managers_hub_in_the_period(api, manager, data):
    activity = summary(api, manager)["activity"]
    assert activity == {
        "cases_received": 4,
        "cases_answered": 3,
        "cases_resolved": 3,
        "cases_rejected": 0,
        "cases_referred": 0,
        "visits": 2,
        "people_reached": 8,
        "women_reached": 4,
        "enterprises_reached": 2,
        "women_led_enterprises_reached": 1,
        "sheets_shared": 0,
        "partners_shared": 0,
    }


def test_delays_and_standards(api, manager, data):
    quality = summary(api, manager)["service_quality"]
    acknowledge = quality["delays"]["acknowledge"]
    assert acknowledge["count"] == 2
    assert acknowledge["median_days"] == 0.12  # 3 hours, the lower of the two (nearest rank)
    assert acknowledge["p90_days"] == 4.0
    assert acknowledge["within_standard_share"] == 0.5
    resolve = quality["delays"]["resolve"]
    assert resolve["count"] == 3
    assert resolve["median_days"] == 2.0
    assert resolve["p90_days"] == 28.0
    assert resolve["within_standard_share"] == pytest.approx(1 / 3, abs=1e-4)
    assert quality["delays"]["assign"] == {
        "count": 0,
        "overdue_open": 0,
        "median_days": None,
        "p90_days": None,
        "within_standard_share": None,
    }


def test_satisfaction_with_missing_ratings(api, manager, data):
    satisfaction = summary(api, manager)["service_quality"]["satisfaction"]
    assert satisfaction == {"rated": 2, "mean": 3.5, "satisfied_share": 0.5, "answer_rate": pytest.approx(2 / 3, 1e-3)}


def test_backlog_by_age_counts_open_cases_now(api, manager, data):
    backlog = summary(api, manager)["service_quality"]["backlog_by_age"]
    age = (timezone.now() - at(5)).days
    bucket = next(row for row in backlog if row["min_days"] <= age <= (row["max_days"] or age))
    assert bucket["open_cases"] == 2  # the in-progress case and the new one received on 31 December 2025
    assert sum(row["open_cases"] for row in backlog) == 2


@pytest.mark.parametrize(
    ("query", "received"),
    [
        ("women_led=true", 2),
        ("women_led=false", 3),
        ("region=ML-SIK", 3),
        ("date_from=2026-03-05&date_to=2026-03-31", 2),
        ("date_from=2027-01-01&date_to=2027-12-31", 0),
    ],
)
def test_filters(api, manager, data, query, received):
    if "date_from" not in query:
        query += "&date_from=2025-01-01&date_to=2026-12-31"
    assert summary(api, manager, query)["activity"]["cases_received"] == received


def test_an_empty_period_gives_zeros_and_no_delays(api, manager, data):
    result = summary(api, manager, "date_from=2020-01-01&date_to=2020-12-31")
    assert result["activity"]["visits"] == 0
    assert result["service_quality"]["delays"]["resolve"]["median_days"] is None
    assert result["service_quality"]["satisfaction"]["mean"] is None


def test_regional_viewer_reads_every_hub_in_aggregate(api, viewer, data):
    assert summary(api, viewer)["activity"]["cases_received"] == 5
    assert summary(api, viewer, "hub=ML2&date_from=2026-01-01&date_to=2026-12-31")["activity"]["visits"] == 1


def test_viewers_cannot_break_figures_down_by_referent(api, viewer, referent, data):
    response = api(viewer).get(f"/api/v1/reports/summary/?referent={referent.pk}")
    assert response.status_code == 400
    assert "referent" in response.json()


def test_manager_cannot_read_another_hub(api, manager, data):
    response = api(manager).get("/api/v1/reports/summary/?hub=ML2&date_from=2026-01-01&date_to=2026-12-31")
    assert response.status_code == 400
    assert response.json() == {"hub": ["Aucun hub avec ce code dont vous pouvez lire les chiffres."]}


@pytest.mark.parametrize(
    ("params", "field"),
    [("hub=XX", "hub"), ("region=ML-NOWHERE", "region"), ("referent=999999", "referent")],
)
def test_an_unknown_hub_region_or_referent_is_a_400_not_zeros(api, viewer, manager, data, params, field):
    reader = manager if field == "referent" else viewer
    response = api(reader).get(f"/api/v1/reports/summary/?{params}")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_referent_of_another_hub_is_a_400(api, manager, other_referent):
    response = api(manager).get(f"/api/v1/reports/summary/?referent={other_referent.pk}")
    assert response.status_code == 400
    assert "referent" in response.json()


@pytest.mark.parametrize("user_fixture", ["referent", "sme_user"])
def test_referents_and_smes_have_no_reports(api, request, user_fixture):
    assert api(request.getfixturevalue(user_fixture)).get("/api/v1/reports/summary/").status_code == 403


def test_a_reversed_period_is_a_400(api, manager):
    response = api(manager).get("/api/v1/reports/summary/?date_from=2026-12-01&date_to=2026-01-01")
    assert response.status_code == 400
    assert "date_to" in response.json()


SUMMARY_QUERIES = 8 if connection.vendor == "postgresql" else 14
"""The readable hubs' time zones 1, activity 5, service quality 2 (counts, backlog); SQLite ranks each
percentile of a delay that some case reached in a query of its own (6 here)."""


def test_the_report_query_count_does_not_grow_with_the_data(api, manager, data, django_assert_num_queries):
    with django_assert_num_queries(SUMMARY_QUERIES):
        summary(api, manager)
    CaseFactory.create_batch(20, enterprise=data["late"].enterprise, received_at=at(12), resolved_at=at(13))
    with django_assert_num_queries(SUMMARY_QUERIES):
        summary(api, manager)


@pytest.fixture
def followups(data, hub, referent, other_referent):
    """Follow-ups of the resolved cases: the fast one's 6-month collected on time (recommending 10) and its
    12-month missing, the late one's 6-month self-reported late (recommending 6), and a baseline taken on
    time; the other referent's is collected on time in the other hub."""
    day = datetime.date
    FollowUpFactory(
        case=data["fast"],
        kind=FollowUp.Kind.MONTH_6,
        due_date=day(2026, 9, 4),
        collected_on=day(2026, 9, 4),
        recommend_score=10,
        assigned_to=referent,
    )
    FollowUpFactory(case=data["fast"], kind=FollowUp.Kind.MONTH_12, due_date=day(2026, 10, 4), assigned_to=referent)
    FollowUpFactory(
        case=data["late"],
        kind=FollowUp.Kind.MONTH_6,
        due_date=day(2026, 9, 30),
        collected_on=day(2026, 10, 2),
        recommend_score=6,
        self_reported=True,
    )
    FollowUpFactory(
        enterprise=data["late"].enterprise, due_date=day(2026, 3, 2), collected_on=day(2026, 3, 2), assigned_to=referent
    )
    FollowUpFactory(
        case=CaseFactory(hub=other_referent.hub),
        kind=FollowUp.Kind.MONTH_6,
        due_date=day(2026, 9, 4),
        collected_on=day(2026, 9, 4),
        assigned_to=other_referent,
    )


def line(due, collected, on_time, late, missing, self_reported, answer_rate, self_reported_share) -> dict:
    return {
        "due": due,
        "collected": collected,
        "on_time": on_time,
        "late": late,
        "missing": missing,
        "self_reported": self_reported,
        "answer_rate": answer_rate,
        "self_reported_share": self_reported_share,
    }


def impact(api, user, query="date_from=2026-01-01&date_to=2026-12-31"):
    response = api(user).get(f"/api/v1/reports/impact/?{query}")
    assert response.status_code == 200, response.json()
    return response.json()


def test_impact_gives_the_answer_rate_of_the_follow_ups_due_and_the_nps_with_its_answers(api, manager, followups):
    result = impact(api, manager)
    assert (result["net_promoter_score"], result["recommend_answers"]) == (0, 2)  # 50 % promoters - 50 % detractors
    due = {
        key: {name: value for name, value in figures.items() if name != "label"}
        for key, figures in result["followups_due"].items()
    }
    assert due == {
        "m6": line(2, 2, 1, 1, 0, 1, 0.5, 0.5),
        "m12": line(1, 0, 0, 0, 1, 0, 0.0, None),
        "total": line(3, 2, 1, 1, 1, 1, 0.3333, 0.5),
        "baseline": line(1, 1, 1, 0, 0, 0, 1.0, 0.0),
    }
    assert all(isinstance(figures["label"], str) and figures["label"] for figures in result["followups_due"].values())


def test_the_answer_rate_of_a_referent_counts_the_follow_ups_in_their_charge(api, manager, referent, followups):
    due = impact(api, manager, f"date_from=2026-01-01&date_to=2026-12-31&referent={referent.pk}")["followups_due"]
    assert (due["total"]["due"], due["total"]["on_time"], due["total"]["missing"]) == (2, 1, 1)
    assert due["baseline"]["due"] == 1


def test_the_answer_rate_of_every_hub_for_a_regional_viewer(api, viewer, followups):
    assert impact(api, viewer)["followups_due"]["m6"]["due"] == 3
    assert impact(api, viewer, "hub=ML2&date_from=2026-01-01&date_to=2026-12-31")["followups_due"]["m6"]["on_time"] == 1


IMPACT_QUERIES = 4
"""The readable hubs' time zones, the totals of the follow-ups collected, the turnover against the
baselines, the answer rate."""


def test_the_impact_query_count_does_not_grow_with_the_data(api, manager, data, followups, django_assert_num_queries):
    with django_assert_num_queries(IMPACT_QUERIES):
        first = impact(api, manager)
    for number in range(5):
        case = CaseFactory(enterprise=data["late"].enterprise, status=S.RESOLVED, resolved_at=at(1 + number))
        FollowUpFactory(case=case, kind=FollowUp.Kind.MONTH_6, due_date=datetime.date(2026, 9, 1 + number))
    with django_assert_num_queries(IMPACT_QUERIES):
        second = impact(api, manager)
    assert second["followups_due"]["total"]["due"] == first["followups_due"]["total"]["due"] + 5


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-01-01", "date_to": "9999-12-31"}, "date_to"),
        ({"date_from": "0001-01-01", "date_to": "2026-12-31"}, "date_from"),
        ({"date_from": "1999-12-31", "date_to": "2026-12-31"}, "date_from"),
    ],
)
def test_a_period_out_of_the_report_dates_is_a_400_in_french(api, manager, params, field):
    """The day after 31/12/9999 overflowed into a 500; a date before 2000 is a typing error."""
    response = api(manager).get("/api/v1/reports/summary/", params)
    assert response.status_code == 400
    assert response.json() == {field: ["Choisissez une date du 01/01/2000 au 31/12/2100."]}
