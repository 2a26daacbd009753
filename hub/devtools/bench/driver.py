"""The driver run by `manage.py bench`: creates the bench databases, runs the stages in processes of their
own, starts gunicorn on the bench's WSGI application and loads it."""

import contextlib
import datetime
import http.client
import json
import os
import secrets
import signal
import subprocess  # nosec B404 - the bench starts gunicorn and manage.py, with fixed arguments
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from hub.devtools.bench.load import free_port, measure_lists

BASE_DIR = Path(__file__).resolve().parents[3]
"""The project's root, where manage.py is."""
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_SQLITE_DIR = Path(tempfile.gettempdir()) / "hubiit-bench"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench"
GUNICORN_CONFIG = BASE_DIR / "docs" / "deploy" / "gunicorn.conf.py"


@contextlib.contextmanager
def gunicorn(
    *, database_url: str, workers: int, threads: int, log: Path, startup_timeout: float = 60.0
) -> Iterator[int]:
    """gunicorn serving `hub.devtools.bench.wsgi:application` on a free port of 127.0.0.1, with the production
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
        sys.executable, "-m", "gunicorn", "hub.devtools.bench.wsgi:application", "--config", str(GUNICORN_CONFIG),
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


def parse_sizes(text: str) -> list[int]:
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) < 100:
        raise ValueError("--sizes takes numbers of at least 100, separated by commas")
    return sizes
