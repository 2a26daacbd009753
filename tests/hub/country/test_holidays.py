"""Each hub's public holidays come from the holidays library, in the hub's language; what its managers
decide (a date announced, a day off added, a holiday not observed) survives every refresh."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hub.country.holidays import Refreshed, library_holidays, library_language, refresh_holidays
from hub.country.selectors import NOT_OBSERVED_REASON
from hub.country.services import holiday_add, holiday_correct, holiday_remove
from hub.models import HubHoliday
from tests.factories import AdminFactory, HubFactory, ManagerFactory, ReferentUserFactory

D = datetime.date
YEAR = 2027

UEMOA_2027 = {
    "BJ": {D(2027, 1, 1): "Fête du Nouvel An", D(2027, 8, 1): "Fête Nationale"},
    "BF": {D(2027, 8, 5): "Fête nationale", D(2027, 12, 11): "Proclamation de l'Indépendance"},
    "CI": {D(2027, 8, 7): "Fête Nationale", D(2027, 11, 15): "Journée Nationale de la Paix"},
    "GW": {D(2027, 1, 1): "Ano Novo", D(2027, 9, 24): "Dia da Independência"},
    "ML": {D(2027, 1, 20): "Journée de l'Armée", D(2027, 9, 22): "Fête Nationale de la République du Mali"},
    "NE": {D(2027, 12, 18): "Fête nationale", D(2027, 4, 24): "Fête nationale de la Concorde"},
    "SN": {D(2027, 4, 4): "Fête de l'Indépendance", D(2027, 5, 1): "Fête du Travail"},
    "TG": {D(2027, 4, 27): "Fête de l'indépendance", D(2027, 6, 21): "Fête des Martyrs"},
}
TABASKI = D(2027, 5, 16)
"""The library's estimate for Mali; the manager's announced date is the day after."""


def days(hub) -> dict[datetime.date, str]:
    return dict(hub.holidays.filter(date__year=YEAR).values_list("date", "name"))


@pytest.fixture
def mali(hub):
    refresh_holidays(hub, years=[YEAR])
    return hub


@pytest.mark.parametrize("country", UEMOA_2027, ids=list(UEMOA_2027))
def test_a_hub_of_each_uemoa_country_gets_its_national_holidays_in_its_language(db, country):
    hub = HubFactory(code=country, country=country)

    result = refresh_holidays(hub, years=[YEAR])

    calendar = days(hub)
    expected = {day: name for day, name in UEMOA_2027[country].items() if name}
    assert calendar.items() >= expected.items()
    assert D(YEAR, 1, 1) in calendar and D(YEAR, 5, 1) in calendar
    assert result == Refreshed(added=len(calendar), renamed=0, removed=0, kept=0)
    assert not hub.holidays.exclude(date__year=YEAR).exists()


def test_the_islamic_holidays_say_they_are_estimates(mali):
    assert days(mali)[TABASKI] == "Journée de la Tabaski (estimé)"


@pytest.mark.parametrize(
    ("country", "language", "expected"),
    [
        ("SN", "fr", "fr_SN"),
        ("BF", "fr", "fr"),
        ("GW", "pt", "pt_GW"),
        ("BF", "en", "en_BF"),
        ("ML", "en", "en_US"),
        ("MR", "fr", "en_US"),
        ("GH", "en", None),
    ],
)
def test_the_library_speaks_the_hubs_language_or_else_english(country, language, expected):
    assert library_language(country, language) == expected


def test_a_mauritania_hub_reads_its_holidays_in_english_not_arabic():
    assert (D(YEAR, 11, 28), "Independence Day") in library_holidays("MR", YEAR, "fr")


def test_refresh_twice_changes_nothing_more(mali):
    assert refresh_holidays(mali, years=[YEAR]) == Refreshed(added=0, renamed=0, removed=0, kept=0)


def test_refresh_replaces_what_the_old_table_had_and_the_library_does_not(hub):
    HubHoliday.objects.create(hub=hub, date=D(YEAR, 1, 20), name="Fête de l'Armée")
    HubHoliday.objects.create(hub=hub, date=D(YEAR, 5, 17), name="Tabaski (Aïd el-Kébir)")

    result = refresh_holidays(hub, years=[YEAR])

    assert days(hub)[D(YEAR, 1, 20)] == "Journée de l'Armée"
    assert D(YEAR, 5, 17) not in days(hub) and TABASKI in days(hub)
    assert (result.renamed, result.removed) == (1, 1)


class TestCorrections:
    def test_tabaski_moved_to_its_announced_date_stays_there(self, mali, manager):
        tabaski = mali.holidays.get(date=TABASKI)

        holiday_correct(tabaski, date=D(YEAR, 5, 17), name="Tabaski", by=manager)
        result = refresh_holidays(mali, years=[YEAR])

        tabaski.refresh_from_db()
        assert (tabaski.date, tabaski.name, tabaski.corrected, tabaski.library_date) == (
            D(YEAR, 5, 17),
            "Tabaski",
            True,
            TABASKI,
        )
        assert TABASKI not in days(mali)
        assert result == Refreshed(added=0, renamed=0, removed=0, kept=1)

    def test_a_second_correction_keeps_the_librarys_date(self, mali, manager):
        tabaski = holiday_correct(mali.holidays.get(date=TABASKI), date=D(YEAR, 5, 17), name="Tabaski", by=manager)
        holiday_correct(tabaski, date=D(YEAR, 5, 18), name="Tabaski", by=manager)
        refresh_holidays(mali, years=[YEAR])
        assert HubHoliday.objects.get(hub=mali, name="Tabaski").library_date == TABASKI
        assert TABASKI not in days(mali)

    def test_a_holiday_added_by_hand_survives(self, mali, manager):
        added = holiday_add(mali, date=D(YEAR, 2, 15), name="Journée de deuil national", by=manager)
        refresh_holidays(mali, years=[YEAR])
        assert days(mali)[D(YEAR, 2, 15)] == "Journée de deuil national"
        assert (added.corrected, added.library_date) == (True, None)

    def test_a_holiday_not_observed_does_not_come_back(self, mali, manager):
        holiday_remove(mali.holidays.get(date=D(YEAR, 5, 25)), by=manager)
        refresh_holidays(mali, years=[YEAR])
        assert D(YEAR, 5, 25) not in days(mali)
        removal = HubHoliday.history.get(hub=mali.pk, date=D(YEAR, 5, 25), history_type="-")
        assert (removal.history_change_reason, removal.history_user) == (NOT_OBSERVED_REASON, manager)

    def test_a_moved_holiday_removed_comes_back_on_neither_date(self, mali, manager):
        tabaski = holiday_correct(mali.holidays.get(date=TABASKI), date=D(YEAR, 5, 17), name="Tabaski", by=manager)
        holiday_remove(tabaski, by=manager)
        refresh_holidays(mali, years=[YEAR])
        assert TABASKI not in days(mali) and D(YEAR, 5, 17) not in days(mali)

    def test_a_holiday_added_by_hand_and_removed_is_gone(self, mali, manager):
        added = holiday_add(mali, date=D(YEAR, 2, 15), name="Journée de deuil national", by=manager)
        holiday_remove(added, by=manager)
        refresh_holidays(mali, years=[YEAR])
        assert D(YEAR, 2, 15) not in days(mali)

    def test_a_day_holds_one_holiday(self, mali, manager):
        with pytest.raises(ValidationError) as refused:
            holiday_add(mali, date=D(YEAR, 1, 1), name="Autre fête", by=manager)
        assert list(refused.value.message_dict) == ["date"]
        with pytest.raises(ValidationError):
            holiday_correct(mali.holidays.get(date=TABASKI), date=D(YEAR, 5, 25), name="Tabaski", by=manager)
        assert days(mali)[TABASKI] == "Journée de la Tabaski (estimé)"

    def test_each_change_is_in_the_history_with_who_made_it(self, mali, manager):
        tabaski = holiday_correct(mali.holidays.get(date=TABASKI), date=D(YEAR, 5, 17), name="Tabaski", by=manager)
        created, moved = tabaski.history.order_by("history_id")
        assert (created.history_type, created.history_user, created.date) == ("+", None, TABASKI)
        assert (moved.history_type, moved.history_user, moved.date) == ("~", manager, D(YEAR, 5, 17))


class TestWhoKeepsTheCalendar:
    def test_an_administrator_keeps_any_hubs(self, mali):
        holiday_add(mali, date=D(YEAR, 2, 15), name="Journée décrétée", by=AdminFactory())
        assert D(YEAR, 2, 15) in days(mali)

    @pytest.mark.parametrize(
        "person",
        [
            lambda hub: ManagerFactory(hub=HubFactory(code="NE", country="NE")),
            lambda hub: ReferentUserFactory(hub=hub),
        ],
        ids=["manager of another hub", "referent"],
    )
    def test_others_change_nothing(self, mali, person):
        someone = person(mali)
        tabaski = mali.holidays.get(date=TABASKI)
        with pytest.raises(PermissionDenied):
            holiday_add(mali, date=D(YEAR, 2, 15), name="Journée décrétée", by=someone)
        with pytest.raises(PermissionDenied):
            holiday_correct(tabaski, date=D(YEAR, 5, 17), name="Tabaski", by=someone)
        with pytest.raises(PermissionDenied):
            holiday_remove(tabaski, by=someone)
        with pytest.raises(PermissionDenied):
            refresh_holidays(mali, years=[YEAR], by=someone)
        assert days(mali)[TABASKI] == "Journée de la Tabaski (estimé)"
