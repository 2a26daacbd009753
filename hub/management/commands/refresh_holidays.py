from django.core.management.base import BaseCommand, CommandError

from hub.calendar import HubCalendar
from hub.country.holidays import refresh_holidays
from hub.models import Hub


class Command(BaseCommand):
    help = (
        "Bring every hub's public holidays of this year and the next (in its own time zone) in line with the "
        "holidays library, keeping the hubs' corrections. Runs daily; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hub", help="Only this hub (its code, e.g. ML).")

    def handle(self, *, hub, **options):
        hubs = Hub.objects.order_by("code")
        if hub:
            hubs = hubs.filter(code=hub)
            if not hubs.exists():
                raise CommandError(f"No hub with the code {hub!r}.")
        for found in hubs:
            year = HubCalendar.of(found).today().year
            done = refresh_holidays(found, years=[year, year + 1])
            self.stdout.write(
                f"{found.code} {year}-{year + 1}: {done.added} added, {done.renamed} renamed, "
                f"{done.removed} removed, {done.kept} corrections kept."
            )
