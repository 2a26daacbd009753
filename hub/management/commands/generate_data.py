import datetime
import time
import zoneinfo

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hub.classifications import COUNTRY_TIME_ZONES
from hub.models import Hub, Role, User

NAMES = {"ML": "Mali", "NE": "Niger"}
HOSTS = {"ML": "Conseil National du Patronat du Mali (CNPM)", "NE": "Conseil National du Patronat Nigérien (CNPN)"}
"""The host organisation of a hub created in each country the generator knows
(`hub.devtools.datagen.tables.TERRITORIES`)."""


class Command(BaseCommand):
    help = (
        "Write deterministic programme data (enterprises, cases with their timeline, visits, follow-ups) "
        "into a hub of Mali or Niger, creating the hub, a manager and about one referent per 20 enterprises as "
        "needed."
    )

    def add_arguments(self, parser):
        from hub.devtools.datagen import DEFAULT_START, REFERENCE_DATE  # the tooling, only when the command runs

        parser.add_argument("--enterprises", type=int, default=150)
        parser.add_argument("--cases", type=int, default=300)
        parser.add_argument("--visits", type=int, default=240)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--hub", default="ML", help="Code of the hub to fill; created if missing, in Niger for NE, else in Mali."
        )
        parser.add_argument("--start", type=datetime.date.fromisoformat, default=DEFAULT_START)
        parser.add_argument("--end", type=datetime.date.fromisoformat, default=REFERENCE_DATE)

    def handle(self, *args, enterprises, cases, visits, seed, hub, start, end, **options):
        from hub.devtools.datagen import Spec, free_usernames, generate

        if min(enterprises, cases, visits) < 0 or enterprises < 1:
            raise CommandError("Give at least one enterprise and no negative counts.")
        began = time.perf_counter()
        with transaction.atomic():
            hub_object = Hub.objects.filter(code=hub).first() or self._hub(
                code=hub, start=start, end=end, enterprises=enterprises, cases=cases, visits=visits
            )
            manager = self._manager(hub_object, joined=self._opening(start, country=hub_object.country))
            prefix = f"{hub.lower()}-referent-"
            count = max(2, round(enterprises / 20))
            spec = Spec(
                seed=seed,
                enterprises=enterprises,
                cases=cases,
                visits=visits,
                start=start,
                end=end,
                referent_usernames=free_usernames(prefix=prefix, digits=3, count=count),
            )
            try:
                counts = generate(hub=hub_object, manager=manager, spec=spec)
            except ValueError as error:
                raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - began
        self.stdout.write(f"Hub {hub_object.code}, seed {seed}, {start} to {end}:")
        for label, number in sorted(counts.items()):
            self.stdout.write(f"  {label}: {number}")
        self.stdout.write(self.style.SUCCESS(f"Done in {elapsed:.1f} s."))

    @staticmethod
    def _opening(start: datetime.date, *, country: str) -> datetime.datetime:
        """8:00 in the country's time zone, 30 days before `start`."""
        zone = zoneinfo.ZoneInfo(COUNTRY_TIME_ZONES[country])
        return datetime.datetime.combine(start, datetime.time(8), tzinfo=zone) - datetime.timedelta(days=30)

    def _hub(self, *, code: str, start: datetime.date, end: datetime.date, **volume: int) -> Hub:
        from hub.devtools.datagen import hub_create, targets_for

        days = (end - start).days + 1
        targets = {}
        for year in range(start.year, end.year + 1):
            share = (min(end, datetime.date(year, 12, 31)) - max(start, datetime.date(year, 1, 1))).days + 1
            yearly = {name: round(number * 1.1 * share / days) for name, number in volume.items()}
            targets[year] = targets_for(**yearly)
        country = code if code in HOSTS else "ML"
        return hub_create(
            code=code,
            name=f"HUB IIT {NAMES.get(code, code)}",
            country=country,
            host_organisation=HOSTS[country],
            created_at=self._opening(start, country=country),
            years=range(start.year, end.year + 1),
            targets=targets,
        )

    @staticmethod
    def _manager(hub: Hub, *, joined: datetime.datetime) -> User:
        from hub.devtools.datagen import users_create

        manager = User.objects.filter(hub=hub, role=Role.MANAGER).order_by("pk").first()
        if manager is None:
            username = f"{hub.code.lower()}-coordinator"
            manager = User(
                username=username,
                first_name="Mariam",
                last_name="Coulibaly",
                email=f"{username}@example.org",
                password=f"{UNUSABLE_PASSWORD_PREFIX}{username}",
                role=Role.MANAGER,
                hub=hub,
                date_joined=joined,
            )
            users_create(users=[manager])
        return manager
