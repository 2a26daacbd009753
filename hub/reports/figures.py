"""The catalogue of the report's figures: each figure once, with its label, unit, rounding and definition,
and where `hub.reports.programme.full_report` puts its value. The page, the PDF, the CSV and XLSX exports,
the API's field descriptions and the method notes are all drawn from it, so that a figure added here
appears everywhere under one name.

A section is a group of figures read together: either one value each (the activity, the impact), or a
table whose rows (the stages of the delays, the lines of the answer rate) each hold every figure of the
section. The numbers are written as the reports print them: thin spaces between thousands, the
language's decimal mark, a dash for none."""

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.formats import get_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hub.models import TargetIndicator
from hub.reports.selectors import BACKLOG_NOTE
from hub.templatetags.figures import percent_shown

NARROW_NBSP = "\u202f"
"""French typography's thin space: thousands separator and the space before %."""
MINUS = "\u2212"
NONE = "—"


class Unit(enum.Enum):
    COUNT = "count"
    AMOUNT = "amount"
    """Whole francs CFA (XOF)."""
    SHARE = "share"
    """A share from 0 to 1, printed as a percentage."""
    DAYS = "days"
    RATING = "rating"
    """A mean of ratings on the scale the label states."""
    SCORE = "score"
    """Points from −100 to +100."""


@dataclass(frozen=True)
class Figure:
    key: str
    """`<section>.<field>`: unique, and the `data-figure` of the page."""
    label: Promise
    unit: Unit
    definition: Promise
    """One sentence saying how the figure is counted: the method note and the API's description."""
    decimals: int = 0
    signed: bool = False
    records: str | None = None
    """The kind of records listed behind the figure (`hub.reports.views.RECORDS`), for those who read them."""

    @property
    def name(self) -> str:
        """The key of the value in its section's dict, or in each row of its section's table."""
        return self.key.partition(".")[2]

    def text(self, value) -> str:
        return format_value(value, unit=self.unit, decimals=self.decimals, signed=self.signed)

    @property
    def header(self) -> str:
        """The label as a table's column title: an amount's title names the currency, which its cells leave out."""
        return f"{self.label} (FCFA)" if self.unit is Unit.AMOUNT else str(self.label)

    def cell(self, value) -> str:
        """The value in a table's cell, under `header`."""
        if self.unit is Unit.AMOUNT:
            return format_number(value, signed=self.signed)
        return self.text(value)


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    path: tuple[str, ...]
    """Where the section's dict (or rows) sits in the report."""
    figures: tuple[Figure, ...]
    note: Promise | None = None
    """What the section's figures share, said once in the method notes."""
    table: bool = False
    """Whether `path` leads to rows, each with every figure of the section."""

    def data(self, report: dict):
        value = report
        for step in self.path:
            value = (value or {}).get(step) if isinstance(value, dict) else None
        return value

    def values(self, report: dict) -> Iterator[tuple[Figure, object]]:
        """Each figure of a section of single values, with its value in `report`."""
        data = self.data(report) or {}
        for figure in self.figures:
            yield figure, data.get(figure.name)


def _section(key, title, path, figures, **options) -> Section:
    return Section(
        key=key,
        title=title,
        path=path,
        figures=tuple(Figure(key=f"{key}.{name}", **details) for name, details in figures),
        **options,
    )


def _count(label, definition, **options) -> dict:
    return {"label": label, "unit": Unit.COUNT, "definition": definition, **options}


def _amount(label, definition, **options) -> dict:
    return {"label": label, "unit": Unit.AMOUNT, "definition": definition, **options}


def _share(label, definition, **options) -> dict:
    return {"label": label, "unit": Unit.SHARE, "definition": definition, "decimals": 1, **options}


ACTIVITY = _section(
    "activity",
    _("Activity"),
    ("activity",),
    [
        ("visits", _count(_("Site visits"), _("The visits that started in the period."), records="visits")),
        (
            "cases_received",
            _count(
                _("Cases received"), _("The cases received in the period, whatever became of them."), records="cases"
            ),
        ),
        (
            "cases_answered",
            _count(
                _("Cases answered"),
                _("The cases received in the period with a first contact or a visit recorded."),
                records="answered-cases",
            ),
        ),
        (
            "cases_resolved",
            _count(
                _("Cases resolved"),
                _("The cases received in the period whose status is resolved or closed."),
                records="resolved-cases",
            ),
        ),
        ("cases_rejected", _count(_("Cases rejected"), _("The cases received in the period that were rejected."))),
        (
            "cases_referred",
            _count(
                _("Cases referred to a partner"),
                _("The cases received in the period referred to a partner organisation."),
            ),
        ),
        (
            "enterprises_reached",
            _count(
                _("Enterprises reached"),
                _(
                    "The distinct enterprises with a case received or a visit in the period: an enterprise with "
                    "several cases and visits counts once."
                ),
                records="enterprises",
            ),
        ),
        (
            "women_led_enterprises_reached",
            _count(_("Women-led enterprises reached"), _("Of the enterprises reached, those led by women.")),
        ),
        (
            "people_reached",
            _count(
                _("People reached at visits"),
                _("The people at the visits of the period, as the referent counted them."),
            ),
        ),
        ("women_reached", _count(_("Women reached at visits"), _("Of the people reached at visits, the women."))),
        (
            "sheets_shared",
            _count(_("Technology sheets shared"), _("Technology sheets shared in cases and at visits in the period.")),
        ),
        (
            "partners_shared",
            _count(
                _("Partner organisations shared"),
                _("Partner organisations shared in cases and at visits in the period."),
            ),
        ),
    ],
    note=_(
        "Cases count by the date they were received, visits by the date they started and shared sheets and "
        "partners by the date they were shared."
    ),
)
BREAKDOWN_FIGURES = tuple(
    figure
    for figure in ACTIVITY.figures
    if figure.name
    in {
        "visits",
        "cases_received",
        "cases_answered",
        "cases_resolved",
        "enterprises_reached",
        "women_led_enterprises_reached",
        "people_reached",
        "women_reached",
    }
)
"""The activity figures counted per group of a breakdown (per month, per region…)."""
BREAKDOWN_NOTE = _("An enterprise reached in several groups counts in each of them, and once in the total.")


@dataclass(frozen=True)
class Dimension:
    """A dimension the activity is counted by."""

    name: Promise
    """The dimension: the form's choice and the first column of its table."""
    title: Promise
    """The title of its table."""
    chart: Promise
    """The title of its chart."""


DIMENSIONS = {
    "month": Dimension(_("Month"), _("Activity by month"), _("Cases received and visits by month")),
    "hub": Dimension(_("Hub"), _("Activity by hub"), _("Cases received and visits by hub")),
    "region": Dimension(_("Region"), _("Activity by region"), _("Cases received and visits by region")),
    "sector": Dimension(_("Sector"), _("Activity by sector"), _("Cases received and visits by sector")),
    "size_class": Dimension(_("Size class"), _("Activity by size class"), _("Cases received and visits by size class")),
    "women_led": Dimension(
        _("Women-led"),
        _("Activity by women-led status"),
        _("Cases received and visits, women-led enterprises or not"),
    ),
    "referent": Dimension(_("Referent"), _("Activity by referent"), _("Cases received and visits by referent")),
}
"""The names of each dimension of `hub.reports.selectors.BREAKDOWNS`."""

STAGES = {
    "acknowledge": _("Acknowledgement"),
    "assign": _("Assignment"),
    "first_contact": _("First contact or visit"),
    "resolve": _("Resolution"),
}
"""The rows of the delays: the stages of a case, in order."""
DELAYS = _section(
    "delays",
    _("Service quality: days from receipt of a case"),
    ("service_quality", "delays"),
    [
        (
            "count",
            _count(_("Cases that reached the stage"), _("The cases received in the period that reached the stage.")),
        ),
        (
            "overdue_open",
            _count(
                _("Open past due"),
                _(
                    "The cases received in the period still open past the stage's due date on the day of the report: "
                    "missed."
                ),
            ),
        ),
        (
            "median_days",
            {
                "label": _("Median (days)"),
                "unit": Unit.DAYS,
                "decimals": 1,
                "definition": _("Half the cases that reached the stage took this many calendar days or fewer."),
            },
        ),
        (
            "p90_days",
            {
                "label": _("90th percentile (days)"),
                "unit": Unit.DAYS,
                "decimals": 1,
                "definition": _("Nine cases in ten that reached the stage took this many calendar days or fewer."),
            },
        ),
        (
            "within_standard_share",
            _share(
                _("Within the standard"),
                _(
                    "The cases done on or before the stage's due date, over those that reached the stage and those "
                    "still open past its due date on the day of the report, which count as missed. The due dates come "
                    "from the hub's service standards, counted in working days (weekends and public holidays excluded)."
                ),
            ),
        ),
    ],
    note=_(
        "Calendar days from the receipt of each case received in the period to its acknowledgement, assignment, "
        "first contact and resolution, for the cases that reached the stage. The median and the 90th percentile "
        "are taken by the nearest-rank method."
    ),
    table=True,
)
SATISFACTION = _section(
    "satisfaction",
    _("Satisfaction with the cases"),
    ("service_quality", "satisfaction"),
    [
        (
            "rated",
            _count(_("Cases rated"), _("The cases received in the period that the enterprise rated from 1 to 5.")),
        ),
        (
            "mean",
            {
                "label": _("Mean rating (1 to 5)"),
                "unit": Unit.RATING,
                "decimals": 2,
                "definition": _("The mean of the ratings of the cases rated."),
            },
        ),
        (
            "satisfied_share",
            _share(
                _("Rated requests satisfied (4 or 5)"),
                _("The share of the cases rated that were rated 4 or 5: of requests, not of enterprises."),
            ),
        ),
        (
            "answer_rate",
            _share(
                _("Answer rate of the satisfaction survey"),
                _("The resolved cases rated, divided by the cases resolved."),
            ),
        ),
    ],
)
BACKLOG = _section(
    "backlog",
    _("Open backlog by age"),
    ("service_quality", "backlog_by_age"),
    [("open_cases", _count(_("Open cases"), BACKLOG_NOTE, records="open-cases"))],
    table=True,
)
IMPACT = _section(
    "impact",
    _("Impact (follow-ups of the period)"),
    ("impact",),
    [
        (
            "followups",
            _count(
                _("Follow-ups collected"),
                _("The 6- and 12-month follow-ups collected in the period."),
                records="followups",
            ),
        ),
        (
            "enterprises_followed",
            _count(
                _("Enterprises followed up"), _("The distinct enterprises with a follow-up collected in the period.")
            ),
        ),
        (
            "technology_adopted",
            _count(
                _("Follow-ups reporting a technology adopted"),
                _("The follow-ups of the period at which the enterprise said it had adopted the technology."),
            ),
        ),
        (
            "jobs_created",
            _count(_("Jobs created"), _("The jobs created, as the follow-ups of the period report them.")),
        ),
        ("jobs_kept", _count(_("Jobs kept"), _("The jobs kept, as the follow-ups of the period report them."))),
        ("new_sales_xof", _amount(_("New sales"), _("The new sales reported by the follow-ups of the period."))),
        ("kept_sales_xof", _amount(_("Sales kept"), _("The sales kept, reported by the follow-ups of the period."))),
        (
            "investment_xof",
            _amount(_("Investment made"), _("The investment reported by the follow-ups of the period.")),
        ),
        (
            "cost_savings_xof",
            _amount(_("Cost savings"), _("The cost savings reported by the follow-ups of the period.")),
        ),
        ("new_products", _count(_("New products"), _("The new products reported by the follow-ups of the period."))),
        (
            "new_processes",
            _count(_("New processes"), _("The new processes reported by the follow-ups of the period.")),
        ),
        (
            "satisfaction_mean",
            {
                "label": _("Mean satisfaction (1 to 5)"),
                "unit": Unit.RATING,
                "decimals": 2,
                "definition": _("The mean of the satisfaction the follow-ups of the period gave the hub's support."),
            },
        ),
        (
            "net_promoter_score",
            {
                "label": _("Net Promoter Score"),
                "unit": Unit.SCORE,
                "signed": True,
                "definition": _(
                    "From the follow-ups' answer to “how likely are you to recommend the hub” (0 to 10): the "
                    "percentage of 9 and 10 less the percentage of 0 to 6, between −100 and +100."
                ),
            },
        ),
        (
            "recommend_answers",
            _count(
                _("Answers on recommending"),
                _("The follow-ups of the period that answered the question the Net Promoter Score is computed over."),
            ),
        ),
    ],
    note=_(
        "Impact follow-ups count by the date they were collected (6- and 12-month follow-ups), and the figures "
        "are those the enterprises reported."
    ),
)
TURNOVER = _section(
    "turnover",
    _("Turnover against baseline"),
    ("impact", "turnover"),
    [
        (
            "enterprises",
            _count(
                _("Enterprises with both figures"),
                _("The enterprises with a turnover at their baseline and at a follow-up of the period."),
            ),
        ),
        (
            "baseline_xof",
            _amount(_("Baseline turnover"), _("The yearly turnover of those enterprises recorded at their baseline.")),
        ),
        (
            "latest_xof",
            _amount(
                _("Latest turnover"),
                _("The yearly turnover of those enterprises at their latest follow-up of the period."),
            ),
        ),
        (
            "change_xof",
            _amount(_("Change in turnover"), _("The latest turnover less the baseline turnover."), signed=True),
        ),
        (
            "change_share",
            _share(
                _("Change, share of baseline"), _("The change in turnover over the baseline turnover."), signed=True
            ),
        ),
    ],
)
ANSWER_RATE = _section(
    "answer_rate",
    _("Follow-up answer rate"),
    ("impact", "followups_due"),
    [
        (
            "due",
            _count(_("Due in the period"), _("The follow-ups whose due date falls in the period and has passed.")),
        ),
        ("collected", _count(_("Collected by now"), _("Of those, the follow-ups collected by now, whenever."))),
        ("on_time", _count(_("On time"), _("Collected on or before the due date."))),
        ("late", _count(_("Late"), _("Collected after the due date."))),
        ("missing", _count(_("Missing"), _("Not collected."))),
        ("answer_rate", _share(_("Answer rate"), _("The follow-ups collected on time divided by those due."))),
        (
            "self_reported",
            _count(_("Self-reported"), _("Collected and answered by the enterprise itself through its link.")),
        ),
        (
            "self_reported_share",
            _share(_("Self-reported share"), _("The follow-ups self-reported divided by those collected.")),
        ),
    ],
    note=_(
        "The 6- and 12-month follow-ups due in the period whose due date has passed (those due on the day of the "
        "report or later are not counted yet), whenever they were collected. Baselines have a line of their own, "
        "outside the total. With a referent filter, a follow-up due counts for the referent in charge of it, or "
        "for whoever collected it when nobody was in charge (the other impact figures count the follow-ups the "
        "referent collected)."
    ),
    table=True,
)
TARGETS = _section(
    "targets",
    _("Targets against actuals"),
    ("targets",),
    [
        (
            "target",
            _count(
                _("Target for the year"),
                _(
                    "The hub's goal for the year, if it set one; for all hubs together, given only when every hub set "
                    "one (the mean of theirs for a percentage)."
                ),
            ),
        ),
        (
            "expected",
            _count(
                _("Expected for the period"),
                _("The target pro rata of the days of the year the period covers (none for a percentage)."),
            ),
        ),
        (
            "actual",
            _count(
                _("Actual"),
                _(
                    "The figure of the part of the period inside the year. Satisfied SMEs are the enterprises whose "
                    "mean rating of their cases of the period is 4 or more, as a percentage of the enterprises that "
                    "rated one."
                ),
            ),
        ),
        (
            "share",
            _share(
                _("Share of the target"),
                _("The actual over the target, taken on the exact figure and rounded only where it is printed."),
            ),
        ),
    ],
    note=_(
        "The hub's targets of each year the period touches, one line per year. Targets are left out of a report "
        "narrowed to part of the enterprises (a region, a sector, a size, women-led enterprises) or to a referent."
    ),
    table=True,
)
ENTERPRISES = _section(
    "enterprises",
    _("Impact per enterprise"),
    ("enterprises",),
    [
        (
            "baseline_turnover",
            _amount(_("Baseline turnover"), _("The enterprise's yearly turnover recorded at its baseline.")),
        ),
        (
            "latest_turnover",
            _amount(_("Latest turnover"), _("The enterprise's yearly turnover at its latest follow-up of the period.")),
        ),
        (
            "turnover_change",
            _amount(_("Change in turnover"), _("The latest turnover less the baseline turnover."), signed=True),
        ),
        ("baseline_employees", _count(_("Staff at baseline"), _("The people it employed at its baseline."))),
        ("jobs_created", _count(_("Jobs created"), _("The jobs its follow-ups of the period report created."))),
        ("investment", _amount(_("Investment made"), _("The investment its follow-ups of the period report."))),
    ],
    note=_("The enterprises followed up in the period, by name."),
    table=True,
)

SECTIONS = (ACTIVITY, DELAYS, SATISFACTION, BACKLOG, IMPACT, TURNOVER, ANSWER_RATE, TARGETS, ENTERPRISES)
FIGURES = {figure.key: figure for section in SECTIONS for figure in section.figures}
REPORT_NOTES = (
    (
        _("Period"),
        _(
            "Cases count by the date they were received, visits by the date they started and impact follow-ups "
            "by the date they were collected."
        ),
    ),
    (_("Amounts"), _("In whole francs CFA (FCFA, XOF), as reported by the enterprises at the follow-ups.")),
)
"""What holds for every figure of the report."""


@dataclass(frozen=True)
class Note:
    term: str
    text: str
    figures: tuple[tuple[str, str], ...] = field(default=())
    """Each figure of the section, as (label, definition)."""


def method_notes() -> list[Note]:
    """The notes on how the figures are counted, as the page and the PDF print them: what holds for the whole
    report, then each section with its figures."""
    notes = [Note(term=str(term), text=str(text)) for term, text in REPORT_NOTES]
    for section in SECTIONS:
        notes.append(
            Note(
                term=str(section.title),
                text=str(section.note or ""),
                figures=tuple((str(figure.label), str(figure.definition)) for figure in section.figures),
            )
        )
    return notes


def target_actual_text(line: dict) -> str:
    """A target line's actual: a count, or for the satisfied SMEs a percentage to one decimal."""
    decimals = 1 if line.get("indicator") == TargetIndicator.SATISFIED_PERCENT else 0
    return format_number(line.get("actual"), decimals=decimals)


# Numbers as the reports write them -----------------------------------------------------------------


def format_number(value: float | None, *, decimals: int = 0, signed: bool = False) -> str:
    """`value` grouped by thousands with thin spaces and the language's decimal mark; a dash for None."""
    if value is None:
        return NONE
    magnitude = f"{abs(value):,.{decimals}f}"
    whole, _dot, fraction = magnitude.partition(".")
    text = whole.replace(",", NARROW_NBSP)
    if fraction:
        text += get_format("DECIMAL_SEPARATOR") + fraction
    if float(magnitude.replace(",", "")) == 0:
        return text
    if value < 0:
        return MINUS + text
    return f"+{text}" if signed else text


def format_amount(value: float | None, *, signed: bool = False) -> str:
    """Whole francs CFA: "3 843 927 000 FCFA"."""
    if value is None:
        return NONE
    return f"{format_number(round(value), signed=signed)}\u00a0FCFA"


def format_share(share: float | None, *, decimals: int = 1, signed: bool = False) -> str:
    """A share (0.25) as a percentage ("25,0 %")."""
    if share is None:
        return NONE
    return f"{format_number(percent_shown(share, decimals=decimals), decimals=decimals, signed=signed)}{NARROW_NBSP}%"


def format_days(days: float | None) -> str:
    return format_number(days, decimals=1)


def format_value(value, *, unit: Unit, decimals: int = 0, signed: bool = False) -> str:
    if unit is Unit.AMOUNT:
        return format_amount(value, signed=signed)
    if unit is Unit.SHARE:
        return format_share(value, decimals=decimals, signed=signed)
    return format_number(value, decimals=decimals, signed=signed)


def page_catalogue(report: dict) -> dict:
    """The catalogue as the report page's template reads it: each section by its key, the stages of the
    delays with their figures in `report`, the breakdown's figures and the method notes."""
    delays = DELAYS.data(report) or {}
    return {
        **{section.key: section for section in SECTIONS},
        "breakdown": DIMENSIONS[(report.get("breakdown") or {}).get("by", "month")],
        "month": DIMENSIONS["month"],
        "breakdown_figures": BREAKDOWN_FIGURES,
        "breakdown_note": BREAKDOWN_NOTE,
        "stages": [{"label": label, "data": delays.get(stage) or {}} for stage, label in STAGES.items()],
        "report_notes": REPORT_NOTES,
    }
