"""A hub's local calendar: its time zone, weekend days and public holidays. Due dates, report periods,
reminders, follow-up plans and the dates printed in exports all ask it, so that each hub counts its days
where it is (Niamey is an hour ahead of Bamako)."""

import dataclasses
import datetime
import zoneinfo

from django.utils import timezone

from hub.models import Hub


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
