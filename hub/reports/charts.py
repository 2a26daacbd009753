"""Charts of the report figures (the plain data of `hub.reports.selectors`), drawn with matplotlib.

Each public chart function returns the chart as SVG or PNG bytes. They build a `Figure` of their own and
never touch pyplot, so they are safe in threads. Each has a `draw_*` twin that draws into a figure or
subfigure it is given, which the PDF uses to lay out several charts on a page.

Made to be read on a projector and in black and white: greys and one dark green, hatches to tell the
series apart, large type, the value written on each bar. Labels from the data (names of regions,
enterprises, referents) are shown as typed: never as mathtext.
"""

import functools
import io
import math
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
from django.utils.translation import gettext as _
from matplotlib.figure import Figure, SubFigure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FuncFormatter, MaxNLocator

from hub.reports.figures import FIGURES, STAGES, format_days, format_number, format_share

GREEN = "#0b5d3b"
INK = "#1a1a1a"
DARK_GREY = "#4d4d4d"
LIGHT_GREY = "#d9d9d9"
GRID_GREY = "#e6e6e6"


@dataclass(frozen=True)
class Sizes:
    """Type sizes in points: at scale 1 for a screen or a projector (10 inches wide), smaller for print."""

    title: float = 15.0
    label: float = 12.0
    value: float = 11.0

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        base = cls()
        return cls(title=base.title * scale, label=base.label * scale, value=base.value * scale)


PRIMARY = {"facecolor": GREEN, "edgecolor": GREEN, "linewidth": 0.8}
SECONDARY = {"facecolor": LIGHT_GREY, "edgecolor": INK, "hatch": "///", "linewidth": 0.8}

MAX_GROUPS = 12
PNG_DPI = 150
FORMATS = ("svg", "png")

_SVG_LOCK = threading.Lock()
"""The SVG writer reads `svg.hashsalt` and `svg.fonttype` from the process-wide rcParams: they are set
for the length of one save, one save at a time."""
_SVG_RC = {"svg.hashsalt": "hub-iit-report", "svg.fonttype": "none"}
_TEXT_TO_PATH = TextToPath()


def plain(text) -> str:
    """`text` to show as typed: a `$` would otherwise start mathtext."""
    return str(text).replace("$", r"\$")


@functools.lru_cache(maxsize=8192)
def text_width(text: str, *, size: float, weight: str = "normal") -> float:
    """Width of `text` in points, set in the default font (DejaVu Sans) at `size` points."""
    if not text:
        return 0.0
    font = FontProperties(size=size, weight=weight)
    width, _height, _descent = _TEXT_TO_PATH.get_text_width_height_descent(text, font, ismath=False)
    return width


def wrap_label(text, *, width: int = 26, lines: int = 2) -> str:
    """A long category label on at most `lines` lines of about `width` characters."""
    wrapped = textwrap.wrap(str(text), width=width, break_long_words=True) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return plain("\n".join(wrapped))


# Output ---------------------------------------------------------------------------------------------


def new_figure(*, width: float = 10.0, height: float = 5.4) -> Figure:
    return Figure(figsize=(width, height), layout="constrained", facecolor="white")


def render(fig: Figure, *, fmt: str) -> bytes:
    """`fig` as SVG (text kept as text, the same bytes for the same chart) or PNG."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown chart format {fmt!r}: use one of {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    if fmt == "svg":
        with _SVG_LOCK, matplotlib.rc_context(_SVG_RC):
            fig.savefig(buffer, format="svg", metadata={"Date": None})
    else:
        fig.savefig(buffer, format="png", dpi=PNG_DPI)
    return buffer.getvalue()


# Pieces shared by the charts --------------------------------------------------------------------------


def _count(value) -> int:
    return value or 0


def _title(fig: Figure | SubFigure, title: str | None, sizes: Sizes) -> None:
    if title:
        fig.suptitle(plain(title), x=0.01, ha="left", fontsize=sizes.title, fontweight="bold", color=INK)


def _legend(ax, handles: Sequence, sizes: Sizes, *, beside: Sequence[str] = ()) -> None:
    """The legend above the plot, under the title: in one row when it fits in the plot's width, which is
    the figure's less the widest label `beside` the plot."""
    handles = list(handles)
    em = sizes.label
    wide = sum(text_width(handle.get_label(), size=sizes.label) + 4.4 * em for handle in handles)
    room = _width_points(ax.figure) - max(
        (text_width(line, size=sizes.label) for label in beside for line in label.split("\n")), default=0
    )
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0, 1.02),
        borderaxespad=0,
        ncols=len(handles) if wide < 0.8 * room else 1,
        frameon=False,
        fontsize=sizes.label,
        handlelength=2.2,
        handleheight=1.2,
    )


def _patches(entries: Sequence[tuple[dict, str]]) -> list[Patch]:
    return [Patch(**style, label=label) for style, label in entries]


def _empty(fig: Figure | SubFigure, message: str, sizes: Sizes) -> None:
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=sizes.label + 1, color=DARK_GREY, wrap=True)


def _plain_axes(ax, *, value_axis: str, sizes: Sizes) -> None:
    """No box, a light grid along the values only, behind the bars."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left" if value_axis == "x" else "bottom"].set_color(DARK_GREY)
    ax.spines["bottom" if value_axis == "x" else "left"].set_visible(False)
    ax.set_axisbelow(True)
    ax.grid(axis=value_axis, color=GRID_GREY, linewidth=0.8)
    ax.tick_params(labelsize=sizes.label, colors=INK, length=0)
    ax.tick_params(axis=value_axis, labelcolor=DARK_GREY)


def _integer_axis(axis) -> None:
    axis.set_major_locator(MaxNLocator(integer=True, nbins=6, steps=[1, 2, 2.5, 5, 10], min_n_ticks=2))
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: format_number(value)))


def _width_points(fig: Figure | SubFigure) -> float:
    return fig.bbox.width / fig.dpi * 72


def _label_bars(ax, bars, labels: Sequence[str], sizes: Sizes, *, rotate: bool = False) -> None:
    ax.bar_label(bars, labels=list(labels), padding=3, fontsize=sizes.value, color=INK, rotation=90 if rotate else 0)


def _headroom(top: float, *, factor: float) -> float:
    return max(top * factor, 1.0)


# Activity per month ---------------------------------------------------------------------------------


def draw_monthly_activity(
    fig: Figure | SubFigure, rows: Sequence[dict], *, title: str | None = None, scale: float = 1.0
) -> None:
    """Cases received and visits per month, side by side."""
    sizes = Sizes.at(scale)
    _title(fig, _("Cases received and visits per month") if title is None else title, sizes)
    received = [_count(row.get("cases_received")) for row in rows]
    visits = [_count(row.get("visits")) for row in rows]
    if not any(received) and not any(visits):
        _empty(fig, _("No case received and no visit in this period."), sizes)
        return
    ax = fig.add_subplot()
    _legend(ax, _patches([(PRIMARY, str(FIGURES["activity.cases_received"].label)), (SECONDARY, _("Visits"))]), sizes)
    _plain_axes(ax, value_axis="y", sizes=sizes)
    count = len(rows)
    positions = list(range(count))
    width = 0.42
    bars_received = ax.bar([p - width / 2 for p in positions], received, width, **PRIMARY)
    bars_visits = ax.bar([p + width / 2 for p in positions], visits, width, **SECONDARY)

    group_points = _width_points(fig) * 0.88 / count
    labels = [str(row.get("label") or row.get("key") or "") for row in rows]
    step = max(1, math.ceil(count / 18))
    ax.set_xticks(positions, [plain(label) if index % step == 0 else "" for index, label in enumerate(labels)])
    if max(text_width(label, size=sizes.label) for label in labels) > group_points * step * 0.92:
        for tick in ax.get_xticklabels():
            tick.set(rotation=45, ha="right", rotation_mode="anchor")
    ax.set_xlim(-0.6, count - 0.4)

    widest_value = max(text_width(format_number(value), size=sizes.value) for value in received + visits)
    rotate = widest_value > group_points * width - 1
    if count <= 36:
        # Crowded bars leave the empty months unlabelled.
        for bars, values in ((bars_received, received), (bars_visits, visits)):
            labels = [format_number(value) if value or not rotate else "" for value in values]
            _label_bars(ax, bars, labels, sizes, rotate=rotate)
    _integer_axis(ax.yaxis)
    ax.set_ylim(0, _headroom(max(received + visits), factor=1.22 if rotate else 1.12))


def monthly_activity(rows: Sequence[dict], *, fmt: str = "svg", title: str | None = None) -> bytes:
    fig = new_figure(width=10, height=5.6)
    draw_monthly_activity(fig, rows, title=title)
    return render(fig, fmt=fmt)


# Activity per group ---------------------------------------------------------------------------------


def top_groups(rows: Sequence[dict], *, limit: int = MAX_GROUPS) -> list[dict]:
    """At most `limit` groups: the largest ones by cases and visits, in their order, and the others
    summed in a last group."""
    rows = list(rows)
    if len(rows) <= limit:
        return rows
    size = [_count(row.get("cases_received")) + _count(row.get("visits")) for row in rows]
    kept = set(sorted(range(len(rows)), key=lambda index: -size[index])[: limit - 1])
    rest = [row for index, row in enumerate(rows) if index not in kept]
    others = {
        "key": None,
        "label": _("Others (%(count)s groups)") % {"count": len(rest)},
        "cases_received": sum(_count(row.get("cases_received")) for row in rest),
        "visits": sum(_count(row.get("visits")) for row in rest),
    }
    return [row for index, row in enumerate(rows) if index in kept] + [others]


def draw_breakdown(fig: Figure | SubFigure, rows: Sequence[dict], *, title: str | None, scale: float = 1.0) -> None:
    """Cases received and visits per group, as horizontal bars, the first group on top."""
    sizes = Sizes.at(scale)
    _title(fig, title, sizes)
    groups = top_groups(rows)
    received = [_count(row.get("cases_received")) for row in groups]
    visits = [_count(row.get("visits")) for row in groups]
    if not any(received) and not any(visits):
        _empty(fig, _("No case received and no visit in this period."), sizes)
        return
    labels = [wrap_label(row.get("label") or row.get("key") or "") for row in groups]
    ax = fig.add_subplot()
    _legend(
        ax,
        _patches([(PRIMARY, str(FIGURES["activity.cases_received"].label)), (SECONDARY, _("Visits"))]),
        sizes,
        beside=labels,
    )
    _plain_axes(ax, value_axis="x", sizes=sizes)
    height = 0.4
    positions = list(range(len(groups)))
    bars_received = ax.barh([p - height / 2 for p in positions], received, height, **PRIMARY)
    bars_visits = ax.barh([p + height / 2 for p in positions], visits, height, **SECONDARY)
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    _label_bars(ax, bars_received, [format_number(v) for v in received], sizes)
    _label_bars(ax, bars_visits, [format_number(v) for v in visits], sizes)
    _integer_axis(ax.xaxis)
    ax.set_xlim(0, _headroom(max(received + visits), factor=1.14))


def breakdown(rows: Sequence[dict], *, title: str, fmt: str = "svg") -> bytes:
    fig = new_figure(width=10, height=1.9 + 0.62 * max(len(top_groups(rows)), 2))
    draw_breakdown(fig, rows, title=title)
    return render(fig, fmt=fmt)


# Service quality ------------------------------------------------------------------------------------


def draw_delays(
    fig: Figure | SubFigure, service_quality: dict | None, *, title: str | None = None, scale: float = 1.0
) -> None:
    """Median and 90th percentile of the days from receipt to each stage, with the share done within the
    hub's standard under the stage's name."""
    sizes = Sizes.at(scale)
    _title(fig, _("Days from receipt of a case to each stage") if title is None else title, sizes)
    delays = (service_quality or {}).get("delays") or {}
    stages = [(str(label), delays.get(name) or {}) for name, label in STAGES.items()]
    medians = [figures.get("median_days") for _label, figures in stages]
    p90s = [figures.get("p90_days") for _label, figures in stages]
    if all(value is None for value in medians + p90s):
        _empty(fig, _("No case reached these stages in this period."), sizes)
        return
    labels = []
    for label, figures in stages:
        share = figures.get("within_standard_share")
        if share is not None:
            within = FIGURES["delays.within_standard_share"].text(share)
            label = "\n".join([label, _("%(share)s within standard") % {"share": within}])
        labels.append(plain(label))
    ax = fig.add_subplot()
    _legend(ax, _patches([(PRIMARY, _("Median")), (SECONDARY, _("90th percentile"))]), sizes, beside=labels)
    _plain_axes(ax, value_axis="x", sizes=sizes)
    height = 0.4
    positions = list(range(len(stages)))
    bars_median = ax.barh([p - height / 2 for p in positions], [v or 0 for v in medians], height, **PRIMARY)
    bars_p90 = ax.barh([p + height / 2 for p in positions], [v or 0 for v in p90s], height, **SECONDARY)
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    _label_bars(ax, bars_median, [format_days(v) for v in medians], sizes)
    _label_bars(ax, bars_p90, [format_days(v) for v in p90s], sizes)
    ax.set_xlabel(_("Calendar days"), fontsize=sizes.label, color=DARK_GREY)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: format_number(value)))
    ax.set_xlim(0, _headroom(max(v or 0 for v in medians + p90s), factor=1.15))


def delays(service_quality: dict | None, *, fmt: str = "svg", title: str | None = None) -> bytes:
    fig = new_figure(width=10, height=5.4)
    draw_delays(fig, service_quality, title=title)
    return render(fig, fmt=fmt)


def age_band(band: dict) -> str:
    low, high = band.get("min_days"), band.get("max_days")
    if high is None:
        return _("%(low)s days and more") % {"low": low}
    return _("%(low)s–%(high)s days") % {"low": low, "high": high}


def draw_backlog(
    fig: Figure | SubFigure, backlog_by_age: Sequence[dict] | None, *, title: str | None = None, scale: float = 1.0
) -> None:
    """The cases open today, per band of days since receipt."""
    sizes = Sizes.at(scale)
    _title(fig, _("Open cases by days since receipt") if title is None else title, sizes)
    bands = list(backlog_by_age or [])
    if not bands:
        _empty(fig, _("No open case."), sizes)
        return
    counts = [_count(band.get("open_cases")) for band in bands]
    ax = fig.add_subplot()
    _plain_axes(ax, value_axis="y", sizes=sizes)
    positions = list(range(len(bands)))
    bars = ax.bar(positions, counts, 0.6, **PRIMARY)
    ax.set_xticks(positions, [plain(age_band(band)) for band in bands])
    _label_bars(ax, bars, [format_number(v) for v in counts], sizes)
    ax.set_ylabel(str(FIGURES["backlog.open_cases"].label), fontsize=sizes.label, color=DARK_GREY)
    _integer_axis(ax.yaxis)
    ax.set_ylim(0, _headroom(max(counts), factor=1.15))


def backlog(backlog_by_age: Sequence[dict] | None, *, fmt: str = "svg", title: str | None = None) -> bytes:
    fig = new_figure(width=10, height=4.8)
    draw_backlog(fig, backlog_by_age, title=title)
    return render(fig, fmt=fmt)


# Impact ---------------------------------------------------------------------------------------------


IMPACT_RESULTS = ("jobs_created", "jobs_kept", "technology_adopted", "new_products", "new_processes")
"""The counts of the impact section that the chart shows; the amounts are in the tables."""


def draw_impact(fig: Figure | SubFigure, impact: dict | None, *, title: str | None = None, scale: float = 1.0) -> None:
    """What the follow-ups collected in the period report, as counts (the amounts are in the tables)."""
    sizes = Sizes.at(scale)
    _title(fig, _("Results reported at the follow-ups of the period") if title is None else title, sizes)
    impact = impact or {}
    if not impact.get("followups"):
        _empty(fig, _("No follow-up collected in the period."), sizes)
        return
    counts = [_count(impact.get(key)) for key in IMPACT_RESULTS]
    labels = [wrap_label(str(FIGURES[f"impact.{key}"].label)) for key in IMPACT_RESULTS]
    ax = fig.add_subplot()
    _plain_axes(ax, value_axis="x", sizes=sizes)
    positions = list(range(len(IMPACT_RESULTS)))
    bars = ax.barh(positions, counts, 0.55, **PRIMARY)
    ax.bar_label(bars, labels=[format_number(v) for v in counts], padding=3, fontsize=sizes.value, color=INK)
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    _integer_axis(ax.xaxis)
    ax.set_xlim(0, _headroom(max(counts), factor=1.18))


def impact(figures: dict | None, *, fmt: str = "svg", title: str | None = None) -> bytes:
    fig = new_figure(width=10, height=4.4)
    draw_impact(fig, figures, title=title)
    return render(fig, fmt=fmt)


# Targets --------------------------------------------------------------------------------------------


def draw_targets(
    fig: Figure | SubFigure, lines: Sequence[dict] | None, *, title: str | None = None, scale: float = 1.0
) -> None:
    """Each indicator's actual figure as a share of its target, against a 100 % line, with a dashed mark
    where the share expected pro rata of the period falls."""
    sizes = Sizes.at(scale)
    _title(fig, _("Actual figures against the year's targets") if title is None else title, sizes)
    lines = list(lines or [])
    if not any(line.get("target") for line in lines):
        _empty(fig, _("No target set for this year."), sizes)
        return
    expected_style = {"color": INK, "linestyle": (0, (3, 2)), "linewidth": 2}
    labels = [wrap_label(line.get("label") or line.get("indicator") or "") for line in lines]
    ax = fig.add_subplot()
    _legend(
        ax,
        [
            Patch(**PRIMARY, label=_("Actual, share of target")),
            Line2D([], [], **expected_style, label=_("Expected by the end of the period")),
        ],
        sizes,
        beside=labels,
    )
    _plain_axes(ax, value_axis="x", sizes=sizes)
    positions = list(range(len(lines)))
    shares = [line.get("share") if line.get("target") else None for line in lines]
    ax.barh(positions, [share or 0 for share in shares], 0.55, **PRIMARY)
    top = max([share or 0 for share in shares] + [1.0])
    for position, line, share in zip(positions, lines, shares, strict=True):
        if not line.get("target"):
            value = _("no target")
        elif share is None:
            value = _("no data")
        else:
            value = format_share(share, decimals=1)
        inside = (share or 0) > 0.3 * top
        ax.annotate(
            value,
            (share or 0, position),
            xytext=(-6 if inside else 4, 0),
            textcoords="offset points",
            ha="right" if inside else "left",
            va="center",
            fontsize=sizes.value,
            color="white" if inside else INK,
            fontweight="bold" if inside else "normal",
        )
        if line.get("target") and line.get("expected") is not None:
            expected = line["expected"] / line["target"]
            ax.plot([expected, expected], [position - 0.38, position + 0.38], **expected_style)
    ax.axvline(1.0, color=INK, linewidth=1.4)
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: format_share(value, decimals=0)))
    ax.set_xlim(0, top * 1.15)


def targets(lines: Sequence[dict] | None, *, fmt: str = "svg", title: str | None = None) -> bytes:
    fig = new_figure(width=10, height=1.9 + 0.62 * max(len(lines or []), 2))
    draw_targets(fig, lines, title=title)
    return render(fig, fmt=fmt)
