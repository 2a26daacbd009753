"""Service standards are counted in working days: the hub's weekend days and public holidays do not count."""

import datetime

import pytest

from hub.calendar import HubCalendar
from hub.models import HubHoliday
from tests.factories import HubFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)
FRIDAY = datetime.date(2026, 3, 6)
SATURDAY = datetime.date(2026, 3, 7)


@pytest.fixture
def calendar():
    return HubCalendar.of(HubFactory(weekend_days=[5, 6]))


def test_working_days_within_the_week(calendar):
    assert calendar.add_working_days(MONDAY, 3) == datetime.date(2026, 3, 5)


def test_weekend_is_skipped(calendar):
    assert calendar.add_working_days(FRIDAY, 1) == datetime.date(2026, 3, 9)
    assert calendar.add_working_days(FRIDAY, 5) == datetime.date(2026, 3, 13)


def test_starting_on_a_weekend_counts_from_the_next_working_day(calendar):
    assert calendar.add_working_days(SATURDAY, 1) == datetime.date(2026, 3, 9)


def test_twenty_working_days_span_four_weeks(calendar):
    assert calendar.add_working_days(FRIDAY, 20) == datetime.date(2026, 4, 3)


def test_zero_days_is_the_start_date(calendar):
    assert calendar.add_working_days(SATURDAY, 0) == SATURDAY


def test_hub_weekend_days_are_used():
    friday_off = HubCalendar.of(HubFactory(weekend_days=[4]))
    assert friday_off.add_working_days(datetime.date(2026, 3, 5), 1) == SATURDAY


def test_holidays_are_the_hubs_own():
    hub, other = HubFactory(), HubFactory()
    HubHoliday.objects.create(hub=hub, date=datetime.date(2026, 9, 22), name="Fête de l'indépendance")
    HubHoliday.objects.create(hub=other, date=datetime.date(2026, 9, 23), name="Fête nationale")

    calendar = HubCalendar.of(hub)
    assert calendar.holidays == {datetime.date(2026, 9, 22)}
    assert calendar.add_working_days(datetime.date(2026, 9, 21), 1) == datetime.date(2026, 9, 23), (
        "the other hub's day counts"
    )
