"""CSV and XLSX exports of the programme report (`programme.full_report`) and of the records behind its
figures (`report_cases`, `report_visits`, `report_followups`, `report_followups_due`...).

Both formats hold the same values. CSV is meant to be read back by scripts as well as opened in Excel:
UTF-8 with a byte-order mark (so that Excel shows the accents), `;` between fields (what Excel in French
expects), numbers written plainly with a dot as decimal separator (a share of 92.69 % is 0.9269, an
amount is whole XOF without thousands separator), dates as YYYY-MM-DD and times as YYYY-MM-DD HH:MM:SS,
Bamako time. XLSX stores the numbers as numbers, each with a display format (counts and amounts with
thousands separators, shares as 92.7 %, decimals with their places), dates and times as dates shown in
the reader's own date format, and puts an auto-filter on every table. Labels and choices are in the
active language.

Every cell of both formats goes through `escape_formula`, so that no name typed into the tracker runs
as a formula in the spreadsheet that opens the file.
"""

import codecs
import csv
import datetime
import io
import re
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, IntegerField, Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils import get_column_letter

from cases.models import Case, CaseStatus, Channel, Priority
from hub.classifications import IsicSection, SizeClass, TechnologyDomain
from hub.models import AdministrativeUnit, Enterprise, FollowUp
from hub.reports.figures import (
    ACTIVITY,
    ANSWER_RATE,
    BACKLOG,
    BREAKDOWN_FIGURES,
    DELAYS,
    DIMENSIONS,
    ENTERPRISES,
    IMPACT,
    SATISFACTION,
    STAGES,
    TARGETS,
    TURNOVER,
    Figure,
    Section,
    Unit,
)
from hub.reports.impact import ANSWERS, followup_answer
from visits.models import Purpose, Visit

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a text cell as a formula (OWASP, CSV injection)."""

WHOLE_FORMAT = "#,##0"
SHARE_FORMAT = "0.0%"
DECIMAL_FORMAT = "#,##0.00"
DATE_FORMAT = BUILTIN_FORMATS[14]
DATETIME_FORMAT = BUILTIN_FORMATS[22]
"""Excel's built-in date formats, which it shows in the reader's own short date format (14/03/2026)."""
CSV_DELIMITER = ";"
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_TITLE_LENGTH = 31
COLUMN_WIDTH = (8, 60)
CHUNK_SIZE = 2000

Progress = Callable[[int], None]
"""What an export calls with the number of table rows written so far, every CHUNK_SIZE rows and once at the
end (`hub.reports.export_jobs` records it for the page that waits for the file)."""


class _Counter:
    """Counts the rows an export writes across its tables and tells `progress`."""

    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.done = 0

    def rows(self, rows: Iterable) -> Iterator:
        for row in rows:
            yield row
            self.done += 1
            if self.progress and self.done % CHUNK_SIZE == 0:
                self.progress(self.done)

    def end(self) -> None:
        if self.progress:
            self.progress(self.done)


class Amount(int):
    """Whole XOF: a plain integer in CSV, shown with thousands separators in XLSX."""


class Share(float):
    """A share of 1 (0.9269): written as such in CSV, shown as 92.7 % in XLSX."""


def _amount(value: int | None) -> Amount | None:
    return None if value is None else Amount(value)


def _share(value: float | None) -> Share | None:
    return None if value is None else Share(value)


def escape_formula(value):
    """`value`, with a leading apostrophe if it is text a spreadsheet would run as a formula. Numbers,
    negative ones included, are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


def _cell(value):
    """What a CSV or XLSX cell holds for `value`: labels as text, yes/no for booleans, times in the current
    zone (the hub's for one hub's report) without a time zone (which XLSX cannot store), and text escaped."""
    if isinstance(value, Promise):
        value = str(value)
    elif isinstance(value, bool):
        value = _("Yes") if value else _("No")
    elif isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    return escape_formula(value)


def _csv_text(value) -> object:
    """A normalised cell as CSV writes it: ISO dates and times, numbers as Python prints them."""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _display_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, Share):
        return 7
    if isinstance(value, Amount):
        return len(f"{value:,}")
    return len(str(_csv_text(value)))


# The report --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """One table of the report: a block of the CSV, a sheet of the XLSX. Cells are plain values, or
    `Amount` and `Share` numbers that XLSX formats."""

    title: str
    headers: list[str]
    rows: list[list]


SHEET_TITLES = {
    DELAYS.key: gettext_lazy("Service delays"),
    IMPACT.key: gettext_lazy("Impact"),
    TURNOVER.key: gettext_lazy("Turnover"),
}
"""The tables of the sections whose own title would not fit the 31 characters of a sheet's name (in one
language or the other); the other tables are titled as their section."""


def _title(section: Section) -> str:
    return str(SHEET_TITLES.get(section.key, section.title))


def _typed(figure: Figure, value):
    """`value` as a cell of its figure's unit: amounts and shares typed for XLSX to format them, counts,
    days, ratings and scores as the report holds them."""
    if figure.unit is Unit.AMOUNT:
        return _amount(value)
    if figure.unit is Unit.SHARE:
        return _share(value)
    return value


def _figure_labels(figures: Iterable[Figure]) -> list[str]:
    return [figure.header for figure in figures]


def _values(figures: Iterable[Figure], row: dict) -> list:
    return [_typed(figure, row.get(figure.name)) for figure in figures]


def _figures(title: str, rows: Iterable[tuple], *, name: str | None = None) -> Table:
    return Table(
        title=title, headers=[name or _("Indicator"), _("Value")], rows=[[label, value] for label, value in rows]
    )


def _section_figures(section: Section, report: dict) -> Table:
    """A section of single values as an indicator/value table."""
    return _figures(
        _title(section), [(figure.header, _typed(figure, value)) for figure, value in section.values(report)]
    )


def _section_rows(
    section: Section, headers: list[str], rows: Iterable[tuple[list, dict]], *, title: str | None = None
) -> Table:
    """A table section: the structural `headers` then the section's figures; each of `rows` is its
    structural cells and the dict holding its figures."""
    return Table(
        title=title or _title(section),
        headers=[*headers, *_figure_labels(section.figures)],
        rows=[[*cells, *_values(section.figures, row)] for cells, row in rows],
    )


def _breakdown_table(title: str, dimension: str, rows: list[dict]) -> Table:
    return Table(
        title=title,
        headers=[_("Code"), dimension, *_figure_labels(BREAKDOWN_FIGURES)],
        rows=[[row["key"], row["label"], *_values(BREAKDOWN_FIGURES, row)] for row in rows],
    )


def _targets_table(targets: dict) -> Table:
    """Each hub's lines, then the total over the hubs; a single line saying why when the targets are left
    out."""
    lines = [([hub["hub"], hub["name"], line["label"]], line) for hub in targets["hubs"] for line in hub["indicators"]]
    lines += [(["", _("All hubs"), line["label"]], line) for line in targets["total"] or []]
    table = _section_rows(
        TARGETS,
        [_("Hub"), _("Name"), _("Indicator")],
        lines,
        title=_("Targets %(year)s") % {"year": targets["years_label"]},
    )
    if targets["omitted"]:
        table.rows.insert(0, ["", "", targets["omitted"], *(None for _figure in TARGETS.figures)])
    return table


def report_tables(report: dict) -> list[Table]:
    """The tables of `report` (as `full_report` returns it), one per section of `figures.SECTIONS` with the
    activity's breakdowns after its own, each figure under its catalogue label. Impact per enterprise is
    there only for those who read personal data (`report["enterprises"]` is not None)."""
    by = report["breakdown"]["by"]
    delays = DELAYS.data(report)
    tables = [
        _section_figures(ACTIVITY, report),
        _breakdown_table(str(DIMENSIONS["month"].title), str(DIMENSIONS["month"].name), report["monthly"]),
        _breakdown_table(str(DIMENSIONS[by].title), str(DIMENSIONS[by].name), report["breakdown"]["rows"]),
        _section_rows(DELAYS, [_("Stage")], [([str(label)], delays[stage]) for stage, label in STAGES.items()]),
        _section_rows(
            BACKLOG,
            [_("From (days)"), _("To (days)")],
            [([band["min_days"], band["max_days"]], band) for band in BACKLOG.data(report)],
        ),
        _section_figures(SATISFACTION, report),
        _section_figures(IMPACT, report),
        _section_figures(TURNOVER, report),
        _section_rows(
            ANSWER_RATE, [_("Follow-ups")], [([line["label"]], line) for line in ANSWER_RATE.data(report).values()]
        ),
        _targets_table(report["targets"]),
    ]
    if report["enterprises"] is not None:
        tables.append(
            _section_rows(
                ENTERPRISES,
                [_("Enterprise"), _("Region")],
                [([row["name"], row["region__name"]], row) for row in report["enterprises"]],
            )
        )
    return tables


def _cover(report: dict, hub_name: str) -> Table:
    """The hub, the period and the filters the report was made for; the region by its name, the referent
    as an id."""
    filters = report["filters"]

    def label(choices, value):
        return choices(value).label if value else None

    region = filters["region"]
    if region:
        region = AdministrativeUnit.objects.filter(code=region).values_list("name", flat=True).first() or region
    rows = [
        (_("From"), filters["date_from"]),
        (_("To"), filters["date_to"]),
        (_("Hub"), hub_name),
        (_("Region"), region),
        (_("Sector"), label(IsicSection, filters["sector"])),
        (_("Size class"), label(SizeClass, filters["size_class"])),
        (_("Women-led"), filters["women_led"]),
        (_("Referent"), filters["referent"]),
        (_("Break down by"), DIMENSIONS[report["breakdown"]["by"]].name),
        (_("Generated at"), timezone.now()),
    ]
    return _figures(_("Report"), [(name, "—" if value is None else value) for name, value in rows], name=_("Parameter"))


def _csv_rows(rows: Iterable[Iterable]) -> Iterator[list]:
    for row in rows:
        yield [_csv_text(_cell(value)) for value in row]


def _csv_writer(buffer: io.StringIO):
    return csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")


def report_csv(report: dict, *, hub_name: str, progress: Progress | None = None) -> bytes:
    """Every table of `report` one after the other, each under its title and followed by an empty row,
    after the hub (`hub_name`), the period and the filters."""
    buffer = io.StringIO()
    writer = _csv_writer(buffer)
    counter = _Counter(progress)
    for table in [_cover(report, hub_name), *report_tables(report)]:
        writer.writerows(_csv_rows([[table.title], table.headers]))
        writer.writerows(_csv_rows(counter.rows(table.rows)))
        writer.writerow([])
    counter.end()
    return buffer.getvalue().encode("utf-8-sig")


def _sheet_title(title: str, taken: set[str]) -> str:
    """`title` as Excel accepts it for a sheet: 31 characters at most, none of []:*?/\\, no leading or
    trailing apostrophe, unique whatever the case."""
    base = SHEET_TITLE_FORBIDDEN.sub(" ", title).strip(" '")[:SHEET_TITLE_LENGTH].strip(" '") or "Sheet"
    candidate, number = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({number})"
        candidate, number = base[: SHEET_TITLE_LENGTH - len(suffix)] + suffix, number + 1
    taken.add(candidate.casefold())
    return candidate


def _number_format(value) -> str:
    """How XLSX shows a normalised number, date or time: counts and amounts with thousands separators,
    shares as percentages, decimals with their places, dates and times as such."""
    if isinstance(value, Share):
        return SHARE_FORMAT
    if isinstance(value, int):
        return WHOLE_FORMAT
    if isinstance(value, Decimal):
        places = max(-value.as_tuple().exponent, 0)
        return f"0.{'0' * places}" if places else "0"
    if isinstance(value, datetime.datetime):
        return DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    return DECIMAL_FORMAT


def _xlsx_value(sheet, value):
    """A normalised value as a write-only sheet takes it, every figure and date with its display format;
    text is always typed as text, so that openpyxl never makes it a formula or an error value."""
    value = _cell(value)
    if value is None:
        return None
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        return cell
    number_format = _number_format(value)
    cell = WriteOnlyCell(sheet, value=float(value) if isinstance(value, Share) else value)
    cell.number_format = number_format
    return cell


def _write_sheet(workbook: Workbook, taken: set[str], title: str, headers: list, rows: Iterable, widths: list[int]):
    """One sheet of a write-only `workbook`: the header row bold and frozen, then `rows`, with an
    auto-filter over them all."""
    sheet = workbook.create_sheet(_sheet_title(title, taken))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = _xlsx_value(sheet, header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    written = 0
    for row in rows:
        sheet.append([_xlsx_value(sheet, value) for value in row])
        written += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{1 + written}"


def _fitted_widths(table: Table) -> list[int]:
    low, high = COLUMN_WIDTH
    return [
        min(max(low, *(_display_width(_cell(row[index])) + 2 for row in [table.headers, *table.rows])), high)
        for index in range(len(table.headers))
    ]


def _xlsx_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_xlsx(report: dict, *, hub_name: str, progress: Progress | None = None) -> bytes:
    """A "Report" sheet with the hub (`hub_name`), the period and the filters, then one sheet per table of
    `report_tables`."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    counter = _Counter(progress)
    for table in [_cover(report, hub_name), *report_tables(report)]:
        _write_sheet(workbook, taken, table.title, table.headers, counter.rows(table.rows), _fitted_widths(table))
    counter.end()
    return _xlsx_bytes(workbook)


# The records behind the figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a records export: its header, what the database selects for it (a lookup or an
    expression), how a selected value is shown, and its width in XLSX."""

    header: str
    value: str | Combinable
    show: Callable | None = None
    width: int = 12


def _verbose(model: type[Model], path: str) -> str:
    """The verbose name of the field `path` ends on, e.g. Case, "enterprise__region" -> "Région"."""
    field = None
    for name in path.split("__"):
        field = model._meta.get_field(name)
        model = field.related_model
    return str(capfirst(field.verbose_name))


def _labels(choices) -> Callable:
    labels = {value: str(label) for value, label in choices.choices}
    return lambda value: labels.get(value, value)


def _person(prefix: str) -> Combinable:
    """A user's full name, or their username when they gave none, computed by the database."""
    full_name = Trim(Concat(f"{prefix}__first_name", Value(" "), f"{prefix}__last_name"))
    return Coalesce(NullIf(full_name, Value("")), f"{prefix}__username")


def _case_columns() -> list[Column]:
    def case(path: str, value=None, show=None, width=12) -> Column:
        return Column(_verbose(Case, path), value or path, show, width)

    return [
        case("reference"),
        case("received_at", width=20),
        case("hub", "hub__code"),
        case("enterprise", "enterprise__name", width=30),
        case("enterprise__region", "enterprise__region__name", width=16),
        case("enterprise__sector", show=_labels(IsicSection), width=30),
        case("enterprise__size_class", show=_labels(SizeClass), width=18),
        case("enterprise__women_led"),
        case("domain", show=_labels(TechnologyDomain), width=24),
        case("channel", show=_labels(Channel), width=16),
        case("priority", show=_labels(Priority)),
        case("status", show=_labels(CaseStatus), width=18),
        case("assigned_to", _person("assigned_to"), width=24),
        case("acknowledged_at", width=20),
        case("assigned_at", width=20),
        case("first_contact_at", width=20),
        case("resolved_at", width=20),
        case("satisfaction_rating"),
    ]


def _linked_cases() -> Combinable:
    """How many cases a visit is linked to, as a correlated subquery: no GROUP BY over the other columns."""
    links = Visit.cases.through.objects.filter(visit=OuterRef("pk")).order_by().values("visit")
    return Coalesce(Subquery(links.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0))


def _visit_columns() -> list[Column]:
    def visit(path: str, value=None, show=None, width=12) -> Column:
        return Column(_verbose(Visit, path), value or path, show, width)

    return [
        visit("started_at", width=20),
        visit("hub", "hub__code"),
        visit("referent", _person("referent"), width=24),
        visit("enterprise", "enterprise__name", width=30),
        visit("enterprise__region", "enterprise__region__name", width=16),
        visit("purpose", show=_labels(Purpose), width=16),
        visit("duration_minutes"),
        visit("people_reached_total"),
        visit("people_reached_women"),
        visit("cases", _linked_cases()),
        visit("latitude"),
        visit("longitude"),
    ]


def _followup_columns() -> list[Column]:
    def followup(path: str, value=None, show=None, width=12) -> Column:
        return Column(_verbose(FollowUp, path), value or path, show, width)

    return [
        followup("enterprise", "enterprise__name", width=30),
        followup("hub", "hub__code"),
        followup("case", "case__reference"),
        followup("kind", show=_labels(FollowUp.Kind), width=20),
        followup("due_date"),
        followup("collected_on"),
        followup("employees_total"),
        followup("jobs_created"),
        followup("jobs_kept"),
        *(
            followup(name, show=_amount, width=16)
            for name in ("turnover_xof", "new_sales_xof", "kept_sales_xof", "investment_xof", "cost_savings_xof")
        ),
        followup("new_products"),
        followup("new_processes"),
        followup("technology_adopted"),
        followup("satisfaction"),
        followup("recommend_score"),
    ]


def _due_followup_columns() -> list[Column]:
    def followup(path: str, value=None, show=None, width=12) -> Column:
        return Column(_verbose(FollowUp, path), value or path, show, width)

    return [
        followup("enterprise", "enterprise__name", width=30),
        followup("hub", "hub__code"),
        followup("enterprise__region", "enterprise__region__name", width=16),
        followup("case", "case__reference"),
        followup("kind", show=_labels(FollowUp.Kind), width=20),
        followup("assigned_to", _person("assigned_to"), width=24),
        followup("due_date"),
        followup("collected_on"),
        followup("collected_by", _person("collected_by"), width=24),
        Column(_("Answer"), followup_answer(), show=lambda value: str(ANSWERS[value]), width=30),
    ]


def _enterprise_columns() -> list[Column]:
    def enterprise(path: str, value=None, show=None, width=12) -> Column:
        return Column(_verbose(Enterprise, path), value or path, show, width)

    return [
        enterprise("name", width=30),
        enterprise("hub", "hub__code"),
        enterprise("region", "region__name", width=16),
        enterprise("commune", width=16),
        enterprise("sector", show=_labels(IsicSection), width=30),
        enterprise("size_class", show=_labels(SizeClass), width=18),
        enterprise("women_led"),
        enterprise("youth_led"),
        enterprise("employees_total"),
        enterprise("employees_women"),
    ]


RECORDS = {
    "enterprises": (Enterprise, _enterprise_columns, ("name", "pk")),
    "cases": (Case, _case_columns, ("received_at", "pk")),
    "visits": (Visit, _visit_columns, ("started_at", "pk")),
    "followups": (FollowUp, _followup_columns, ("collected_on", "pk")),
    "due_followups": (FollowUp, _due_followup_columns, ("due_date", "pk")),
}
"""Per kind of record: its model, its columns and their order. No column holds an owner's phone or
e-mail, nor free text."""


def _records(kind: str, queryset: QuerySet) -> tuple[str, list[Column], Iterator[list]]:
    """The sheet title, the columns and the rows of `queryset`, read in one query by chunks."""
    if kind not in RECORDS:
        raise ValueError(f"Unknown kind of records {kind!r}")
    model, columns_of, ordering = RECORDS[kind]
    if queryset.model is not model:
        raise ValueError(f"{kind} are exported from a queryset of {model.__name__}")
    columns = columns_of()
    selected = {f"column_{index}": column.value for index, column in enumerate(columns)}
    values = (
        queryset.annotate(**{name: F(value) if isinstance(value, str) else value for name, value in selected.items()})
        .order_by(*ordering)
        .values_list(*selected, "hub__time_zone")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    shows = [column.show for column in columns]
    rows = (
        [show(value) if show else _in_zone(value, zone) for show, value in zip(shows, row, strict=True)]
        for *row, zone in values
    )
    return str(capfirst(model._meta.verbose_name_plural)), columns, rows


def _in_zone(value, zone: str | None):
    """A time of a record in its hub's zone, without a time zone (which XLSX cannot store)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value) and zone:
        return timezone.localtime(value, zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)
    return value


def records_csv(kind: str, queryset: QuerySet, *, progress: Progress | None = None) -> bytes:
    """The records of `queryset` (`kind` is one of RECORDS), a header row then one row each."""
    return b"".join(iter_records_csv(kind, queryset, progress=progress))


def iter_records_csv(kind: str, queryset: QuerySet, *, progress: Progress | None = None) -> Iterator[bytes]:
    """`records_csv` piece by piece, for a streaming response: the byte-order mark and the header row, then
    the rows by chunks."""
    _title, columns, rows = _records(kind, queryset)
    buffer = io.StringIO()
    writer = _csv_writer(buffer)
    writer.writerows(_csv_rows([[column.header for column in columns]]))
    yield codecs.BOM_UTF8 + _drain(buffer)
    counter = _Counter(progress)
    for number, row in enumerate(_csv_rows(counter.rows(rows)), start=1):
        writer.writerow(row)
        if number % CHUNK_SIZE == 0:
            yield _drain(buffer)
    counter.end()
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")


def records_xlsx(kind: str, queryset: QuerySet, *, progress: Progress | None = None) -> bytes:
    """The records of `queryset` on one sheet, written row by row (openpyxl's write-only mode)."""
    title, columns, rows = _records(kind, queryset)
    counter = _Counter(progress)
    headers = [column.header for column in columns]
    low, high = COLUMN_WIDTH
    widths = [min(max(low, len(column.header) + 2, column.width), high) for column in columns]
    workbook = Workbook(write_only=True)
    _write_sheet(workbook, set(), title, headers, counter.rows(rows), widths)
    counter.end()
    return _xlsx_bytes(workbook)
