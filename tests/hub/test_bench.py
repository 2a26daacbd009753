"""The benchmark's verdicts on the issue's goals, from a run's figures (the figures themselves are measured
by `make bench`, never asserted)."""

from hub.devtools.bench import table


def run(vendor: str, activity_ms: float, quality_ms: float) -> dict:
    reports = [
        {"report": "activity (summary)", "orm_ms": activity_ms, "sql_ms": activity_ms, "ratio": 1.0},
        {"report": "service quality (summary)", "orm_ms": quality_ms, "sql_ms": quality_ms / 1.3, "ratio": 1.3},
        {"report": "impact", "orm_ms": 5.0, "sql_ms": None, "ratio": None},
    ]
    return {"vendor": vendor, "size": 1_000_000, "measure": {"reports": reports}}


def verdicts(figures: dict) -> dict[str, tuple[str, str]]:
    return {goal: (figure, verdict) for goal, figure, verdict in table.goals(figures)}


def test_the_summary_report_on_postgresql_is_timed_against_one_second():
    assert verdicts(run("postgresql", 400.0, 500.0))["summary report < 1 s on PostgreSQL"] == (
        "900 ms (activity and service quality)",
        "met",
    )
    assert verdicts(run("postgresql", 1200.0, 900.0))["summary report < 1 s on PostgreSQL"][1] == "NOT MET"
    assert "summary report < 1 s on PostgreSQL" not in verdicts(run("sqlite", 400.0, 500.0))


def test_the_worst_report_decides_the_ratio_goal():
    assert verdicts(run("sqlite", 1.0, 1.0))["reports <= 1.2 x hand-written SQL"] == (
        "worst 1.3 (service quality (summary))",
        "NOT MET",
    )
