"""The public holidays a person entered or changed (in the admin: a date announced, a day off decreed) become
the hub's corrections, which the daily refresh from the holidays library keeps; those written by the
`add_public_holidays` command or the demo data, with nobody in their history, are the library's to refresh."""

from django.db import migrations


def mark_corrections(apps, schema_editor):
    holiday_model = apps.get_model("hub", "HubHoliday")
    history_model = apps.get_model("hub", "HistoricalHubHoliday")
    touched = history_model.objects.filter(history_user__isnull=False).values("id")
    holiday_model.objects.filter(pk__in=touched).update(corrected=True)


class Migration(migrations.Migration):
    dependencies = [("hub", "0018_units_of_every_programme_country")]

    operations = [migrations.RunPython(mark_corrections, migrations.RunPython.noop)]
