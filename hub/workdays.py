"""Working-day arithmetic for service standards: skips the hub's weekend days and public holidays."""

import datetime

from hub.models import Hub


def add_working_days(*, hub: Hub, start: datetime.date, days: int, holidays: set[datetime.date]) -> datetime.date:
    """The date `days` working days after `start`; `holidays` are the hub's, passed in so a caller
    handling many cases loads them once."""
    weekend = set(hub.weekend_days)
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() not in weekend and current not in holidays:
            remaining -= 1
    return current


def hub_holidays(hub: Hub) -> set[datetime.date]:
    return set(hub.holidays.values_list("date", flat=True))
