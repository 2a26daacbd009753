"""A hub's local calendar: its time zone, weekend days and public holidays. Due dates, report periods,
reminders, follow-up plans and the dates printed in exports all ask it, so that each hub counts its days
where it is (Niamey is an hour ahead of Bamako)."""

import dataclasses
import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from hub.models import Hub, HubHoliday


def hub_local_date(instant: datetime.datetime, *, hub: Hub) -> datetime.date:
    """The local day of `instant` in the hub: what its calendar says, without reading its holidays."""
    return timezone.localtime(instant, hub.zone).date()


def hub_today(*, hub: Hub, now: datetime.datetime | None = None) -> datetime.date:
    return hub_local_date(now or timezone.now(), hub=hub)


@dataclasses.dataclass(frozen=True)
class HubCalendar:
    zone: zoneinfo.ZoneInfo
    weekend: frozenset[int]
    holidays: frozenset[datetime.date]

    @classmethod
    def of(cls, hub: Hub) -> "HubCalendar":
        """The hub's calendar, its holidays read in one query: a caller handling many records of one hub
        asks once."""
        return cls(
            zone=hub.zone,
            weekend=frozenset(hub.weekend_days),
            holidays=frozenset(hub.holidays.values_list("date", flat=True)),
        )

    def today(self, now: datetime.datetime | None = None) -> datetime.date:
        return self.local_date(now or timezone.now())

    def local_date(self, instant: datetime.datetime) -> datetime.date:
        return timezone.localtime(instant, self.zone).date()

    def midnight(self, day: datetime.date) -> datetime.datetime:
        """The instant the local day `day` begins."""
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=self.zone)

    def is_working_day(self, day: datetime.date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The date `days` working days after `start` (`start` itself is not counted)."""
        current = start
        remaining = days
        while remaining > 0:
            current += datetime.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    @classmethod
    def of_hubs(cls, hubs: Iterable[Hub], *, since: datetime.date, until: datetime.date) -> dict[int, "HubCalendar"]:
        """The calendars of `hubs` by primary key, with their holidays from `since` to `until` read in one
        query: enough for counts of working days that stay within those dates."""
        hubs = list(hubs)
        holidays: dict[int, set[datetime.date]] = defaultdict(set)
        rows = HubHoliday.objects.filter(hub__in=hubs, date__gte=since, date__lte=until).order_by()
        for hub_id, day in rows.values_list("hub_id", "date"):
            holidays[hub_id].add(day)
        return {
            hub.pk: cls(zone=hub.zone, weekend=frozenset(hub.weekend_days), holidays=frozenset(holidays[hub.pk]))
            for hub in hubs
        }


@dataclasses.dataclass(frozen=True)
class LocalDays:
    """Each hub's local date and zone: at one instant (`at`, each hub's own today), or one date for every hub
    (`on`: the reminders of a given day). A hub opened after this was read counts as the default zone."""

    hubs: dict[int, Hub]
    days: dict[int, datetime.date]
    default: datetime.date
    default_zone: zoneinfo.ZoneInfo

    @classmethod
    def at(cls, now: datetime.datetime | None = None) -> "LocalDays":
        """Every hub's today at `now` (one query)."""
        now = now or timezone.now()
        hubs = {hub.pk: hub for hub in Hub.objects.order_by("pk")}
        default_zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        return cls(
            hubs=hubs,
            days={pk: timezone.localtime(now, hub.zone).date() for pk, hub in hubs.items()},
            default=timezone.localtime(now, default_zone).date(),
            default_zone=default_zone,
        )

    @classmethod
    def on(cls, day: datetime.date) -> "LocalDays":
        """`day` in every hub, each counting its hours in its own zone (one query)."""
        hubs = {hub.pk: hub for hub in Hub.objects.order_by("pk")}
        return cls(
            hubs=hubs,
            days=dict.fromkeys(hubs, day),
            default=day,
            default_zone=zoneinfo.ZoneInfo(settings.TIME_ZONE),
        )

    def of(self, hub_id: int) -> datetime.date:
        return self.days.get(hub_id, self.default)

    def zone_of(self, hub_id: int) -> zoneinfo.ZoneInfo:
        hub = self.hubs.get(hub_id)
        return hub.zone if hub else self.default_zone

    def condition(
        self,
        make: Callable[[datetime.date, zoneinfo.ZoneInfo], Q],
        *,
        hub_field: str = "hub",
        by_zone: bool = False,
    ) -> Q:
        """`make(day, zone)` for each hub's day, the hubs that share it (and, `by_zone`, their zone: for
        conditions on instants) joined in one branch. The default's branch takes every other hub, so when all
        hubs agree the condition is `make`'s alone, with no hub in it."""
        groups: dict[tuple, list[int]] = defaultdict(list)
        for pk, day in self.days.items():
            groups[(day, self.zone_of(pk).key if by_zone else None)].append(pk)
        default_key = (self.default, self.default_zone.key if by_zone else None)
        zones = {key: self.zone_of(pks[0]) for key, pks in groups.items()}
        others = {key: pks for key, pks in groups.items() if key != default_key}
        field = f"{hub_field}__in"
        excluded = [pk for pks in others.values() for pk in pks]
        result = make(self.default, self.default_zone)
        if excluded:
            result = ~Q(**{field: excluded}) & result
        for key, pks in others.items():
            result |= Q(**{field: pks}) & make(key[0], zones[key])
        return result
