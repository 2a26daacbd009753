"""Mali's administrative units after the 2023 territorial reform (laws 2023-006 and 2023-007), read from
`data/mali_units.csv`: 19 regions and the Bamako district. ISO 3166-2:ML lists 10 regions and Bamako; the 9
new regions have no ISO code yet and name the region they were carved from. Plain data, no models: the
data migration that loads them (0002) uses it."""

import csv
from pathlib import Path
from typing import NamedTuple

UNITS_FILE = Path(__file__).resolve().parent / "data" / "mali_units.csv"


class MaliUnit(NamedTuple):
    code: str
    name: str
    kind: str
    iso_code: str
    """Empty for the regions the reform created."""
    carved_from: str
    """The code of the region a new one was carved from; empty for the others."""
    legal_basis: str


def mali_units() -> list[MaliUnit]:
    """The units in the file's order: those ISO lists first, then each new region after its parent."""
    with UNITS_FILE.open(encoding="utf-8", newline="") as stream:
        return [MaliUnit(**row) for row in csv.DictReader(stream)]
