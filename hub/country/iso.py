"""The ISO 3166-2 subdivisions a hub works with, read from pycountry and named in French. Plain data, no
models: the data migration that loads every country's units uses it too."""

import gettext
from typing import NamedTuple

import pycountry

from hub.classifications import Country

LEVELS = {
    Country.BENIN: {"Department": "department"},
    Country.BURKINA_FASO: {"Region": "region"},
    Country.COTE_DIVOIRE: {"District": "district", "Autonomous district": "autonomous_district"},
    Country.GUINEA_BISSAU: {"Region": "region", "Autonomous sector": "autonomous_sector"},
    Country.NIGER: {"Region": "region", "Urban community": "urban_community"},
    Country.SENEGAL: {"Region": "region"},
    Country.TOGO: {"Region": "region"},
    Country.GUINEA: {"Administrative region": "region", "Governorate": "governorate"},
    Country.MAURITANIA: {"Region": "region"},
    Country.GHANA: {"Region": "region"},
}
"""Per country, the ISO subdivision types a hub works at and the `AdministrativeUnit.Kind` each becomes
(Burkina Faso's regions, not its provinces; Guinea-Bissau's regions, not its provinces; Guinea's
administrative regions, not its prefectures). Mali is not here: its units follow the 2023 reform, which
ISO 3166-2 does not list yet (migration 0002)."""

FRENCH_ERRATA = {"BJ-LI": "Littoral"}
"""Names pycountry's French catalogue misspells ("Litoral")."""


class IsoUnit(NamedTuple):
    code: str
    name: str
    kind: str


def iso_units(country: str) -> list[IsoUnit]:
    """The country's units at a hub's level, sorted by code; none for Mali and countries not in `LEVELS`."""
    levels = LEVELS.get(country, {})
    french = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)
    subdivisions = pycountry.subdivisions.get(country_code=country) or []
    return sorted(
        IsoUnit(
            code=subdivision.code,
            name=FRENCH_ERRATA.get(subdivision.code) or french.gettext(subdivision.name),
            kind=levels[subdivision.type],
        )
        for subdivision in subdivisions
        if subdivision.type in levels
    )
