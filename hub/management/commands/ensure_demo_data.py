from django.core.management import call_command
from django.core.management.base import BaseCommand

from cases.models import Case
from hub.models import Hub, User
from visits.models import Visit


class Command(BaseCommand):
    help = "Load the demo data (fixtures/demo.json) into an empty database; otherwise do nothing."

    def handle(self, *args, **options):
        if Hub.objects.exists() or User.objects.exists():
            self.stdout.write("The database already holds hubs or users: demo data not loaded.")
            return
        call_command("loaddata", "demo", verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo data: {Hub.objects.count()} hubs (Mali, Niger), {Case.objects.count()} cases, "
                f"{Visit.objects.count()} visits. Sign in as admin, manager, referent, sme or viewer (Mali and "
                "both hubs' reports), or manager-ne, referent-ne or viewer-ne (Niger), with the password demo-2026."
            )
        )
