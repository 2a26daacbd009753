"""The reports' date arithmetic as each database computes it fastest.

Where the programme works the time zone keeps one UTC offset all year (West Africa has no daylight
saving time). For a period over which a zone's offset does not change, the local day or month of a
timestamp is then the timestamp shifted by that offset: SQLite's own `date` and `strftime` apply it
(Django would otherwise call a Python function once per row), and PostgreSQL's `AT TIME ZONE` an interval
(three times faster than looking the zone's rules up for every row). A zone whose offset changes within
the period falls back to Django's conversion: the figures never depend on the shortcut.

Each record counts in its own hub's zone (`HubZones`): the hubs of a report are grouped by offset, and a
report over hubs of one offset reads as one over a single zone; over several, the period is one instant
range per offset joined by OR (each still served by the hub and date index) and a local date is chosen by
the row's hub (a CASE on `hub_id`).
"""

import dataclasses
import datetime
import zoneinfo
from collections.abc import Callable, Iterable

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    DateField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncDate, TruncMonth
from django.utils import timezone


def fixed_offset(
    date_from: datetime.date, date_to: datetime.date, *, zone: zoneinfo.ZoneInfo | None = None
) -> datetime.timedelta | None:
    """The UTC offset of `zone` (the current zone by default) when it is the same at every local midnight
    of the period and of the day after, otherwise None."""
    zone = zone or timezone.get_current_timezone()
    offsets = {
        datetime.datetime.combine(date_from + datetime.timedelta(days=day), datetime.time.min, tzinfo=zone).utcoffset()
        for day in range((date_to - date_from).days + 2)
    }
    return offsets.pop() if len(offsets) == 1 else None


def _shifted(field: str, offset: datetime.timedelta, *, template: str, output_field):
    """`field` as a local timestamp at `offset`, inside `template` (PostgreSQL). The offset is given in
    seconds: PostgreSQL refuses an interval with days, as a negative timedelta is sent."""
    return Func(
        F(field),
        Cast(Value(_seconds(offset)), DurationField()),
        arg_joiner=" AT TIME ZONE ",
        template=template,
        output_field=output_field,
    )


def local_date(field: str, *, date_from: datetime.date, date_to: datetime.date, zone: zoneinfo.ZoneInfo | None = None):
    """The local day of the timestamp `field` in `zone` (the current zone by default), for records dated
    within the period."""
    offset = fixed_offset(date_from, date_to, zone=zone)
    if offset is None:
        return TruncDate(field, tzinfo=zone)
    if connection.vendor == "postgresql":
        return _shifted(field, offset, template="(%(expressions)s)::date", output_field=DateField())
    return Func(F(field), Value(_seconds(offset)), function="date", output_field=DateField())


def local_month(field: str, *, date_from: datetime.date, date_to: datetime.date, zone: zoneinfo.ZoneInfo | None = None):
    """The local month of the timestamp `field` in `zone` (the current zone by default): a date or datetime
    on PostgreSQL, "YYYY-MM" text on SQLite (`hub.reports.selectors._month` reads both)."""
    offset = fixed_offset(date_from, date_to, zone=zone)
    if offset is None:
        return TruncMonth(field, tzinfo=zone)
    if connection.vendor == "postgresql":
        return _shifted(field, offset, template="date_trunc('month', %(expressions)s)::date", output_field=DateField())
    return Func(Value("%Y-%m"), F(field), Value(_seconds(offset)), function="strftime", output_field=CharField())


def _seconds(offset: datetime.timedelta) -> str:
    """The offset as "+3600 seconds": an SQLite date modifier, and an interval PostgreSQL reads."""
    return f"{int(offset.total_seconds()):+d} seconds"


@dataclasses.dataclass(frozen=True)
class ZoneGroup:
    """Hubs whose local days fall at the same instants over the period, and one zone that says them."""

    zone: zoneinfo.ZoneInfo
    hubs: tuple[int, ...]

    def midnight(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=self.zone)

    def today(self, now: datetime.datetime) -> datetime.date:
        return timezone.localtime(now, self.zone).date()


@dataclasses.dataclass(frozen=True)
class HubZones:
    """The hubs of a report over a period, grouped by UTC offset (by zone where the offset changes within
    the period). Each method builds its expression once per group and, with several groups, chooses a
    row's group by its hub (`hub_id IN (...)`); with one group it is that group's expression alone."""

    groups: tuple[ZoneGroup, ...]
    date_from: datetime.date
    date_to: datetime.date

    @classmethod
    def of(cls, hubs: Iterable, *, date_from: datetime.date, date_to: datetime.date) -> "HubZones":
        """`hubs` are Hub rows (their `zone`); none gives the current zone."""
        groups: dict = {}
        for hub in hubs:
            offset = fixed_offset(date_from, date_to, zone=hub.zone)
            zone, members = groups.setdefault(hub.zone.key if offset is None else offset, (hub.zone, []))
            members.append(hub.pk)
        found = tuple(ZoneGroup(zone=zone, hubs=tuple(members)) for zone, members in groups.values())
        return cls(
            groups=found or (ZoneGroup(zone=timezone.get_current_timezone(), hubs=()),),
            date_from=date_from,
            date_to=date_to,
        )

    def condition(self, make: Callable[[ZoneGroup], Q]) -> Q:
        """`make(group)` for each row's group."""
        if len(self.groups) == 1:
            return make(self.groups[0])
        result = Q(pk__in=[])
        for group in self.groups:
            result |= Q(hub__in=group.hubs) & make(group)
        return result

    def period(self, field: str) -> Q:
        """The period's local days of the timestamp `field`, as ranges of instants that an index on the
        column serves. Over several offsets, the range that spans them all is what the index reads; a row
        within every hub's range is taken at once, one in the hours at either end is held to its hub's own
        bounds (a CASE on its hub). An OR of ranges per hub would be tested row by row on PostgreSQL, and read
        twice then merged by rowid on SQLite."""
        end = self.date_to + datetime.timedelta(days=1)
        starts = {group: group.midnight(self.date_from) for group in self.groups}
        ends = {group: group.midnight(end) for group in self.groups}
        envelope = Q(**{f"{field}__gte": min(starts.values()), f"{field}__lt": max(ends.values())})
        if len(self.groups) == 1:
            return envelope

        def bound(instants: dict):
            return self.per_row(lambda group: Value(instants[group], output_field=DateTimeField()))

        core = Q(**{f"{field}__gte": max(starts.values()), f"{field}__lt": min(ends.values())})
        return envelope & (core | Q(**{f"{field}__gte": bound(starts), f"{field}__lt": bound(ends)}))

    def per_row(self, make: Callable[[ZoneGroup], object]):
        """The expression `make(group)` of each row's group."""
        if len(self.groups) == 1:
            return make(self.groups[0])
        *chosen, last = self.groups
        return Case(*(When(Q(hub__in=group.hubs), then=make(group)) for group in chosen), default=make(last))

    def local_date(self, field: str):
        return self.per_row(
            lambda group: local_date(field, date_from=self.date_from, date_to=self.date_to, zone=group.zone)
        )

    def local_month(self, field: str):
        return self.per_row(
            lambda group: local_month(field, date_from=self.date_from, date_to=self.date_to, zone=group.zone)
        )


def julian_day(field: str) -> Func:
    return Func(F(field), function="julianday", output_field=FloatField())


def delay_order(later: str, earlier: str):
    """An expression that orders rows by the time from `earlier` to `later`, as a float: the interval's
    seconds on PostgreSQL (which sorts floats faster than intervals; for delays of years they are exact to
    a hundredth of a microsecond, so rows are ordered as their exact delays), a difference of Julian days
    on SQLite (whose date functions keep milliseconds: delays closer than that may come in either order)."""
    if connection.vendor == "sqlite":
        return julian_day(later) - julian_day(earlier)
    interval = ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())
    return Func(interval, template="date_part('epoch', %(expressions)s)", output_field=FloatField())


class PercentileDisc(Aggregate):
    """PostgreSQL's nearest-rank percentile, an ordered-set aggregate: `PercentileDisc(0.9, delay)`.
    Rows whose expression is NULL are left out."""

    function = "percentile_disc"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, fraction: float, expression, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)
