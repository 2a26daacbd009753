"""Targets are the hubs' goals for all their enterprises: a report narrowed to a region, a sector, a size,
women-led enterprises or a referent leaves them out and says why, on every surface, instead of comparing
a part of the work with the whole year's goal ("8 % of the visits target")."""

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
PERIOD = "date_from=2026-01-01&date_to=2026-12-31"
LEFT_OUT_FR = "Les objectifs sont ceux des hubs pour l’ensemble de leurs entreprises"
LEFT_OUT_EN = "The targets are the hubs' goals for all their enterprises"


@pytest.fixture
def goal(hub, referent, enterprise):
    VisitFactory(
        referent=referent, enterprise=enterprise, started_at=datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    )
    HubTarget.objects.create(hub=hub, year=2026, indicator=TargetIndicator.VISITS, value=240)


@pytest.mark.parametrize(
    "narrowing",
    [{"region": "ML-BKO"}, {"sector": "C"}, {"size_class": "micro"}, {"women_led": True}, {"referent": 1}],
    ids=["region", "sector", "size", "women-led", "referent"],
)
def test_a_narrowed_report_has_no_targets_and_says_why(manager, goal, narrowing):
    filters = ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31), **narrowing)
    with translation.override("en"):
        result = targets(user=manager, filters=filters)
    assert (result["hubs"], result["total"]) == ([], None)
    assert result["omitted"].startswith(LEFT_OUT_EN)


def test_a_report_of_the_whole_hub_keeps_them(manager, goal):
    filters = ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31), hub="ML")
    result = targets(user=manager, filters=filters)
    assert result["omitted"] is None
    (line,) = [line for line in result["hubs"][0]["indicators"] if line["indicator"] == TargetIndicator.VISITS]
    assert (line["target"], line["actual"]) == (240, 1)


def test_the_page_the_api_and_the_spreadsheets_say_why(client, manager, goal, enterprise):
    client.force_login(manager)
    narrowed = f"{PERIOD}&sector={enterprise.sector}"
    page = client.get(f"/manage/reports/?{narrowed}").content.decode()
    assert LEFT_OUT_FR in page
    assert "Visites de site" not in page.split(LEFT_OUT_FR, 1)[1].split("</section>", 1)[0]
    body = client.get(f"/api/v1/reports/targets/?{narrowed}").json()
    assert (body["hubs"], body["total"]) == ([], None)
    assert body["omitted"].startswith(LEFT_OUT_FR)
    csv = client.get(f"/manage/reports/export.csv?{narrowed}").content.decode("utf-8-sig")
    assert LEFT_OUT_FR in csv
    whole = client.get(f"/api/v1/reports/targets/?{PERIOD}").json()
    assert whole["omitted"] is None and whole["hubs"]


def test_the_pdf_says_why_in_place_of_the_table(manager, goal, enterprise, pdf_tables):
    filters = ReportFilters(
        date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31), sector=enterprise.sector
    )
    with translation.override("en"):
        pdf.report_pdf(full_report(user=manager, filters=filters), hub_name="HUB IIT Mali")
    (table,) = [table for table in pdf_tables if str(table["title"]).startswith("Targets 2026")]
    assert table["rows"] == []
    assert str(table["empty"]).startswith(LEFT_OUT_EN)
