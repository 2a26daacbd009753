"""Mali's public holidays feed the hubs' service standards: due dates skip them."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases.models import Case
from cases.services import case_create
from hub.holidays import easter_sunday, mali_holidays
from hub.models import HubHoliday

D = datetime.date


@pytest.mark.parametrize(("year", "easter"), [(2024, D(2024, 3, 31)), (2026, D(2026, 4, 5)), (2027, D(2027, 3, 28))])
def test_easter_is_computed_for_any_year(year, easter):
    assert easter_sunday(year) == easter


def test_a_known_year_has_the_fixed_religious_and_islamic_holidays():
    days = dict(mali_holidays(year=2027))
    assert days[D(2027, 1, 20)] == "Fête de l'Armée"
    assert days[D(2027, 3, 29)] == "Lundi de Pâques"
    assert days[D(2027, 3, 10)] == "Korité (Aïd el-Fitr)"
    assert days[D(2027, 8, 22)] == "Baptême du Prophète"
    assert len(days) == 12


def test_a_year_without_known_islamic_dates_still_has_the_others():
    days = dict(mali_holidays(year=2031))
    assert D(2031, 9, 22) in days and D(2031, 4, 14) in days
    assert len(days) == 8


def test_the_command_adds_a_year_once_and_keeps_a_moved_holiday(hub, capsys):
    HubHoliday.objects.create(hub=hub, date=D(2027, 3, 11), name="Korité (date annoncée)")
    call_command("add_public_holidays", hub="ML", year=2027)
    call_command("add_public_holidays", hub="ML", year=2027)
    dates = set(hub.holidays.filter(date__year=2027).values_list("date", flat=True))
    assert D(2027, 3, 11) in dates and D(2027, 1, 1) in dates
    assert hub.holidays.filter(date__year=2027).count() == 13
    assert "0 public holidays added" in capsys.readouterr().out


def test_the_command_warns_when_the_islamic_dates_are_unknown(hub, capsys):
    call_command("add_public_holidays", hub="ML", year=2031)
    assert "not known yet" in capsys.readouterr().out


def test_the_command_refuses_an_unknown_hub(db):
    with pytest.raises(CommandError):
        call_command("add_public_holidays", hub="XX", year=2027)


def test_due_dates_skip_the_added_holidays(hub, enterprise, manager, monkeypatch):
    call_command("add_public_holidays", hub="ML", year=2027)
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 31, 10, tzinfo=datetime.UTC))
    case = case_create(enterprise=enterprise, domain="agro", title="x", description="y", by=manager)
    # Thursday 31 December: Friday 1 January is New Year's Day, then the weekend.
    assert Case.objects.get(pk=case.pk).acknowledge_due == D(2027, 1, 4)
