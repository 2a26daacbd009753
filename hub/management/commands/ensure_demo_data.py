from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cases.models import Case
from hub.models import Hub
from visits.models import Visit

DEMO_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"


class Command(BaseCommand):
    help = "Load the demo data (fixtures/demo.json) when the database has no hub yet; otherwise do nothing."

    def handle(self, *args, **options):
        if Hub.objects.exists():
            self.stdout.write("The database already has a hub: demo data not loaded.")
            return
        call_command("loaddata", str(DEMO_FIXTURE), verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo data: {Hub.objects.count()} hub, {Case.objects.count()} cases, "
                f"{Visit.objects.count()} visits. Sign in as admin, manager, referent, sme or viewer "
                "with the password demo-2026."
            )
        )
