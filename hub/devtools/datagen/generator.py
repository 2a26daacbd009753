"""The generator: a hub's programme data, phase by phase, each from a random stream of its own.

Everything comes from `random.Random` streams seeded from one integer and from fixed dates, never from the
clock, so a seed gives the same rows on an empty database. Times are drawn in the hub's time zone and its
days counted by its calendar (`hub.calendar.HubCalendar`). Rows are written with `bulk_create` together
with their simple-history "+" rows, dated when the record was created.
"""

import bisect
import datetime
from collections import defaultdict
from random import Random

from django.db import transaction

from cases.models import Case
from hub.calendar import HubCalendar
from hub.devtools.datagen.cases import CasePhase
from hub.devtools.datagen.followups import FollowUpPhase
from hub.devtools.datagen.library import LibraryPhase
from hub.devtools.datagen.people import PeoplePhase
from hub.devtools.datagen.spec import Spec
from hub.devtools.datagen.tables import TERRITORIES, TOPICS
from hub.devtools.datagen.visits import Support, VisitPhase
from hub.devtools.datagen.writes import explicit_timestamps
from hub.models import Hub, User


class _Generator(PeoplePhase, CasePhase, VisitPhase, LibraryPhase, FollowUpPhase):
    """One run into one hub. Each phase is a part of its own (its module's class); they share this object's
    state: the hub, its calendar and the time helpers below, and what the earlier phases planned and wrote
    (`referents`, `partners`, `planned` enterprises, `support`, ...), in the order `run` calls them."""

    def __init__(self, *, hub: Hub, manager: User, spec: Spec):
        self.hub = hub
        self.manager = manager
        self.spec = spec
        if hub.country not in TERRITORIES:
            raise ValueError(f"No data to generate for a hub in {hub.country}: only {', '.join(TERRITORIES)}.")
        self.territory = TERRITORIES[hub.country]
        self.topics = [self.territory.localised(topic) for topic in TOPICS]
        self.calendar = HubCalendar.of(hub)
        self.zone = self.calendar.zone
        self.cutoff = self._at(spec.end, 23 * 60 + 59)
        self.opening = self._at(spec.start, 0)
        days = (spec.end - spec.start).days + 1
        self.all_days = [spec.start + datetime.timedelta(days=n) for n in range(days)]
        self.working_days = [day for day in self.all_days if self._is_working(day)] or self.all_days
        self.counts: dict[str, int] = {}
        self.earlier_cases = Case.objects.filter(hub=hub).count()
        self.support: dict[int, Support] = {}
        """Per enterprise index, its first support (first case assigned or first visit logged)."""
        self.load: defaultdict[int, int] = defaultdict(int)
        """Work handed to each referent so far, by user id."""
        self.taken_phones = {str(phone) for phone in User.objects.exclude(phone=None).values_list("phone", flat=True)}

    def rng(self, stream: str) -> Random:
        """A random stream of its own per phase, so that changing one phase leaves the others' draws alone.
        The hub and the cases it already has are part of the seed: another hub, or another run into the same
        hub, does not repeat the visits' UUIDs."""
        seed = f"{self.spec.seed}:{self.hub.code}:{self.earlier_cases}:{stream}"
        return Random(seed)  # noqa: S311 - reproducible data, not secrets  # nosec B311

    def _count(self, model, number: int) -> None:
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + number

    # --- time helpers

    def _is_working(self, day: datetime.date) -> bool:
        return self.calendar.is_working_day(day)

    def _at(self, day: datetime.date, minute: int) -> datetime.datetime:
        """The hub's local time `minute` minutes into `day`."""
        return datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60), tzinfo=self.zone)

    def _day(self, moment: datetime.datetime) -> datetime.date:
        """The hub's local day of `moment`."""
        return self.calendar.local_date(moment)

    def _office_time(self, rng: Random, day: datetime.date, *, earliest: int = 7 * 60 + 30) -> datetime.datetime:
        return self._at(day, rng.randint(earliest, 17 * 60 + 30))

    def _later(self, rng: Random, moment: datetime.datetime, *, days: int) -> datetime.datetime:
        """A moment in office hours `days` working days after `moment` (later the same day for 0)."""
        if days == 0 and self._is_working(self._day(moment)):
            earliest = moment + datetime.timedelta(minutes=10)
            closing = self._at(self._day(moment), 17 * 60 + 45)
            if earliest < closing:
                return earliest + datetime.timedelta(seconds=rng.randrange(int((closing - earliest).total_seconds())))
        return self._office_time(rng, self.calendar.add_working_days(self._day(moment), max(days, 1)))

    def _due(self, moment: datetime.datetime, days: int) -> datetime.date:
        return self.calendar.add_working_days(self._day(moment), days)

    def _days_later(self, rng: Random, moment: datetime.datetime, days: int) -> datetime.datetime:
        """Office hours on the first working day at least `days` calendar days after `moment`."""
        day = self._day(moment) + datetime.timedelta(days=days)
        while not self._is_working(day):
            day += datetime.timedelta(days=1)
        if day == self._day(moment):
            return self._later(rng, moment, days=0)
        return self._office_time(rng, day)

    def _between(self, rng: Random, low: datetime.datetime, high: datetime.datetime) -> datetime.datetime:
        """Office hours on a working day from `low` to `high`, strictly between them (any time between them
        when no office hour is)."""
        first = bisect.bisect_left(self.working_days, self._day(low))
        last = bisect.bisect_right(self.working_days, self._day(high))
        if first < last:
            moment = self._office_time(rng, self.working_days[rng.randrange(first, last)])
            if low < moment < high:
                return moment
        return (low + (high - low) * rng.uniform(0.1, 0.9)).replace(microsecond=0)

    # --- the run

    def run(self) -> dict[str, int]:
        with transaction.atomic(), explicit_timestamps():
            self.referents = self._referents()
            self.directory, self.partners = self._partners()
            self.sheets_by_topic = self._write_library()
            self.planned = self._plan_enterprises()
            cases = self._plan_cases()
            visit_plan = self._plan_visits()
            self._write_enterprises()
            summaries = self._write_cases(cases)
            self.case_sheets = self._write_case_shares(summaries)
            self._write_visits(visit_plan, summaries)
            self._write_followups(summaries)
        return self.counts


def generate(*, hub: Hub, manager: User, spec: Spec) -> dict[str, int]:
    """Write the rows `spec` describes into `hub`, in one transaction; returns the rows written per model.

    `manager` qualifies and assigns the cases. Precondition: the usernames in `spec` are free.
    """
    return _Generator(hub=hub, manager=manager, spec=spec).run()
