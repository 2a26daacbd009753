"""The reports' date arithmetic as each database computes it natively.

PostgreSQL converts timestamps to the local time zone itself (`AT TIME ZONE`), and Django's own
expressions are used there. On SQLite Django calls a Python function once per row for every such
conversion, which dominates a report over a year of records. Where the programme works the time zone
keeps one UTC offset all year (West Africa has no daylight saving time), so on SQLite the conversion
becomes that offset, which SQLite's own `date`, `strftime` and `julianday` apply. A zone whose offset
changes within the period falls back to Django's conversion: the figures never depend on the shortcut.
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
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone


def _sqlite_offset(date_from: datetime.date, date_to: datetime.date) -> str | None:
    """The SQLite modifier ("+3600 seconds") for the current zone's offset on SQLite when it is the same
    at every local midnight of the period and the one after; None on other databases or otherwise."""
    if connection.vendor != "sqlite":
        return None
    zone = timezone.get_current_timezone()
    offsets = {
        datetime.datetime.combine(date_from + datetime.timedelta(days=day), datetime.time.min, tzinfo=zone).utcoffset()
        for day in range((date_to - date_from).days + 2)
    }
    if len(offsets) != 1:
        return None
    return f"{int(offsets.pop().total_seconds()):+d} seconds"


def local_date(field: str, *, date_from: datetime.date, date_to: datetime.date):
    """The local day of the timestamp `field`, for records dated within the period."""
    offset = _sqlite_offset(date_from, date_to)
    if offset is None:
        return TruncDate(field)
    return Func(F(field), Value(offset), function="date", output_field=DateField())


def local_month(field: str, *, date_from: datetime.date, date_to: datetime.date):
    """The local month of the timestamp `field`: a date or datetime on PostgreSQL, "YYYY-MM" text on SQLite
    (`hub.reports.selectors._month` reads both)."""
    offset = _sqlite_offset(date_from, date_to)
    if offset is None:
        return TruncMonth(field)
    return Func(Value("%Y-%m"), F(field), Value(offset), function="strftime", output_field=CharField())


def julian_day(field: str) -> Func:
    return Func(F(field), function="julianday", output_field=FloatField())


def delay_order(later: str, earlier: str):
    """An expression that orders rows by the time from `earlier` to `later`: the exact interval on
    PostgreSQL, a difference of Julian days (floats) on SQLite."""
    if connection.vendor == "sqlite":
        return julian_day(later) - julian_day(earlier)
    return ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())


class PercentileDisc(Aggregate):
    """PostgreSQL's nearest-rank percentile, an ordered-set aggregate: `PercentileDisc(0.9, delay)`.
    Rows whose expression is NULL are left out."""

    function = "percentile_disc"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, fraction: float, expression, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)
