"""A period over two years meets each year's goal with that year's actuals, pro-rated to the part of the
year inside the period, one line per year: 2025-07-01 to 2026-06-30 no longer compares the whole period's
visits with part of the 2026 goal."""

import datetime

import pytest
from django.utils import translation

from hub.models import HubTarget, TargetIndicator
from hub.reports import pdf
from hub.reports.programme import full_report
from hub.reports.selectors import ReportFilters
from hub.reports.targets import targets
from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db
SPAN = ReportFilters(date_from=datetime.date(2025, 7, 1), date_to=datetime.date(2026, 6, 30))


def visits_on(referent, enterprise, day: datetime.date, count: int):
    started = datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)
    for _visit in range(count):
        VisitFactory(referent=referent, enterprise=enterprise, started_at=started)


@pytest.fixture
def two_years(hub, referent, enterprise):
    visits_on(referent, enterprise, datetime.date(2025, 3, 3), 7)  # before the period: counted nowhere
    visits_on(referent, enterprise, datetime.date(2025, 9, 1), 3)
    visits_on(referent, enterprise, datetime.date(2026, 2, 2), 5)
    HubTarget.objects.create(hub=hub, year=2025, indicator=TargetIndicator.VISITS, value=100)
    HubTarget.objects.create(hub=hub, year=2026, indicator=TargetIndicator.VISITS, value=200)


def visit_lines(result):
    return [line for line in result["hubs"][0]["indicators"] if line["indicator"] == TargetIndicator.VISITS]


def test_each_year_meets_its_own_goal_with_its_own_actuals(manager, two_years):
    result = targets(user=manager, filters=SPAN)
    first, second = visit_lines(result)
    assert (result["years"], result["year"], result["years_label"]) == ([2025, 2026], 2026, "2025–2026")
    assert (first["year"], first["target"], first["actual"], first["expected"]) == (2025, 100, 3, 50)
    assert first["share"] == pytest.approx(0.03)
    assert (second["year"], second["target"], second["actual"], second["expected"]) == (2026, 200, 5, 99)
    assert second["share"] == pytest.approx(0.025)


def test_a_period_within_one_year_keeps_one_line_per_indicator(manager, two_years):
    year = ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31))
    with translation.override("en"):
        (line,) = visit_lines(targets(user=manager, filters=year))
    assert (line["label"], line["actual"], line["target"]) == ("Site visits", 5, 200)


def test_the_page_the_api_and_the_pdf_show_a_line_per_year(client, manager, two_years, pdf_tables):
    client.force_login(manager)
    period = "date_from=2025-07-01&date_to=2026-06-30"
    page = client.get(f"/manage/reports/?{period}").content.decode()
    assert "Objectifs 2025–2026" in page
    assert "Visites de site (2025)" in page and "Visites de site (2026)" in page
    body = client.get(f"/api/v1/reports/targets/?{period}").json()
    assert body["years"] == [2025, 2026]
    assert [(line["year"], line["actual"]) for line in visit_lines(body)] == [(2025, 3), (2026, 5)]

    with translation.override("en"):
        pdf.report_pdf(full_report(user=manager, filters=SPAN), hub_name="HUB IIT Mali")
    (table,) = [table for table in pdf_tables if str(table["title"]).startswith("Targets 2025–2026")]
    labels = [row.cells[0] for row in table["rows"]]
    assert "Site visits (2025)" in labels and "Site visits (2026)" in labels
