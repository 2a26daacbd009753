"""Hubs, their calendars and targets, and users, as the generator and the demo fixture open them."""

import datetime
import itertools
from collections.abc import Mapping, Sequence

from django.apps import apps
from django.conf import settings

from hub.classifications import COUNTRY_LANGUAGES, COUNTRY_TIME_ZONES
from hub.country.holidays import library_holidays
from hub.devtools.datagen.writes import explicit_timestamps, m2m_with_history, with_history
from hub.models import Hub, HubHoliday, HubTarget, TargetIndicator, User


def hub_create(
    *,
    code: str,
    name: str,
    host_organisation: str,
    created_at: datetime.datetime,
    years: Sequence[int],
    targets: Mapping[int, Mapping[str, int]],
    country: str = "ML",
    weekend_days: Sequence[int] = (5, 6),
) -> Hub:
    """A hub in `country` (its time zone and language), with the public holidays of `years` from the
    `holidays` library and the given yearly targets, with history."""
    with explicit_timestamps():
        hub = Hub(
            code=code,
            name=name,
            country=country,
            time_zone=COUNTRY_TIME_ZONES[country],
            language=COUNTRY_LANGUAGES.get(country, settings.LANGUAGE_CODE),
            host_organisation=host_organisation,
            weekend_days=list(weekend_days),
            created_at=created_at,
        )
        with_history(Hub, [hub], at=lambda _: created_at)
        holidays = [
            HubHoliday(hub=hub, date=day, name=label)
            for year in years
            for day, label in library_holidays(country, year, hub.language)
        ]
        with_history(HubHoliday, holidays, at=lambda _: created_at)
        hub_targets = [
            HubTarget(hub=hub, year=year, indicator=indicator, value=value)
            for year, values in targets.items()
            for indicator, value in values.items()
        ]
        with_history(HubTarget, hub_targets, at=lambda _: created_at)
    return hub


def holidays_announce(*, hub: Hub, announced: Mapping[datetime.date, datetime.date], by: User) -> None:
    """Move the library's estimates (keys) to the dates announced (values), as `by` does in the hub's
    calendar a week before the estimate: corrected rows remembering the library's date, each change in
    the history."""
    holidays = list(hub.holidays.filter(date__in=announced))
    for holiday in holidays:
        holiday.library_date, holiday.date = holiday.date, announced[holiday.date]
        holiday.name = holiday.name.removesuffix(" (estimé)")
        holiday.corrected = True
        holiday._history_date = datetime.datetime.combine(
            holiday.library_date - datetime.timedelta(days=7), datetime.time(9), tzinfo=hub.zone
        )
        holiday._history_user = by
    HubHoliday.objects.bulk_update(holidays, ["date", "library_date", "name", "corrected"])
    HubHoliday.history.bulk_history_create(holidays, update=True)


def users_create(*, users: list[User], report_hubs: Sequence[Hub] = ()) -> None:
    """bulk_create users with their history rows, dated when they joined; `report_hubs` limits each of them
    (regional viewers) to those hubs' reports."""
    history = with_history(User, users, at=lambda user: user.date_joined)
    if report_hubs:
        m2m_with_history(
            through=User.report_hubs.through,
            history_model=apps.get_model("hub", "HistoricalUser_report_hubs"),
            history_rows=history,
            pairs=[(index, [hub.pk for hub in report_hubs]) for index in range(len(users))],
        )


def free_usernames(*, prefix: str, digits: int, count: int) -> list[str]:
    """The first `count` names `prefix` + a zero-padded number that no user has yet."""
    taken = set(User.objects.filter(username__startswith=prefix).values_list("username", flat=True))
    names = (f"{prefix}{number:0{digits}d}" for number in itertools.count(1))
    return list(itertools.islice((name for name in names if name not in taken), count))


def targets_for(*, enterprises: int, cases: int, visits: int) -> dict[str, int]:
    """Yearly targets a little above what a year of the given volume achieves."""
    return {
        TargetIndicator.VISITS: visits,
        TargetIndicator.CASES_RECEIVED: cases,
        TargetIndicator.CASES_RESOLVED: round(cases * 0.8),
        TargetIndicator.ENTERPRISES_REACHED: enterprises,
        TargetIndicator.WOMEN_LED_REACHED: round(enterprises * 0.4),
        TargetIndicator.JOBS_CREATED: round(enterprises * 0.8),
        TargetIndicator.SATISFIED_PERCENT: 80,
    }
