"""The reports' date arithmetic as each database computes it fastest.

Where the programme works the time zone keeps one UTC offset all year (West Africa has no daylight
saving time). For a period over which the current zone's offset does not change, the local day or month
of a timestamp is then the timestamp shifted by that offset: SQLite's own `date` and `strftime` apply it
(Django would otherwise call a Python function once per row), and PostgreSQL's `AT TIME ZONE` an interval
(three times faster than looking the zone's rules up for every row). A zone whose offset changes within
the period falls back to Django's conversion: the figures never depend on the shortcut.
"""

import datetime

from django.db import connection
from django.db.models import (
    Aggregate,
    CharField,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Value,
)
from django.db.models.functions import Cast, TruncDate, TruncMonth
from django.utils import timezone


def fixed_offset(date_from: datetime.date, date_to: datetime.date) -> datetime.timedelta | None:
    """The current zone's UTC offset when it is the same at every local midnight of the period and of
    the day after, otherwise None."""
    zone = timezone.get_current_timezone()
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


def local_date(field: str, *, date_from: datetime.date, date_to: datetime.date):
    """The local day of the timestamp `field`, for records dated within the period."""
    offset = fixed_offset(date_from, date_to)
    if offset is None:
        return TruncDate(field)
    if connection.vendor == "postgresql":
        return _shifted(field, offset, template="(%(expressions)s)::date", output_field=DateField())
    return Func(F(field), Value(_seconds(offset)), function="date", output_field=DateField())


def local_month(field: str, *, date_from: datetime.date, date_to: datetime.date):
    """The local month of the timestamp `field`: a date or datetime on PostgreSQL, "YYYY-MM" text on SQLite
    (`hub.reports.selectors._month` reads both)."""
    offset = fixed_offset(date_from, date_to)
    if offset is None:
        return TruncMonth(field)
    if connection.vendor == "postgresql":
        return _shifted(field, offset, template="date_trunc('month', %(expressions)s)::date", output_field=DateField())
    return Func(Value("%Y-%m"), F(field), Value(_seconds(offset)), function="strftime", output_field=CharField())


def _seconds(offset: datetime.timedelta) -> str:
    """The offset as "+3600 seconds": an SQLite date modifier, and an interval PostgreSQL reads."""
    return f"{int(offset.total_seconds()):+d} seconds"


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
