"""Each hub's local calendar (hub/calendar.py): its zone decides its local days, its weekend and holidays its
working days; `LocalDays` gives every hub its own today at one instant."""

import datetime
import zoneinfo

import pytest
from django.db.models import Q

from hub.calendar import HubCalendar, LocalDays, hub_local_date, hub_today
from hub.models import HubHoliday
from tests.factories import HubFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NEW_YEARS_EVE_LATE = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
FRIDAY = datetime.date(2026, 3, 6)


@pytest.fixture
def mali():
    hub = HubFactory(country="ML", code="ML")
    hub.holidays.all().delete()
    return hub


@pytest.fixture
def niger():
    hub = HubFactory(country="NE", code="NE")
    hub.holidays.all().delete()
    return hub


def test_a_hub_takes_its_countrys_zone(mali, niger):
    assert mali.zone == zoneinfo.ZoneInfo("Africa/Bamako")
    assert niger.zone == zoneinfo.ZoneInfo("Africa/Niamey")


def test_half_past_eleven_utc_on_new_years_eve_is_already_the_new_year_in_niamey(mali, niger):
    assert hub_local_date(NEW_YEARS_EVE_LATE, hub=mali) == datetime.date(2025, 12, 31)
    assert hub_local_date(NEW_YEARS_EVE_LATE, hub=niger) == datetime.date(2026, 1, 1)
    assert hub_today(hub=niger, now=NEW_YEARS_EVE_LATE) == datetime.date(2026, 1, 1)
    assert HubCalendar.of(niger).today(NEW_YEARS_EVE_LATE) == datetime.date(2026, 1, 1)


def test_midnight_is_the_hubs_own(mali, niger):
    day = datetime.date(2026, 1, 1)
    assert HubCalendar.of(mali).midnight(day) == datetime.datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert HubCalendar.of(niger).midnight(day) == datetime.datetime(2025, 12, 31, 23, 0, tzinfo=UTC)


def test_working_days_skip_the_weekend_and_the_hubs_holidays(niger):
    HubHoliday.objects.create(hub=niger, date=datetime.date(2026, 3, 9), name="Fête")
    calendar = HubCalendar.of(niger)
    assert not calendar.is_working_day(datetime.date(2026, 3, 7))
    assert not calendar.is_working_day(datetime.date(2026, 3, 9))
    assert calendar.add_working_days(FRIDAY, 1) == datetime.date(2026, 3, 10)
    assert calendar.add_working_days(FRIDAY, 3) == datetime.date(2026, 3, 12)


def test_the_calendars_of_several_hubs_read_their_holidays_in_one_query(mali, niger, django_assert_num_queries):
    HubHoliday.objects.create(hub=niger, date=datetime.date(2026, 3, 9), name="Fête")
    HubHoliday.objects.create(hub=mali, date=datetime.date(2026, 3, 10), name="Fête")
    HubHoliday.objects.create(hub=mali, date=datetime.date(2026, 9, 22), name="Indépendance")
    with django_assert_num_queries(1):
        calendars = HubCalendar.of_hubs([mali, niger], since=FRIDAY, until=datetime.date(2026, 4, 30))
    assert calendars[mali.pk].holidays == {datetime.date(2026, 3, 10)}
    assert calendars[niger.pk].holidays == {datetime.date(2026, 3, 9)}
    assert calendars[niger.pk].zone == niger.zone
    assert calendars[mali.pk].add_working_days(FRIDAY, 1) == datetime.date(2026, 3, 9)
    assert calendars[niger.pk].add_working_days(FRIDAY, 1) == datetime.date(2026, 3, 10)


class TestLocalDays:
    def test_each_hub_has_its_own_today_at_one_instant(self, mali, niger, django_assert_num_queries):
        with django_assert_num_queries(1):
            days = LocalDays.at(NEW_YEARS_EVE_LATE)
        assert days.of(mali.pk) == datetime.date(2025, 12, 31)
        assert days.of(niger.pk) == datetime.date(2026, 1, 1)
        assert days.zone_of(niger.pk) == niger.zone

    def test_a_condition_has_one_branch_per_day_the_default_taking_every_other_hub(self, mali, niger):
        days = LocalDays.at(NEW_YEARS_EVE_LATE)
        condition = days.condition(lambda day, _zone: Q(due_date__lt=day))
        assert condition == (~Q(hub__in=[niger.pk]) & Q(due_date__lt=datetime.date(2025, 12, 31))) | (
            Q(hub__in=[niger.pk]) & Q(due_date__lt=datetime.date(2026, 1, 1))
        )

    def test_when_every_hub_agrees_the_condition_names_no_hub(self, mali, niger):
        noon = datetime.datetime(2026, 3, 6, 12, tzinfo=UTC)
        assert LocalDays.at(noon).condition(lambda day, _zone: Q(due_date__lt=day)) == Q(due_date__lt=FRIDAY)
        assert LocalDays.on(FRIDAY).condition(lambda day, _zone: Q(due_date__lt=day)) == Q(due_date__lt=FRIDAY)

    def test_conditions_on_instants_are_split_by_zone_on_the_same_day(self, mali, niger):
        days = LocalDays.on(FRIDAY)

        def from_midnight(day, zone):
            return Q(resolved_at__gte=datetime.datetime.combine(day, datetime.time.min, tzinfo=zone))

        assert days.condition(from_midnight, by_zone=True) == (
            ~Q(hub__in=[niger.pk]) & Q(resolved_at__gte=datetime.datetime(2026, 3, 6, tzinfo=UTC))
        ) | (Q(hub__in=[niger.pk]) & Q(resolved_at__gte=datetime.datetime(2026, 3, 5, 23, tzinfo=UTC)))
