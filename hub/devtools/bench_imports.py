"""How long spreadsheet imports take (docs/IMPORTS.md): files of 10,000 lines of enterprises, past cases and
past visits, each checked (a dry run) then imported, through the services of the page and the command, on a
fresh database: SQLite in a temporary file, or the PostgreSQL database that DATABASE_URL names, dropped and
made again. Prints the figures, with the time spent in the records' services; nothing is asserted.

    make bench-imports
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_imports_bench make bench-imports
    python -m hub.devtools.bench_imports --lines 2000
"""

import argparse
import datetime
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SQLITE_PATH = Path(tempfile.gettempdir()) / "hubiit-bench-imports.sqlite3"


def _fresh_database(url: str) -> str:
    """The URL of an empty database: a new SQLite file, or the PostgreSQL database of `url` made again."""
    if not url.startswith("postgres"):
        SQLITE_PATH.unlink(missing_ok=True)
        return f"sqlite:///{SQLITE_PATH}"
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url


def _workbook(headers: dict[str, str], rows: list[dict]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    names = list(rows[0])
    sheet.append([headers[name] for name in names])
    for row in rows:
        sheet.append([row[name] for name in names])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _lines(kind: str, count: int, *, units: list[str], referents: list[str]) -> list[dict]:
    start = datetime.datetime(2024, 1, 8, 8, 0)  # noqa: DTZ001 - a time of the hub's day, as typed in a sheet
    if kind == "enterprises":
        return [
            {
                "name": f"Entreprise {number}",
                "sector": "ACGI"[number % 4],
                "region": units[number % len(units)],
                "commune": f"Commune {number % 7}",
                "owner_name": f"Awa Traoré {number}",
                "owner_phone": f"76 {number // 10000:02d} {number // 100 % 100:02d} {number % 100:02d}",
                "employees_total": number % 40,
                "employees_women": number % 40 // 2,
                "women_led": "oui" if number % 3 else "non",
                "turnover_band": "lt30m",
                "consent_given": "oui",
                "consent_date": "01/01/2024",
            }
            for number in range(count)
        ]
    if kind == "cases":
        statuses = ["resolved", "closed", "rejected", "new"]
        return [
            {
                "enterprise": f"Entreprise {number}",
                "enterprise_phone": f"76 {number // 10000:02d} {number // 100 % 100:02d} {number % 100:02d}",
                "received_at": start + datetime.timedelta(hours=number),
                "channel": "phone",
                "domain": "agro",
                "title": f"Demande {number}",
                "status": statuses[number % 4],
                "resolved_at": start + datetime.timedelta(hours=number + 200) if number % 4 < 2 else None,
                "resolution_summary": "Solution trouvée" if number % 4 < 2 else "",
                "rejection_reason": "Hors du champ" if number % 4 == 2 else "",
                "assigned_to": referents[number % len(referents)] if number % 4 < 2 else "",
            }
            for number in range(count)
        ]
    return [
        {
            "referent": referents[number % len(referents)],
            "enterprise": f"Entreprise {number}",
            "enterprise_phone": f"76 {number // 10000:02d} {number // 100 % 100:02d} {number % 100:02d}",
            "started_at": start + datetime.timedelta(hours=number),
            "duration_minutes": 60,
            "purpose": "diagnostic",
            "observations": "Séchage au sol",
            "people_reached_total": 3,
            "people_reached_women": 1,
        }
        for number in range(count)
    ]


class ServiceClock:
    """Time spent in the records' services (each resource's `store`), apart from reading the file and the
    lines: where an import's time goes."""

    def __init__(self, resources):
        self.seconds = 0.0
        for resource in resources:
            resource.store = self._timed(resource.store)

    def _timed(self, store):
        def timed(resource, instance, row):
            began = time.perf_counter()
            try:
                return store(resource, instance, row)
            finally:
                self.seconds += time.perf_counter() - began

        return timed

    def lap(self) -> float:
        seconds, self.seconds = self.seconds, 0.0
        return seconds


def _measure(*, hub, manager, kind: str, content: bytes, clock: ServiceClock) -> dict:
    """The check, then the import, of one file, as the command makes them (the page's have a limit of lines
    per file, and the same cost per line)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hub.imports.services import records_import

    def upload():
        return SimpleUploadedFile(f"bench-{kind}.xlsx", content)

    began = time.perf_counter()
    run, _batch = records_import(hub=hub, kind=kind, upload=upload(), by=manager, dry_run=True)
    checked = time.perf_counter() - began
    if run.refused:
        raise RuntimeError(f"{kind}: {len(run.refused)} lines refused: {run.refused[:3]}")
    clock.lap()
    began = time.perf_counter()
    run, _batch = records_import(hub=hub, kind=kind, upload=upload(), by=manager)
    imported = time.perf_counter() - began
    return {"check": checked, "import": imported, "services": clock.lap(), "counts": dict(run.counts)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10_000, help="Lines per file (10,000).")
    args = parser.parse_args(argv)
    media = tempfile.mkdtemp(prefix="hubiit-bench-imports-media-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "hub.settings.local",
            "DJANGO_DEBUG": "false",
            "DJANGO_MEDIA_ROOT": media,
            "DATABASE_URL": _fresh_database(os.environ.get("DATABASE_URL", "")),
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from hub.imports.resources import RESOURCES
    from hub.models import AdministrativeUnit, Hub, Referent, Role, User

    call_command("migrate", verbosity=0)
    hub = Hub.objects.create(code="ML", name="HUB IIT Mali (bench)", country="ML")
    manager = User.objects.create(username="bench-manager", role=Role.MANAGER, hub=hub)
    referents = []
    for number in range(10):
        user = User.objects.create(username=f"bench-referent-{number}", role=Role.REFERENT, hub=hub)
        Referent.objects.create(user=user, domains=["agro"])
        referents.append(user.username)
    units = list(AdministrativeUnit.objects.filter(country="ML").values_list("name", flat=True))
    vendor = f"{connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else ''}"
    print(f"Spreadsheet imports on {vendor.strip()}, {args.lines} lines per file (XLSX), one process")
    print(f"{'kind':<12} {'check (s)':>10} {'import (s)':>11} {'in services':>12} {'lines/s':>8}  outcome")
    clock = ServiceClock(RESOURCES.values())
    for kind, resource in RESOURCES.items():
        headers = {name: str(column.label) for name, column in resource.columns().items()}
        content = _workbook(headers, _lines(kind, args.lines, units=units, referents=referents))
        figures = _measure(hub=hub, manager=manager, kind=kind, content=content, clock=clock)
        rate = args.lines / figures["import"]
        print(
            f"{kind:<12} {figures['check']:>10.1f} {figures['import']:>11.1f} {figures['services']:>12.1f} "
            f"{rate:>8.0f}  {figures['counts']}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
