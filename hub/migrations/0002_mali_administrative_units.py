"""Mali's regions after the 2023 territorial reform (laws 2023-006 and 2023-007): 19 regions and the
Bamako district. ISO 3166-2:ML lists 10 regions and Bamako; the 9 new regions have no ISO code yet
and point to the region they were carved from."""

from django.db import migrations

REFORM = "Lois 2023-006 et 2023-007"

ISO_UNITS = [
    ("ML-BKO", "Bamako", "district", "ML-BKO"),
    ("ML-KAY", "Kayes", "region", "ML-1"),
    ("ML-KKR", "Koulikoro", "region", "ML-2"),
    ("ML-SIK", "Sikasso", "region", "ML-3"),
    ("ML-SEG", "Ségou", "region", "ML-4"),
    ("ML-MOP", "Mopti", "region", "ML-5"),
    ("ML-TOM", "Tombouctou", "region", "ML-6"),
    ("ML-GAO", "Gao", "region", "ML-7"),
    ("ML-KID", "Kidal", "region", "ML-8"),
    ("ML-MEN", "Ménaka", "region", "ML-9"),
    ("ML-TAO", "Taoudénit", "region", "ML-10"),
]

REFORM_REGIONS = [
    ("ML-NIO", "Nioro", "ML-KAY"),
    ("ML-KIT", "Kita", "ML-KAY"),
    ("ML-DIO", "Dioïla", "ML-KKR"),
    ("ML-NAR", "Nara", "ML-KKR"),
    ("ML-BGN", "Bougouni", "ML-SIK"),
    ("ML-KTL", "Koutiala", "ML-SIK"),
    ("ML-SAN", "San", "ML-SEG"),
    ("ML-DOU", "Douentza", "ML-MOP"),
    ("ML-BDG", "Bandiagara", "ML-MOP"),
]


def add_units(apps, schema_editor):
    unit_model = apps.get_model("hub", "AdministrativeUnit")
    for code, name, kind, iso_code in ISO_UNITS:
        unit_model.objects.update_or_create(
            code=code, defaults={"country": "ML", "name": name, "kind": kind, "iso_code": iso_code}
        )
    for code, name, parent in REFORM_REGIONS:
        unit_model.objects.update_or_create(
            code=code,
            defaults={
                "country": "ML",
                "name": name,
                "kind": "region",
                "iso_code": "",
                "carved_from_id": parent,
                "legal_basis": REFORM,
            },
        )


def remove_units(apps, schema_editor):
    unit_model = apps.get_model("hub", "AdministrativeUnit")
    codes = [unit[0] for unit in REFORM_REGIONS] + [unit[0] for unit in ISO_UNITS]
    unit_model.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("hub", "0001_initial")]

    operations = [migrations.RunPython(add_units, remove_units)]
