"""Loading a programme country's administrative units from ISO 3166-2."""

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from hub.country.iso import iso_units
from hub.models import AdministrativeUnit

LOADED_REASON = "Loaded from ISO 3166-2"


@transaction.atomic
def ensure_units(country: str) -> int:
    """Create the units of `country` that are missing (`hub.country.iso.iso_units`), each with its creation
    in the history; a unit already there is left as it is, corrected or not. Mali's units are its 2023
    reform's and are never loaded from ISO. Returns how many were created."""
    wanted = iso_units(country)
    codes = [unit.code for unit in wanted]
    present = set(AdministrativeUnit.objects.filter(code__in=codes).values_list("pk", flat=True))
    missing = [
        AdministrativeUnit(code=unit.code, iso_code=unit.code, country=country, name=unit.name, kind=unit.kind)
        for unit in wanted
        if unit.code not in present
    ]
    bulk_create_with_history(missing, AdministrativeUnit, default_change_reason=LOADED_REASON)
    return len(missing)
