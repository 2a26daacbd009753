import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection


class Command(BaseCommand):
    help = (
        "Rebuild fixtures/demo.json, the 2026 pilot year of the Mali hub and the first months of a smaller "
        "Niger hub, in a throw-away test database (the configured database is not touched)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=Path(settings.BASE_DIR) / "fixtures" / "demo.json")

    def handle(self, *args, output: Path, **options):
        from hub.devtools import demo  # the tooling, imported only when the command runs

        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            for code, counts in demo.build().items():
                self.stdout.write(f"Hub {code}:")
                for label, number in sorted(counts.items()):
                    self.stdout.write(f"  {label}: {number}")
            if problems := demo.shortfalls():
                raise CommandError("The demo data misses: " + "; ".join(problems))
            output.parent.mkdir(parents=True, exist_ok=True)
            with output.open("w", encoding="utf-8") as stream:
                json.dump(demo.fixture_rows(), stream, cls=DjangoJSONEncoder, indent=1, ensure_ascii=False)
                stream.write("\n")
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({output.stat().st_size / 1e6:.1f} MB)."))
