"""The administrative units of every programme country but Mali, from ISO 3166-2 (pycountry) at the level a
hub works at and named in French (`hub.country.iso`); each gets its creation in the history. Units already
there are left as they are; Mali keeps its 2023 reform's units (migration 0002)."""

from django.db import migrations
from django.utils import timezone

from hub.country.iso import LEVELS, iso_units

LOADED_REASON = "Loaded from ISO 3166-2"


def add_units(apps, schema_editor):
    unit_model = apps.get_model("hub", "AdministrativeUnit")
    history_model = apps.get_model("hub", "HistoricalAdministrativeUnit")
    present = set(unit_model.objects.values_list("code", flat=True))
    units = [
        unit_model(code=unit.code, iso_code=unit.code, country=country, name=unit.name, kind=unit.kind)
        for country in LEVELS
        for unit in iso_units(country)
        if unit.code not in present
    ]
    unit_model.objects.bulk_create(units)
    now = timezone.now()
    history_model.objects.bulk_create(
        history_model(
            code=unit.code,
            iso_code=unit.iso_code,
            country=unit.country,
            name=unit.name,
            kind=unit.kind,
            legal_basis="",
            history_date=now,
            history_type="+",
            history_change_reason=LOADED_REASON,
        )
        for unit in units
    )


class Migration(migrations.Migration):
    dependencies = [("hub", "0017_hub_calendars_languages_and_viewer_scopes")]

    # Going back leaves the units: enterprises and referents may point to them.
    operations = [migrations.RunPython(add_units, migrations.RunPython.noop)]
