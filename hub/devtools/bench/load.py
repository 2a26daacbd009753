"""The load generator: a small threaded HTTP client on 127.0.0.1 that measures the API's lists against the
plain `values()` view of `hub.devtools.bench.wsgi`."""

import base64
import http.client
import json
import socket
import statistics
import threading
import time
from dataclasses import asdict, dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from hub.devtools.bench import BENCH_PASSWORD, BENCH_USERNAME, LIST_RESOURCES


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
