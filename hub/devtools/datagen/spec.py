"""What a run of the generator writes: the hub's period, volumes, referents' usernames and, for demos,
featured enterprises and referents and cases whose outcome is fixed."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

REFERENCE_DATE = datetime.date(2026, 11, 20)
"""The generator's "today": nothing it writes happens after the end of this day."""
DEFAULT_START = datetime.date(2024, 1, 8)


@dataclass(frozen=True, kw_only=True)
class ScriptedCase:
    """A case whose outcome is fixed, for demos: it ends in `status` (reached with on-time steps)."""

    received_on: datetime.date
    status: str
    enterprise: int | None = None
    """Index of the generated enterprise; None picks one in the referent's regions."""
    referent: int | None = None
    """Index into `Spec.referent_usernames` of the referent to assign; None lets the generator choose."""
    rated: bool = False


@dataclass(frozen=True, kw_only=True)
class Spec:
    seed: int
    enterprises: int
    cases: int
    visits: int
    referent_usernames: Sequence[str]
    start: datetime.date = DEFAULT_START
    end: datetime.date = REFERENCE_DATE
    sme_usernames: Mapping[int, str] = field(default_factory=dict)
    """Enterprises (by index) that get an SME account with this username, besides the generated ones."""
    featured: Mapping[int, tuple[str, str]] = field(default_factory=dict)
    """Enterprises (by index) of a given kind key and region code."""
    featured_referents: Mapping[int, tuple[Sequence[str], Sequence[str]]] = field(default_factory=dict)
    """Referents (by index) covering the given region codes and technology domains."""
    scripted_cases: Sequence[ScriptedCase] = ()

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("The period ends before it starts.")
        if len(self.referent_usernames) < 1 or self.enterprises < 1:
            raise ValueError("Generate at least one referent and one enterprise.")
        if len(self.scripted_cases) > self.cases:
            raise ValueError("More scripted cases than cases.")
