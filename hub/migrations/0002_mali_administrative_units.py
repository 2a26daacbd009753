"""Mali's regions after the 2023 territorial reform (laws 2023-006 and 2023-007): 19 regions and the
Bamako district, from hub/country/data/mali_units.csv (`hub.country.mali`). ISO 3166-2:ML lists 10 regions
and Bamako; the 9 new regions have no ISO code yet and point to the region they were carved from."""

from django.db import migrations

from hub.country.mali import mali_units


def add_units(apps, schema_editor):
    unit_model = apps.get_model("hub", "AdministrativeUnit")
    for unit in mali_units():
        defaults = {"country": "ML", "name": unit.name, "kind": unit.kind, "iso_code": unit.iso_code}
        if unit.carved_from:
            defaults |= {"carved_from_id": unit.carved_from, "legal_basis": unit.legal_basis}
        unit_model.objects.update_or_create(code=unit.code, defaults=defaults)


def remove_units(apps, schema_editor):
    unit_model = apps.get_model("hub", "AdministrativeUnit")
    unit_model.objects.filter(code__in=[unit.code for unit in mali_units()]).delete()


class Migration(migrations.Migration):
    dependencies = [("hub", "0001_initial")]

    operations = [migrations.RunPython(add_units, remove_units)]
