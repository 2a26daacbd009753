"""The benchmark harness behind `manage.py bench` (docs/PERFORMANCE.md says what it measures and why).

Three parts, each run in a process of its own so that nothing touches the developer's database:

- `wsgi`: the bench-only URLconf and WSGI application (`hub.devtools.bench.wsgi:application`), served by
  gunicorn against a bench database: the project's URLs plus a plain Django view per list endpoint that
  returns the same rows with `values()`, the baseline the API's throughput is compared to;
- `stages`: run by `manage.py bench --stage ...` with `DATABASE_URL` set to a bench database: `prepare`
  migrates and fills it with `generate_data`, `measure` counts queries, times the reports against
  hand-written SQL (`hand_sql`), weighs the pages and times the charts;
- `driver`: run by `manage.py bench`: creates the bench databases, runs the stages, starts gunicorn, loads
  it from a small threaded HTTP client on 127.0.0.1 (`load`) and prints the table (`table`).

These modules are imported before Django is set up (gunicorn, the command's arguments): Django's models are
imported inside the functions.
"""

BENCH_USERNAME = "bench-manager"
BENCH_PASSWORD = "bench-only-password-2026"  # noqa: S105 (a user of the throw-away bench databases only)  # nosec B105
HUB_CODE = "ML"
REPORT_YEAR = 2025
"""A whole year inside the generated period (2024-01-08 to 2026-11-20)."""
PAGE_SIZE = 50
LIST_RESOURCES = ("cases", "visits", "enterprises")
