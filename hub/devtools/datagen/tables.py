"""The generator's tables, read from hub/devtools/data/: the countries it fills hubs in (regions, people and
partners, one YAML file per country), the kinds of enterprise, the technology topics and the texts of
visits, notes and follow-ups."""

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from hub.classifications import IsicSection, TechnologyDomain
from hub.models import Partner

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def read_yaml(name: str):
    """The content of hub/devtools/data/`name`."""
    with (DATA_DIR / name).open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


@dataclass(frozen=True)
class Region:
    code: str
    weight: float
    latitude: float
    longitude: float
    spread: float
    """Standard deviation, in degrees, of production sites around the regional capital."""
    communes: tuple[str, ...]
    rccm_city: str


@dataclass(frozen=True)
class PartnerSpec:
    name: str
    kind: str
    domains: tuple[str, ...]
    regions: tuple[str, ...]
    address: str
    contact: bool = False
    """Fictional organisations get a fictional contact; real ones are listed by name and town only."""


@dataclass(frozen=True)
class EnterpriseKind:
    key: str
    sector: str
    names: tuple[str, ...]
    """Patterns with {surname}, {first}, {town} and {word}."""
    activity: str
    tags: frozenset[str]
    weight_women: float
    """How often a women-led enterprise is of this kind, relative to the others."""
    weight_men: float
    cooperative: bool = False


@dataclass(frozen=True)
class Topic:
    key: str
    domain: str
    tags: frozenset[str]
    titles: tuple[str, ...]
    description: str
    """With {qty} (a quantity), {n} (a number of people or machines), {town} and {activity}."""
    observation: str
    need: str
    recommendation: str
    resolution: str
    equipment: str
    partner_kind: str


@dataclass(frozen=True, kw_only=True)
class Territory:
    """What the generator draws a country's enterprises, people and partners from."""

    regions: Sequence[Region]
    capital: str
    """The capital district's region code: its enterprises are named after the capital town."""
    capital_town: str
    women_first_names: Sequence[str]
    men_first_names: Sequence[str]
    surnames: Sequence[str]
    """The most common family names first: they are drawn more often."""
    name_words: Sequence[str]
    calling_code: str
    mobile_prefixes: Mapping[str, int]
    rccm: str
    """Pattern of a trade-register number, with {city}, {year}, {letter} and {number}."""
    partners: Sequence[PartnerSpec]
    """The organisations cases are referred to."""
    places: Mapping[str, str] = field(default_factory=dict)
    """Places in the texts of TOPICS (written for Mali) and what this country says instead."""
    library_partners: Sequence[PartnerSpec] = ()
    library: bool = False
    """Whether the hub gets the technology sheets of `hub.devtools.datagen.sheets` (written for Mali)."""

    @property
    def surname_weights(self) -> list[float]:
        return [max(1.0, 12 - index * 0.3) for index in range(len(self.surnames))]

    def region(self, code: str) -> Region:
        return next(region for region in self.regions if region.code == code)

    def localised(self, topic: Topic) -> Topic:
        """`topic` with this country's places in its texts."""
        texts = {}
        for name in ("description", "observation", "need", "recommendation", "resolution", "equipment"):
            text = getattr(topic, name)
            for place, instead in self.places.items():
                text = text.replace(place, instead)
            texts[name] = text
        return dataclasses.replace(topic, **texts)


def _partners(rows: list[dict]) -> list[PartnerSpec]:
    return [
        PartnerSpec(
            **row
            | {"kind": Partner.Kind(row["kind"]), "domains": tuple(row["domains"]), "regions": tuple(row["regions"])}
        )
        for row in rows
    ]


def _territory(name: str) -> Territory:
    """The country of hub/devtools/data/`name`.yaml."""
    data = read_yaml(f"{name}.yaml")
    regions = [Region(**row | {"communes": tuple(row["communes"])}) for row in data.pop("regions")]
    partners = {key: _partners(data.pop(key)) for key in ("partners", "library_partners") if key in data}
    return Territory(**data, regions=regions, **partners)


def _enterprise_kinds() -> list[EnterpriseKind]:
    return [
        EnterpriseKind(
            **row | {"sector": IsicSection(row["sector"]), "names": tuple(row["names"]), "tags": frozenset(row["tags"])}
        )
        for row in read_yaml("enterprise_kinds.yaml")["enterprise_kinds"]
    ]


def _topics() -> list[Topic]:
    return [
        Topic(
            **row
            | {
                "domain": TechnologyDomain(row["domain"]),
                "tags": frozenset(row["tags"]),
                "titles": tuple(row["titles"]),
                "partner_kind": Partner.Kind(row["partner_kind"]),
            }
        )
        for row in read_yaml("topics.yaml")["topics"]
    ]


MALI = _territory("mali")
NIGER = _territory("niger")
TERRITORIES = {"ML": MALI, "NE": NIGER}
"""The countries the generator can fill a hub of, by country code."""
PARTNERS = MALI.partners
LIBRARY_PARTNERS = MALI.library_partners
NIGER_PARTNERS = NIGER.partners

ENTERPRISE_KINDS = _enterprise_kinds()
KINDS_BY_KEY = {kind.key: kind for kind in ENTERPRISE_KINDS}
TOPICS = _topics()
TOPICS_BY_KEY = {topic.key: topic for topic in TOPICS}

_TEXTS = read_yaml("texts.yaml")
VISIT_OBSERVATIONS = _TEXTS["visit_observations"]
FOLLOW_UP_OBSERVATIONS = _TEXTS["follow_up_observations"]
TRAINING_OBSERVATIONS = _TEXTS["training_observations"]
INSTALLATION_OBSERVATION = _TEXTS["installation_observation"]
OTHER_OBSERVATIONS = _TEXTS["other_observations"]
NEXT_STEPS = _TEXTS["next_steps"]
REJECTION_REASONS = _TEXTS["rejection_reasons"]
REFERRAL_NOTES = _TEXTS["referral_notes"]
WAITING_NOTES = _TEXTS["waiting_notes"]
INTERNAL_NOTES = _TEXTS["internal_notes"]
SME_MESSAGES = _TEXTS["sme_messages"]
RATING_COMMENTS = _TEXTS["rating_comments"]
CONFIRMATION_NOTE = _TEXTS["confirmation_note"]
TECHNOLOGY_NOTES = _TEXTS["technology_notes"]


def of(phrase: str) -> str:
    """French "de" before a noun phrase: le moulin -> du moulin, les fours -> des fours."""
    for article, contracted in (("le ", "du "), ("les ", "des ")):
        if phrase.startswith(article):
            return contracted + phrase.removeprefix(article)
    return f"de {phrase}"
