"""The programme report as a PDF: an A4 document with a page count that follows from the figures, the
impact per enterprise for hub staff only, the same bytes for the same report, and an empty period that
prints too."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import translation

from cases.models import CaseStatus
from hub.models import FollowUp, HubTarget, TargetIndicator
from hub.reports import figures, pdf
from hub.reports.programme import full_report
from hub.reports.selectors import ReportFilters
from tests.factories import AdminFactory, CaseFactory, EnterpriseFactory, FollowUpFactory, VisitFactory

S = CaseStatus
FILTERS = ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31))
EMPTY_PERIOD = ReportFilters(date_from=datetime.date(2030, 1, 1), date_to=datetime.date(2030, 1, 31))
TODAY = datetime.date(2026, 12, 1)
HOSTILE = "<script>alert(1)</script> & $\\frac{1$"

FIXED_PAGES = 1 + 1 + 3 + 1 + 4
"""Cover, key figures, three pages of charts, the tables of a small report, four pages of method notes (every
figure of the catalogue)."""


def at(month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, tzinfo=datetime.UTC)


def page_count(document: bytes) -> int:
    """The page objects of the PDF (`/Type /Page`, not the `/Type /Pages` tree above them)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", document))


def followed_up(enterprise, *, month: int, baseline: int | None, latest: int | None, referent=None):
    """A resolved case of `enterprise` and its 6-month follow-up collected in `month`, after a baseline."""
    case = CaseFactory(
        enterprise=enterprise,
        status=S.RESOLVED,
        received_at=at(1, 5),
        first_contact_at=at(1, 7),
        resolved_at=at(1, 20),
        assigned_to=referent,
        satisfaction_rating=4,
    )
    FollowUpFactory(enterprise=enterprise, turnover_xof=baseline, employees_total=4, due_date=datetime.date(2026, 1, 5))
    FollowUpFactory(
        case=case,
        kind=FollowUp.Kind.MONTH_6,
        due_date=datetime.date(2026, month, 20),
        collected_on=datetime.date(2026, month, 20),
        turnover_xof=latest,
        jobs_created=2,
        investment_xof=1_500_000,
        satisfaction=5,
        recommend_score=9,
        technology_adopted=True,
    )
    return case


@pytest.fixture
def data(hub, other_hub, referent):
    """A few cases and visits of the hub in 2026, an enterprise followed up, the hub's 2026 targets, and
    the other hub's case."""
    enterprise = EnterpriseFactory(hub=hub, name="Karité Plus SARL")
    CaseFactory(enterprise=enterprise, received_at=at(3, 2), status=S.NEW)
    CaseFactory(
        hub=hub,
        received_at=at(4, 1),
        acknowledged_at=at(4, 1, 15),
        acknowledge_due=datetime.date(2026, 4, 2),
        status=S.QUALIFIED,
    )
    VisitFactory(enterprise=enterprise, referent=referent, started_at=at(3, 9))
    VisitFactory(hub=hub, referent=referent, started_at=at(6, 9))
    followed_up(enterprise, month=7, baseline=20_000_000, latest=23_500_000, referent=referent)
    for indicator, value in [(TargetIndicator.VISITS, 40), (TargetIndicator.CASES_RECEIVED, 60)]:
        HubTarget.objects.create(hub=hub, year=2026, indicator=indicator, value=value)
    CaseFactory(hub=other_hub, received_at=at(3, 5))
    return enterprise


def render(user, filters=FILTERS, **options) -> tuple[dict, bytes]:
    report = full_report(user=user, filters=filters, **options)
    return report, pdf.report_pdf(report, hub_name="HUB IIT Mali", generated_on=TODAY)


def test_a_manager_gets_an_a4_pdf_with_the_impact_per_enterprise(data, manager):
    report, document = render(manager)
    assert document.startswith(b"%PDF-")
    assert document.rstrip().endswith(b"%%EOF")
    assert [item["name"] for item in report["enterprises"]] == ["Karité Plus SARL"]
    assert page_count(document) == FIXED_PAGES + 1
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595\.2\d* 841\.8\d*\s*\]", document)


def test_a_regional_viewer_gets_no_page_per_enterprise(data, manager, viewer):
    staff_report, _staff_document = render(manager)
    report, document = render(viewer)
    assert report["enterprises"] is None
    assert report["activity"]["cases_received"] == 4  # both hubs, aggregated
    with_enterprises = pdf.report_pdf(
        {**report, "enterprises": staff_report["enterprises"]}, hub_name="HUB IIT Mali", generated_on=TODAY
    )
    assert page_count(with_enterprises) - page_count(document) == 1
    assert page_count(document) >= FIXED_PAGES


def test_the_enterprise_table_runs_on_as_many_pages_as_it_needs(hub, manager, referent):
    for number in range(pdf.TABLE_ROWS_PER_PAGE + 1):
        enterprise = EnterpriseFactory(hub=hub, name=f"Entreprise suivie {number:02d}")
        followed_up(enterprise, month=5, baseline=10_000_000 + number, latest=None)
    report, document = render(manager)
    assert len(report["enterprises"]) == pdf.TABLE_ROWS_PER_PAGE + 1
    assert page_count(document) == FIXED_PAGES + 2


def test_the_same_report_gives_the_same_bytes(data, manager):
    report = full_report(user=manager, filters=FILTERS)
    first = pdf.report_pdf(report, hub_name="HUB IIT Mali", generated_on=TODAY)
    assert pdf.report_pdf(report, hub_name="HUB IIT Mali", generated_on=TODAY) == first
    assert b"/CreationDate" not in first and b"/ModDate" not in first
    assert b"/Creator (HUB IIT)" in first


def test_an_empty_period_prints_every_part(manager, viewer):
    report, document = render(manager, EMPTY_PERIOD)
    assert report["monthly"][0]["cases_received"] == 0 and report["enterprises"] == []
    assert report["service_quality"]["delays"]["resolve"]["median_days"] is None
    assert page_count(document) == FIXED_PAGES + 1  # the enterprise page says none was followed up
    _report, document = render(viewer, EMPTY_PERIOD)
    assert page_count(document) == FIXED_PAGES


def test_names_that_are_markup_or_mathtext_print_as_they_are(hub, manager, referent):
    enterprise = EnterpriseFactory(hub=hub, name=HOSTILE)
    VisitFactory(enterprise=enterprise, referent=referent, started_at=at(2, 3))
    followed_up(enterprise, month=3, baseline=1_000, latest=2_000, referent=referent)
    report, document = render(manager, by="referent")
    assert report["enterprises"][0]["name"] == HOSTILE
    assert page_count(document) == FIXED_PAGES + 1


def test_a_report_without_filters_is_drawn_without_a_query(data, manager, django_assert_num_queries):
    report = full_report(user=manager, filters=FILTERS)
    with django_assert_num_queries(0):
        pdf.report_pdf(report, hub_name="HUB IIT Mali", generated_on=TODAY)


def test_the_cover_names_the_filters_applied(hub, referent):
    filters = ReportFilters(
        date_from=datetime.date(2026, 1, 1),
        date_to=datetime.date(2026, 3, 31),
        hub="ML",
        region="ML-BKO",
        sector="C",
        size_class="micro",
        women_led=True,
        referent=referent.pk,
    )
    with translation.override("en"):
        lines = pdf.filter_lines(vars(filters))
    with translation.override("fr"):
        period = pdf.period_text(vars(filters))
    assert lines == [
        "Hub: HUB IIT Mali",
        "Region: Bamako",
        "Sector: C – Manufacturing",
        "Size class: Micro enterprise",
        "Women-led enterprises only",
        f"Referent: {referent.get_full_name()}",
    ]
    assert "1 janvier 2026" in period and "31 mars 2026" in period
    assert pdf.filter_lines(vars(FILTERS)) == []


def test_the_method_notes_explain_each_figure_of_the_catalogue(monkeypatch):
    tables = []

    def recorded(doc, page, **table):
        tables.append(table)
        return draw_table(doc, page, **table)

    draw_table = pdf.draw_table
    monkeypatch.setattr(pdf, "draw_table", recorded)
    with translation.override("en"):
        pdf.draw_method_notes(pdf.Document())
        notes = {note.term: note for note in figures.method_notes()}
    explained = {row.cells[0]: row.cells[1] for table in tables for row in table["rows"]}
    with translation.override("en"):
        assert {str(figure.label) for figure in figures.FIGURES.values()} <= set(explained)
        assert explained["Net Promoter Score"] == str(figures.FIGURES["impact.net_promoter_score"].definition)
    assert "Period" in explained and "Amounts" in explained
    assert "nearest-rank" in notes["Service quality: days from receipt of a case"].text
    answer_rate = notes["Follow-up answer rate"]
    assert "Baselines have a line of their own, outside the total" in answer_rate.text
    assert "the referent in charge of it, or for whoever collected it when nobody was in charge" in answer_rate.text
    assert dict(answer_rate.figures)["Answer rate"] == "The follow-ups collected on time divided by those due."
    assert "4 or 5" in dict(notes["Satisfaction with the cases"].figures)["Rated requests satisfied (4 or 5)"]
    assert "9 and 10 less the percentage of 0 to 6" in explained["Net Promoter Score"]


def test_the_pdf_prints_the_answer_rate_of_the_follow_ups_due(data, manager, monkeypatch):
    """The baseline of the data set (due 5 January) was never taken; the 6-month follow-up was collected on
    its due date."""
    tables, blocks = [], []

    def recorded_table(doc, page, **table):
        tables.append(table)
        return draw_table(doc, page, **table)

    def recorded_figures(page, **block):
        blocks.append(block)
        return draw_figures(page, **block)

    draw_table, draw_figures = pdf.draw_table, pdf.draw_figures
    monkeypatch.setattr(pdf, "draw_table", recorded_table)
    monkeypatch.setattr(pdf, "draw_figures", recorded_figures)
    with translation.override("en"):
        render(manager)

    (table,) = [table for table in tables if table["title"] == "Follow-up answer rate" and "note" not in table]
    assert [column.title for column in table["columns"]][:4] == [
        "Follow-ups",
        "Due in the period",
        "Collected by now",
        "On time",
    ]
    assert [(row.kind, *row.cells[:6], row.cells[7]) for row in table["rows"]] == [
        ("body", "6-month follow-up", "1", "1", "1", "0", "0", "0"),
        ("body", "12-month follow-up", "0", "0", "0", "0", "0", "0"),
        ("total", "6- and 12-month follow-ups", "1", "1", "1", "0", "0", "0"),
        ("body", "Baseline", "1", "0", "0", "0", "1", "0"),
    ]
    assert [row.cells[6] for row in table["rows"]] == ["100.0\u202f%", "—", "100.0\u202f%", "0.0\u202f%"]
    (block,) = [block for block in blocks if block["title"] == "Follow-up answer rate – 6- and 12-month follow-ups"]
    assert dict(block["lines"])["Answer rate"] == "100.0\u202f%"
    (impact,) = [block for block in blocks if block["title"] == "Impact (follow-ups of the period)"]
    assert ("Net Promoter Score", "+100") in impact["lines"]
    assert ("Answers on recommending", "1") in impact["lines"]


def test_the_pdf_prints_the_first_enterprises_by_name_and_says_how_many_were_followed(
    hub, manager, referent, monkeypatch
):
    for name in ("Cauris Bio", "Atelier Diallo", "Boulangerie du Fleuve"):
        followed_up(EnterpriseFactory(hub=hub, name=name), month=4, baseline=1_000_000, latest=1_200_000)
    monkeypatch.setattr(pdf, "PDF_ENTERPRISES", 2)
    tables = []

    def recorded(doc, page, **table):
        tables.append(table)
        return draw_table(doc, page, **table)

    draw_table = pdf.draw_table
    monkeypatch.setattr(pdf, "draw_table", recorded)
    with translation.override("fr"):
        render(manager, enterprises=pdf.PDF_ENTERPRISES)

    (table,) = [table for table in tables if table["title"] == "Entreprises suivies sur la période"]
    assert [row.cells[0] for row in table["rows"]] == ["Atelier Diallo", "Boulangerie du Fleuve"]
    assert "Les 2 premières des 3 entreprises suivies" in table["note"]


def test_the_pdf_export_and_command_print_the_first_enterprises_only(
    hub, manager, referent, as_manager, monkeypatch, tmp_path
):
    for number in range(pdf.TABLE_ROWS_PER_PAGE + 1):
        followed_up(EnterpriseFactory(hub=hub, name=f"Entreprise suivie {number:02d}"), month=5, baseline=1, latest=2)
    monkeypatch.setattr(pdf, "PDF_ENTERPRISES", pdf.TABLE_ROWS_PER_PAGE)

    AdminFactory()
    output = tmp_path / "report.pdf"

    response = as_manager.get("/manage/reports/export.pdf?date_from=2026-01-01&date_to=2026-12-31")
    call_command("report", "--from", "2026-01-01", "--to", "2026-12-31", "--output", str(output))

    assert response.status_code == 200
    assert page_count(response.content) == FIXED_PAGES + 1
    assert page_count(output.read_bytes()) == FIXED_PAGES + 1


def test_long_names_wrap_whole_and_amounts_keep_the_tables_type_size(hub, manager, referent, monkeypatch):
    name = "Coopérative Siguida des productrices de beurre de karité de Bandiagara"
    enterprise = EnterpriseFactory(hub=hub, name=name)
    followed_up(enterprise, month=3, baseline=114_023_000, latest=127_137_000, referent=referent)
    drawn = []
    lines_of = pdf.Page.lines

    def recorded(page, x, y, lines, **style):
        drawn.append((list(lines), style.get("size")))
        return lines_of(page, x, y, lines, **style)

    monkeypatch.setattr(pdf.Page, "lines", recorded)
    with translation.override("fr"):
        pdf.report_pdf(full_report(user=manager, filters=FILTERS), hub_name="HUB IIT Mali")

    cells = [lines for lines, _size in drawn if lines and lines[0].startswith("Coopérative Siguida")]
    assert cells
    assert all(" ".join(lines) == name for lines in cells)
    change = pdf.format_number(13_114_000, signed=True)
    assert {size for lines, size in drawn if lines == [change]} == {pdf.TABLE_SIZE}
