"""A target's share is taken on the exact figure on every surface: 35 of 44 rated SMEs satisfied is
79.5 %, 99.4 % of a target of 80, never the 100 % of a rounded 80. Satisfied SMEs are enterprises, by the
mean of their ratings; the service-quality share counts rated requests."""

import datetime
import io

import openpyxl
import pytest
from django.utils import translation

from cases.models import CaseStatus
from hub.models import HubTarget, TargetIndicator
from hub.reports import pdf
from hub.reports.programme import full_report
from hub.reports.selectors import ReportFilters, service_quality
from hub.reports.targets import targets
from tests.factories import CaseFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db
PERIOD = "date_from=2026-01-01&date_to=2026-12-31"
YEAR = ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31))
RECEIVED = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
EXACT = 100 * 35 / 44 / 80


def rated(enterprise, *ratings):
    for rating in ratings:
        CaseFactory(enterprise=enterprise, status=CaseStatus.RESOLVED, received_at=RECEIVED, satisfaction_rating=rating)


@pytest.fixture
def short_of_80(hub):
    for index in range(44):
        rated(EnterpriseFactory(hub=hub), 5 if index < 35 else 2)
    HubTarget.objects.create(hub=hub, year=2026, indicator=TargetIndicator.SATISFIED_PERCENT, value=80)


def satisfied_line(lines):
    return next(line for line in lines if line["indicator"] == TargetIndicator.SATISFIED_PERCENT)


def test_the_selector_and_the_api_give_the_exact_share(client, manager, short_of_80):
    line = satisfied_line(targets(user=manager, filters=YEAR)["hubs"][0]["indicators"])
    assert (line["actual"], line["share"]) == (pytest.approx(100 * 35 / 44), pytest.approx(EXACT))
    client.force_login(manager)
    body = client.get(f"/api/v1/reports/targets/?{PERIOD}").json()
    shown = satisfied_line(body["hubs"][0]["indicators"])
    assert shown["share"] == pytest.approx(EXACT)
    assert shown["share"] < 1


def test_the_page_and_the_spreadsheets_show_it_short(client, manager, short_of_80):
    client.force_login(manager)
    with translation.override("fr"):
        page = client.get(f"/manage/reports/?{PERIOD}", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    row = page.rsplit("PME satisfaites (%)", 1)[1].split("</tr>")[0]
    assert "79,5" in row and "99,4\u202f%" in row
    assert "100,0" not in row
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/manage/reports/export.xlsx?{PERIOD}").content))
    sheet = next(sheet for sheet in book.worksheets if any(str(c.value) == "80" for c in sheet["D"]))
    row = next(row for row in sheet.iter_rows(values_only=True) if row[3] == 80)
    assert row[5] == pytest.approx(100 * 35 / 44)
    assert row[6] == pytest.approx(EXACT)
    csv = client.get(f"/manage/reports/export.csv?{PERIOD}").content.decode("utf-8-sig")
    assert f";{EXACT!r}" in csv or f";{EXACT}" in csv


def test_the_pdf_prints_it_short(manager, short_of_80, pdf_tables):
    with translation.override("en"):
        pdf.report_pdf(full_report(user=manager, filters=YEAR), hub_name="HUB IIT Mali")
    (table,) = [table for table in pdf_tables if str(table["title"]).startswith("Targets 2026")]
    (row,) = [row for row in table["rows"] if row.cells[0] == "Satisfied SMEs (%)"]
    assert row.cells[3:] == ["79.5", "99.4\u202f%"]


def test_satisfied_smes_are_enterprises_by_their_mean_rating_and_the_service_share_counts_requests(hub, manager):
    rated(EnterpriseFactory(hub=hub), 5, 5, 1)  # two of three requests satisfied; a mean of 3.67
    rated(EnterpriseFactory(hub=hub), 4)
    HubTarget.objects.create(hub=hub, year=2026, indicator=TargetIndicator.SATISFIED_PERCENT, value=50)

    assert service_quality(user=manager, filters=YEAR)["satisfaction"]["satisfied_share"] == 0.75
    line = satisfied_line(targets(user=manager, filters=YEAR)["hubs"][0]["indicators"])
    assert (line["actual"], line["share"]) == (50.0, 1.0)
