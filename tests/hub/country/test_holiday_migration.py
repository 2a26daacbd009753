"""Migration 0019: the holidays a person entered or changed before the calendar came from the library are
the hub's corrections, which the refresh keeps; those a command wrote are the library's to refresh."""

import datetime
import importlib

from django.apps import apps

from hub.country.holidays import refresh_holidays
from hub.models import HubHoliday

migration = importlib.import_module("hub.migrations.0019_holidays_people_entered_are_corrections")
D = datetime.date


def test_a_date_a_person_announced_is_kept_and_a_commands_row_is_refreshed(hub, admin_user):
    by_command = HubHoliday.objects.create(hub=hub, date=D(2027, 5, 17), name="Tabaski (Aïd el-Kébir)")
    announced = HubHoliday(hub=hub, date=D(2027, 3, 10), name="Korité (date annoncée)")
    announced._history_user = admin_user
    announced.save()

    migration.mark_corrections(apps, None)
    refresh_holidays(hub, years=[2027])

    assert HubHoliday.objects.get(pk=announced.pk).corrected
    assert not HubHoliday.objects.filter(pk=by_command.pk).exists()
