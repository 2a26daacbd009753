"""The programme report as a printable A4 PDF, drawn with matplotlib (`hub.reports.pdf_layout`) from the plain
data of `hub.reports.programme.full_report`: a cover, the key figures, the charts, the tables and notes on how
each figure is computed, every figure named and written as the catalogue (`hub.reports.figures`) says. The same
report gives the same bytes (no dates in the metadata)."""

import datetime
from collections.abc import Callable, Sequence

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from matplotlib.layout_engine import ConstrainedLayoutEngine

from hub.classifications import IsicSection, SizeClass
from hub.models import AdministrativeUnit, Hub, User
from hub.reports import charts
from hub.reports.charts import DARK_GREY, GREEN
from hub.reports.figures import (
    ACTIVITY,
    ANSWER_RATE,
    BREAKDOWN_FIGURES,
    BREAKDOWN_NOTE,
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
    format_number,
    method_notes,
    target_actual_text,
)
from hub.reports.pdf_layout import (
    BOTTOM,
    LEFT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    TABLE_ROWS_PER_PAGE,
    TABLE_SIZE,
    WIDTH,
    Column,
    Document,
    Page,
    Row,
    draw_figures,
    draw_table,
    line_height,
    wrap,
)

PROGRAMME = "HUB IIT"
PDF_ENTERPRISES = 10 * TABLE_ROWS_PER_PAGE
"""The most enterprises printed in the impact table, the first by name: a large hub follows tens of
thousands up in a year (thousands of pages, minutes to draw); the spreadsheet exports list them all."""
__all__ = ["PDF_ENTERPRISES", "Page", "TABLE_SIZE", "report_pdf"]


# Words of the report ------------------------------------------------------------------------------


def _date(value) -> datetime.date | None:
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def period_text(filters: dict) -> str:
    start, end = _date(filters.get("date_from")), _date(filters.get("date_to"))
    if not start or not end:
        return ""
    return _("From %(start)s to %(end)s") % {
        "start": formats.date_format(start, "DATE_FORMAT"),
        "end": formats.date_format(end, "DATE_FORMAT"),
    }


def filter_lines(filters: dict) -> list[str]:
    """The filters applied, as "what: value" lines with names rather than codes."""
    lines = []
    if filters.get("hub"):
        name = Hub.objects.filter(code=filters["hub"]).values_list("name", flat=True).first()
        lines.append(_("Hub: %(value)s") % {"value": name or filters["hub"]})
    if filters.get("region"):
        name = AdministrativeUnit.objects.filter(code=filters["region"]).values_list("name", flat=True).first()
        lines.append(_("Region: %(value)s") % {"value": name or filters["region"]})
    if filters.get("sector"):
        sector = filters["sector"]
        label = IsicSection(sector).label if sector in IsicSection.values else sector
        lines.append(_("Sector: %(value)s") % {"value": f"{sector} – {label}"})
    if filters.get("size_class"):
        size = filters["size_class"]
        label = SizeClass(size).label if size in SizeClass.values else size
        lines.append(_("Size class: %(value)s") % {"value": label})
    if filters.get("women_led") is not None:
        lines.append(_("Women-led enterprises only") if filters["women_led"] else _("Enterprises not women-led only"))
    if filters.get("referent"):
        person = User.objects.filter(pk=filters["referent"]).first()
        name = (person.get_full_name() or person.username) if person else filters["referent"]
        lines.append(_("Referent: %(value)s") % {"value": name})
    return lines


# The report's parts -------------------------------------------------------------------------------


def draw_cover(doc: Document, report: dict, *, hub_name: str, title: str, generated_on: datetime.date) -> None:
    page = doc.new_page()
    page.rect(0, 0, PAGE_WIDTH, 12, color=GREEN)
    page.text(LEFT, 58, PROGRAMME, size=40, weight="bold", color=GREEN)
    y = 80.0
    y += page.lines(LEFT, y, wrap(title, width=WIDTH, size=24, weight="bold"), size=24, weight="bold") + 4
    y += page.lines(LEFT, y, wrap(hub_name, width=WIDTH, size=17), size=17, color=DARK_GREY) + 3
    filters = report.get("filters") or {}
    y += page.lines(LEFT, y, wrap(period_text(filters), width=WIDTH, size=15), size=15) + 10
    page.rule(y, color=GREEN, width=1.4)
    y += 8
    page.text(LEFT, y, _("Filters applied"), size=12, weight="bold", color=GREEN)
    y += line_height(12) + 2
    chosen = filter_lines(filters) or [_("None: every enterprise, sector and referent of the hubs.")]
    for line in chosen:
        y += page.lines(LEFT + 4, y, wrap(f"• {line}", width=WIDTH - 4, size=11), size=11) + 1
    y += 6
    page.text(LEFT, y, _("Breakdown"), size=12, weight="bold", color=GREEN)
    y += line_height(12) + 2
    breakdown = (report.get("breakdown") or {}).get("by", "")
    dimension = str(DIMENSIONS[breakdown].title) if breakdown in DIMENSIONS else breakdown
    page.lines(
        LEFT + 4,
        y,
        wrap(dimension, width=WIDTH - 4, size=11),
        size=11,
    )
    generated = _("Generated on %(date)s") % {"date": formats.date_format(generated_on, "DATE_FORMAT")}
    page.text(LEFT, BOTTOM - 12, generated, size=11, color=DARK_GREY)


def figure_lines(section: Section, data: dict | None) -> list[tuple[str, str]]:
    """(label, value) of each figure of `section`, its values read from `data` (the section's dict or row)."""
    data = data or {}
    return [(str(figure.label), figure.text(data.get(figure.name))) for figure in section.figures]


def draw_key_figures(doc: Document, report: dict) -> None:
    """The figures of single value in two columns, and the answer rate's total line."""
    page = doc.new_page(heading=_("Key figures"))
    answers = (ANSWER_RATE.data(report) or {}).get("total") or {}
    columns = [
        [
            (ACTIVITY.title, figure_lines(ACTIVITY, ACTIVITY.data(report))),
            (SATISFACTION.title, figure_lines(SATISFACTION, SATISFACTION.data(report))),
            (f"{ANSWER_RATE.title} – {answers.get('label', '')}", figure_lines(ANSWER_RATE, answers)),
        ],
        [
            (IMPACT.title, figure_lines(IMPACT, IMPACT.data(report))),
            (TURNOVER.title, figure_lines(TURNOVER, TURNOVER.data(report))),
        ],
    ]
    top, left_width, gap = page.y, 80.0, 8.0
    for x, width, blocks in (
        (LEFT, left_width, columns[0]),
        (LEFT + left_width + gap, WIDTH - left_width - gap, columns[1]),
    ):
        page.y = top
        for title, lines in blocks:
            page.y += draw_figures(page, x=x, width=width, title=str(title), lines=lines) + 7


def figure_column(figure: Figure, width: float) -> Column:
    return Column(figure.header, width)


CHART_SCALE = 0.78
"""The charts' type at this scale of the screen's: 9.4 points for the labels on paper."""


def draw_chart_page(doc: Document, *, heading: str, charts_on_page: Sequence[tuple[Callable, float, str]]) -> None:
    """A page of charts one under the other: each (draw, height in mm, caption) draws into a subfigure of
    that height (shrunk alike when they do not all fit), which the layout engine fits within."""
    page = doc.new_page(heading=heading)
    heights = [height for _draw, height, _caption in charts_on_page]
    top, bottom = page.y, min(BOTTOM - 4, page.y + sum(heights))
    rect = (LEFT / PAGE_WIDTH, 1 - bottom / PAGE_HEIGHT, WIDTH / PAGE_WIDTH, (bottom - top) / PAGE_HEIGHT)
    page.fig.set_layout_engine(ConstrainedLayoutEngine(rect=rect, h_pad=0.05, hspace=0.03))
    grid = page.fig.add_gridspec(
        len(charts_on_page),
        1,
        left=rect[0],
        right=rect[0] + rect[2],
        bottom=rect[1],
        top=rect[1] + rect[3],
        height_ratios=heights,
        hspace=0,
    )
    for index, (draw, _height, caption) in enumerate(charts_on_page):
        subfigure = page.fig.add_subfigure(grid[index])
        draw(subfigure)
        if caption:
            lines = wrap(caption, width=WIDTH - 4, size=9)
            subfigure.supxlabel("\n".join(lines), x=0.01, ha="left", fontsize=9, color=DARK_GREY, parse_math=False)


def target_lines(report_targets: dict | None) -> tuple[list[dict], str]:
    """The lines the targets chart shows (the total over the hubs, or the one hub's) and whose they are."""
    report_targets = report_targets or {}
    hubs = report_targets.get("hubs") or []
    if report_targets.get("total"):
        return list(report_targets["total"]), _("all hubs")
    if hubs:
        return list(hubs[0].get("indicators") or []), hubs[0].get("name") or hubs[0].get("hub") or ""
    return [], ""


def draw_charts(doc: Document, report: dict) -> None:
    breakdown = report.get("breakdown") or {}
    by = breakdown.get("by", "")
    rows = breakdown.get("rows") or []
    quality = report.get("service_quality") or {}
    lines, whose = target_lines(report.get("targets"))
    year = (report.get("targets") or {}).get("years_label")
    monthly_height = 92.0
    breakdown_height = min(158.0, 34.0 + 10.5 * max(len(charts.top_groups(rows)), 2))
    others = len(rows) > charts.MAX_GROUPS
    draw_chart_page(
        doc,
        heading=_("Activity"),
        charts_on_page=[
            (
                lambda fig: charts.draw_monthly_activity(fig, report.get("monthly") or [], scale=CHART_SCALE),
                monthly_height,
                _("Cases by the month they were received, visits by the month they started."),
            ),
            (
                lambda fig: charts.draw_breakdown(fig, rows, title=str(DIMENSIONS[by].chart), scale=CHART_SCALE),
                breakdown_height,
                " ".join(
                    [_("Cases received and visits made in the period, per group.")]
                    + ([_("Beyond the largest groups, the others are summed in the last bar.")] if others else [])
                ),
            ),
        ],
    )
    draw_chart_page(
        doc,
        heading=_("Service quality"),
        charts_on_page=[
            (
                lambda fig: charts.draw_delays(fig, quality, scale=CHART_SCALE),
                118.0,
                _(
                    "Calendar days from the receipt of each case received in the period, for the cases that "
                    "reached the stage. Under each stage, the share done by the due date of the hub's service "
                    "standards."
                ),
            ),
            (
                lambda fig: charts.draw_backlog(fig, quality.get("backlog_by_age"), scale=CHART_SCALE),
                92.0,
                _("Cases still open on the day of the report, whenever they were received."),
            ),
        ],
    )
    caption = _(
        "Figures of the period as a share of the %(year)s target (%(whose)s). The dashed mark shows the share "
        "expected pro rata of the part of the year the period covers."
    ) % {"year": year or "", "whose": whose}
    impact_chart = (
        lambda fig: charts.draw_impact(fig, report.get("impact"), scale=CHART_SCALE),
        76.0,
        _(
            "Totals of the 6- and 12-month follow-ups collected in the period; the amounts (sales, "
            "investment, savings, turnover) are in the tables."
        ),
    )
    targets_chart = (
        lambda fig: charts.draw_targets(
            fig,
            lines,
            title=_("Actual figures against the %(year)s targets") % {"year": year or ""},
            scale=CHART_SCALE,
        ),
        34.0 + 11.0 * max(len(lines), 2),
        caption,
    )
    omitted = (report.get("targets") or {}).get("omitted")
    draw_chart_page(
        doc,
        heading=_("Impact and targets"),
        charts_on_page=[impact_chart] if omitted else [impact_chart, targets_chart],
    )


def _rows(section: Section, rows: Sequence[tuple[str, dict, str]]) -> list[Row]:
    """A table's rows: each (name, data, kind) gives the row's name and the section's figures read in `data`."""
    return [
        Row([name, *(figure.cell(data.get(figure.name)) for figure in section.figures)], kind)
        for name, data, kind in rows
    ]


def _columns(
    first: Column, figures: Sequence[Figure], *, width: float = WIDTH, widths: Sequence[float] = ()
) -> list[Column]:
    """The first column, then one per figure: `widths` each, or the room left shared equally."""
    widths = widths or [(width - first.width) / len(figures)] * len(figures)
    return [first, *(figure_column(figure, each) for figure, each in zip(figures, widths, strict=True))]


def draw_tables(doc: Document, report: dict) -> None:
    heading = _("Tables")
    page = doc.new_page(heading=heading)
    breakdown = report.get("breakdown") or {}
    by = breakdown.get("by", "")
    activity = ACTIVITY.data(report) or {}

    def breakdown_row(cells: dict, name: str, kind: str = "body") -> Row:
        return Row([name, *(figure.cell(cells.get(figure.name)) for figure in BREAKDOWN_FIGURES)], kind)

    rows = [breakdown_row(row, str(row.get("label") or row.get("key") or "")) for row in breakdown.get("rows") or []]
    if rows:
        rows.append(breakdown_row(activity, _("Total"), "total"))
    page = draw_table(
        doc,
        page,
        heading=heading,
        title=str(DIMENSIONS[by].title),
        columns=_columns(Column(str(DIMENSIONS[by].name), 38.0, numeric=False), BREAKDOWN_FIGURES),
        rows=rows,
        empty=_("No case received and no visit in this period."),
        note=str(BREAKDOWN_NOTE),
    )
    delays = DELAYS.data(report) or {}
    page = draw_table(
        doc,
        page,
        heading=heading,
        title=str(DELAYS.title),
        columns=_columns(Column(_("Stage"), 44.0, numeric=False), DELAYS.figures),
        rows=_rows(DELAYS, [(str(label), delays.get(stage) or {}, "body") for stage, label in STAGES.items()]),
    )
    answer_lines = (ANSWER_RATE.data(report) or {}).items()
    page = draw_table(
        doc,
        page,
        heading=heading,
        title=str(ANSWER_RATE.title),
        columns=_columns(
            Column(_("Follow-ups"), 34.0, numeric=False),
            ANSWER_RATE.figures,
            widths=[16.5, 17.5, 13.5, 13.5, 17.5, 17.5, 21.0, 23.0],
        ),
        rows=_rows(
            ANSWER_RATE,
            [
                (str(line.get("label") or key), line, "total" if key == "total" else "body")
                for key, line in answer_lines
            ],
        ),
    )
    draw_targets_table(doc, page, report.get("targets") or {}, heading=heading)


def draw_targets_table(doc: Document, page: Page, report_targets: dict, *, heading: str) -> None:
    hubs = report_targets.get("hubs") or []
    groups = [(hub.get("name") or hub.get("hub") or "", hub.get("indicators") or []) for hub in hubs]
    if report_targets.get("total"):
        groups.append((_("All hubs"), report_targets["total"]))
    rows = []
    for name, indicators in groups:
        if len(groups) > 1:
            rows.append(Row([name], kind="group"))
        for line in indicators:
            cells = [figure.cell(line.get(figure.name)) for figure in TARGETS.figures]
            cells[2] = target_actual_text(line)
            rows.append(Row([str(line.get("label") or line.get("indicator") or ""), *cells]))
    whose = f" – {groups[0][0]}" if len(groups) == 1 else ""
    draw_table(
        doc,
        page,
        heading=heading,
        title=_("Targets %(year)s") % {"year": report_targets.get("years_label") or ""} + whose,
        columns=_columns(Column(_("Indicator"), 70.0, numeric=False), TARGETS.figures),
        rows=rows,
        empty=report_targets.get("omitted") or _("No hub in this report."),
    )


def draw_enterprises(doc: Document, enterprises: Sequence[dict], *, followed: int) -> None:
    """The note says when `enterprises` are the first of more (`followed`)."""
    heading = str(ENTERPRISES.title)
    note = ""
    if followed > len(enterprises):
        note = _(
            "The first %(shown)s of the %(followed)s enterprises followed up, by name: the spreadsheet export "
            "of the report lists them all."
        ) % {"shown": format_number(len(enterprises)), "followed": format_number(followed)}
    page = doc.new_page(heading=heading)
    rows = [
        Row(
            [
                str(item.get("name") or ""),
                str(item.get("region__name") or "—"),
                *(figure.cell(item.get(figure.name)) for figure in ENTERPRISES.figures),
            ]
        )
        for item in enterprises
    ]
    draw_table(
        doc,
        page,
        heading=heading,
        title=_("Enterprises followed up in the period"),
        columns=[
            Column(_("Enterprise"), 36.0, numeric=False),
            *_columns(
                Column(_("Region"), 17.0, numeric=False), ENTERPRISES.figures, widths=[23.5, 23.5, 24, 14, 13, 23]
            ),
        ],
        rows=rows,
        empty=_("No enterprise was followed up in this period."),
        note=note,
    )


def draw_method_notes(doc: Document) -> None:
    """What holds for the whole report, then a table per section of the catalogue: each figure and how it is
    counted, the section's note under it."""
    heading = _("Method notes")
    page = doc.new_page(heading=heading)
    columns = [Column(_("Figure"), 56.0, numeric=False), Column(_("How it is counted"), WIDTH - 56.0, numeric=False)]
    notes = method_notes()
    general = [note for note in notes if not note.figures]
    page = draw_table(
        doc,
        page,
        heading=heading,
        title=_("The whole report"),
        columns=columns,
        rows=[Row([n.term, n.text]) for n in general],
    )
    for note in notes:
        if note.figures:
            rows = [Row([label, definition]) for label, definition in note.figures]
            page = draw_table(doc, page, heading=heading, title=note.term, columns=columns, rows=rows, note=note.text)


def report_pdf(
    report: dict, *, hub_name: str, title: str | None = None, generated_on: datetime.date | None = None
) -> bytes:
    """The report of `full_report` as an A4 PDF (`full_report(enterprises=PDF_ENTERPRISES)` reads no more
    enterprises than it prints). The impact per enterprise is printed only when the report holds it
    (`report["enterprises"]` is None for those who may not read personal data)."""
    title = title or _("Programme report")
    generated_on = generated_on or timezone.localdate()
    doc = Document()
    draw_cover(doc, report, hub_name=hub_name, title=title, generated_on=generated_on)
    draw_key_figures(doc, report)
    draw_charts(doc, report)
    draw_tables(doc, report)
    if report.get("enterprises") is not None:
        draw_enterprises(doc, report["enterprises"], followed=report["impact"]["enterprises_followed"])
    draw_method_notes(doc)
    period = period_text(report.get("filters") or {})
    doc.footer(left=" – ".join(part for part in (PROGRAMME, hub_name, period) if part))
    return doc.save(title=title, subject=" – ".join(part for part in (hub_name, period) if part), creator=PROGRAMME)
