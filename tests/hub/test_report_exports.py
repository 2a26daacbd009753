"""CSV and XLSX exports of the programme report and of its records: the same figures as the report, no
formula from a name typed into the tracker, no per-enterprise figures for regional viewers, and a fixed
number of queries whatever the number of records."""

import codecs
import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases.models import Case, CaseStatus
from hub.models import FollowUp, HubTarget, TargetIndicator
from hub.reports.exports import (
    FORMULA_PREFIXES,
    _sheet_title,
    escape_formula,
    records_csv,
    records_xlsx,
    report_csv,
    report_tables,
    report_xlsx,
)
from hub.reports.figures import ACTIVITY, BREAKDOWN_FIGURES, FIGURES, SATISFACTION, SECTIONS
from hub.reports.impact import report_followups, report_followups_due
from hub.reports.programme import full_report
from hub.reports.selectors import ReportFilters, report_cases, report_visits
from tests.factories import CaseFactory, EnterpriseFactory, FollowUpFactory, VisitFactory
from visits.models import Purpose, Visit

S = CaseStatus
FILTERS = ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31))
HOSTILE = ['=HYPERLINK("http://evil")', "+33 Cie", "-Moins", "@at"]
ESCAPED = [f"'{name}" for name in HOSTILE]
HUB = "HUB IIT Mali"


def at(month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, tzinfo=datetime.UTC)


def resolved_before(enterprise) -> Case:
    """A case closed before the period, for a 6- or 12-month follow-up to belong to."""
    return CaseFactory(
        enterprise=enterprise,
        status=S.CLOSED,
        received_at=datetime.datetime(2025, 1, 6, 9, tzinfo=datetime.UTC),
        resolved_at=datetime.datetime(2025, 1, 20, 9, tzinfo=datetime.UTC),
    )


def verbose(model, field: str) -> str:
    return capfirst(model._meta.get_field(field).verbose_name)


@pytest.fixture
def data(hub, other_hub, referent):
    """Two cases and two visits of the hub in 2026, each with one of the hostile enterprises, and the
    first enterprise's turnover down 5,000 XOF from its baseline. Of the follow-ups due in 2026, the
    baseline and three 6-month ones were collected on time, one 6-month late (self-reported), and the
    12-month one is missing."""
    evil, plus, minus, at_sign = (EnterpriseFactory(hub=hub, name=name) for name in HOSTILE)
    resolved = CaseFactory(
        enterprise=evil,
        status=S.RESOLVED,
        received_at=at(3, 2),
        acknowledged_at=at(3, 2, 12),
        acknowledge_due=datetime.date(2026, 3, 3),
        assigned_at=at(3, 3),
        first_contact_at=at(3, 4),
        resolved_at=at(3, 10),
        resolve_due=datetime.date(2026, 3, 30),
        assigned_to=referent,
        satisfaction_rating=5,
    )
    waiting = CaseFactory(enterprise=plus, status=S.NEW, received_at=at(4, 1))
    CaseFactory(enterprise=plus, received_at=datetime.datetime(2025, 12, 31, 9, tzinfo=datetime.UTC))
    CaseFactory(hub=other_hub, received_at=at(3, 5))
    visit = VisitFactory(
        enterprise=minus,
        referent=referent,
        started_at=at(3, 9),
        latitude=Decimal("12.639232"),
        longitude=Decimal("-8.002889"),
        people_reached_total=5,
        people_reached_women=2,
    )
    visit.cases.add(resolved, waiting)
    VisitFactory(enterprise=at_sign, referent=referent, started_at=at(5, 9))
    VisitFactory(hub=other_hub, started_at=at(3, 9))
    FollowUpFactory(
        enterprise=evil,
        kind=FollowUp.Kind.BASELINE,
        due_date=datetime.date(2026, 1, 15),
        collected_on=datetime.date(2026, 1, 15),
        turnover_xof=20_000,
    )
    FollowUpFactory(
        enterprise=evil,
        case=resolved,
        kind=FollowUp.Kind.MONTH_6,
        due_date=datetime.date(2026, 9, 10),
        collected_on=datetime.date(2026, 9, 12),
        self_reported=True,
        turnover_xof=15_000,
        jobs_created=2,
        investment_xof=1_250_000,
        technology_adopted=True,
    )
    for enterprise in (plus, minus, at_sign):
        FollowUpFactory(
            case=resolved_before(enterprise),
            kind=FollowUp.Kind.MONTH_6,
            due_date=datetime.date(2026, 10, 1),
            collected_on=datetime.date(2026, 10, 1),
            jobs_created=1,
        )
    FollowUpFactory(enterprise=plus, case=waiting, kind=FollowUp.Kind.MONTH_12, due_date=datetime.date(2026, 11, 2))
    HubTarget.objects.create(hub=hub, year=2026, indicator=TargetIndicator.VISITS, value=10)
    return {"resolved": resolved, "waiting": waiting, "visit": visit}


@pytest.fixture
def report(manager, data):
    return full_report(user=manager, filters=FILTERS)


@pytest.fixture
def viewer_report(viewer, data):
    return full_report(user=viewer, filters=FILTERS)


def workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def rows_of(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(content[len(codecs.BOM_UTF8) :].decode("utf-8")), delimiter=";"))


def csv_tables(content: bytes) -> dict[str, list[list[str]]]:
    """The blocks of a report CSV by title: the header row, then the rows."""
    tables, block = {}, []
    for row in csv_rows(content):
        if row:
            block.append(row)
        else:
            title, *rows = block
            assert len(title) == 1
            tables[title[0]] = rows
            block = []
    assert block == []
    return tables


def figures(rows: list[list]) -> dict:
    """An indicator/value table as a dict, its header row left out."""
    return dict(rows[1:])


def every_cell(book: openpyxl.Workbook):
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def expected_titles(*, by: str | None = None, personal: bool = True) -> list[str]:
    titles = [
        _("Report"),
        str(ACTIVITY.title),
        _("Activity by month"),
        by or _("Activity by region"),
        _("Service delays"),
        _("Open backlog by age"),
        str(SATISFACTION.title),
        _("Impact"),
        _("Turnover"),
        _("Follow-up answer rate"),
        _("Targets %(year)s") % {"year": 2026},
    ]
    return [*titles, _("Impact per enterprise")] if personal else titles


def test_escape_formula():
    for prefix in FORMULA_PREFIXES:
        assert escape_formula(f"{prefix}1+1") == f"'{prefix}1+1"
    assert escape_formula("Karité Plus SARL") == "Karité Plus SARL"
    assert escape_formula("a=b") == "a=b"
    assert escape_formula("") == ""
    assert escape_formula(-5000) == -5000
    assert escape_formula(-0.25) == -0.25
    assert escape_formula(None) is None


def test_sheet_titles_are_valid_and_unique():
    taken = set()
    assert _sheet_title("Activity by region", taken) == "Activity by region"
    long = _sheet_title("Impact [per]: enterprise/*?\\ with a very long title indeed", taken)
    assert len(long) <= 31
    assert not set("[]:*?/\\") & set(long)
    assert _sheet_title("activity BY region", taken) == "activity BY region (2)"
    assert _sheet_title("'quoted'", taken) == "quoted"


def test_xlsx_has_the_report_sheets_and_its_figures(report):
    book = workbook(report_xlsx(report, hub_name=HUB))
    assert book.sheetnames == expected_titles()
    assert [table.title for table in report_tables(report)] == expected_titles()[1:]

    cover = figures(rows_of(book[_("Report")]))
    assert cover[_("From")].date() == FILTERS.date_from  # openpyxl reads dates back as datetimes
    assert cover[_("To")].date() == FILTERS.date_to
    assert cover[_("Hub")] == HUB

    key = figures(rows_of(book[str(ACTIVITY.title)]))
    activity = report["activity"]
    assert activity["visits"] == 2
    assert activity["cases_received"] == 2
    assert key[str(TargetIndicator.VISITS.label)] == activity["visits"]
    assert key[str(TargetIndicator.CASES_RECEIVED.label)] == activity["cases_received"]
    assert key[str(TargetIndicator.CASES_RESOLVED.label)] == activity["cases_resolved"] == 1
    assert list(key.values()) == [activity[figure.name] for figure in ACTIVITY.figures]

    monthly = rows_of(book[_("Activity by month")])
    assert len(monthly) == 1 + 12
    assert [row[0] for row in monthly[1:4]] == ["2026-01", "2026-02", "2026-03"]
    assert monthly[3][2:4] == [1, 1]  # March: one visit, one case received


def test_xlsx_types_and_formats(report):
    book = workbook(report_xlsx(report, hub_name=HUB))
    delays = book[_("Service delays")]
    assert delays.freeze_panes == "A2"
    assert all(cell.font.b for cell in delays[1])
    acknowledge = delays[2]
    share = report["service_quality"]["delays"]["acknowledge"]["within_standard_share"]
    assert share == 1.0
    assert acknowledge[5].data_type == "n"
    assert acknowledge[5].value == share
    assert acknowledge[5].number_format == "0.0%"

    targets = rows_of(book[_("Targets %(year)s") % {"year": 2026}])
    visits_line = next(row for row in targets if row[2] == str(TargetIndicator.VISITS.label))
    assert visits_line == ["ML", "HUB IIT Mali", str(TargetIndicator.VISITS.label), 10, 10, 2, 0.2]

    enterprises = book[_("Impact per enterprise")]
    header = [cell.value for cell in enterprises[1]]
    evil = next(row for row in enterprises.iter_rows(min_row=2) if row[0].value == ESCAPED[0])
    change = evil[header.index(FIGURES["enterprises.turnover_change"].header)]
    assert change.data_type == "n"
    assert change.value == -5000
    assert change.number_format == "#,##0"
    turnover = figures(rows_of(book[_("Turnover")]))
    assert turnover[FIGURES["turnover.change_xof"].header] == report["impact"]["turnover"]["change_xof"] == -5000
    assert turnover[str(FIGURES["turnover.change_share"].label)] == -0.25
    for column, width in enterprises.column_dimensions.items():
        assert 8 <= width.width <= 60, column


def assert_filtered_and_formatted(sheet):
    """Every table has an auto-filter over its header and rows, and every figure and date of it a format."""
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}", sheet.title
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.value is not None and cell.data_type != "s":
                assert cell.number_format != "General", (sheet.title, cell.coordinate)


def test_xlsx_tables_have_filters_and_formatted_figures_and_dates(report):
    book = workbook(report_xlsx(report, hub_name=HUB))
    for sheet in book.worksheets:
        assert_filtered_and_formatted(sheet)
    assert book[_("Activity by month")].auto_filter.ref == "A1:J13"
    cover = {row[0].value: row[1] for row in book[_("Report")].iter_rows(min_row=2)}
    assert cover[_("From")].is_date and cover[_("From")].number_format == "mm-dd-yy"  # the reader's date format
    assert cover[_("Generated at")].is_date and cover[_("Generated at")].number_format == "m/d/yy h:mm"
    key = {row[0].value: row[1] for row in book[str(ACTIVITY.title)].iter_rows(min_row=2)}
    assert key[str(TargetIndicator.VISITS.label)].number_format == "#,##0"
    delays = book[_("Service delays")]
    assert delays["B2"].number_format == "#,##0"  # cases done
    assert delays["D2"].data_type == "n" and delays["D2"].number_format == "#,##0.00"  # median days


def test_records_xlsx_have_filters_and_formatted_figures_and_dates(manager, data):
    visits = workbook(records_xlsx("visits", report_visits(user=manager, filters=FILTERS))).worksheets[0]
    assert_filtered_and_formatted(visits)
    assert visits.auto_filter.ref == "A1:L3"
    header = [cell.value for cell in visits[1]]
    first = visits[2]
    assert first[0].is_date and first[0].number_format == "m/d/yy h:mm"
    assert first[header.index(verbose(Visit, "people_reached_total"))].number_format == "#,##0"
    assert first[header.index(verbose(Visit, "latitude"))].number_format == "0.000000"
    for kind, selector in (
        ("cases", report_cases),
        ("followups", report_followups),
        ("due_followups", report_followups_due),
    ):
        sheet = workbook(records_xlsx(kind, selector(user=manager, filters=FILTERS))).worksheets[0]
        assert_filtered_and_formatted(sheet)
    due = workbook(records_xlsx("due_followups", report_followups_due(user=manager, filters=FILTERS))).worksheets[0]
    due_date = due[2][[cell.value for cell in due[1]].index(verbose(FollowUp, "due_date"))]
    assert due_date.is_date and due_date.number_format == "mm-dd-yy"


def test_csv_holds_the_same_tables_as_the_xlsx(report):
    content = report_csv(report, hub_name=HUB)
    tables = csv_tables(content)
    book = workbook(report_xlsx(report, hub_name=HUB))
    assert list(tables) == book.sheetnames
    for title in book.sheetnames[1:]:
        sheet, block = rows_of(book[title]), tables[title]
        assert len(sheet) == len(block), title
        for sheet_row, csv_row in zip(sheet, block, strict=True):
            for value, text in zip(sheet_row, csv_row, strict=True):
                if value is None:
                    assert text == "", title
                elif isinstance(value, int | float):
                    assert float(text) == value, title
                else:
                    assert text == value, title
    key = figures([["", ""], *tables[str(ACTIVITY.title)][1:]])
    assert key[str(TargetIndicator.VISITS.label)] == "2"
    delays = tables[_("Service delays")]
    assert delays[1][5] == "1.0"  # a share, with a dot
    assert figures(tables[_("Turnover")])[FIGURES["turnover.change_xof"].header] == "-5000"
    assert tables[_("Report")][1] == [_("From"), "2026-01-01"]


def test_the_answer_rate_of_the_follow_ups_due_in_both_formats(manager, data):
    with translation.override("en"):
        report = full_report(user=manager, filters=FILTERS)
        book = workbook(report_xlsx(report, hub_name=HUB))
        tables = csv_tables(report_csv(report, hub_name=HUB))
    sheet = rows_of(book["Follow-up answer rate"])
    assert sheet[0] == [
        "Follow-ups",
        "Due in the period",
        "Collected by now",
        "On time",
        "Late",
        "Missing",
        "Answer rate",
        "Self-reported",
        "Self-reported share",
    ]
    assert sheet[1:] == [
        ["6-month follow-up", 4, 4, 3, 1, 0, 0.75, 1, 0.25],
        ["12-month follow-up", 1, 0, 0, 0, 1, 0, 0, None],
        ["6- and 12-month follow-ups", 5, 4, 3, 1, 1, 0.6, 1, 0.25],
        ["Baseline", 1, 1, 1, 0, 0, 1, 0, 0],
    ]
    assert book["Follow-up answer rate"]["G4"].number_format == "0.0%"
    assert tables["Follow-up answer rate"][3] == [
        "6- and 12-month follow-ups",
        "5",
        "4",
        "3",
        "1",
        "1",
        "0.6",
        "1",
        "0.25",
    ]
    impact = figures(tables["Impact"])
    assert (impact["Net Promoter Score"], impact["Answers on recommending"]) == ("", "0")


def test_hostile_names_are_escaped_in_the_report(report):
    cells = [cell for cell in every_cell(workbook(report_xlsx(report, hub_name=HUB))) if isinstance(cell.value, str)]
    assert all(cell.data_type == "s" for cell in cells)
    assert not [cell.value for cell in cells if cell.value.startswith(FORMULA_PREFIXES)]
    assert set(ESCAPED) <= {cell.value for cell in cells}

    fields = [field for row in csv_rows(report_csv(report, hub_name=HUB)) for field in row]
    assert set(ESCAPED) <= set(fields)
    for field in fields:
        if field.startswith(FORMULA_PREFIXES):
            float(field)  # only numbers, such as -5000, may start with a minus


def test_regional_viewers_get_no_per_enterprise_figures(viewer_report):
    assert viewer_report["enterprises"] is None
    titles = expected_titles(personal=False)
    book = workbook(report_xlsx(viewer_report, hub_name=_("All hubs")))
    assert book.sheetnames == titles
    content = report_csv(viewer_report, hub_name=_("All hubs"))
    assert list(csv_tables(content)) == titles
    names = {name.lstrip("'") for name in ESCAPED}
    text = content.decode("utf-8-sig")
    assert not any(name in text for name in names)
    assert not any(isinstance(cell.value, str) and cell.value.lstrip("'") in names for cell in every_cell(book))


def test_a_breakdown_names_its_dimension(manager, data):
    report = full_report(user=manager, filters=FILTERS, by="sector")
    assert workbook(report_xlsx(report, hub_name=HUB)).sheetnames == expected_titles(by=_("Activity by sector"))
    sector = csv_tables(report_csv(report, hub_name=HUB))[_("Activity by sector")]
    assert sector[0][:2] == [_("Code"), _("Sector")]
    assert sector[1][0] == "C"


def structural_headers() -> set[str]:
    """The columns of the report's tables that name a row rather than hold a figure."""
    return {
        _("Indicator"),
        _("Value"),
        _("Code"),
        _("Month"),
        _("Region"),
        _("Stage"),
        _("From (days)"),
        _("To (days)"),
        _("Follow-ups"),
        _("Hub"),
        _("Name"),
        _("Enterprise"),
    }


def figure_labels(table) -> list[str]:
    """The figures a table shows: its indicator column, or its headers but the structural ones."""
    if table.headers == [_("Indicator"), _("Value")]:
        return [row[0] for row in table.rows]
    return [header for header in table.headers if header not in structural_headers()]


def test_the_exports_show_every_figure_of_the_catalogue_and_no_other(report):
    """A figure added to the exports has to be added to `figures.SECTIONS` (with its label, unit and
    definition), and a figure of the catalogue missing from the exports fails too."""
    assert report["enterprises"] is not None and report["targets"]["hubs"]  # every section is there
    catalogue = {figure.header for figure in FIGURES.values()}
    tables = report_tables(report)
    shown = [figure_labels(table) for table in tables]
    for table, labels in zip(tables, shown, strict=True):
        assert set(labels) <= catalogue, table.title
    expected = [[figure.header for figure in section.figures] for section in SECTIONS]
    breakdowns = [[figure.header for figure in BREAKDOWN_FIGURES]] * 2  # by month, by region
    assert sorted(shown) == sorted([*expected, *breakdowns])


def case_headers() -> list[str]:
    return [
        verbose(Case, "reference"),
        verbose(Case, "received_at"),
        verbose(Case, "hub"),
        verbose(Case, "enterprise"),
        _("region"),
        _("sector (ISIC Rev.4)"),
        _("size class"),
        _("women-led"),
        verbose(Case, "domain"),
        verbose(Case, "channel"),
        verbose(Case, "priority"),
        verbose(Case, "status"),
        verbose(Case, "assigned_to"),
        verbose(Case, "acknowledged_at"),
        verbose(Case, "assigned_at"),
        verbose(Case, "first_contact_at"),
        verbose(Case, "resolved_at"),
        verbose(Case, "satisfaction_rating"),
    ]


def test_records_of_cases(manager, referent, data):
    cases = report_cases(user=manager, filters=FILTERS)
    header, *rows = csv_rows(records_csv("cases", cases))
    assert header == [capfirst(name) for name in case_headers()]
    assert [row[0] for row in rows] == [data["resolved"].reference, data["waiting"].reference]
    resolved = dict(zip(header, rows[0], strict=True))
    assert resolved[verbose(Case, "received_at")] == "2026-03-02 09:00:00"
    assert resolved[verbose(Case, "hub")] == "ML"
    assert resolved[verbose(Case, "enterprise")] == ESCAPED[0]
    assert resolved[verbose(Case, "status")] == str(S.RESOLVED.label)
    assert resolved[capfirst(_("women-led"))] == _("Yes")
    assert resolved[verbose(Case, "assigned_to")] == f"{referent.first_name} {referent.last_name}"
    assert resolved[verbose(Case, "satisfaction_rating")] == "5"
    assert dict(zip(header, rows[1], strict=True))[verbose(Case, "assigned_to")] == ""

    sheet = workbook(records_xlsx("cases", cases)).worksheets[0]
    assert sheet.title == capfirst(Case._meta.verbose_name_plural)
    assert rows_of(sheet)[0] == header
    first = sheet[2]
    assert first[1].value == timezone.make_naive(at(3, 2))  # Bamako time: XLSX has no time zones
    assert first[3].value == ESCAPED[0]
    assert first[3].data_type == "s"
    assert first[17].value == 5


def test_records_of_visits(manager, data):
    visits = report_visits(user=manager, filters=FILTERS)
    header, *rows = csv_rows(records_csv("visits", visits))
    assert header[0] == verbose(Visit, "started_at")
    assert len(rows) == 2
    first = dict(zip(header, rows[0], strict=True))
    assert first[verbose(Visit, "enterprise")] == ESCAPED[2]
    assert first[verbose(Visit, "purpose")] == str(Purpose.DIAGNOSTIC.label)
    assert first[verbose(Visit, "cases")] == "2"
    assert first[verbose(Visit, "longitude")] == "-8.002889"
    assert dict(zip(header, rows[1], strict=True))[verbose(Visit, "enterprise")] == ESCAPED[3]

    sheet = workbook(records_xlsx("visits", visits)).worksheets[0]
    longitude = sheet[2][header.index(verbose(Visit, "longitude"))]
    assert longitude.data_type == "n"
    assert longitude.value == pytest.approx(-8.002889)
    assert [cell.value for cell in sheet["D"][1:]] == ESCAPED[2:]


def test_records_of_visits_are_one_row_per_visit(manager, hub, referent, enterprise):
    """Counting the linked cases does not merge two visits that look alike."""
    for _visit in range(2):
        VisitFactory(enterprise=enterprise, referent=referent, started_at=at(6, 1))
    assert len(csv_rows(records_csv("visits", report_visits(user=manager, filters=FILTERS)))) == 1 + 2


def test_records_of_followups(manager, data):
    followups = report_followups(user=manager, filters=FILTERS)
    header, *rows = csv_rows(records_csv("followups", followups))
    assert len(rows) == 4
    first = dict(zip(header, rows[0], strict=True))
    assert first[verbose(FollowUp, "enterprise")] == ESCAPED[0]
    assert first[verbose(FollowUp, "kind")] == str(FollowUp.Kind.MONTH_6.label)
    assert first[verbose(FollowUp, "turnover_xof")] == "15000"
    assert first[verbose(FollowUp, "technology_adopted")] == _("Yes")
    assert dict(zip(header, rows[1], strict=True))[verbose(FollowUp, "technology_adopted")] == ""

    sheet = workbook(records_xlsx("followups", followups)).worksheets[0]
    investment = sheet[2][header.index(verbose(FollowUp, "investment_xof"))]
    assert investment.value == 1_250_000
    assert investment.number_format == "#,##0"


def test_records_of_followups_due_say_what_became_of_each(manager, data):
    due = report_followups_due(user=manager, filters=FILTERS)
    with translation.override("en"):
        header, *rows = csv_rows(records_csv("due_followups", due))
    assert header == [
        "Enterprise",
        "Hub",
        "Region",
        "Case",
        "Kind",
        "Referent in charge",
        "Due date",
        "Collected on",
        "Collected by",
        "Answer",
    ]
    answers = [(row[0], row[4], row[6], row[7], row[9]) for row in rows]  # by due date
    assert answers[0] == (ESCAPED[0], "6-month follow-up", "2026-09-10", "2026-09-12", "Collected late, self-reported")
    assert sorted(answers[1:4]) == sorted(
        (name, "6-month follow-up", "2026-10-01", "2026-10-01", "Collected on time") for name in ESCAPED[1:]
    )
    assert answers[4] == (ESCAPED[1], "12-month follow-up", "2026-11-02", "", "Not collected")
    assert rows[-1][3] == data["waiting"].reference
    sheet = workbook(records_xlsx("due_followups", due)).worksheets[0]
    assert sheet.max_row == 1 + 5
    assert sheet["G2"].value.date() == datetime.date(2026, 9, 10)


def test_records_hold_no_owner_contact(manager, data):
    for kind, selector in (
        ("cases", report_cases),
        ("visits", report_visits),
        ("followups", report_followups),
        ("due_followups", report_followups_due),
    ):
        records = selector(user=manager, filters=FILTERS)
        text = records_csv(kind, records).decode("utf-8-sig")
        assert "+22376123456" not in text
        assert "@example.org" not in text
        assert "Aminata" not in text


def test_records_reject_a_wrong_kind(manager, data):
    with pytest.raises(ValueError, match="Unknown kind"):
        records_csv("notes", report_cases(user=manager, filters=FILTERS))
    with pytest.raises(ValueError, match="queryset of Visit"):
        records_xlsx("visits", report_cases(user=manager, filters=FILTERS))


RECORDS = {
    "cases": (report_cases, lambda enterprise, referent, day: CaseFactory(enterprise=enterprise, received_at=day)),
    "visits": (
        report_visits,
        lambda enterprise, referent, day: VisitFactory(enterprise=enterprise, referent=referent, started_at=day),
    ),
    "followups": (
        report_followups,
        lambda enterprise, referent, day: FollowUpFactory(
            case=resolved_before(enterprise), kind=FollowUp.Kind.MONTH_6, due_date=day.date(), collected_on=day.date()
        ),
    ),
    "due_followups": (
        report_followups_due,
        lambda enterprise, referent, day: FollowUpFactory(
            case=resolved_before(enterprise), kind=FollowUp.Kind.MONTH_12, due_date=day.date(), assigned_to=referent
        ),
    ),
}


@pytest.mark.parametrize("export", [records_csv, records_xlsx])
@pytest.mark.parametrize("kind", list(RECORDS))
@pytest.mark.parametrize("count", [3, 10])
def test_records_take_one_query_whatever_their_number(
    django_assert_num_queries, manager, referent, hub, kind, export, count
):
    selector, make = RECORDS[kind]
    for number in range(count):
        make(EnterpriseFactory(hub=hub), referent, at(2, 1 + number))
    records = selector(user=manager, filters=FILTERS)
    with django_assert_num_queries(1):
        content = export(kind, records)
    if export is records_csv:
        assert len(csv_rows(content)) == 1 + count
    else:
        assert workbook(content).worksheets[0].max_row == 1 + count


def test_xlsx_keeps_odd_names_as_text(manager, hub):
    """A control character XLSX cannot hold is dropped; a name that reads as an Excel error stays text."""
    CaseFactory(enterprise=EnterpriseFactory(hub=hub, name="Bip\x07 SARL"), received_at=at(2, 1))
    CaseFactory(enterprise=EnterpriseFactory(hub=hub, name="#N/A"), received_at=at(2, 2))
    sheet = workbook(records_xlsx("cases", report_cases(user=manager, filters=FILTERS))).worksheets[0]
    names = sheet["D"][1:]
    assert [cell.value for cell in names] == ["Bip SARL", "#N/A"]
    assert [cell.data_type for cell in names] == ["s", "s"]
