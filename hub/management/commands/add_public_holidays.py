from django.core.management.base import BaseCommand, CommandError

from hub.holidays import has_islamic_dates
from hub.models import Hub
from hub.services import hub_add_public_holidays


class Command(BaseCommand):
    help = "Add Mali's public holidays of a year to a hub's calendar (run each December for the next year)."

    def add_arguments(self, parser):
        parser.add_argument("--hub", required=True, help="Hub code, e.g. ML.")
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *, hub, year, **options):
        found = Hub.objects.filter(code=hub).first()
        if found is None:
            raise CommandError(f"No hub with the code {hub!r}.")
        if found.country != "ML":
            raise CommandError(f"Hub {hub} is not in Mali: enter its public holidays in the admin.")
        added = hub_add_public_holidays(hub=found, year=year)
        self.stdout.write(f"{added} public holidays added to {found.code} for {year}.")
        if not has_islamic_dates(year):
            self.stdout.write(
                self.style.WARNING(f"The Islamic holidays of {year} are not known yet: add them in the admin.")
            )
