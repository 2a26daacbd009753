"""The page layout of the PDF report, drawn with matplotlib: A4 pages positioned in millimetres, text
wrapped to a width, tables carried over pages with their column titles, blocks of key figures. What the
report says is in `hub.reports.pdf`."""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from hub.reports.charts import DARK_GREY, GREEN, GRID_GREY, INK, text_width

PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
"""A4 portrait, in millimetres; every position on a page is in millimetres from its top left corner."""
LEFT, RIGHT, TOP, BOTTOM = 18.0, 192.0, 16.0, 280.0
WIDTH = RIGHT - LEFT
MM_PER_POINT = 25.4 / 72
TABLE_ROWS_PER_PAGE = 30
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

    def save(self, *, title: str, subject: str, creator: str) -> bytes:
        buffer = io.BytesIO()
        metadata = {
            "Title": title,
            "Subject": subject,
            "Creator": creator,
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
        size = min(_fitting_size(column.title, width=column.width - 2.4, size=HEADER_SIZE) for column in columns)
        titles = [
            (size, clip(wrap(column.title, width=column.width - 2.4, size=size, weight="bold"), most=5))
            for column in columns
        ]
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
