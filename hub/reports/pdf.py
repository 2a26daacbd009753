"""The programme report as a printable A4 PDF, drawn with matplotlib from the plain data of
`hub.reports.selectors.full_report`: a cover, the key figures, the charts, the tables and notes on how each
figure is computed. The same report gives the same bytes (no dates in the metadata)."""

import datetime
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from hub.classifications import IsicSection, SizeClass
from hub.models import AdministrativeUnit, Hub, TargetIndicator, User
from hub.reports import charts
from hub.reports.charts import (
    DARK_GREY,
    GREEN,
    GRID_GREY,
    INK,
    format_amount,
    format_days,
    format_number,
    format_share,
    text_width,
)
from hub.reports.selectors import BACKLOG_NOTE

SATISFIED = TargetIndicator.SATISFIED_PERCENT.value

PROGRAMME = "HUB IIT"
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
"""A4 portrait, in millimetres; every position on a page is in millimetres from its top left corner."""
LEFT, RIGHT, TOP, BOTTOM = 18.0, 192.0, 16.0, 280.0
WIDTH = RIGHT - LEFT
MM_PER_POINT = 25.4 / 72
TABLE_ROWS_PER_PAGE = 30
PDF_ENTERPRISES = 10 * TABLE_ROWS_PER_PAGE
"""The most enterprises printed in the impact table, the first by name: a large hub follows tens of
thousands up in a year (thousands of pages, minutes to draw); the spreadsheet exports list them all."""
ZEBRA = "#f3f3f3"

BODY_SIZE = 10.0
TABLE_SIZE = 9.0
HEADER_SIZE = 8.5


# Pages --------------------------------------------------------------------------------------------


def wrap(text: str, *, width: float, size: float, weight: str = "normal") -> list[str]:
    """`text` in lines no wider than `width` millimetres, broken at ordinary spaces only (never inside a
    number grouped with thin spaces); a word longer than that keeps its own line."""
    limit = width / MM_PER_POINT
    space = text_width("x x", size=size, weight=weight) - text_width("xx", size=size, weight=weight)
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line, line_width = "", 0.0
        for word in paragraph.split(" "):
            if not word:
                continue
            word_width = text_width(word, size=size, weight=weight)
            if line and line_width + space + word_width > limit:
                lines.append(line)
                line, line_width = word, word_width
            elif line:
                line, line_width = f"{line} {word}", line_width + space + word_width
            else:
                line, line_width = word, word_width
        lines.append(line)
    return lines


def clip(lines: list[str], *, most: int) -> list[str]:
    if len(lines) <= most:
        return lines
    return [*lines[: most - 1], lines[most - 1].rstrip(" .,;:") + "…"]


def line_height(size: float) -> float:
    return size * 1.3 * MM_PER_POINT


@dataclass
class Page:
    fig: Figure
    y: float = TOP

    def text(self, x: float, y: float, text: str, *, size: float = BODY_SIZE, **style) -> None:
        style = {"color": INK, "ha": "left", "va": "top", **style}
        self.fig.text(x / PAGE_WIDTH, 1 - y / PAGE_HEIGHT, text, fontsize=size, parse_math=False, **style)

    def lines(self, x: float, y: float, lines: Sequence[str], *, size: float = BODY_SIZE, **style) -> float:
        """`lines` one under the other from `y`; returns the height they take."""
        step = line_height(size)
        for index, line in enumerate(lines):
            self.text(x, y + index * step, line, size=size, **style)
        return step * len(lines)

    def rect(self, x: float, y: float, width: float, height: float, *, color: str) -> None:
        self.fig.add_artist(
            Rectangle(
                (x / PAGE_WIDTH, 1 - (y + height) / PAGE_HEIGHT),
                width / PAGE_WIDTH,
                height / PAGE_HEIGHT,
                transform=self.fig.transFigure,
                facecolor=color,
                edgecolor="none",
                zorder=-1,
            )
        )

    def rule(self, y: float, *, x0: float = LEFT, x1: float = RIGHT, color: str = GRID_GREY, width: float = 0.6):
        """A horizontal line at `y`, `width` points thick."""
        height = 1 - y / PAGE_HEIGHT
        line = Line2D([x0 / PAGE_WIDTH, x1 / PAGE_WIDTH], [height, height], color=color, linewidth=width)
        self.fig.add_artist(line)

    @property
    def room(self) -> float:
        return BOTTOM - self.y


@dataclass
class Document:
    pages: list[Page] = field(default_factory=list)

    def new_page(self, *, heading: str | None = None) -> Page:
        fig = Figure(figsize=(PAGE_WIDTH / 25.4, PAGE_HEIGHT / 25.4), facecolor="white")
        page = Page(fig)
        self.pages.append(page)
        if heading:
            self.heading(page, heading)
        return page

    def heading(self, page: Page, text: str) -> None:
        height = page.lines(LEFT, page.y, wrap(text, width=WIDTH, size=17, weight="bold"), size=17, weight="bold")
        page.rule(page.y + height + 1.5, color=GREEN, width=1.4)
        page.y += height + 6

    def footer(self, *, left: str) -> None:
        count = len(self.pages)
        for number, page in enumerate(self.pages, start=1):
            page.rule(BOTTOM + 4, color=GRID_GREY)
            page.text(LEFT, BOTTOM + 6, left, size=8, color=DARK_GREY)
            pages = _("Page %(number)s / %(count)s") % {"number": number, "count": count}
            page.text(RIGHT, BOTTOM + 6, pages, size=8, color=DARK_GREY, ha="right")

    def save(self, *, title: str, subject: str) -> bytes:
        buffer = io.BytesIO()
        metadata = {
            "Title": title,
            "Subject": subject,
            "Creator": PROGRAMME,
            "Producer": None,
            "CreationDate": None,
            "ModDate": None,
        }
        with PdfPages(buffer, metadata=metadata) as pdf:
            for page in self.pages:
                pdf.savefig(page.fig)
        return buffer.getvalue()


# Tables -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    numeric: bool = True
    group: str = ""
    """A title over this column and its neighbours of the same group."""


@dataclass(frozen=True)
class Row:
    cells: Sequence[str]
    kind: str = "body"
    """"body", "total" (bold, a rule above) or "group" (a bold title over the whole width)."""


def _cell(text: str, column: Column, *, size: float, weight: str) -> tuple[float, list[str]]:
    """A cell's type size and lines: text wrapped whole (two enterprises whose names start alike stay
    distinguishable), a number on one line, in smaller type only if it cannot fit the column."""
    if column.numeric:
        return _fitting_size(text, width=column.width - 2.4, size=size, weight=weight), [text]
    return size, wrap(text, width=column.width - 2.4, size=size, weight=weight)


def _fitting_size(text: str, *, width: float, size: float, weight: str = "bold", smallest: float = 6.5) -> float:
    """`size`, or a smaller one at which every word of `text` fits in `width` millimetres (words part at
    ordinary spaces only)."""
    words = [word for word in str(text).split(" ") if word]
    while size > smallest and any(text_width(word, size=size, weight=weight) * MM_PER_POINT > width for word in words):
        size -= 0.5
    return size


def _groups(columns: Sequence[Column]) -> list[tuple[str, float, float]]:
    """The column groups as (title, left, width) in millimetres, in order."""
    spans: list[tuple[str, float, float]] = []
    x = LEFT
    for column in columns:
        if column.group and spans and spans[-1][0] == column.group and spans[-1][1] + spans[-1][2] == x:
            title, left, width = spans.pop()
            spans.append((title, left, width + column.width))
        elif column.group:
            spans.append((column.group, x, column.width))
        x += column.width
    return spans


@dataclass(frozen=True)
class Header:
    """The column titles of a table, each under its group's title if it has one, as they are laid out."""

    columns: Sequence[Column]
    groups: list[tuple[list[str], float, float]]
    group_height: float
    titles: list[tuple[float, list[str]]]
    height: float

    @classmethod
    def of(cls, columns: Sequence[Column]) -> "Header":
        groups = [
            (wrap(title, width=width - 2.4, size=HEADER_SIZE, weight="bold"), left, width)
            for title, left, width in _groups(columns)
        ]
        group_height = max((len(lines) for lines, _left, _width in groups), default=0) * line_height(HEADER_SIZE)
        if group_height:
            group_height += 1.6
        titles = []
        for column in columns:
            size = _fitting_size(column.title, width=column.width - 2.4, size=HEADER_SIZE)
            lines = clip(wrap(column.title, width=column.width - 2.4, size=size, weight="bold"), most=4)
            titles.append((size, lines))
        height = max(
            len(lines) * line_height(size) + (group_height if column.group else 0)
            for column, (size, lines) in zip(columns, titles, strict=True)
        )
        return cls(columns, groups, group_height, titles, height + 2.4)

    def draw(self, page: Page) -> None:
        for lines, left, width in self.groups:
            page.lines(
                left + width / 2, page.y + 0.8, lines, size=HEADER_SIZE, weight="bold", color=DARK_GREY, ha="center"
            )
            page.rule(page.y + self.group_height, x0=left + 1.2, x1=left + width - 1.2, color=DARK_GREY, width=0.5)
        x = LEFT
        for column, (size, lines) in zip(self.columns, self.titles, strict=True):
            top = page.y + 0.8 + (self.group_height if column.group else 0)
            anchor = x + column.width - 1.2 if column.numeric else x + 1.2
            page.lines(
                anchor, top, lines, size=size, weight="bold", color=DARK_GREY, ha="right" if column.numeric else "left"
            )
            x += column.width


def draw_table(
    doc: Document,
    page: Page,
    *,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Row],
    note: str = "",
    empty: str = "",
    rows_per_page: int = TABLE_ROWS_PER_PAGE,
    heading: str | None = None,
) -> Page:
    """`rows` under `title` and the column titles, from `page.y` on, carried over to new pages (under
    `heading`, the titles repeated) when the page is full or holds `rows_per_page` rows. Returns the
    page it ends on."""
    title_lines = wrap(title, width=WIDTH, size=12, weight="bold")
    title_height = len(title_lines) * line_height(12) + 2.5
    header = Header.of(columns)

    def start(page: Page, *, continued: bool) -> Page:
        if page.room < title_height + header.height + min(len(rows), 3) * 6.2 + 4:
            page = doc.new_page(heading=heading)
        lines = (
            title_lines if not continued else wrap(_("%(title)s (continued)") % {"title": title}, width=WIDTH, size=12)
        )
        page.y += page.lines(LEFT, page.y, lines, size=12, weight="bold", color=GREEN) + 2.5
        header.draw(page)
        page.y += header.height
        page.rule(page.y, color=INK, width=0.8)
        return page

    page = start(page, continued=False)
    if not rows and empty:
        page.y += 2
        page.y += page.lines(LEFT + 1.2, page.y, wrap(empty, width=WIDTH, size=BODY_SIZE), color=DARK_GREY)
    on_page = 0
    for index, row in enumerate(rows):
        if row.kind == "group":
            cells = [wrap(row.cells[0], width=WIDTH - 2.4, size=TABLE_SIZE + 0.5, weight="bold")]
            height = len(cells[0]) * line_height(TABLE_SIZE + 0.5) + 2.6
        else:
            weight = "bold" if row.kind == "total" else "normal"
            cells = [
                _cell(text, column, size=TABLE_SIZE, weight=weight)
                for text, column in zip(row.cells, columns, strict=True)
            ]
            height = max(len(lines) for _size, lines in cells) * line_height(TABLE_SIZE) + 2.0
        kept_with_next = line_height(TABLE_SIZE) + 2.0 if row.kind == "group" else 0
        if page.room < height + kept_with_next or on_page >= rows_per_page:
            page = start(doc.new_page(heading=heading), continued=True)
            on_page = 0
        if row.kind == "group":
            page.y += 0.6
            page.lines(LEFT + 1.2, page.y + 1.0, cells[0], size=TABLE_SIZE + 0.5, weight="bold", color=GREEN)
        else:
            if row.kind == "total":
                page.rule(page.y, color=INK, width=0.8)
            elif index % 2:
                page.rect(LEFT, page.y, WIDTH, height, color=ZEBRA)
            x = LEFT
            for (size, lines), column in zip(cells, columns, strict=True):
                anchor = x + column.width - 1.2 if column.numeric else x + 1.2
                page.lines(
                    anchor,
                    page.y + 1.0,
                    lines,
                    size=size,
                    weight=weight,
                    ha="right" if column.numeric else "left",
                )
                x += column.width
            on_page += 1
        page.y += height
    page.rule(page.y, color=INK, width=0.8)
    page.y += 2
    if note:
        lines = wrap(note, width=WIDTH, size=8.5)
        if page.room < len(lines) * line_height(8.5):
            page = doc.new_page(heading=heading)
        page.y += page.lines(LEFT, page.y, lines, size=8.5, color=DARK_GREY)
    page.y += 8
    return page


def draw_figures(page: Page, *, x: float, width: float, title: str, lines: Sequence[tuple[str, str]]) -> float:
    """A block of key figures (label, value) at `x`, from `page.y`; returns the height it took."""
    y = page.y
    y += page.lines(x, y, wrap(title, width=width, size=12, weight="bold"), size=12, weight="bold", color=GREEN)
    y += 1.5
    page.rule(y, x0=x, x1=x + width, color=INK, width=0.8)
    value_width = max(text_width(value, size=BODY_SIZE, weight="bold") for _label, value in lines) * MM_PER_POINT
    for label, value in lines:
        label_lines = wrap(label, width=width - value_width - 4, size=BODY_SIZE)
        height = len(label_lines) * line_height(BODY_SIZE) + 2.2
        page.lines(x, y + 1.1, label_lines)
        page.text(x + width, y + 1.1, value, weight="bold", ha="right")
        y += height
        page.rule(y, x0=x, x1=x + width)
    return y - page.y


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


@dataclass(frozen=True)
class BreakdownNames:
    chart: str
    table: str
    column: str


def breakdown_names(by: str) -> BreakdownNames:
    """The chart's title, the table's title and the table's first column for the breakdown `by`."""
    names = {
        "month": (_("Cases received and visits by month"), _("Activity by month"), _("Month")),
        "hub": (_("Cases received and visits by hub"), _("Activity by hub"), _("Hub")),
        "region": (_("Cases received and visits by region"), _("Activity by region"), _("Region")),
        "sector": (_("Cases received and visits by sector"), _("Activity by sector"), _("Sector")),
        "size_class": (
            _("Cases received and visits by size class"),
            _("Activity by size class"),
            _("Size class"),
        ),
        "women_led": (
            _("Cases received and visits, women-led enterprises or not"),
            _("Activity, women-led enterprises or not"),
            _("Enterprises"),
        ),
        "referent": (_("Cases received and visits by referent"), _("Activity by referent"), _("Referent")),
    }
    return BreakdownNames(*names.get(by, (str(by), str(by), str(by))))


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
    page.lines(LEFT + 4, y, wrap(breakdown_names(breakdown).table, width=WIDTH - 4, size=11), size=11)
    generated = _("Generated on %(date)s") % {"date": formats.date_format(generated_on, "DATE_FORMAT")}
    page.text(LEFT, BOTTOM - 12, generated, size=11, color=DARK_GREY)


def draw_key_figures(doc: Document, report: dict) -> None:
    page = doc.new_page(heading=_("Key figures"))
    activity = report.get("activity") or {}
    quality = report.get("service_quality") or {}
    satisfaction = quality.get("satisfaction") or {}
    impact = report.get("impact") or {}
    turnover = impact.get("turnover") or {}
    n = format_number

    def mean(value) -> str:
        return _("%(mean)s / 5") % {"mean": format_number(value, decimals=2)} if value is not None else "—"

    left_width, right_width = 74.0, WIDTH - 74.0 - 10
    top = page.y
    height = draw_figures(
        page,
        x=LEFT,
        width=left_width,
        title=_("Activity"),
        lines=[
            (_("Cases received"), n(activity.get("cases_received"))),
            (_("Cases answered"), n(activity.get("cases_answered"))),
            (_("Cases resolved"), n(activity.get("cases_resolved"))),
            (_("Cases rejected"), n(activity.get("cases_rejected"))),
            (_("Cases referred to a partner"), n(activity.get("cases_referred"))),
            (_("Site visits"), n(activity.get("visits"))),
            (_("People reached in visits"), n(activity.get("people_reached"))),
            (_("of which women"), n(activity.get("women_reached"))),
            (_("Enterprises reached"), n(activity.get("enterprises_reached"))),
            (_("of which women-led"), n(activity.get("women_led_enterprises_reached"))),
        ],
    )
    page.y += height + 7
    height = draw_figures(
        page,
        x=LEFT,
        width=left_width,
        title=_("Satisfaction with the cases"),
        lines=[
            (_("Cases rated"), n(satisfaction.get("rated"))),
            (_("Mean rating"), mean(satisfaction.get("mean"))),
            (_("Rated requests satisfied (4 or 5)"), format_share(satisfaction.get("satisfied_share"))),
            (_("Answer rate"), format_share(satisfaction.get("answer_rate"))),
        ],
    )
    page.y += height + 7
    answers = (impact.get("followups_due") or {}).get("total") or {}
    height = draw_figures(
        page,
        x=LEFT,
        width=left_width,
        title=_("Answer rate of the 6- and 12-month follow-ups"),
        lines=[
            (_("Due in the period"), n(answers.get("due"))),
            (_("Collected by now"), n(answers.get("collected"))),
            (_("On time"), n(answers.get("on_time"))),
            (_("Answer rate"), format_share(answers.get("answer_rate"))),
            (_("Self-reported share"), format_share(answers.get("self_reported_share"))),
        ],
    )
    left_bottom = page.y + height
    page.y = top
    nps = impact.get("net_promoter_score")
    height = draw_figures(
        page,
        x=LEFT + left_width + 10,
        width=right_width,
        title=_("Impact (follow-ups of the period)"),
        lines=[
            (_("Follow-ups collected"), n(impact.get("followups"))),
            (_("Enterprises followed up"), n(impact.get("enterprises_followed"))),
            (_("Technology adopted"), n(impact.get("technology_adopted"))),
            (_("Jobs created"), n(impact.get("jobs_created"))),
            (_("Jobs kept"), n(impact.get("jobs_kept"))),
            (_("New sales"), format_amount(impact.get("new_sales_xof"))),
            (_("Sales kept"), format_amount(impact.get("kept_sales_xof"))),
            (_("Investment made"), format_amount(impact.get("investment_xof"))),
            (_("Cost savings"), format_amount(impact.get("cost_savings_xof"))),
            (_("New products"), n(impact.get("new_products"))),
            (_("New processes"), n(impact.get("new_processes"))),
            (_("Mean satisfaction"), mean(impact.get("satisfaction_mean"))),
            (
                ngettext(
                    "Net Promoter Score (%(answers)s answer)",
                    "Net Promoter Score (%(answers)s answers)",
                    impact.get("recommend_answers") or 0,
                )
                % {"answers": n(impact.get("recommend_answers"))},
                format_number(nps, signed=True),
            ),
        ],
    )
    page.y += height + 7
    change = turnover.get("change_xof") if turnover.get("enterprises") else None
    height = draw_figures(
        page,
        x=LEFT + left_width + 10,
        width=right_width,
        title=_("Turnover against baseline"),
        lines=[
            (_("Enterprises with both figures"), n(turnover.get("enterprises"))),
            (_("Baseline turnover"), format_amount(turnover.get("baseline_xof"))),
            (_("Latest turnover"), format_amount(turnover.get("latest_xof"))),
            (_("Change in turnover"), format_amount(change, signed=True)),
            (_("Change, share of baseline"), format_share(turnover.get("change_share"), decimals=1, signed=True)),
        ],
    )
    page.y = max(left_bottom, page.y + height) + 9

    delays = quality.get("delays") or {}
    rows = []
    for name, label in charts.delay_stages().items():
        figures = delays.get(name) or {}
        rows.append(
            Row(
                [
                    label,
                    n(figures.get("count")),
                    n(figures.get("overdue_open")),
                    format_days(figures.get("median_days")),
                    format_days(figures.get("p90_days")),
                    format_share(figures.get("within_standard_share")),
                ]
            )
        )
    draw_table(
        doc,
        page,
        title=_("Service quality: days from receipt of a case"),
        columns=[
            Column(_("Stage"), 44, numeric=False),
            Column(_("Cases that reached it"), 26),
            Column(_("Open past due"), 26),
            Column(_("Median (days)"), 26),
            Column(_("90th percentile (days)"), 26),
            Column(_("Within standard"), 26),
        ],
        rows=rows,
    )


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
                lambda fig: charts.draw_breakdown(fig, rows, title=breakdown_names(by).chart, scale=CHART_SCALE),
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


def draw_tables(doc: Document, report: dict) -> None:
    heading = _("Tables")
    page = doc.new_page(heading=heading)
    n = format_number
    breakdown = report.get("breakdown") or {}
    by = breakdown.get("by", "")
    activity = report.get("activity") or {}
    keys = [
        "cases_received",
        "cases_answered",
        "cases_resolved",
        "visits",
        "enterprises_reached",
        "women_led_enterprises_reached",
        "people_reached",
        "women_reached",
    ]
    numbers = (WIDTH - 46.0) / len(keys)
    cases, enterprises, people = _("Cases"), _("Enterprises reached"), _("People reached in visits")
    columns = [
        Column(breakdown_names(by).column, 46.0, numeric=False),
        Column(_("received"), numbers, group=cases),
        Column(_("answered"), numbers, group=cases),
        Column(_("resolved"), numbers, group=cases),
        Column(_("Site visits"), numbers),
        Column(_("total"), numbers, group=enterprises),
        Column(_("led by women"), numbers, group=enterprises),
        Column(_("total"), numbers, group=people),
        Column(_("women"), numbers, group=people),
    ]
    rows = [
        Row([str(row.get("label") or row.get("key") or "")] + [n(row.get(key)) for key in keys])
        for row in breakdown.get("rows") or []
    ]
    if rows:
        rows.append(Row([_("Total")] + [n(activity.get(key)) for key in keys], kind="total"))
    page = draw_table(
        doc,
        page,
        heading=heading,
        title=breakdown_names(by).table,
        columns=columns,
        rows=rows,
        empty=_("No case received and no visit in this period."),
        note=_("An enterprise reached in several groups counts in each of them, and once in the total."),
    )

    answer_lines = ((report.get("impact") or {}).get("followups_due") or {}).items()
    widths = [(_("Due in the period"), 15.5), (_("Collected by now"), 18), (_("On time"), 13), (_("Late"), 12.5)]
    widths += [(_("Missing"), 17.5), (_("Answer rate"), 16.5)]
    widths += [(_("Self-reported"), 23.5), (_("Self-reported share"), 23.5)]
    page = draw_table(
        doc,
        page,
        heading=heading,
        title=_("Follow-up answer rate"),
        columns=[
            Column(_("Follow-ups"), WIDTH - sum(width for _title, width in widths), numeric=False),
            *(Column(title, width) for title, width in widths),
        ],
        rows=[
            Row(
                [
                    str(line.get("label") or key),
                    n(line.get("due")),
                    n(line.get("collected")),
                    n(line.get("on_time")),
                    n(line.get("late")),
                    n(line.get("missing")),
                    format_share(line.get("answer_rate")),
                    n(line.get("self_reported")),
                    format_share(line.get("self_reported_share")),
                ],
                kind="total" if key == "total" else "body",
            )
            for key, line in answer_lines
        ],
        note=_(
            "Follow-ups due in the period whose due date has passed, whenever they were collected; on time: "
            "collected by the due date. Answer rate: collected on time over due. The total counts the 6- and "
            "12-month follow-ups, not the baselines."
        ),
    )

    report_targets = report.get("targets") or {}
    year = report_targets.get("years_label")
    target_rows = []
    hubs = report_targets.get("hubs") or []
    groups = [(hub.get("name") or hub.get("hub") or "", hub.get("indicators") or []) for hub in hubs]
    if report_targets.get("total"):
        groups.append((_("All hubs"), report_targets["total"]))
    for name, indicators in groups:
        if len(groups) > 1:
            target_rows.append(Row([name], kind="group"))
        for line in indicators:
            target_rows.append(
                Row(
                    [
                        str(line.get("label") or line.get("indicator") or ""),
                        n(line.get("target")),
                        n(line.get("expected")),
                        n(line.get("actual"), decimals=1 if line.get("indicator") == SATISFIED else 0),
                        format_share(line.get("share"), decimals=1),
                    ]
                )
            )
    whose = f" – {groups[0][0]}" if len(groups) == 1 else ""
    draw_table(
        doc,
        page,
        heading=heading,
        title=_("Targets %(year)s") % {"year": year or ""} + whose,
        columns=[
            Column(_("Indicator"), 70, numeric=False),
            Column(_("Target for the year"), 26),
            Column(_("Expected for the period"), 26),
            Column(_("Actual"), 26),
            Column(_("Share of target"), WIDTH - 148),
        ],
        rows=target_rows,
        empty=report_targets.get("omitted") or _("No hub in this report."),
        note=_("The expected figure is the target pro rata of the part of the year the period covers."),
    )


def draw_enterprises(doc: Document, enterprises: Sequence[dict], *, followed: int) -> None:
    """The note says when `enterprises` are the first of more (`followed`)."""
    heading = _("Impact per enterprise")
    note = _(
        "Amounts in FCFA. Turnover: at the baseline and at the latest follow-up of the period; jobs created "
        "and investment: the sums reported by the follow-ups of the period."
    )
    if followed > len(enterprises):
        note += " " + _(
            "The first %(shown)s of the %(followed)s enterprises followed up, by name: the spreadsheet export "
            "of the report lists them all."
        ) % {"shown": format_number(len(enterprises)), "followed": format_number(followed)}
    page = doc.new_page(heading=heading)
    n = format_number
    turnover = _("Yearly turnover (FCFA)")
    rows = [
        Row(
            [
                str(item.get("name") or ""),
                str(item.get("region__name") or "—"),
                n(item.get("baseline_turnover")),
                n(item.get("latest_turnover")),
                n(item.get("turnover_change"), signed=True),
                n(item.get("baseline_employees")),
                n(item.get("jobs_created")),
                n(item.get("investment")),
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
            Column(_("Enterprise"), 37.5, numeric=False),
            Column(_("Region"), 20, numeric=False),
            Column(_("baseline"), 22.5, group=turnover),
            Column(_("latest"), 22.5, group=turnover),
            Column(_("change"), 24, group=turnover),
            Column(_("Staff at baseline"), 15),
            Column(_("Jobs created"), 11.5),
            Column(_("Investment (FCFA)"), WIDTH - 153),
        ],
        rows=rows,
        empty=_("No enterprise was followed up in this period."),
        note=note,
    )


def method_notes() -> list[tuple[str, str]]:
    return [
        (
            _("Period"),
            _(
                "Cases count by the date they were received, visits by the date they started and impact "
                "follow-ups by the date they were collected (6- and 12-month follow-ups)."
            ),
        ),
        (
            _("Cases answered and resolved"),
            _(
                "A case is answered once a first contact with the enterprise is recorded, and resolved when its "
                "status is resolved or closed."
            ),
        ),
        (
            _("Enterprises reached"),
            _(
                "The distinct enterprises with a case received or a visit in the period: an enterprise with "
                "several cases and visits counts once."
            ),
        ),
        (
            _("Delays"),
            _(
                "Calendar days from the receipt of the case to its acknowledgement, assignment, first contact "
                "and resolution, for the cases received in the period that reached the stage: the median and "
                "the 90th percentile, both by the nearest-rank method (half the cases, and nine in ten, took "
                "no longer)."
            ),
        ),
        (
            _("Within standard"),
            _(
                "The share of the cases received in the period for which the stage was done on or before its "
                "due date, over those that reached the stage and those still open past its due date on the day "
                "of the report, which count as missed. The due dates come from the hub's service standards, "
                "counted in working days (weekends and public holidays excluded)."
            ),
        ),
        (
            _("Open cases"),
            BACKLOG_NOTE,
        ),
        (
            _("Satisfaction"),
            _(
                "Enterprises rate the resolved cases from 1 to 5; a rated request is satisfied with a rating of 4 "
                "or 5. The answer rate is the number of cases rated divided by the number of cases resolved."
            ),
        ),
        (
            _("Net Promoter Score"),
            _(
                "From the follow-ups' answer to “how likely are you to recommend the hub” (0 to 10): the "
                "percentage of 9 and 10 less the percentage of 0 to 6, between −100 and +100."
            ),
        ),
        (
            _("Follow-up answer rate"),
            _(
                "The 6- and 12-month follow-ups due in the period whose due date has passed (those due on the day "
                "of the report or later are not counted yet), whenever they were collected. On time means "
                "collected on or before the due date; the answer rate is the number collected on time divided by "
                "the number due; the self-reported share is the share of those collected that the enterprise "
                "answered itself through its link. Baselines have a line of their own, outside the total. With a "
                "referent filter, a follow-up due counts for the referent in charge of it, or for whoever "
                "collected it when nobody was in charge (the other impact figures count the follow-ups the "
                "referent collected)."
            ),
        ),
        (
            _("Turnover change"),
            _(
                "For the enterprises that have both figures: the yearly turnover of the latest follow-up of the "
                "period less the turnover recorded at the baseline."
            ),
        ),
        (
            _("Targets"),
            _(
                "The hub's targets of each year the period touches, one line per year, each against the actual "
                "figures of the part of the period inside that year. The expected figure is the target pro rata "
                "of the days of that year the period covers. Targets are left out of a report narrowed to part "
                "of the enterprises (a region, a sector, a size, women-led enterprises) or to a referent. "
                "Satisfied SMEs are the enterprises whose mean "
                "rating of their cases of the period is 4 or more, as a share of the enterprises that rated one, "
                "compared with its target as it is. Every share of a target is taken on the exact figure and "
                "rounded only where it is printed."
            ),
        ),
        (
            _("Amounts"),
            _("In whole francs CFA (FCFA, XOF), as reported by the enterprises at the follow-ups."),
        ),
    ]


def draw_method_notes(doc: Document) -> None:
    heading = _("Method notes")
    page = doc.new_page(heading=heading)
    for term, explanation in method_notes():
        term_lines = wrap(term, width=WIDTH, size=11, weight="bold")
        lines = wrap(explanation, width=WIDTH, size=BODY_SIZE)
        needed = len(term_lines) * line_height(11) + len(lines) * line_height(BODY_SIZE) + 6
        if page.room < needed:
            page = doc.new_page(heading=heading)
        page.y += page.lines(LEFT, page.y, term_lines, size=11, weight="bold", color=GREEN) + 1
        page.y += page.lines(LEFT, page.y, lines) + 5


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
    return doc.save(title=title, subject=" – ".join(part for part in (hub_name, period) if part))
