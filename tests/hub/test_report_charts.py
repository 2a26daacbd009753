"""The report charts: each draws in SVG and PNG from demo-like figures and from an empty period, shows
names as typed (escaped in the SVG, never read as mathtext), and gives the same SVG bytes every time."""

import pytest
from django.utils import translation

from hub.reports import charts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HOSTILE = "<script>alert(1)</script> & $x$"
BAD_MATHTEXT = r"Prix $\frac{1$ & co"
"""Read as mathtext, this raises a parse error when drawn."""

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin"]
MONTHLY = [
    {"key": f"2026-{index:02d}", "label": f"{name} 2026", "cases_received": 20 + index, "visits": 12 + 2 * index}
    for index, name in enumerate(MONTHS, start=1)
]
REGIONS = [
    {"key": f"ML-{index:02d}", "label": f"Région {index}", "cases_received": 3 * index, "visits": index}
    for index in range(1, 15)
]
QUALITY = {
    "delays": {
        "acknowledge": {"count": 297, "median_days": 0.28, "p90_days": 3.3, "within_standard_share": 0.8586},
        "assign": {"count": 272, "median_days": 2.77, "p90_days": 7.02, "within_standard_share": 0.8162},
        "first_contact": {"count": 261, "median_days": 7.77, "p90_days": 15.89, "within_standard_share": 0.7471},
        "resolve": {"count": 0, "median_days": None, "p90_days": None, "within_standard_share": None},
    },
    "backlog_by_age": [
        {"min_days": 0, "max_days": 7, "open_cases": 0},
        {"min_days": 8, "max_days": 30, "open_cases": 22},
        {"min_days": 31, "max_days": 90, "open_cases": 9},
        {"min_days": 91, "max_days": None, "open_cases": 1},
    ],
}
TARGETS = [
    {"indicator": "visits", "label": "Visites de site", "target": 260, "expected": 130, "actual": 240, "share": 0.9231},
    {"indicator": "jobs_created", "label": "Emplois créés", "target": 128, "expected": 64, "actual": 0, "share": 0.0},
    {"indicator": "satisfied_percent", "label": "PME satisfaites (%)", "target": 80, "expected": None, "actual": None},
    {"indicator": "cases_received", "label": "Demandes reçues", "target": None, "expected": None, "actual": 12},
]
IMPACT = {
    "followups": 14,
    "jobs_created": 23,
    "jobs_kept": 61,
    "technology_adopted": 9,
    "new_products": 4,
    "new_processes": 0,
}
EMPTY_QUALITY = {
    "delays": {
        name: {"count": 0, "median_days": None, "p90_days": None, "within_standard_share": None}
        for name in ("acknowledge", "assign", "first_contact", "resolve")
    },
    "backlog_by_age": [],
}

DEMO = {
    "monthly_activity": lambda fmt: charts.monthly_activity(MONTHLY, fmt=fmt),
    "breakdown": lambda fmt: charts.breakdown(REGIONS, title="Demandes reçues et visites par région", fmt=fmt),
    "delays": lambda fmt: charts.delays(QUALITY, fmt=fmt),
    "backlog": lambda fmt: charts.backlog(QUALITY["backlog_by_age"], fmt=fmt),
    "targets": lambda fmt: charts.targets(TARGETS, fmt=fmt),
    "impact": lambda fmt: charts.impact(IMPACT, fmt=fmt),
}
EMPTY = {
    "monthly_activity": lambda fmt: charts.monthly_activity([], fmt=fmt),
    "monthly_activity, months with nothing": lambda fmt: charts.monthly_activity(
        [{"key": "2026-01", "label": "janvier 2026", "cases_received": None, "visits": 0}], fmt=fmt
    ),
    "breakdown": lambda fmt: charts.breakdown([], title="Rien", fmt=fmt),
    "delays": lambda fmt: charts.delays(EMPTY_QUALITY, fmt=fmt),
    "delays of nothing": lambda fmt: charts.delays(None, fmt=fmt),
    "backlog": lambda fmt: charts.backlog([], fmt=fmt),
    "backlog, nothing open": lambda fmt: charts.backlog(
        [{"min_days": 0, "max_days": 7, "open_cases": 0}, {"min_days": 8, "max_days": None, "open_cases": None}],
        fmt=fmt,
    ),
    "targets": lambda fmt: charts.targets([], fmt=fmt),
    "targets of nothing": lambda fmt: charts.targets(None, fmt=fmt),
    "impact": lambda fmt: charts.impact({"followups": 0, "jobs_created": 0}, fmt=fmt),
    "impact of nothing": lambda fmt: charts.impact(None, fmt=fmt),
    "targets not set": lambda fmt: charts.targets(
        [{"indicator": "visits", "label": "Visites", "target": None, "expected": None, "actual": 3, "share": None}],
        fmt=fmt,
    ),
}


@pytest.mark.parametrize("name", DEMO)
def test_each_chart_draws_demo_figures_as_svg_and_png(name):
    svg = DEMO[name]("svg")
    assert svg.startswith(b"<?xml") and b"<svg" in svg and svg.rstrip().endswith(b"</svg>")
    assert DEMO[name]("png").startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("name", EMPTY)
def test_each_chart_draws_an_empty_period(name):
    assert b"<svg" in EMPTY[name]("svg")
    assert EMPTY[name]("png").startswith(PNG_SIGNATURE)


def test_an_empty_period_says_so_in_words():
    with translation.override("en"):
        svg = charts.monthly_activity([], fmt="svg").decode()
    assert "No case received and no visit in this period." in svg


def test_the_svg_keeps_its_text_as_text_with_the_figures_written_on_the_bars():
    with translation.override("fr"):
        svg = charts.monthly_activity(MONTHLY, fmt="svg").decode()
    assert "<text" in svg
    assert "janvier 2026" in svg and "juin 2026" in svg
    assert ">26</text>" in svg  # June's cases received, written on its bar


def test_the_impact_chart_writes_each_count_on_its_bar_in_french():
    with translation.override("fr"):
        svg = charts.impact(IMPACT, fmt="svg").decode()
        empty = charts.impact({"followups": 0}, fmt="svg").decode()
    assert "Emplois créés" in svg and "Emplois maintenus" in svg
    assert all(f">{count}</text>" in svg for count in (23, 61, 9, 4, 0))
    assert "Aucun suivi collecté sur la période." in empty


@pytest.mark.parametrize("name", DEMO)
def test_the_same_chart_gives_the_same_svg(name):
    assert DEMO[name]("svg") == DEMO[name]("svg")


HOSTILE_CHARTS = {
    "monthly_activity": lambda label, fmt: charts.monthly_activity(
        [{"key": "2026-01", "label": label, "cases_received": 2, "visits": 1}], fmt=fmt
    ),
    "breakdown": lambda label, fmt: charts.breakdown(
        [{"key": "x", "label": label, "cases_received": 2, "visits": 1}], title=label, fmt=fmt
    ),
    "targets": lambda label, fmt: charts.targets(
        [{"indicator": "visits", "label": label, "target": 10, "expected": 5, "actual": 2, "share": 0.2}], fmt=fmt
    ),
}


@pytest.mark.parametrize("name", HOSTILE_CHARTS)
def test_names_are_shown_as_typed_and_escaped_in_the_svg(name):
    svg = HOSTILE_CHARTS[name](HOSTILE, "svg").decode()
    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "&amp; $x$" in svg  # the dollars kept as typed, not read as mathtext
    assert HOSTILE_CHARTS[name](HOSTILE, "png").startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("name", HOSTILE_CHARTS)
def test_a_name_that_is_no_valid_mathtext_still_draws(name):
    assert HOSTILE_CHARTS[name](BAD_MATHTEXT, "png").startswith(PNG_SIGNATURE)
    assert "Prix $\\frac{1$ &amp; co" in HOSTILE_CHARTS[name](BAD_MATHTEXT, "svg").decode()


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="pdf"):
        charts.monthly_activity(MONTHLY, fmt="pdf")


def test_more_than_twelve_groups_keep_the_eleven_largest_and_sum_the_others():
    with translation.override("en"):
        groups = charts.top_groups(REGIONS)
    assert len(groups) == charts.MAX_GROUPS == 12
    assert [group["key"] for group in groups[:-1]] == [f"ML-{index:02d}" for index in range(4, 15)]
    others = groups[-1]
    assert others["label"] == "Others (3 groups)"
    assert (others["cases_received"], others["visits"]) == (3 + 6 + 9, 1 + 2 + 3)
    assert sum(g["cases_received"] for g in groups) == sum(r["cases_received"] for r in REGIONS)
    assert charts.top_groups(REGIONS[:12]) == REGIONS[:12]
