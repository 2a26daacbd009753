"""Service standards are counted in working days: the hub's weekend days and public holidays do not count."""

import datetime

import pytest

from hub.models import HubHoliday
from hub.workdays import add_working_days, hub_holidays
from tests.factories import HubFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)
FRIDAY = datetime.date(2026, 3, 6)
SATURDAY = datetime.date(2026, 3, 7)


@pytest.fixture
def hub():
    return HubFactory(weekend_days=[5, 6])


def test_working_days_within_the_week(hub):
    assert add_working_days(hub=hub, start=MONDAY, days=3, holidays=set()) == datetime.date(2026, 3, 5)


def test_weekend_is_skipped(hub):
    assert add_working_days(hub=hub, start=FRIDAY, days=1, holidays=set()) == datetime.date(2026, 3, 9)
    assert add_working_days(hub=hub, start=FRIDAY, days=5, holidays=set()) == datetime.date(2026, 3, 13)


def test_starting_on_a_weekend_counts_from_the_next_working_day(hub):
    assert add_working_days(hub=hub, start=SATURDAY, days=1, holidays=set()) == datetime.date(2026, 3, 9)


def test_holidays_are_skipped(hub):
    holidays = {datetime.date(2026, 3, 9), datetime.date(2026, 3, 10)}
    assert add_working_days(hub=hub, start=FRIDAY, days=1, holidays=holidays) == datetime.date(2026, 3, 11)


def test_twenty_working_days_span_four_weeks(hub):
    assert add_working_days(hub=hub, start=FRIDAY, days=20, holidays=set()) == datetime.date(2026, 4, 3)


def test_zero_days_is_the_start_date(hub):
    assert add_working_days(hub=hub, start=SATURDAY, days=0, holidays=set()) == SATURDAY


def test_hub_weekend_days_are_used():
    friday_off = HubFactory(weekend_days=[4])  # a hub where only Friday is off
    assert add_working_days(hub=friday_off, start=datetime.date(2026, 3, 5), days=1, holidays=set()) == SATURDAY


def test_hub_holidays_are_the_hubs_own(hub):
    other = HubFactory()
    HubHoliday.objects.create(hub=hub, date=datetime.date(2026, 9, 22), name="Fête de l'indépendance")
    HubHoliday.objects.create(hub=other, date=datetime.date(2026, 4, 4), name="Fête de l'indépendance")

    assert hub_holidays(hub) == {datetime.date(2026, 9, 22)}
    assert add_working_days(
        hub=hub, start=datetime.date(2026, 9, 21), days=1, holidays=hub_holidays(hub)
    ) == datetime.date(2026, 9, 23)
