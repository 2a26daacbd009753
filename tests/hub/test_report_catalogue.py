"""The catalogue of the report's figures (`hub.reports.figures`) is what the page and the PDF show: a figure they
show is in it, under its label, and a figure added to it appears on both. The exports and the API have tests of
their own (tests/hub/test_report_exports.py, tests/api/test_report_catalogue.py)."""

import datetime
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from cases.models import CaseStatus
from hub.models import FollowUp, HubTarget, TargetIndicator
from hub.reports import figures, pdf
from hub.reports.programme import full_report
from hub.reports.selectors import ReportFilters
from tests.factories import CaseFactory, EnterpriseFactory, FollowUpFactory, VisitFactory

PERIOD = "date_from=2026-01-01&date_to=2026-12-31"
FILTERS = ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31))
CHARTS_ONLY = {"backlog.open_cases"}
"""Figures the PDF draws in a chart only (the open cases per band of age)."""


def at(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 9, tzinfo=datetime.UTC)


@pytest.fixture
def data(hub, referent):
    """A resolved and rated case, a visit, a follow-up against a baseline and a target: every section has a
    value."""
    enterprise = EnterpriseFactory(hub=hub)
    case = CaseFactory(
        enterprise=enterprise,
        status=CaseStatus.RESOLVED,
        received_at=at(2, 2),
        first_contact_at=at(2, 4),
        resolved_at=at(2, 20),
        satisfaction_rating=5,
    )
    VisitFactory(enterprise=enterprise, referent=referent, started_at=at(3, 9))
    FollowUpFactory(enterprise=enterprise, turnover_xof=1_000_000, due_date=datetime.date(2026, 1, 5))
    FollowUpFactory(
        case=case,
        kind=FollowUp.Kind.MONTH_6,
        due_date=datetime.date(2026, 8, 20),
        collected_on=datetime.date(2026, 8, 20),
        turnover_xof=1_200_000,
        jobs_created=1,
        recommend_score=10,
    )
    HubTarget.objects.create(hub=hub, year=2026, indicator=TargetIndicator.VISITS, value=10)


def test_the_page_shows_every_figure_of_the_catalogue_and_no_other(client, manager, data):
    client.force_login(manager)
    page = client.get(f"/manage/reports/?{PERIOD}").content.decode()

    shown = set(re.findall(r'data-figure="([^"]+)"', page))
    assert shown == set(figures.FIGURES)
    facts = "".join(re.findall(r'<dl class="facts">(.*?)</dl>', page, flags=re.DOTALL))
    assert facts.count("<dd") == facts.count("<dd data-figure=") > 0  # every value listed is the catalogue's
    key_figures = re.search(r'<section class="figures".*?</section>', page, flags=re.DOTALL).group(0)
    assert key_figures.count('<div class="figure"') == key_figures.count('<div class="figure" data-figure=') > 0
    tables = re.findall(r'<table class="stack">(.*?)</table>', page, flags=re.DOTALL)
    assert len(tables) >= 6  # by month, the breakdown, the delays, the answer rate, per enterprise, the targets
    for table in tables:
        for row in re.findall(r"<tr>(.*?)</tr>", table.partition("<tbody>")[2], flags=re.DOTALL):
            cells = re.findall(r"<td[^>]*>", row)
            if len(cells) > 1:  # a row's name, then each of its figures is the catalogue's
                assert all("data-figure=" in cell for cell in cells[1:]), row


def test_the_pdf_shows_every_figure_of_the_catalogue_and_no_other(manager, data, pdf_tables, monkeypatch):
    blocks = []
    draw_figures = pdf.draw_figures

    def recorded(page, **block):
        blocks.append(block)
        return draw_figures(page, **block)

    monkeypatch.setattr(pdf, "draw_figures", recorded)
    with translation.override("en"):
        pdf.report_pdf(full_report(user=manager, filters=FILTERS), hub_name="HUB IIT Mali")
        labels = {str(figure.label) for figure in figures.FIGURES.values()}
        headers = {figure.header: str(figure.label) for figure in figures.FIGURES.values()}
        charts_only = {str(figures.FIGURES[key].label) for key in CHARTS_ONLY}
        notes = {str(term) for term, _text in figures.REPORT_NOTES}
        figure_column = _("Figure")

    printed = set()
    for block in blocks:
        for label, _value in block["lines"]:
            assert label in labels, label
            printed.add(label)
    for table in pdf_tables:
        if table["columns"][0].title == figure_column:  # the method notes
            assert {row.cells[0] for row in table["rows"]} <= labels | notes, table["title"]
            continue
        for column in table["columns"]:
            if column.numeric:
                assert column.title in headers, column.title
                printed.add(headers[column.title])
    assert printed == labels - charts_only
