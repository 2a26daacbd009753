"""Reports count each record in its own hub's local calendar: Bamako at UTC, Niamey an hour ahead. The
counts below are made by hand from the instants; they run on SQLite and on PostgreSQL alike."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.models import AdministrativeUnit
from hub.reports.exports import records_csv
from hub.reports.programme import full_report
from hub.reports.selectors import (
    ReportFilters,
    activity,
    activity_breakdown,
    backlog_by_age,
    report_cases,
    service_quality,
)
from tests.factories import CaseFactory, EnterpriseFactory, HubFactory, ManagerFactory, VisitFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def period(first: datetime.date, last: datetime.date, hub: str | None = None) -> ReportFilters:
    return ReportFilters(date_from=first, date_to=last, hub=hub)


YEAR_2025 = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
YEAR_2026 = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
NEAR_MIDNIGHT = [
    utc(2025, 12, 31, 23, 30),  # Mali 2025-12-31; Niger 2026-01-01
    utc(2026, 1, 31, 23, 30),  # Mali January; Niger February
    utc(2026, 3, 15, 10, 0),  # March in both
    utc(2026, 12, 31, 22, 30),  # December 2026 in both
    utc(2026, 12, 31, 23, 30),  # Mali December 2026; Niger 2027-01-01
]


@pytest.fixture
def mali(db):
    return HubFactory(country="ML", code="ML")


@pytest.fixture
def niger(db):
    return HubFactory(country="NE", code="NE")


@pytest.fixture
def niamey(db):
    region, _created = AdministrativeUnit.objects.get_or_create(
        code="NE-8", defaults={"country": "NE", "name": "Niamey", "iso_code": "NE-8"}
    )
    return region


@pytest.fixture
def enterprises(mali, niger, niamey):
    return {"ML": EnterpriseFactory(hub=mali), "NE": EnterpriseFactory(hub=niger, region=niamey)}


@pytest.fixture
def near_midnight(enterprises):
    """One case and one visit at each instant of NEAR_MIDNIGHT in each hub."""
    for enterprise in enterprises.values():
        for moment in NEAR_MIDNIGHT:
            CaseFactory(enterprise=enterprise, received_at=moment)
            VisitFactory(enterprise=enterprise, started_at=moment)


def months(user, filters) -> dict[str, tuple[int, int]]:
    """(cases received, visits) per month with any."""
    rows = activity_breakdown(user=user, filters=filters, by="month")
    return {row["key"]: (row["cases_received"], row["visits"]) for row in rows if any(months_figures(row))}


def months_figures(row: dict) -> tuple[int, int]:
    return row["cases_received"], row["visits"]


class TestPeriodsAndMonths:
    def test_the_niger_hubs_year_counts_niamey_days(self, near_midnight, admin_user):
        filters = period(*YEAR_2026, hub="NE")
        figures = activity(user=admin_user, filters=filters)
        assert (figures["cases_received"], figures["visits"], figures["enterprises_reached"]) == (4, 4, 1)
        assert months(admin_user, filters) == {
            "2026-01": (1, 1),
            "2026-02": (1, 1),
            "2026-03": (1, 1),
            "2026-12": (1, 1),
        }

    def test_the_mali_hubs_year_counts_bamako_days(self, near_midnight, admin_user):
        filters = period(*YEAR_2026, hub="ML")
        assert activity(user=admin_user, filters=filters)["cases_received"] == 4
        assert months(admin_user, filters) == {"2026-01": (1, 1), "2026-03": (1, 1), "2026-12": (2, 2)}

    def test_a_niger_managers_report_is_the_niger_hubs(self, near_midnight, niger):
        manager = ManagerFactory(hub=niger)
        figures = activity(user=manager, filters=period(*YEAR_2026))
        assert (figures["cases_received"], figures["visits"]) == (4, 4)

    def test_december_31st_at_half_past_eleven_utc_belongs_to_the_next_year_in_niger_only(
        self, enterprises, admin_user
    ):
        for enterprise in enterprises.values():
            CaseFactory(enterprise=enterprise, received_at=utc(2025, 12, 31, 23, 30))
        received = {
            (hub, year): activity(user=admin_user, filters=period(*dates, hub=hub))["cases_received"]
            for hub in ("ML", "NE")
            for year, dates in ((2025, YEAR_2025), (2026, YEAR_2026))
        }
        assert received == {("ML", 2025): 1, ("ML", 2026): 0, ("NE", 2025): 0, ("NE", 2026): 1}

    def test_a_roll_up_counts_each_record_in_its_own_hubs_calendar(self, near_midnight, admin_user, viewer):
        for user in (admin_user, viewer):
            filters = period(*YEAR_2026)
            figures = activity(user=user, filters=filters)
            assert (figures["cases_received"], figures["visits"], figures["enterprises_reached"]) == (8, 8, 2)
            assert months(user, filters) == {
                "2026-01": (2, 2),
                "2026-02": (1, 1),
                "2026-03": (2, 2),
                "2026-12": (3, 3),
            }
        assert activity(user=admin_user, filters=period(*YEAR_2025))["cases_received"] == 1

    def test_a_month_of_the_roll_up_takes_each_hubs_midnights(self, near_midnight, admin_user):
        february = period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
        assert activity(user=admin_user, filters=february)["cases_received"] == 1
        assert [case.hub.code for case in report_cases(user=admin_user, filters=february)] == ["NE"]
        january = period(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))
        assert sorted(case.hub.code for case in report_cases(user=admin_user, filters=january)) == ["ML", "NE"]

    def test_breakdowns_by_hub_add_up_per_hub(self, near_midnight, admin_user):
        rows = activity_breakdown(user=admin_user, filters=period(*YEAR_2026), by="hub")
        assert {row["key"]: row["cases_received"] for row in rows} == {"ML": 4, "NE": 4}


class TestServiceQuality:
    NOW = utc(2026, 3, 19, 23, 30)
    """Thursday 19 March in Bamako, already Friday 20 March in Niamey."""

    def test_within_standard_and_overdue_in_each_hubs_days(self, enterprises, admin_user):
        for enterprise in enterprises.values():
            # Resolved late on the 19th in Bamako, on the 20th in Niamey: due the 19th.
            CaseFactory(
                enterprise=enterprise,
                received_at=utc(2026, 3, 15, 10),
                status="resolved",
                resolved_at=utc(2026, 3, 19, 23, 30),
                resolve_due=datetime.date(2026, 3, 19),
            )
            # Open and due the 19th: overdue only where the 19th is over.
            CaseFactory(
                enterprise=enterprise,
                received_at=utc(2026, 3, 15, 10),
                status="in_progress",
                resolve_due=datetime.date(2026, 3, 19),
            )
        resolve = {}
        for hub in ("ML", "NE", None):
            quality = service_quality(user=admin_user, filters=period(*YEAR_2026, hub=hub), now=self.NOW)
            delay = quality["delays"]["resolve"]
            resolve[hub] = (delay["count"], delay["overdue_open"], delay["within_standard_share"])
        assert resolve == {"ML": (1, 0, 1.0), "NE": (1, 1, 0.0), None: (2, 1, round(1 / 3, 4))}

    def test_backlog_ages_count_each_hubs_local_days(self, enterprises, admin_user):
        for enterprise in enterprises.values():
            # 11 March in Bamako, 12 March in Niamey; on the 19th it is 8 days old in Mali, 7 in Niger.
            CaseFactory(enterprise=enterprise, received_at=utc(2026, 3, 11, 23, 30), status="in_progress")
        now = utc(2026, 3, 19, 12)
        ages = {}
        for hub in ("ML", "NE", None):
            bands = backlog_by_age(user=admin_user, filters=period(*YEAR_2026, hub=hub), now=now)
            ages[hub] = [band["open_cases"] for band in bands]
        assert ages == {"ML": [0, 1, 0, 0], "NE": [1, 0, 0, 0], None: [1, 1, 0, 0]}


BY_HUB = re.compile(r'CASE WHEN \(?"\w+"\."hub_id" IN')
"""A local date or month chosen by the row's hub."""


class TestQueries:
    def month_queries(self, user) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            activity_breakdown(user=user, filters=period(*YEAR_2026), by="month")
        return [query["sql"] for query in queries.captured_queries]

    def test_hubs_of_one_offset_read_as_one_zone(self, admin_user, mali):
        for moment in NEAR_MIDNIGHT:
            CaseFactory(hub=HubFactory(country="ML"), received_at=moment)
        manager = ManagerFactory(hub=mali)
        for user in (admin_user, manager):
            assert not any(BY_HUB.search(sql) for sql in self.month_queries(user))

    def test_hubs_of_two_offsets_choose_the_offset_by_the_rows_hub(self, near_midnight, admin_user):
        sql = self.month_queries(admin_user)
        assert any(BY_HUB.search(query) for query in sql)

    def test_a_roll_up_across_zones_takes_the_queries_of_one_hubs_report(
        self, near_midnight, admin_user, niger, django_assert_num_queries
    ):
        manager = ManagerFactory(hub=niger)
        with CaptureQueriesContext(connection) as one_hub:
            full_report(user=manager, filters=period(*YEAR_2026))
        with django_assert_num_queries(len(one_hub)):
            full_report(user=admin_user, filters=period(*YEAR_2026), by="region")

    def test_the_summary_figures_read_the_hubs_zones_once(self, near_midnight, admin_user, django_assert_num_queries):
        # The zones, then activity 5 (cases, visits, enterprises, two shares) and service quality 2 (counts,
        # backlog; none of these cases has a delay to rank on SQLite).
        with django_assert_num_queries(1 + 5):
            activity(user=admin_user, filters=period(*YEAR_2026))
        with django_assert_num_queries(1 + 2):
            service_quality(user=admin_user, filters=period(*YEAR_2026))


class TestExports:
    def test_records_print_their_times_in_their_hubs_zone(self, enterprises, admin_user):
        CaseFactory(enterprise=enterprises["NE"], received_at=utc(2025, 12, 31, 23, 30), reference="T-NIGER")
        CaseFactory(enterprise=enterprises["ML"], received_at=utc(2026, 1, 31, 23, 30), reference="T-MALI")
        content = records_csv("cases", report_cases(user=admin_user, filters=period(*YEAR_2026))).decode("utf-8-sig")
        lines = {line.split(";")[0].split(",")[0]: line for line in content.splitlines()[1:]}
        assert "2026-01-01 00:30:00" in lines["T-NIGER"]
        assert "2026-01-31 23:30:00" in lines["T-MALI"]
