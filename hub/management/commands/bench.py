import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

STAGES = ("prepare", "measure")


class Command(BaseCommand):
    help = (
        "Build deterministic data sets in bench databases of their own (SQLite files and PostgreSQL databases, "
        "never the project's database), measure the API under gunicorn, queries, reports, bytes and charts, "
        "and print the table. 1,000,000 rows take tens of minutes to generate per database; a data set is "
        "reused by later runs until --rebuild. See docs/PERFORMANCE.md."
    )

    def add_arguments(self, parser):
        from hub.devtools.bench import driver  # the tooling, imported only when the command is run or asked about

        parser.add_argument(
            "--sizes",
            default=",".join(str(size) for size in driver.DEFAULT_SIZES),
            help="Cases and visits per data set, comma-separated (default 10000,100000,1000000).",
        )
        parser.add_argument(
            "--databases", default="sqlite,postgresql", help="sqlite, postgresql or both (default both)."
        )
        parser.add_argument(
            "--sqlite-dir",
            type=Path,
            default=driver.DEFAULT_SQLITE_DIR,
            help="Where the SQLite bench files, the gunicorn log and the results go "
            f"(default {driver.DEFAULT_SQLITE_DIR}).",
        )
        parser.add_argument(
            "--postgres-url",
            default=driver.DEFAULT_POSTGRES_URL,
            help="PostgreSQL server and base name; each size gets a database <name>_<size> "
            f"(default {driver.DEFAULT_POSTGRES_URL}, giving bench_10000, ...). The name must contain 'bench'.",
        )
        parser.add_argument("--enterprise-ratio", type=int, default=10, help="Cases per enterprise (default 10).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--requests",
            type=int,
            default=1500,
            help="Requests per load scenario, in three rounds (default 1500: the p99 of a round of 500 is its fifth "
            "slowest request, of a round of 100 its second).",
        )
        parser.add_argument("--concurrency", type=int, default=4, help="Client threads (default 4).")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2).")
        parser.add_argument("--threads", type=int, default=2, help="Threads per gunicorn worker (default 2).")
        parser.add_argument(
            "--deep-pages", type=int, default=5, help="`next` links followed from the middle of each list (default 5)."
        )
        parser.add_argument("--rebuild", action="store_true", help="Drop and regenerate the bench databases.")
        parser.add_argument(
            "--output",
            type=Path,
            help="The figures as JSON, written after each data set (default <sqlite-dir>/results.json).",
        )
        parser.add_argument("--stage", choices=STAGES, help="Internal: one stage inside a bench database.")
        parser.add_argument("--size", type=int, help="Internal: with --stage.")
        parser.add_argument("--enterprises", type=int, help="Internal: with --stage prepare.")
        parser.add_argument("--result-file", help="Internal: with --stage.")

    def handle(self, *args, **options):
        from hub.devtools.bench import driver, table

        if options["stage"]:
            self._stage(**options)
            return
        try:
            sizes = driver.parse_sizes(options["sizes"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        vendors = [name.strip() for name in options["databases"].split(",") if name.strip()]
        vendors = ["postgresql" if name in ("postgres", "pg") else name for name in vendors]
        if not vendors or set(vendors) - {"sqlite", "postgresql"}:
            raise CommandError("--databases takes sqlite, postgresql or both.")
        if min(options["requests"], options["concurrency"], options["workers"], options["threads"]) < 1:
            raise CommandError("--requests, --concurrency, --workers and --threads are at least 1.")
        if not 1 <= options["enterprise_ratio"] <= 1000 or not 0 <= options["deep_pages"] <= 100:
            raise CommandError("--enterprise-ratio is between 1 and 1000, --deep-pages between 0 and 100.")
        output = options["output"] or options["sqlite_dir"] / "results.json"
        output.parent.mkdir(parents=True, exist_ok=True)
        result = driver.bench(
            sizes=sizes,
            vendors=vendors,
            sqlite_dir=options["sqlite_dir"],
            postgres_url=options["postgres_url"],
            enterprise_ratio=options["enterprise_ratio"],
            seed=options["seed"],
            requests=options["requests"],
            concurrency=options["concurrency"],
            workers=options["workers"],
            threads=options["threads"],
            deep_pages=options["deep_pages"],
            rebuild=options["rebuild"],
            say=lambda message: self.stderr.write(message),
            progress=lambda so_far: output.write_text(json.dumps(so_far, indent=1, default=str)),
        )
        self.stdout.write(table.render(result))
        self.stdout.write(f"\nFigures as JSON: {output}")
        if any(run["error"] for run in result["runs"]):
            raise CommandError("Some measurements failed: see ERROR above.")

    @staticmethod
    def _stage(*, stage, size, enterprises, seed, result_file, **options):
        from hub.devtools.bench import stages

        if not size or not result_file:
            raise CommandError("--stage needs --size and --result-file.")
        if stage == "prepare":
            value = stages.prepare(size=size, enterprises=enterprises or max(size // 10, 1), seed=seed)
        else:
            value = stages.measure()
        stages.write_result(result_file, value)
