"""The benchmark harness behind `manage.py bench` (docs/PERFORMANCE.md says what it measures and why).

Three parts, each run in a process of its own so that nothing touches the developer's database:

- the bench-only URLconf and WSGI application (`hub.bench:application`), served by gunicorn against a
  bench database: the project's URLs plus a plain Django view per list endpoint that returns the same
  rows with `values()`, the baseline the API's throughput is compared to;
- the stages run by `manage.py bench --stage ...` with `DATABASE_URL` set to a bench database: `prepare`
  migrates and fills it with `generate_data`, `measure` counts queries, times the reports against
  hand-written SQL, weighs the pages and times the charts;
- the driver run by `manage.py bench`: creates the bench databases, runs the stages, starts gunicorn,
  loads it from a small threaded HTTP client on 127.0.0.1 and prints the table.

This module is imported by gunicorn before Django is set up: Django's models are imported inside the
functions, and `application` and `urlpatterns` are built on first access (PEP 562 `__getattr__`).
"""

import base64
import contextlib
import datetime
import gzip
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess  # nosec B404 - the bench starts gunicorn and manage.py, with fixed arguments
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_USERNAME = "bench-manager"
BENCH_PASSWORD = "bench-only-password-2026"  # noqa: S105 (a user of the throw-away bench databases only)  # nosec B105
HUB_CODE = "ML"
REPORT_YEAR = 2025
"""A whole year inside the generated period (2024-01-08 to 2026-11-20)."""
PAGE_SIZE = 50
LIST_RESOURCES = ("cases", "visits", "enterprises")
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_SQLITE_DIR = Path(tempfile.gettempdir()) / "hubiit-bench"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench"
GUNICORN_CONFIG = BASE_DIR / "docs" / "deploy" / "gunicorn.conf.py"
GOALS = {
    "api_vs_plain": 0.5,
    "deep_vs_first_p99": 1.5,
    "report_vs_sql": 1.2,
    "summary_ms_postgresql": 1000,
    "visit_form_bytes": 14 * 1024,
    "api_page_bytes": 3 * 1024,
}

# --- Bench-only URLconf and WSGI application ---------------------------------------------------------


def _plain_rows(resource: str, user, before: int | None) -> list[dict]:
    """The rows of one page of the API list of `resource`, with `values()`: the same scope (the user's
    hub), order (-pk), page size and columns as the API's summary, `is_overdue` included."""
    from django.utils import timezone

    from cases.models import OPEN_STATUSES, Case
    from hub.models import Enterprise
    from visits.models import Visit

    columns = {
        "cases": (
            Case,
            [
                "id", "reference", "enterprise_id", "domain", "title", "priority", "status", "assigned_to_id",
                "received_at", "resolve_due", "version", "acknowledge_due", "assign_due", "first_contact_due",
            ],
        ),
        "visits": (
            Visit,
            [
                "id", "referent_id", "enterprise_id", "started_at", "duration_minutes", "purpose", "follow_up_date",
                "people_reached_total", "people_reached_women",
            ],
        ),
        "enterprises": (
            Enterprise,
            [
                "id", "name", "sector", "region__code", "commune", "size_class", "women_led", "youth_led",
                "employees_total", "employees_women",
            ],
        ),
    }  # fmt: skip
    model, fields = columns[resource]
    rows = model.objects.filter(hub=user.hub_id).order_by("-pk")
    if before is not None:
        rows = rows.filter(pk__lt=before)
    rows = list(rows.values(*fields)[:PAGE_SIZE])
    if resource == "cases":
        today = timezone.localdate()
        stage_due = {"new": "acknowledge_due", "qualified": "assign_due", "assigned": "first_contact_due"}
        for row in rows:
            dues = [row.pop(name) for name in ("acknowledge_due", "assign_due", "first_contact_due")]
            stage = dict(zip(stage_due.values(), dues, strict=True)).get(stage_due.get(row["status"], ""))
            open_dues = [due for due in (stage, row["resolve_due"]) if due is not None]
            row["is_overdue"] = row["status"] in OPEN_STATUSES and bool(open_dues) and min(open_dues) < today
    return rows


def plain_list(request, resource: str):
    """The baseline: the token looked up as DRF's TokenAuthentication does, then one page with `values()`,
    serialised by JsonResponse. `?before=<id>` gives the rows below that id, as a cursor would."""
    from django.http import HttpResponseForbidden, JsonResponse
    from rest_framework.authtoken.models import Token

    key = request.headers.get("Authorization", "").removeprefix("Token ").strip()
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return HttpResponseForbidden()
    before = request.GET.get("before")
    rows = _plain_rows(resource, token.user, int(before) if before and before.isdigit() else None)
    return JsonResponse({"results": rows})


def _urlpatterns() -> list:
    from django.urls import path

    from hub import urls

    return [path("api/bench/plain/<str:resource>/", plain_list, name="bench-plain"), *urls.urlpatterns]


def _application():
    """The project's WSGI application with this module as ROOT_URLCONF, for the bench's gunicorn only."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.production")
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    settings.ROOT_URLCONF = __name__
    return application


_LAZY: dict[str, object] = {}


def __getattr__(name: str):
    if name == "application":
        return _LAZY.setdefault(name, _application())
    if name == "urlpatterns":
        return _LAZY.setdefault(name, _urlpatterns())
    if name in ("handler400", "handler404", "handler500"):
        from hub import urls

        return getattr(urls, name)
    raise AttributeError(name)


# --- Load generator ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    requests: int
    errors: int
    seconds: float
    rps: float
    median_ms: float
    p99_ms: float


def percentile(values: list[float], share: float) -> float:
    """Nearest rank, as the reports compute theirs."""
    ordered = sorted(values)
    return ordered[max(int(-(-share * len(ordered) // 1)), 1) - 1]


def hammer(*, port: int, path: str, headers: dict, requests: int, concurrency: int, time_limit: float = 60.0) -> Load:
    """`requests` GETs of `path` on 127.0.0.1:`port` from `concurrency` threads, each on one keep-alive
    connection (reopened when the server closes it); stops early after `time_limit` seconds."""
    lock = threading.Lock()
    issued = [0]
    latencies: list[float] = []
    errors = [0]
    deadline = time.monotonic() + time_limit

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while True:
                with lock:
                    if issued[0] >= requests or time.monotonic() > deadline:
                        return
                    issued[0] += 1
                began = time.perf_counter()
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    connection.close()
                    ok = False
                elapsed = time.perf_counter() - began
                with lock:
                    latencies.append(elapsed)
                    errors[0] += not ok
        finally:
            connection.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(time_limit + 35)
    seconds = time.perf_counter() - began
    done = len(latencies)
    return Load(
        requests=done,
        errors=errors[0],
        seconds=round(seconds, 2),
        rps=round(done / seconds, 1) if seconds else 0.0,
        median_ms=round(statistics.median(latencies) * 1000, 1) if latencies else 0.0,
        p99_ms=round(percentile(latencies, 0.99) * 1000, 1) if latencies else 0.0,
    )


def _get_json(port: int, path: str, headers: dict) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}: {body[:300]!r}")
        return json.loads(body)
    finally:
        connection.close()


def _token(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        body = json.dumps({"username": BENCH_USERNAME, "password": BENCH_PASSWORD})
        connection.request("POST", "/api/v1/auth/token/", body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        content = response.read()
        if response.status != 200:
            raise RuntimeError(f"POST /api/v1/auth/token/ answered {response.status}: {content[:300]!r}")
        return json.loads(content)["token"]
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cursor_at(position: int) -> str:
    """A cursor of `api.pagination.StablePagination` (DRF's CursorPagination: the url-safe base64 of
    `p=<last pk seen>`), to start deep in a list without following thousands of `next` links."""
    return base64.urlsafe_b64encode(urlencode({"p": str(position)}).encode()).decode()


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, parts.query, ""))


@contextlib.contextmanager
def gunicorn(
    *, database_url: str, workers: int, threads: int, log: Path, startup_timeout: float = 60.0
) -> Iterator[int]:
    """gunicorn serving `hub.bench:application` on a free port of 127.0.0.1, with the production
    settings and the deployment's gunicorn configuration (docs/deploy/gunicorn.conf.py; workers are not
    recycled during the bench); yields the port and stops the server on the way out, whatever happened."""
    port = free_port()
    env = {
        **_clean_env(),
        "DJANGO_SETTINGS_MODULE": "hub.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
    }
    env["GUNICORN_ACCESSLOG"] = ""  # no access log: it would cost the API and the plain view alike
    command = [
        sys.executable, "-m", "gunicorn", "hub.bench:application", "--config", str(GUNICORN_CONFIG),
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--max-requests", "0", "--graceful-timeout", "5", "--error-logfile", str(log), "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # noqa: S603  # nosec B603
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}; see {log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/api/v1/")
                connection.getresponse().read()
                connection.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer within {startup_timeout:.0f} s; see {log}") from None
                time.sleep(0.2)
        yield port
    finally:
        stop(server)


def stop(process: subprocess.Popen, timeout: float = 15.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)


def measure_lists(
    *, port: int, ids: dict, requests: int, concurrency: int, deep_pages: int, rounds: int = 3
) -> list[dict]:
    """For each list: the API and the plain view, on the first page and deep in the list (from a cursor in
    the middle of the ids, `deep_pages` `next` links further on). After a warm-up, `requests` are sent to
    each in `rounds` interleaved rounds (API, plain, API, plain, ...); the round with the most requests per
    second is kept for each, so that a burst of other work on the machine does not decide the ratio."""
    token = _token(port)
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    rows = []
    for resource in LIST_RESOURCES:
        first = f"/api/v1/{resource}/"
        deep = f"{first}?{urlencode({'cursor': cursor_at((ids[resource]['min'] + ids[resource]['max']) // 2 + 1)})}"
        for _ in range(deep_pages):
            page = _get_json(port, deep, headers)
            if not page.get("next"):
                break
            deep = _path_of(page["next"])
        page = _get_json(port, deep, headers)
        top = page["results"][0]["id"] if page["results"] else 0
        scenarios = {
            "first": (first, f"/api/bench/plain/{resource}/"),
            "deep": (deep, f"/api/bench/plain/{resource}/?before={top + 1}"),
        }
        for where, (api_path, plain_path) in scenarios.items():
            row = {"endpoint": first, "page": where, "api_path": api_path, "plain_path": plain_path}
            targets = {"api": api_path, "plain": plain_path}
            for target in targets.values():
                hammer(port=port, path=target, headers=headers, requests=4 * concurrency, concurrency=concurrency)
            loads: dict[str, list[Load]] = {"api": [], "plain": []}
            for _round in range(rounds):
                for label, target in targets.items():
                    loads[label].append(
                        hammer(
                            port=port,
                            path=target,
                            headers=headers,
                            requests=max(requests // rounds, 1),
                            concurrency=concurrency,
                        )
                    )
            for label, runs in loads.items():
                best = max(runs, key=lambda load: load.rps)
                row[label] = {**asdict(best), "errors": sum(load.errors for load in runs)}
                row[f"{label}_rounds_rps"] = [load.rps for load in runs]
            failed = {label: row[label]["errors"] for label in ("api", "plain") if row[label]["errors"]}
            if failed:
                raise RuntimeError(f"{failed} requests failed on {api_path} / {plain_path}; see the gunicorn log")
            row["api_vs_plain"] = round(row["api"]["rps"] / row["plain"]["rps"], 2) if row["plain"]["rps"] else None
            rows.append(row)
    return rows


# --- Stages run inside a bench database ------------------------------------------------------------------


def _bench_user():
    from hub.models import Role, User

    return User.objects.get(username=BENCH_USERNAME, role=Role.MANAGER)


def stage_prepare(*, size: int, enterprises: int, seed: int) -> dict:
    """Migrate, fill with `generate_data` unless the data of this size is already there, add the bench
    manager (password BENCH_PASSWORD) and, on PostgreSQL, vacuum and analyse as autovacuum does on a
    server in use: the planner's statistics, and the visibility map that lets a report read an index
    without visiting the table."""
    from django.core.management import CommandError, call_command
    from django.db import connection

    from cases.models import Case
    from hub.models import Enterprise, Hub, Role, User
    from visits.models import Visit

    call_command("migrate", verbosity=0, interactive=False)
    generated = None
    hub = Hub.objects.filter(code=HUB_CODE).first()
    if hub is None:
        began = time.perf_counter()
        call_command("generate_data", enterprises=enterprises, cases=size, visits=size, seed=seed, hub=HUB_CODE)
        generated = round(time.perf_counter() - began, 1)
        hub = Hub.objects.get(code=HUB_CODE)
    counts = {
        "cases": Case.objects.filter(hub=hub).count(),
        "visits": Visit.objects.filter(hub=hub).count(),
        "enterprises": Enterprise.objects.filter(hub=hub).count(),
    }
    if counts["cases"] != size or counts["visits"] != size or counts["enterprises"] != enterprises:
        raise CommandError(f"The bench database holds other data ({counts}): run the bench with --rebuild.")
    user = User.objects.filter(username=BENCH_USERNAME).first() or User(username=BENCH_USERNAME)
    user.role, user.hub, user.first_name, user.last_name, user.is_active = Role.MANAGER, hub, "Bench", "Manager", True
    user.set_password(BENCH_PASSWORD)
    user.save()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {"generated_seconds": generated, "rows": counts}


def best_of(function: Callable[[], object], *, runs: int = 5) -> tuple[float, object]:
    """The fastest of `runs` calls, in milliseconds, and the last result."""
    best, result = float("inf"), None
    for _ in range(runs):
        began = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - began)
    return round(best * 1000, 2), result


def _period() -> tuple[datetime.datetime, datetime.datetime]:
    bamako = ZoneInfo("Africa/Bamako")
    return (
        datetime.datetime(REPORT_YEAR, 1, 1, tzinfo=bamako),
        datetime.datetime(REPORT_YEAR + 1, 1, 1, tzinfo=bamako),
    )


class HandSql:
    """The report figures of one hub for REPORT_YEAR, written by hand: half-open ranges on the timestamps
    (which an index can serve) and every count of a table in one pass."""

    def __init__(self, *, hub_id: int):
        from django.db import connection

        self.connection = connection
        self.vendor = connection.vendor
        start, end = _period()
        adapt = connection.ops.adapt_datetimefield_value
        self.params = {"hub": hub_id, "start": adapt(start), "end": adapt(end)}

    def local_date(self, column: str) -> str:
        if self.vendor == "postgresql":
            return f"({column} AT TIME ZONE INTERVAL '+00:00')::date"  # Bamako is UTC+0 all year
        return f"date({column})"  # SQLite stores UTC text

    def month(self, column: str) -> str:
        if self.vendor == "postgresql":
            return f"to_char({column} AT TIME ZONE INTERVAL '+00:00', 'YYYY-MM')"
        return f"strftime('%%Y-%%m', {column})"

    def run(self, sql: str, params: dict | None = None) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, {**self.params, **(params or {})})
            return cursor.fetchall()

    CASES = "FROM cases_case WHERE hub_id = %(hub)s AND received_at >= %(start)s AND received_at < %(end)s"
    VISITS = "FROM visits_visit WHERE hub_id = %(hub)s AND started_at >= %(start)s AND started_at < %(end)s"

    def activity(self) -> dict:
        (row,) = self.run(
            f"""
            SELECT c.received, c.answered, c.resolved, c.rejected, c.referred,
                   v.visits, v.people, v.women, e.reached, e.women_led, s.sheets, s.partners
            FROM (SELECT COUNT(*) AS received,
                         COUNT(first_contact_at) AS answered,
                         COUNT(CASE WHEN status IN ('resolved', 'closed') THEN 1 END) AS resolved,
                         COUNT(CASE WHEN status = 'rejected' THEN 1 END) AS rejected,
                         COUNT(CASE WHEN status = 'referred' THEN 1 END) AS referred
                  {self.CASES}) c
            CROSS JOIN (SELECT COUNT(*) AS visits, COALESCE(SUM(people_reached_total), 0) AS people,
                               COALESCE(SUM(people_reached_women), 0) AS women
                        {self.VISITS}) v
            CROSS JOIN (SELECT COUNT(*) AS reached, COUNT(CASE WHEN women_led THEN 1 END) AS women_led
                        FROM hub_enterprise
                        WHERE id IN (SELECT enterprise_id {self.CASES} UNION SELECT enterprise_id {self.VISITS})) e
            CROSS JOIN (SELECT COUNT(sheet_id) AS sheets, COUNT(CASE WHEN sheet_id IS NULL THEN 1 END) AS partners
                        FROM (SELECT sheet_id FROM cases_caseshare
                              WHERE hub_id = %(hub)s AND shared_at >= %(start)s AND shared_at < %(end)s
                              UNION ALL
                              SELECT sheet_id FROM visits_visitshare
                              WHERE hub_id = %(hub)s AND shared_at >= %(start)s AND shared_at < %(end)s) shares) s
            """  # noqa: S608 - constant SQL, values as parameters  # nosec B608
        )
        names = [
            "cases_received", "cases_answered", "cases_resolved", "cases_rejected", "cases_referred", "visits",
            "people_reached", "women_reached", "enterprises_reached", "women_led_enterprises_reached",
            "sheets_shared", "partners_shared",
        ]  # fmt: skip
        return dict(zip(names, (int(value) for value in row), strict=True))

    DELAYS = {
        "acknowledge": ("acknowledged_at", "acknowledge_due"),
        "assign": ("assigned_at", "assign_due"),
        "first_contact": ("first_contact_at", "first_contact_due"),
        "resolve": ("resolved_at", "resolve_due"),
    }

    def service_quality(self, *, now: datetime.datetime) -> dict:
        counts = ", ".join(
            f"COUNT({done}), COUNT(CASE WHEN {self.local_date(done)} <= {due} THEN 1 END)"
            for done, due in self.DELAYS.values()
        )
        (row,) = self.run(
            f"SELECT {counts}, COUNT(CASE WHEN status IN ('resolved', 'closed') THEN 1 END), "
            f"COUNT(satisfaction_rating), COUNT(CASE WHEN satisfaction_rating >= 4 THEN 1 END), "
            f"AVG(satisfaction_rating), "
            f"COUNT(CASE WHEN satisfaction_rating IS NOT NULL AND status IN ('resolved', 'closed') THEN 1 END) "
            f"{self.CASES}"
        )
        percentiles = self._percentiles(done_counts=row[0:8:2])
        delays = {}
        for index, name in enumerate(self.DELAYS):
            done, within = row[2 * index], row[2 * index + 1]
            median, p90 = percentiles[name]
            delays[name] = {
                "count": done,
                "median_days": median,
                "p90_days": p90,
                "within_standard_share": round(within / done, 4) if done else None,
            }
        resolved, rated, satisfied, mean, rated_resolved = row[8:13]
        return {
            "delays": delays,
            "backlog_by_age": self.backlog(now=now),
            "satisfaction": {
                "rated": rated,
                "mean": round(float(mean), 2) if mean is not None else None,
                "satisfied_share": round(satisfied / rated, 4) if rated else None,
                "answer_rate": round(rated_resolved / resolved, 4) if resolved else None,
            },
        }

    def _percentiles(self, *, done_counts) -> dict:
        """Nearest-rank median and 90th percentile of each delay, in days: one ordered-set aggregate pass
        on PostgreSQL; on SQLite, which has none, the row at that rank of each ordered delay."""
        import math

        result = {}
        if self.vendor == "postgresql":
            parts = ", ".join(
                f"percentile_disc({share}) WITHIN GROUP (ORDER BY date_part('epoch', {done} - received_at))"
                for done, _due in self.DELAYS.values()
                for share in (0.5, 0.9)
            )
            (row,) = self.run(f"SELECT {parts} {self.CASES}")
            for index, name in enumerate(self.DELAYS):
                result[name] = tuple(
                    round(value / 86400, 2) if value is not None else None for value in row[2 * index : 2 * index + 2]
                )
            return result
        for (name, (done, _due)), count in zip(self.DELAYS.items(), done_counts, strict=True):
            values = []
            for share in (0.5, 0.9):
                if not count:
                    values.append(None)
                    continue
                rank = max(math.ceil(share * count), 1) - 1
                ((later, earlier),) = self.run(
                    f"SELECT {done}, received_at {self.CASES} AND {done} IS NOT NULL "
                    f"ORDER BY julianday({done}) - julianday(received_at) LIMIT 1 OFFSET %(rank)s",
                    {"rank": rank},
                )
                # The delay of that row to the microsecond (julianday's floats are for the order only).
                later, earlier = (
                    datetime.datetime.fromisoformat(value) if isinstance(value, str) else value
                    for value in (later, earlier)
                )
                delay = later - earlier
                values.append(round(delay.total_seconds() / 86400, 2))
            result[name] = tuple(values)
        return result

    def backlog(self, *, now: datetime.datetime) -> list[dict]:
        from django.utils import timezone

        from hub.reports.selectors import BACKLOG_AGES

        adapt = self.connection.ops.adapt_datetimefield_value
        today = timezone.localdate(now)

        def midnight(day: datetime.date):
            return adapt(timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)))

        params, buckets = {"now": adapt(now)}, []
        for index, (low, high) in enumerate(BACKLOG_AGES):
            params[f"low{index}"] = midnight(today - datetime.timedelta(days=low - 1))
            condition = f"received_at <= %(now)s AND received_at < %(low{index})s"
            if high is not None:
                params[f"high{index}"] = midnight(today - datetime.timedelta(days=high))
                condition += f" AND received_at >= %(high{index})s"
            buckets.append(f"COUNT(CASE WHEN {condition} THEN 1 END)")
        (row,) = self.run(
            f"SELECT {', '.join(buckets)} FROM cases_case WHERE hub_id = %(hub)s "  # noqa: S608  # nosec B608
            "AND status IN ('new', 'qualified', 'assigned', 'in_progress', 'waiting_sme')",
            params,
        )
        return [
            {"min_days": low, "max_days": high, "open_cases": row[index]}
            for index, (low, high) in enumerate(BACKLOG_AGES)
        ]

    def monthly(self) -> dict:
        """The activity per month: cases, visits and distinct enterprises reached, three grouped passes."""
        figures: dict[str, dict] = {}
        case_month, visit_month = self.month("received_at"), self.month("started_at")
        for month, received, answered, resolved in self.run(
            f"SELECT {case_month} AS m, COUNT(*), COUNT(first_contact_at), "
            f"COUNT(CASE WHEN status IN ('resolved', 'closed') THEN 1 END) {self.CASES} GROUP BY m"
        ):
            figures.setdefault(month, {}).update(
                cases_received=received, cases_answered=answered, cases_resolved=resolved
            )
        for month, visits, people, women in self.run(
            f"SELECT {visit_month} AS m, COUNT(*), SUM(people_reached_total), SUM(people_reached_women) "
            f"{self.VISITS} GROUP BY m"
        ):
            figures.setdefault(month, {}).update(visits=visits, people_reached=people or 0, women_reached=women or 0)
        for month, reached, women_led in self.run(
            f"SELECT p.m, COUNT(DISTINCT p.enterprise_id), "  # noqa: S608 (constant SQL, values as parameters)  # nosec B608
            f"COUNT(DISTINCT CASE WHEN e.women_led THEN p.enterprise_id END) "
            f"FROM (SELECT {case_month} AS m, enterprise_id {self.CASES} "
            f"UNION SELECT {visit_month} AS m, enterprise_id {self.VISITS}) p "
            f"JOIN hub_enterprise e ON e.id = p.enterprise_id GROUP BY p.m"
        ):
            figures.setdefault(month, {}).update(enterprises_reached=reached, women_led_enterprises_reached=women_led)
        return figures


def _api_client(user):
    from django.test import Client
    from rest_framework.authtoken.models import Token

    token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT="application/json")


def _queries_per_request(client) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    period = urlencode({"date_from": f"{REPORT_YEAR}-01-01", "date_to": f"{REPORT_YEAR}-12-31", "hub": HUB_CODE})
    paths = [f"/api/v1/{name}/" for name in ("hubs", "enterprises", "referents", "cases", "visits", "followups")]
    paths += [f"/api/v1/reports/summary/?{period}"]
    paths += [f"/api/v1/reports/breakdown/?{period}&by={by}" for by in ("month", "region", "referent")]
    paths += [f"/api/v1/reports/impact/?{period}", f"/api/v1/reports/targets/?{period}"]
    rows = []
    for path in paths:
        warm, _response = best_of(lambda path=path: client.get(path), runs=1)
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        milliseconds = min(warm, round((time.perf_counter() - began) * 1000, 2))
        count = len(queries)  # now: the next request's request_started signal empties the query log
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        rows.append({"path": path, "queries": count, "ms": milliseconds})
    return rows


def _reports(user) -> list[dict]:
    from django.utils import timezone

    from hub.reports import selectors

    filters = selectors.ReportFilters(
        date_from=datetime.date(REPORT_YEAR, 1, 1), date_to=datetime.date(REPORT_YEAR, 12, 31), hub=HUB_CODE
    )
    hand = HandSql(hub_id=user.hub_id)
    now = timezone.now()

    def monthly_orm() -> dict:
        rows = selectors.activity_breakdown(user=user, filters=filters, by="month")
        keys = [*HAND_MONTHLY_KEYS]
        return {row["key"]: {key: row[key] for key in keys} for row in rows if any(row[key] for key in keys)}

    def monthly_sql() -> dict:
        return {
            month: {key: figures.get(key, 0) for key in HAND_MONTHLY_KEYS} for month, figures in hand.monthly().items()
        }

    pairs = {
        "activity (summary)": (
            lambda: selectors.activity(user=user, filters=filters),
            hand.activity,
        ),
        "service quality (summary)": (
            lambda: selectors.service_quality(user=user, filters=filters, now=now),
            lambda: hand.service_quality(now=now),
        ),
        "breakdown by month": (monthly_orm, monthly_sql),
    }
    rows = []
    for name, (orm, sql) in pairs.items():
        orm_ms, orm_result = best_of(orm)
        sql_ms, sql_result = best_of(sql)
        same, missing = compare(orm_result, sql_result)
        rows.append(
            {
                "report": name,
                "orm_ms": orm_ms,
                "sql_ms": sql_ms,
                "ratio": round(orm_ms / sql_ms, 2) if sql_ms else None,
                "same_figures": same,
                "sql_lacks": missing,
            }
        )
    for name, function in {
        "impact": lambda: selectors.impact(user=user, filters=filters),
        "targets": lambda: selectors.targets(user=user, filters=filters),
    }.items():
        milliseconds, _result = best_of(function)
        rows.append({"report": name, "orm_ms": milliseconds, "sql_ms": None, "ratio": None, "same_figures": None})
    return rows


HAND_MONTHLY_KEYS = (
    "cases_received", "cases_answered", "cases_resolved", "visits", "people_reached", "women_reached",
    "enterprises_reached", "women_led_enterprises_reached",
)  # fmt: skip


def compare(orm, sql, path: str = "") -> tuple[bool, list[str]]:
    """Whether the figures the hand-written SQL computes are the ORM's, and the figures of the ORM it
    lacks (the selectors grow figures that the yardstick may not have caught up with)."""
    if isinstance(orm, dict) and isinstance(sql, dict):
        same, missing = True, []
        for key, value in orm.items():
            if key not in sql:
                missing.append(f"{path}{key}")
                continue
            ok, lacking = compare(value, sql[key], f"{path}{key}.")
            same, missing = same and ok, missing + lacking
        return same and set(sql) <= set(orm), missing
    return _normalised(orm) == _normalised(sql), []


def _normalised(value):
    """Figures compared across the ORM and the hand-written SQL: numbers as floats rounded to 2 places."""
    if isinstance(value, dict):
        return {str(key): _normalised(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normalised(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return round(float(value), 2)
    try:
        return round(float(value), 2)
    except (TypeError, ValueError):
        return value


def _gzip_bytes(client, path: str, samples: int = 5) -> dict:
    """The compressed size of `path` as the server sends it to a client that accepts gzip; the largest of
    a few samples, as Django's GZipMiddleware pads each response with up to 100 random bytes."""
    sizes, raw = [], 0
    for _ in range(samples):
        response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        body = response.content
        compressed = response.get("Content-Encoding") == "gzip"
        raw = len(gzip.decompress(body)) if compressed else len(body)
        sizes.append(len(body) if compressed else len(gzip.compress(body)))
    return {"path": path, "raw_bytes": raw, "compressed_bytes": max(sizes), "served_compressed": compressed}


def _bytes(user) -> dict:
    from django.test import Client

    from hub.models import Role, User
    from visits.weight import first_load_weight

    referent = User.objects.filter(role=Role.REFERENT, hub=user.hub_id, is_active=True).order_by("pk").first()
    resources = first_load_weight(user=referent, page="visits:visit-new")
    mobile = Client(HTTP_HOST="127.0.0.1")
    mobile.force_login(referent)
    api = _api_client(user)
    return {
        "visit_form": [asdict(resource) for resource in resources],
        "visit_form_total": sum(resource.compressed_bytes for resource in resources),
        "mobile_home": _gzip_bytes(mobile, "/m/"),
        "api_pages": [_gzip_bytes(api, f"/api/v1/{name}/?page_size={PAGE_SIZE}") for name in LIST_RESOURCES],
    }


def _charts(user) -> dict:
    """Each chart of hub/reports/charts.py drawn from this data set's figures, best of 3, in SVG and PNG."""
    try:
        from hub.reports import charts
    except ImportError as error:
        return {"available": False, "reason": str(error), "rows": []}
    from django.utils import translation

    from hub.reports import selectors

    filters = selectors.ReportFilters(
        date_from=datetime.date(REPORT_YEAR, 1, 1), date_to=datetime.date(REPORT_YEAR, 12, 31), hub=HUB_CODE
    )
    with translation.override("fr"):
        monthly = selectors.activity_breakdown(user=user, filters=filters, by="month")
        regions = selectors.activity_breakdown(user=user, filters=filters, by="region")
        quality = selectors.service_quality(user=user, filters=filters)
        lines = selectors.targets(user=user, filters=filters)["hubs"][0]["indicators"]
        impact = selectors.impact(user=user, filters=filters)
        drawings = {
            "monthly_activity": lambda fmt: charts.monthly_activity(monthly, fmt=fmt),
            "breakdown (regions)": lambda fmt: charts.breakdown(regions, title="Régions", fmt=fmt),
            "delays": lambda fmt: charts.delays(quality, fmt=fmt),
            "backlog": lambda fmt: charts.backlog(quality["backlog_by_age"], fmt=fmt),
            "impact": lambda fmt: charts.impact(impact, fmt=fmt),
            "targets": lambda fmt: charts.targets(lines, fmt=fmt),
        }
        rows = []
        for name, draw in drawings.items():
            row = {"chart": name}
            for fmt in ("svg", "png"):
                milliseconds, content = best_of(lambda draw=draw, fmt=fmt: draw(fmt), runs=3)
                row[f"{fmt}_ms"], row[f"{fmt}_bytes"] = milliseconds, len(content)
            rows.append(row)
    return {"available": True, "reason": "", "rows": rows}


def stage_measure() -> dict:
    from cases.models import Case
    from hub.models import Enterprise
    from visits.models import Visit

    user = _bench_user()
    ids = {}
    for name, model in (("cases", Case), ("visits", Visit), ("enterprises", Enterprise)):
        bounds = model.objects.filter(hub=user.hub_id).order_by().values_list("pk", flat=True)
        ids[name] = {"min": bounds.order_by("pk").first(), "max": bounds.order_by("-pk").first()}
    return {
        "ids": ids,
        "queries": _queries_per_request(_api_client(user)),
        "reports": _reports(user),
        "bytes": _bytes(user),
        "charts": _charts(user),
    }


# --- Driver: bench databases, stages, gunicorn, table -------------------------------------------------------


def _clean_env() -> dict:
    """The environment of the bench's processes: the caller's, without its database, cache or settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG"}
    }
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@dataclass(frozen=True)
class BenchDatabase:
    vendor: str
    size: int
    url: str
    label: str


def sqlite_database(*, directory: Path, size: int) -> BenchDatabase:
    path = (directory / f"bench-{size}.sqlite3").resolve()
    return BenchDatabase("sqlite", size, f"sqlite:///{path}", str(path))


def postgres_database(*, url: str, size: int) -> BenchDatabase:
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'bench'}_{size}"
    if "bench" not in name or not name.replace("_", "").isalnum():
        raise ValueError(f"The PostgreSQL bench database name must contain 'bench' (letters, digits, _): {name!r}")
    return BenchDatabase("postgresql", size, urlunsplit(parts._replace(path=f"/{name}")), name)


def refuse_developer_database(database: BenchDatabase) -> None:
    """The bench writes and drops its databases: never one that the project is configured to use."""
    from django.conf import settings

    configured = str(settings.DATABASES["default"]["NAME"])
    name = database.label if database.vendor == "sqlite" else urlsplit(database.url).path.lstrip("/")
    if name == configured or Path(name).name == "db.sqlite3":
        raise ValueError(f"Refusing to use the project's own database {configured!r} as a bench database.")


def ensure_database(database: BenchDatabase, *, rebuild: bool) -> None:
    if database.vendor == "sqlite":
        path = Path(database.label)
        path.parent.mkdir(parents=True, exist_ok=True)
        if rebuild:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(database.url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database.label]).fetchone()
        if exists and rebuild:
            connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(database.label)))
            exists = None
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database.label)))


def run_stage(stage: str, database: BenchDatabase, *, timeout: float, extra: list[str]) -> dict:
    """`manage.py bench --stage ...` in a process of its own against `database`; returns its result."""
    with tempfile.NamedTemporaryFile(suffix=".json", prefix=f"bench-{stage}-") as result:
        env = {
            **_clean_env(),
            "DJANGO_SETTINGS_MODULE": "hub.settings.local",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": database.url,
        }
        command = [
            sys.executable, "manage.py", "bench", "--stage", stage, "--size", str(database.size),
            "--result-file", result.name, *extra,
        ]  # fmt: skip
        completed = subprocess.run(  # noqa: S603  # nosec B603
            command, cwd=BASE_DIR, env=env, timeout=timeout, capture_output=True, text=True, check=False
        )
        if completed.returncode != 0:
            raise RuntimeError(f"bench --stage {stage} on {database.label} failed:\n{completed.stderr[-3000:]}")
        return json.loads(Path(result.name).read_text())


@dataclass
class Run:
    vendor: str
    size: int
    database: str
    enterprises: int
    prepare: dict = field(default_factory=dict)
    measure: dict = field(default_factory=dict)
    lists: list = field(default_factory=list)
    error: str = ""


def machine() -> dict:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    memory_kib = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "python": sys.version.split()[0],
    }


def postgres_version(url: str) -> str:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), connect_timeout=10) as connection:
        return connection.execute("SHOW server_version").fetchone()[0]


def bench(
    *,
    sizes: list[int],
    vendors: list[str],
    sqlite_dir: Path,
    postgres_url: str,
    enterprise_ratio: int,
    seed: int,
    requests: int,
    concurrency: int,
    workers: int,
    threads: int,
    deep_pages: int,
    rebuild: bool,
    say: Callable[[str], None],
    progress: Callable[[dict], None] = lambda result: None,
) -> dict:
    """Every size on every database; `progress` gets the figures so far after each of them, so that an
    interrupted run keeps what it measured."""
    runs = []
    log_dir = sqlite_dir
    log_dir.mkdir(parents=True, exist_ok=True)
    result = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            "requests": requests,
            "concurrency": concurrency,
            "workers": workers,
            "threads": threads,
            "deep_pages": deep_pages,
            "enterprise_ratio": enterprise_ratio,
            "seed": seed,
        },
        "runs": [],
    }
    if "postgresql" in vendors:
        with contextlib.suppress(Exception):
            result["machine"]["postgresql"] = postgres_version(postgres_url)
    for size in sizes:
        enterprises = max(size // enterprise_ratio, 1)
        for vendor in vendors:
            database = (
                sqlite_database(directory=sqlite_dir, size=size)
                if vendor == "sqlite"
                else postgres_database(url=postgres_url, size=size)
            )
            refuse_developer_database(database)
            run = Run(vendor=vendor, size=size, database=database.label, enterprises=enterprises)
            runs.append(run)
            try:
                say(
                    f"{vendor} {size}: preparing {database.label} "
                    f"(generating {size} cases, when needed, takes about {size / 700:.0f} s)"
                )
                ensure_database(database, rebuild=rebuild)
                run.prepare = run_stage(
                    "prepare",
                    database,
                    timeout=600 + size * 0.01,
                    extra=["--enterprises", str(enterprises), "--seed", str(seed)],
                )
                say(f"{vendor} {size}: measuring queries, reports, bytes and charts")
                run.measure = run_stage("measure", database, timeout=600 + size * 0.006, extra=[])
                say(f"{vendor} {size}: loading the API under gunicorn ({workers} workers x {threads} threads)")
                with gunicorn(
                    database_url=database.url, workers=workers, threads=threads, log=log_dir / "gunicorn.log"
                ) as port:
                    run.lists = measure_lists(
                        port=port,
                        ids=run.measure["ids"],
                        requests=requests,
                        concurrency=concurrency,
                        deep_pages=deep_pages,
                    )
            except Exception as error:  # one database failing leaves the others measured; the table says so
                run.error = f"{type(error).__name__}: {error}"
                say(f"{vendor} {size}: FAILED {run.error}")
            result["runs"] = [asdict(run) for run in runs]
            progress(result)
    return result


# --- The table -------------------------------------------------------------------------------------------


def _table(headers: list[str], rows: list[list]) -> list[str]:
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(header), *(len(row[index]) for row in cells)) for index, header in enumerate(headers)]
    line = "  ".join(header.ljust(width) for header, width in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * width for width in widths)]
    for row in cells:
        out.append("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    return out


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT MET")


def goals(run: dict) -> list[list]:
    """Each goal of the issue against this run's figures: [goal, figure, verdict]."""
    out = []
    lists = run.get("lists") or []
    if lists:
        worst = min(lists, key=lambda row: row["api_vs_plain"] or 0)
        out.append(
            [
                "API rps >= 0.5 x plain values() view",
                f"worst {worst['api_vs_plain']} ({worst['endpoint']} {worst['page']})",
                _verdict((worst["api_vs_plain"] or 0) >= GOALS["api_vs_plain"]),
            ]
        )
        by_endpoint = {}
        for row in lists:
            by_endpoint.setdefault(row["endpoint"], {})[row["page"]] = row["api"]["p99_ms"]
        ratios = {name: pages["deep"] / pages["first"] for name, pages in by_endpoint.items() if pages.get("first")}
        name, ratio = max(ratios.items(), key=lambda item: item[1])
        out.append(
            [
                "API p99 deep <= 1.5 x first page",
                f"worst {ratio:.2f} ({name})",
                _verdict(ratio <= GOALS["deep_vs_first_p99"]),
            ]
        )
    measure = run.get("measure") or {}
    timed = [row for row in measure.get("reports", []) if row.get("ratio") is not None]
    if timed:
        worst = max(timed, key=lambda row: row["ratio"])
        out.append(
            [
                "reports <= 1.2 x hand-written SQL",
                f"worst {worst['ratio']} ({worst['report']})",
                _verdict(worst["ratio"] <= GOALS["report_vs_sql"]),
            ]
        )
    summary = [row["orm_ms"] for row in timed if row["report"].endswith("(summary)")]
    if run.get("vendor") == "postgresql" and len(summary) == 2:
        total = round(sum(summary))
        out.append(
            [
                "summary report < 1 s on PostgreSQL",
                f"{total} ms (activity and service quality)",
                _verdict(total < GOALS["summary_ms_postgresql"]),
            ]
        )
    weights = measure.get("bytes")
    if weights:
        total = weights["visit_form_total"]
        out.append(["visit form <= 14 KB compressed", f"{total} B", _verdict(total <= GOALS["visit_form_bytes"])])
        worst = max(weights["api_pages"], key=lambda row: row["compressed_bytes"])
        out.append(
            [
                "50-item API page <= 3 KB compressed",
                f"worst {worst['compressed_bytes']} B ({worst['path']})",
                _verdict(worst["compressed_bytes"] <= GOALS["api_page_bytes"]),
            ]
        )
    return out


def render(result: dict) -> str:
    settings = result["settings"]
    lines = [
        f"Machine: {result['machine']}",
        f"Load: {settings['requests']} requests per scenario in 3 interleaved rounds (the best kept), "
        f"concurrency {settings['concurrency']}, keep-alive; "
        f"gunicorn {settings['workers']} workers x {settings['threads']} threads (gthread) on 127.0.0.1",
    ]
    for run in result["runs"]:
        lines += ["", f"== {run['vendor']}, {run['size']} cases and visits, {run['enterprises']} enterprises =="]
        lines.append(f"database {run['database']}")
        if run["prepare"]:
            seconds = run["prepare"]["generated_seconds"]
            lines.append(f"data: {'generated in ' + str(seconds) + ' s' if seconds is not None else 'reused'}")
        if run["error"]:
            lines.append(f"ERROR: {run['error']}")
        if run["lists"]:
            lines += ["", "API lists (rps, median and p99 latency in ms) against the plain values() view"]
            lines += _table(
                ["endpoint", "page", "api rps", "p50", "p99", "plain rps", "p50", "p99", "api/plain", "errors"],
                [
                    [
                        row["endpoint"], row["page"], row["api"]["rps"], row["api"]["median_ms"], row["api"]["p99_ms"],
                        row["plain"]["rps"], row["plain"]["median_ms"], row["plain"]["p99_ms"], row["api_vs_plain"],
                        row["api"]["errors"] + row["plain"]["errors"],
                    ]
                    for row in run["lists"]
                ],
            )  # fmt: skip
        measure = run["measure"]
        if measure:
            lines += ["", "Queries per request (Django test client, in process; ms: the faster of 2 requests)"]
            lines += _table(["path", "queries", "ms"], [[r["path"], r["queries"], r["ms"]] for r in measure["queries"]])
            lines += ["", f"Reports for hub {HUB_CODE}, {REPORT_YEAR} (ms, best of 5)"]
            lines += _table(
                ["report", "ORM", "hand SQL", "ratio", "same figures"],
                [
                    [r["report"], r["orm_ms"], r["sql_ms"] or "-", r["ratio"] or "-", _same(r["same_figures"])]
                    for r in measure["reports"]
                ],
            )
            for r in measure["reports"]:
                if r.get("sql_lacks"):
                    lines.append(f"{r['report']}: the hand-written SQL lacks {', '.join(r['sql_lacks'])}")
            weights = measure["bytes"]
            lines += ["", "Bytes on the wire, gzip"]
            rows = [[r["url"], r["raw_bytes"], r["compressed_bytes"]] for r in weights["visit_form"]]
            rows.append(["visit form, first load in total", "", weights["visit_form_total"]])
            rows.append(
                [
                    weights["mobile_home"]["path"],
                    weights["mobile_home"]["raw_bytes"],
                    weights["mobile_home"]["compressed_bytes"],
                ]
            )
            rows += [[r["path"], r["raw_bytes"], r["compressed_bytes"]] for r in weights["api_pages"]]
            lines += _table(["resource", "bytes", "compressed"], rows)
            charts = measure["charts"]
            lines += [""]
            if charts["available"]:
                lines += ["Charts (ms best of 3, bytes)"]
                lines += _table(
                    ["chart", "svg ms", "svg bytes", "png ms", "png bytes"],
                    [[r["chart"], r["svg_ms"], r["svg_bytes"], r["png_ms"], r["png_bytes"]] for r in charts["rows"]],
                )
            else:
                lines.append(f"Charts: not measured, hub/reports/charts.py is not importable ({charts['reason']})")
        verdicts = goals(run)
        if verdicts:
            lines += ["", "Goals"]
            lines += _table(["goal", "figure", "verdict"], verdicts)
    return "\n".join(lines)


def _same(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "NO")


def parse_sizes(text: str) -> list[int]:
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) < 100:
        raise ValueError("--sizes takes numbers of at least 100, separated by commas")
    return sizes


def stage_result(result_file: str, value: dict) -> None:
    Path(result_file).write_text(json.dumps(value, default=str))
