"""The daily `refresh_holidays` command keeps every hub's public holidays of this year and the next, counted
in the hub's own time zone, and due dates skip them."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.models import Case
from cases.services import case_create
from hub.models import HubHoliday
from tests.factories import HubFactory

D = datetime.date
NEW_YEARS_EVE = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)
"""Still 2026 in Bamako (UTC), already 2027 in Niamey (UTC+1)."""


@pytest.fixture
def new_years_eve(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NEW_YEARS_EVE)


def years_of(hub) -> set[int]:
    return {day.year for day in hub.holidays.values_list("date", flat=True)}


def test_every_hub_gets_this_year_and_the_next_in_its_own_time_zone(hub, new_years_eve, capsys):
    niger = HubFactory(code="NE", country="NE")

    call_command("refresh_holidays")

    assert years_of(hub) == {2026, 2027}
    assert years_of(niger) == {2027, 2028}
    assert niger.holidays.get(date=D(2027, 12, 18)).name == "Fête nationale"
    out = capsys.readouterr().out
    assert "ML 2026-2027: " in out and "NE 2027-2028: " in out


def test_running_it_again_changes_nothing_and_keeps_a_correction(hub, new_years_eve, capsys):
    call_command("refresh_holidays")
    tabaski = hub.holidays.get(date=D(2027, 5, 16))
    tabaski.date, tabaski.library_date, tabaski.corrected = D(2027, 5, 17), D(2027, 5, 16), True
    tabaski.save()
    before = set(hub.holidays.values_list("date", "name"))
    capsys.readouterr()

    call_command("refresh_holidays", hub="ML")

    assert set(hub.holidays.values_list("date", "name")) == before
    assert "0 added, 0 renamed, 0 removed, 1 corrections kept" in capsys.readouterr().out


def test_the_command_refuses_an_unknown_hub(db):
    with pytest.raises(CommandError):
        call_command("refresh_holidays", hub="XX")


def test_due_dates_skip_the_refreshed_holidays(hub, enterprise, manager, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 31, 10, tzinfo=datetime.UTC))
    call_command("refresh_holidays", hub="ML")
    assert HubHoliday.objects.filter(hub=hub, date=D(2027, 1, 1)).exists()
    case = case_create(enterprise=enterprise, domain="agro", title="x", description="y", by=manager)
    # Thursday 31 December: Friday 1 January is New Year's Day, then the weekend.
    assert Case.objects.get(pk=case.pk).acknowledge_due == D(2027, 1, 4)
