"""The stages `manage.py bench --stage ...` runs inside a bench database (`DATABASE_URL` set to it):
`prepare` migrates and fills it with `generate_data`, `measure` counts queries, times the reports against
hand-written SQL, weighs the pages and times the charts."""

import datetime
import gzip
import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlencode

from hub.devtools.bench import (
    BENCH_PASSWORD,
    BENCH_USERNAME,
    HUB_CODE,
    LIST_RESOURCES,
    PAGE_SIZE,
    REPORT_YEAR,
)
from hub.devtools.bench.hand_sql import HandSql


def _bench_user():
    from hub.models import Role, User

    return User.objects.get(username=BENCH_USERNAME, role=Role.MANAGER)


def prepare(*, size: int, enterprises: int, seed: int) -> dict:
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

    from hub.reports import impact, selectors, targets

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
        "impact": lambda: impact.impact(user=user, filters=filters),
        "targets": lambda: targets.targets(user=user, filters=filters),
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

    from hub.reports import impact, selectors, targets

    filters = selectors.ReportFilters(
        date_from=datetime.date(REPORT_YEAR, 1, 1), date_to=datetime.date(REPORT_YEAR, 12, 31), hub=HUB_CODE
    )
    with translation.override("fr"):
        monthly = selectors.activity_breakdown(user=user, filters=filters, by="month")
        regions = selectors.activity_breakdown(user=user, filters=filters, by="region")
        quality = selectors.service_quality(user=user, filters=filters)
        lines = targets.targets(user=user, filters=filters)["hubs"][0]["indicators"]
        followed = impact.impact(user=user, filters=filters)
        drawings = {
            "monthly_activity": lambda fmt: charts.monthly_activity(monthly, fmt=fmt),
            "breakdown (regions)": lambda fmt: charts.breakdown(regions, title="Régions", fmt=fmt),
            "delays": lambda fmt: charts.delays(quality, fmt=fmt),
            "backlog": lambda fmt: charts.backlog(quality["backlog_by_age"], fmt=fmt),
            "impact": lambda fmt: charts.impact(followed, fmt=fmt),
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


def measure() -> dict:
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


def write_result(result_file: str, value: dict) -> None:
    Path(result_file).write_text(json.dumps(value, default=str))
