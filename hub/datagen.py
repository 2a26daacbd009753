"""Deterministic programme data for demos and load tests: enterprises of Mali or Niger, support requests
with their timeline, site visits, impact follow-ups and the technology library (the sheets of
`hub.library_content`, shared in cases and visits, in Mali).

Everything comes from `random.Random` streams seeded from one integer and from fixed dates, never
from the clock, so a seed gives the same rows on an empty database. Times are drawn in the hub's time zone
and its days counted by its calendar (`hub.calendar.HubCalendar`). Rows are written with
`bulk_create` together with their simple-history "+" rows, dated when the record was created. Impact
follow-ups are planned by the rules of `hub.followups.services` and their history replays the loop:
planned, then collected (by a referent or self-reported), confirmed, or cancelled by a reopening.
"""

import bisect
import calendar
import contextlib
import dataclasses
import datetime
import itertools
import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from random import Random

import phonenumbers
from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import models, transaction

from cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseNote,
    CaseShare,
    CaseStatus,
    Channel,
    Priority,
    ReferenceCounter,
)
from hub.calendar import HubCalendar
from hub.classifications import (
    COUNTRY_LANGUAGES,
    COUNTRY_TIME_ZONES,
    IsicSection,
    TechnologyDomain,
    TurnoverBand,
    size_class_for,
)
from hub.country.holidays import library_holidays
from hub.followups.services import ANSWER_FIELDS, Collection
from hub.library.services import partner_search_text, sheet_search_text
from hub.library_content import SHEETS, SHEETS_BY_TITLE, SheetText
from hub.models import (
    Enterprise,
    FollowUp,
    Hub,
    HubHoliday,
    HubTarget,
    Partner,
    Referent,
    Role,
    TargetIndicator,
    TechnologySheet,
    User,
)
from visits.models import Purpose, Visit, VisitShare
from visits.services import VisitInput

S = CaseStatus
BATCH_SIZE = 5000
REFERENCE_DATE = datetime.date(2026, 11, 20)
"""The generator's "today": nothing it writes happens after the end of this day."""
DEFAULT_START = datetime.date(2024, 1, 8)
FINAL_OR_RESOLVED = frozenset({S.REFERRED, S.REJECTED, S.RESOLVED, S.CLOSED})

# --- Territory -----------------------------------------------------------------------------------


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


REGIONS = [
    Region(
        "ML-BKO",
        30,
        12.6392,
        -8.0029,
        0.04,
        ("Commune I", "Commune II", "Commune III", "Commune IV", "Commune V", "Commune VI"),
        "BKO",
    ),
    Region("ML-SIK", 11, 11.3176, -5.6665, 0.12, ("Sikasso", "Kadiolo", "Niéna", "Kignan", "Lobougoula"), "SIK"),
    Region("ML-SEG", 10, 13.4317, -6.2157, 0.15, ("Ségou", "Markala", "Niono", "Bla", "Barouéli"), "SEG"),
    Region("ML-KKR", 9, 12.8627, -7.5598, 0.15, ("Koulikoro", "Kati", "Kangaba", "Ouélessébougou", "Siby"), "KKR"),
    Region("ML-KTL", 6, 12.3917, -5.4642, 0.10, ("Koutiala", "Yorosso", "M'Pessoba", "Zangasso"), "KTL"),
    Region("ML-KAY", 6, 14.4469, -11.4456, 0.15, ("Kayes", "Bafoulabé", "Kéniéba", "Sadiola", "Ambidédi"), "KAY"),
    Region("ML-MOP", 5, 14.4843, -4.1827, 0.12, ("Mopti", "Djenné", "Ténenkou", "Youwarou", "Konna"), "MOP"),
    Region("ML-BGN", 5, 11.4170, -7.4832, 0.12, ("Bougouni", "Kolondiéba", "Yanfolila", "Koumantou", "Garalo"), "BGN"),
    Region("ML-KIT", 3, 13.0349, -9.4895, 0.12, ("Kita", "Sagabari", "Toukoto"), "KIT"),
    Region("ML-DIO", 3, 12.4886, -6.7966, 0.10, ("Dioïla", "Fana", "Banco"), "DIO"),
    Region("ML-SAN", 3, 13.3036, -4.8958, 0.10, ("San", "Tominian", "Kimparana"), "SAN"),
    Region("ML-BDG", 1.5, 14.3500, -3.6100, 0.10, ("Bandiagara", "Bankass", "Koro"), "BDG"),
    Region("ML-TOM", 1.5, 16.7735, -3.0074, 0.10, ("Tombouctou", "Diré", "Goundam"), "TBK"),
    Region("ML-GAO", 1.5, 16.2666, -0.0400, 0.10, ("Gao", "Ansongo", "Bourem"), "GAO"),
    Region("ML-NIO", 1, 15.2306, -9.5903, 0.08, ("Nioro du Sahel",), "NIO"),
    Region("ML-NAR", 1, 15.1681, -7.2863, 0.08, ("Nara",), "NAR"),
    Region("ML-DOU", 0.5, 15.0017, -2.9497, 0.08, ("Douentza", "Boni"), "DOU"),
]
NIGER_REGIONS = [
    Region("NE-8", 34, 13.5116, 2.1254, 0.04, ("Niamey I", "Niamey II", "Niamey III", "Niamey IV", "Niamey V"), "NIM"),
    Region("NE-4", 16, 13.5000, 7.1017, 0.12, ("Maradi", "Tessaoua", "Madarounfa", "Aguié", "Dakoro"), "MDI"),
    Region("NE-7", 13, 13.8053, 8.9881, 0.12, ("Zinder", "Mirriah", "Magaria", "Matamèye", "Tanout"), "ZIN"),
    Region("NE-5", 11, 14.8888, 5.2692, 0.12, ("Tahoua", "Birni N'Konni", "Madaoua", "Illéla", "Bouza"), "TAH"),
    Region("NE-3", 10, 13.0490, 3.1937, 0.12, ("Dosso", "Gaya", "Dogondoutchi", "Birni N'Gaouré"), "DOS"),
    Region("NE-6", 8, 14.2118, 1.4531, 0.12, ("Tillabéri", "Kollo", "Say", "Téra", "Filingué"), "TIL"),
    Region("NE-1", 5, 16.9742, 7.9865, 0.08, ("Agadez", "Arlit", "Tchirozérine"), "AGZ"),
    Region("NE-2", 3, 13.3154, 12.6113, 0.08, ("Diffa", "Mainé-Soroa", "N'Guigmi"), "DFA"),
]
"""Niger's regions and the Niamey capital district (ISO 3166-2:NE codes, as loaded from pycountry)."""

# --- People --------------------------------------------------------------------------------------

WOMEN_FIRST_NAMES = [
    "Aminata", "Fatoumata", "Mariam", "Awa", "Kadiatou", "Oumou", "Rokia", "Assitan", "Salimata", "Djénéba",
    "Aïssata", "Hawa", "Kadidia", "Bintou", "Fanta", "Nana", "Korotoumou", "Maïmouna", "Sitan", "Ramata",
    "Safiatou", "Mah", "Néné", "Tenin", "Coumba", "Sanata", "Aïcha", "Fatim", "Bineta", "Massitan",
]  # fmt: skip
MEN_FIRST_NAMES = [
    "Moussa", "Mamadou", "Oumar", "Ibrahim", "Boubacar", "Seydou", "Bakary", "Amadou", "Souleymane", "Modibo",
    "Drissa", "Sékou", "Lassina", "Abdoulaye", "Yacouba", "Adama", "Issa", "Siaka", "Karim", "Cheick",
    "Mahamadou", "Daouda", "Bréhima", "Tiémoko", "Youssouf", "Alou", "Fousseyni", "Mamoutou", "Hamidou", "Salif",
]  # fmt: skip
SURNAMES = [
    "Traoré", "Coulibaly", "Diarra", "Keïta", "Sangaré", "Touré", "Maïga", "Dembélé", "Konaté", "Cissé",
    "Sidibé", "Diallo", "Sanogo", "Koné", "Doumbia", "Kanté", "Camara", "Bagayoko", "Samaké", "Ballo",
    "Togola", "Goïta", "Dicko", "Guindo", "Haïdara", "Sissoko", "Fofana", "Kouyaté", "Berthé", "Tangara",
    "Mariko", "Dao", "Bengaly", "Diakité", "Sylla", "Tounkara", "Dolo", "Niaré", "Kassogué", "Sacko",
]  # fmt: skip
NAME_WORDS = [
    "Danaya", "Baraka", "Benkadi", "Jigiya", "Nyèta", "Yiriwa", "Djoliba", "Sabali", "Hakili", "Badenya",
    "Sahel", "Kènèya", "Faso", "Siguida", "Tiéfing", "Wassa", "Bèkafo", "Dambé",
]  # fmt: skip
MOBILE_PREFIXES = {"7": 45, "6": 25, "9": 15, "8": 8, "5": 7}
"""First digit of Malian mobile numbers and its share; other digits are drawn and checked with
`phonenumbers.is_valid_number`."""

NIGER_WOMEN_FIRST_NAMES = [
    "Aïchatou", "Hadiza", "Mariama", "Zeinabou", "Fati", "Habsatou", "Ramatou", "Salamatou", "Haoua", "Rakiatou",
    "Balkissa", "Hassia", "Nafissa", "Safiatou", "Kadidiatou", "Fatchima", "Amina", "Saratou", "Roukaya", "Zouera",
]  # fmt: skip
NIGER_MEN_FIRST_NAMES = [
    "Issoufou", "Abdou", "Mahamadou", "Hamidou", "Boubacar", "Ousmane", "Ibrahim", "Souley", "Moumouni", "Hassane",
    "Harouna", "Idrissa", "Sani", "Salissou", "Maman", "Garba", "Yacouba", "Oumarou", "Adamou", "Abdoulaye",
    "Seyni", "Halidou", "Laouali", "Chaibou", "Nouhou", "Djibo", "Alio", "Soumana", "Moussa", "Elhadji",
]  # fmt: skip
NIGER_SURNAMES = [
    "Issa", "Moussa", "Abdou", "Hamani", "Maïga", "Boubacar", "Amadou", "Garba", "Souley", "Mahamane",
    "Idrissa", "Oumarou", "Harouna", "Hassane", "Ali", "Saïdou", "Yacouba", "Adamou", "Sani", "Salifou",
    "Diallo", "Touré", "Halidou", "Moumouni", "Seydou", "Ibrahim", "Zakari", "Chaibou", "Alhassane", "Nouhou",
]  # fmt: skip
NIGER_NAME_WORDS = [
    "Albarka", "Nasara", "Haské", "Zumunci", "Gaskiya", "Arziki", "Himma", "Kokari", "Sahel", "Aïr", "Fahimta",
    "Ténéré", "Goulbi", "Tchida",
]  # fmt: skip
NIGER_MOBILE_PREFIXES = {"9": 70, "8": 25, "7": 5}
"""First digit of Nigerien mobile numbers (eight digits after +227) and its share."""

# --- Enterprises ---------------------------------------------------------------------------------


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


def _kind(
    key: str,
    sector: str,
    names: tuple[str, ...],
    activity: str,
    tags: str,
    weight_women: float,
    weight_men: float,
    cooperative: bool = False,
) -> EnterpriseKind:
    return EnterpriseKind(key, sector, names, activity, frozenset(tags.split()), weight_women, weight_men, cooperative)


ENTERPRISE_KINDS = [
    _kind(
        "shea_coop",
        IsicSection.C,
        (
            "Coopérative des femmes transformatrices de karité de {town}",
            "Coopérative {word} des productrices de beurre de karité",
        ),
        "Production de beurre de karité et de savon",
        "shea soap general",
        10,
        0,
        cooperative=True,
    ),
    _kind(
        "mango",
        IsicSection.C,
        ("Unité de transformation de mangues {surname}", "{word} Fruits Séchés de {town}"),
        "Séchage de mangues et production de confitures",
        "mango juice general",
        5,
        4,
    ),
    _kind(
        "welding",
        IsicSection.C,
        ("Atelier de soudure {surname} & Frères", "Menuiserie métallique {surname}", "Soudure {word} de {town}"),
        "Soudure et construction métallique",
        "metal general",
        0.2,
        9,
    ),
    _kind(
        "dairy",
        IsicSection.C,
        ("Laiterie {word} de {town}", "Mini-laiterie {first} {surname}"),
        "Collecte et transformation du lait (lait caillé, yaourt, dèguè)",
        "dairy general",
        5,
        4,
    ),
    _kind(
        "mill",
        IsicSection.C,
        ("Moulin {surname} de {town}", "Unité de mouture {word}"),
        "Mouture de céréales (mil, sorgho, maïs) et farines enrichies",
        "cereal general",
        3,
        6,
    ),
    _kind(
        "fonio",
        IsicSection.C,
        ("Fonio {word} {surname}", "Unité de transformation de céréales locales {first} {surname}"),
        "Décorticage, précuisson et ensachage de fonio",
        "cereal general",
        5,
        2,
    ),
    _kind(
        "rice_parboiling",
        IsicSection.C,
        ("Groupement des étuveuses de riz de {town}",),
        "Étuvage et vente de riz local",
        "rice general",
        5,
        0,
        cooperative=True,
    ),
    _kind(
        "fish_smoking",
        IsicSection.C,
        ("Unité de fumage de poisson de {town}", "Poissons Fumés {first} {surname}"),
        "Fumage et séchage de poisson",
        "fish general",
        4,
        2,
    ),
    _kind(
        "oil",
        IsicSection.C,
        ("Huilerie {surname}", "Huilerie artisanale {word} de {town}"),
        "Extraction et conditionnement d'huile d'arachide",
        "oil general",
        3,
        3,
    ),
    _kind(
        "juice",
        IsicSection.C,
        ("Jus {word} de {town}", "{first} Boissons Naturelles"),
        "Production de jus de bissap, de gingembre et de baobab (tamarin)",
        "juice general",
        5,
        2,
    ),
    _kind(
        "bakery",
        IsicSection.C,
        ("Boulangerie {word} de {town}", "Boulangerie-pâtisserie {surname}"),
        "Boulangerie et pâtisserie",
        "bakery general",
        2,
        4,
    ),
    _kind(
        "soap",
        IsicSection.C,
        ("Savonnerie artisanale {first} {surname}", "Savonnerie {word}"),
        "Fabrication de savons et de cosmétiques au beurre de karité",
        "soap shea general",
        5,
        1,
    ),
    _kind(
        "tailoring",
        IsicSection.C,
        ("Atelier de couture {first} Créations", "Couture {word} de {town}"),
        "Confection de vêtements et de tenues scolaires",
        "textile general",
        5,
        3,
    ),
    _kind(
        "dyeing",
        IsicSection.C,
        ("Teinturerie de bazin {first} {surname}", "Bogolan {word} de {town}"),
        "Teinture de bazin et de bogolan",
        "textile general",
        6,
        1,
    ),
    _kind(
        "tannery",
        IsicSection.C,
        ("Tannerie {surname} de {town}", "Maroquinerie {word}"),
        "Tannage des peaux et maroquinerie",
        "leather general",
        1,
        3,
    ),
    _kind(
        "bricks",
        IsicSection.C,
        ("Briqueterie {surname}", "Unité de briques de terre comprimée {word}"),
        "Fabrication de briques de terre comprimée et de pavés",
        "brick construction general",
        0.3,
        3,
    ),
    _kind(
        "market_garden",
        IsicSection.A,
        ("GIE des maraîchers de {town}", "Jardin maraîcher {first} {surname}"),
        "Maraîchage (oignon, tomate, pomme de terre)",
        "market_garden water general",
        5,
        5,
        cooperative=True,
    ),
    _kind(
        "poultry",
        IsicSection.A,
        ("Ferme avicole {surname}", "Aviculture {word} de {town}"),
        "Élevage de poulets de chair et de pondeuses",
        "poultry general",
        3,
        6,
    ),
    _kind(
        "fish_farm",
        IsicSection.A,
        ("Ferme piscicole {surname} de {town}",),
        "Pisciculture en étangs et en cages",
        "fish_farm water general",
        1,
        3,
    ),
    _kind(
        "orchard",
        IsicSection.A,
        ("Vergers {surname} de {town}", "Exploitation arboricole {first} {surname}"),
        "Production de mangues, d'agrumes et de plants",
        "mango water general",
        1,
        4,
    ),
    _kind(
        "rice_farm",
        IsicSection.A,
        ("Coopérative rizicole de {town}", "Exploitation agricole {surname}"),
        "Riziculture irriguée",
        "rice water general",
        1,
        4,
        cooperative=True,
    ),
    _kind(
        "dairy_farm",
        IsicSection.A,
        ("Élevage laitier {surname} de {town}",),
        "Élevage de vaches laitières",
        "dairy general",
        1,
        3,
    ),
    _kind(
        "hardware",
        IsicSection.G,
        ("Quincaillerie {surname} de {town}", "Quincaillerie {word}"),
        "Vente de matériaux de construction et d'outillage",
        "trade general",
        1,
        5,
    ),
    _kind(
        "garage",
        IsicSection.G,
        ("Garage {surname} & Fils", "Garage moto {word} de {town}"),
        "Réparation de motos, de tricycles et de véhicules",
        "repair metal general",
        0.2,
        6,
    ),
    _kind(
        "solar_shop",
        IsicSection.G,
        ("{word} Solaire", "Boutique solaire {surname}"),
        "Vente et installation de kits solaires",
        "solar trade general",
        1,
        4,
    ),
    _kind(
        "grain_trade",
        IsicSection.G,
        ("Commerce général {surname} de {town}", "Dépôt de céréales {first} {surname}"),
        "Commerce de céréales et de produits agricoles",
        "trade cereal general",
        4,
        5,
    ),
    _kind(
        "restaurant",
        IsicSection.I,
        ("Restaurant {word} de {town}", "Restaurant chez {first}", "Traiteur {first} {surname}"),
        "Restauration et service traiteur",
        "restaurant general",
        7,
        2,
    ),
    _kind(
        "hotel",
        IsicSection.I,
        ("Hôtel {word} de {town}", "Auberge {word}"),
        "Hébergement et restauration",
        "hotel restaurant general",
        1,
        3,
    ),
    _kind(
        "builder",
        IsicSection.F,
        ("Entreprise {surname} BTP", "{word} Construction"),
        "Bâtiment et travaux publics",
        "construction general",
        0.3,
        5,
    ),
    _kind(
        "boreholes",
        IsicSection.F,
        ("Forages et puits {surname}",),
        "Forage de puits et installation de pompes",
        "water construction general",
        0.1,
        2,
    ),
    _kind(
        "electrician",
        IsicSection.F,
        ("Électricité bâtiment {surname}", "{word} Électricité de {town}"),
        "Installations électriques et solaires",
        "solar construction general",
        0.2,
        3,
    ),
    _kind(
        "ict",
        IsicSection.J,
        ("{word} Digital Services", "Cybercafé {word} de {town}"),
        "Services informatiques, impression et saisie",
        "ict general",
        1,
        2,
    ),
    _kind(
        "transport",
        IsicSection.H,
        ("Transports {surname} & Fils",),
        "Transport de marchandises",
        "transport repair general",
        0.1,
        1.5,
    ),
    _kind(
        "recycling",
        IsicSection.E,
        ("{word} Recyclage", "Collecte et recyclage de plastiques {surname}"),
        "Collecte et recyclage de déchets plastiques",
        "recycling general",
        1,
        1,
    ),
    _kind(
        "hairdresser",
        IsicSection.S,
        ("Salon de coiffure {first}",),
        "Coiffure et esthétique",
        "soap general",
        2,
        0.3,
    ),
    _kind(
        "accounting",
        IsicSection.M,
        ("Cabinet {surname} Conseil",),
        "Comptabilité et conseil aux entreprises",
        "ict general",
        0.5,
        1,
    ),
]
KINDS_BY_KEY = {kind.key: kind for kind in ENTERPRISE_KINDS}

# --- Technology topics: what cases are about and what visits find ---------------------------------


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


def _topic(key: str, domain: str, tags: str, titles: tuple[str, ...], *texts: str) -> Topic:
    return Topic(key, domain, frozenset(tags.split()), titles, *texts)


TOPICS = [
    _topic(
        "mango_drying",
        TechnologyDomain.AGRO_PROCESSING,
        "mango",
        ("Séchage solaire des mangues", "Séchoir pour mangues destinées à l'export"),
        "Nous séchons environ {qty} tonnes de mangues par campagne sur des claies au soleil. Les pertes sont "
        "importantes (moisissures, poussière, insectes) et la qualité ne répond pas aux exigences des acheteurs. "
        "Nous voulons connaître les séchoirs solaires ou hybrides adaptés à notre volume et leur coût.",
        "Séchage sur claies à l'air libre, sans protection contre la poussière. Tranches d'épaisseur irrégulière.",
        "Séchoir protégé et découpe régulière des tranches pour réduire les pertes et tenir le taux d'humidité.",
        "Passer à un séchoir hybride solaire-gaz ; découper les tranches à 6-8 mm ; emballer sous sachet "
        "étanche le jour même.",
        "Fiche technique des séchoirs solaires et hybrides remise, visite d'un séchoir en service à Bamako, deux "
        "devis de fabricants locaux comparés. L'entreprise a retenu un séchoir hybride de 500 kg par cycle.",
        "le séchoir hybride",
        Partner.Kind.SUPPLIER,
    ),
    _topic(
        "shea_press",
        TechnologyDomain.AGRO_PROCESSING,
        "shea",
        ("Presse à beurre de karité", "Mécanisation du barattage du karité"),
        "Le barattage manuel du beurre de karité épuise les {n} membres du groupement et nous ne traitons que "
        "{qty} sacs d'amandes par semaine. Nous cherchons une presse ou une baratte motorisée et des conseils pour "
        "améliorer le rendement d'extraction.",
        "Torréfaction au feu de bois et barattage manuel ; rendement estimé à 30 % des amandes.",
        "Baratte motorisée et torréfacteur à tambour pour augmenter le rendement et réduire la pénibilité.",
        "Installer une baratte motorisée ; contrôler le séchage des amandes (humidité < 7 %) ; former deux "
        "opératrices à l'entretien.",
        "Présentation des presses et barattes disponibles au Mali, visite de démonstration, mise en relation avec "
        "un fabricant local. Baratte motorisée installée ; rendement passé de 30 à 38 %.",
        "la baratte motorisée",
        Partner.Kind.SUPPLIER,
    ),
    _topic(
        "improved_stoves",
        TechnologyDomain.ENERGY,
        "shea restaurant fish rice bakery hotel",
        ("Foyers améliorés pour réduire la consommation de bois", "Remplacement des foyers trois pierres"),
        "Nous utilisons des foyers trois pierres et achetons près de {qty} stères de bois par mois. Le prix du bois "
        "augmente et la fumée gêne les travailleuses. Quels foyers améliorés ou réchauds à gaz conviennent à notre "
        "activité ?",
        "Cuisson sur foyers trois pierres, fumée importante dans l'espace de travail.",
        "Foyers améliorés métalliques ou en banco pour réduire de moitié la consommation de bois.",
        "Remplacer les foyers trois pierres par des foyers améliorés fermés ; aménager une cheminée d'évacuation.",
        "Foyers améliorés de fabrication locale présentés et essayés sur site ; quatre foyers achetés. La "
        "consommation de bois a baissé d'environ 40 % selon le relevé du mois suivant.",
        "les foyers améliorés",
        Partner.Kind.SUPPORT,
    ),
    _topic(
        "milk_pasteurisation",
        TechnologyDomain.AGRO_PROCESSING,
        "dairy",
        ("Pasteurisation du lait", "Conservation du lait frais collecté"),
        "Nous collectons environ {qty} litres de lait par jour auprès des éleveurs de {town}. Une partie tourne "
        "avant la vente. Nous voulons pasteuriser le lait et savoir quel matériel acheter.",
        "Lait chauffé dans des marmites, pas de thermomètre, bidons en plastique réutilisés.",
        "Pasteurisateur à bain-marie, thermomètre et bidons en inox ; règles d'hygiène de la traite à la vente.",
        "Pasteuriser à 72 °C pendant 15 secondes ou 63 °C pendant 30 minutes ; refroidir rapidement ; utiliser "
        "des bidons en aluminium ou en inox.",
        "Formation à la pasteurisation et à l'hygiène, fiche technique remise, pasteurisateur de 100 litres "
        "acquis avec l'appui d'une institution de microfinance.",
        "le pasteurisateur",
        Partner.Kind.RESEARCH,
    ),
    _topic(
        "welding_safety",
        TechnologyDomain.MECHANICS,
        "metal",
        ("Sécurité au poste de soudure", "Protection des soudeurs et installation électrique de l'atelier"),
        "Deux apprentis ont eu des brûlures aux yeux le mois dernier et les disjoncteurs sautent quand les {n} "
        "postes à souder fonctionnent ensemble. Nous voulons sécuriser l'atelier.",
        "Soudeurs sans masque ni gants, câbles dénudés au sol, pas de mise à la terre.",
        "Équipements de protection, mise à la terre et tableau électrique adapté aux postes à souder.",
        "Fournir masques, gants et tabliers ; faire refaire le tableau électrique avec mise à la terre ; "
        "afficher les consignes de sécurité.",
        "Diagnostic électrique avec un électricien agréé, liste d'équipements de protection remise, formation de "
        "l'équipe aux gestes de sécurité. Aucun accident signalé depuis.",
        "les équipements de protection",
        Partner.Kind.TRAINING,
    ),
    _topic(
        "cereal_mill",
        TechnologyDomain.MECHANICS,
        "cereal",
        ("Moulin à céréales : usure et consommation de gasoil", "Motorisation électrique du moulin"),
        "Notre moulin à meules consomme beaucoup de gasoil et les meules s'usent vite. Nous moulons environ {qty} "
        "tonnes de mil et de maïs par mois. Faut-il passer à un moulin à marteaux ou à un moteur électrique ?",
        "Moulin à meules entraîné par un moteur diesel ancien ; meules usées ; pas de cyclone de dépoussiérage.",
        "Comparer moulin à marteaux électrique et moteur diesel révisé ; réduire les pertes de farine.",
        "Réviser le moteur et remplacer les meules à court terme ; étudier un moulin à marteaux électrique si le "
        "raccordement au réseau est possible.",
        "Comparaison des coûts d'exploitation diesel et électrique remise ; moteur révisé et meules remplacées ; "
        "consommation de gasoil réduite d'environ 20 %.",
        "le moulin",
        Partner.Kind.SUPPLIER,
    ),
    _topic(
        "solar_pump",
        TechnologyDomain.WATER,
        "market_garden rice fish_farm mango water",
        ("Pompe solaire pour l'irrigation", "Remplacement de la motopompe par une pompe solaire"),
        "Nous irriguons {qty} hectares avec une motopompe à essence qui coûte cher en carburant et tombe souvent en "
        "panne. Nous voulons savoir si une pompe solaire est adaptée à notre puits et quel débit attendre.",
        "Motopompe à essence sur puits maraîcher ; irrigation à la raie avec pertes d'eau importantes.",
        "Pompe solaire dimensionnée sur le débit du puits et irrigation goutte-à-goutte sur une partie des parcelles.",
        "Mesurer le débit du puits ; installer une pompe solaire de surface et un bassin de stockage ; tester le "
        "goutte-à-goutte sur une parcelle pilote.",
        "Dimensionnement réalisé, trois devis comparés, pompe solaire installée avec un bassin de 10 m³. "
        "Dépenses de carburant supprimées.",
        "la pompe solaire",
        Partner.Kind.SUPPLIER,
    ),
    _topic(
        "fish_smoking_oven",
        TechnologyDomain.ENERGY,
        "fish",
        ("Four de fumage de poisson amélioré", "Four FTT pour le fumage du poisson"),
        "Les femmes fument le poisson sur des fours traditionnels qui consomment beaucoup de bois et dégagent une "
        "fumée dangereuse. Nous traitons environ {qty} kilos de poisson par jour en saison.",
        "Fours traditionnels en banco, fumée abondante, poisson souvent trop cuit ou brûlé.",
        "Four de fumage amélioré de type FAO-Thiaroye (FTT) pour réduire le bois et les hydrocarbures dans le poisson.",
        "Construire un four FTT pilote ; former les fumeuses à la conduite du feu et au séchage final.",
        "Four FTT pilote construit avec un maçon formé ; formation de 12 femmes. Consommation de bois réduite et "
        "poisson mieux présenté pour les marchés de Bamako.",
        "le four de fumage FTT",
        Partner.Kind.RESEARCH,
    ),
    _topic(
        "packaging",
        TechnologyDomain.QUALITY,
        "mango juice shea cereal oil soap",
        ("Emballage et étiquetage des produits", "Améliorer l'emballage pour les supermarchés"),
        "Les supermarchés de Bamako demandent des emballages scellés avec étiquette, date de fabrication et "
        "numéro de lot. Nous vendons aujourd'hui en sachets noués. Quelles solutions d'emballage pour environ "
        "{qty} unités par mois ?",
        "Conditionnement en sachets noués, sans étiquette ni date ; stockage au sol.",
        "Scelleuse, sachets adaptés, étiquette conforme (composition, date, lot, poids) et code-barres.",
        "Acheter une scelleuse à pédale ; faire concevoir une étiquette conforme ; tenir un registre des lots.",
        "Modèle d'étiquette conforme réalisé, scelleuse achetée, fournisseurs de sachets identifiés. Les produits "
        "sont référencés dans deux supermarchés.",
        "la scelleuse",
        Partner.Kind.SUPPORT,
    ),
    _topic(
        "accounting_software",
        TechnologyDomain.ICT,
        "general trade ict",
        ("Logiciel de comptabilité et de gestion des stocks", "Informatiser la gestion de l'entreprise"),
        "Nous tenons nos comptes dans des cahiers et ne savons pas exactement nos marges. Nous cherchons un "
        "logiciel simple, utilisable hors connexion, pour la comptabilité, les stocks et la facturation.",
        "Gestion sur cahiers, pas d'inventaire régulier ; un ordinateur disponible mais peu utilisé.",
        "Logiciel de gestion simple (ventes, stocks, caisse) et formation de la personne chargée des comptes.",
        "Installer un logiciel de gestion libre utilisable hors connexion ; faire un inventaire mensuel ; "
        "sauvegarder les données chaque semaine.",
        "Logiciel libre de gestion installé et paramétré, formation de deux personnes, modèle de tableau de bord "
        "mensuel remis.",
        "le logiciel de gestion",
        Partner.Kind.TRAINING,
    ),
    _topic(
        "juice_preservation",
        TechnologyDomain.QUALITY,
        "juice",
        ("Conservation des jus de bissap et de gingembre",),
        "Nos jus de bissap et de gingembre se conservent moins de trois jours. Nous produisons environ {qty} "
        "litres par semaine et voulons allonger la durée de conservation sans produits chimiques.",
        "Jus conditionnés à froid dans des bouteilles réutilisées, sans pasteurisation.",
        "Pasteurisation des jus en bouteille et stérilisation des emballages.",
        "Pasteuriser les bouteilles au bain-marie à 85 °C ; utiliser des bouteilles neuves ; noter la date limite.",
        "Essais de pasteurisation menés avec le laboratoire partenaire ; conservation portée à trois mois ; "
        "fiche de procédé remise.",
        "la pasteurisation des jus",
        Partner.Kind.RESEARCH,
    ),
    _topic(
        "hygiene",
        TechnologyDomain.QUALITY,
        "dairy juice bakery restaurant hotel mango",
        ("Hygiène et bonnes pratiques de fabrication", "Préparer l'autorisation de mise sur le marché"),
        "Nous voulons obtenir l'autorisation de mise sur le marché pour nos produits. On nous demande de respecter "
        "les bonnes pratiques d'hygiène et de fabrication. Par où commencer ?",
        "Locaux non séparés (réception, transformation, stockage), pas de lave-mains, pas de tenue de travail.",
        "Organisation de l'espace en marche en avant, plan de nettoyage et tenues de travail.",
        "Séparer les zones ; installer un lave-mains ; mettre en place un plan de nettoyage affiché et suivi.",
        "Diagnostic hygiène réalisé, plan d'action en 10 points remis, formation du personnel. Dossier "
        "d'autorisation de mise sur le marché déposé.",
        "le plan d'hygiène",
        Partner.Kind.SUPPORT,
    ),
    _topic(
        "solar_backup",
        TechnologyDomain.ENERGY,
        "general solar ict metal dairy",
        ("Kit solaire contre les délestages", "Alimentation électrique pendant les coupures"),
        "Les délestages d'électricité arrêtent notre travail plusieurs heures par jour et le groupe électrogène "
        "coûte cher en carburant. Nous voulons une installation solaire pour les {n} appareils essentiels.",
        "Coupures quotidiennes, groupe électrogène de 5 kVA utilisé 4 à 6 heures par jour.",
        "Bilan de puissance et installation solaire avec batteries pour les usages prioritaires.",
        "Faire le bilan de puissance ; installer des panneaux et des batteries lithium pour les usages prioritaires ; "
        "garder le groupe en secours.",
        "Bilan de puissance réalisé, offre d'un installateur certifié vérifiée ; installation de 3 kWc mise en "
        "service ; le groupe ne sert plus qu'en secours.",
        "l'installation solaire",
        Partner.Kind.SUPPLIER,
    ),
    _topic(
        "rice_parboiling",
        TechnologyDomain.AGRO_PROCESSING,
        "rice",
        ("Amélioration de l'étuvage du riz", "Étuveuse améliorée pour le riz paddy"),
        "Notre groupement étuve environ {qty} tonnes de paddy par mois dans des marmites. Le riz contient des "
        "impuretés et les grains cassent au décorticage. Nous cherchons un équipement d'étuvage amélioré.",
        "Étuvage en marmites sur foyers ouverts, vannage manuel, riz contenant des cailloux.",
        "Kit d'étuvage amélioré (cuve à vapeur), aire de séchage propre et trieuse.",
        "Utiliser une cuve d'étuvage à vapeur ; sécher sur bâches ; trier avant décorticage.",
        "Kit d'étuvage amélioré acquis, formation de 20 femmes ; taux de brisures réduit et prix de vente relevé.",
        "le kit d'étuvage",
        Partner.Kind.RESEARCH,
    ),
    _topic(
        "fonio_huller",
        TechnologyDomain.AGRO_PROCESSING,
        "cereal",
        ("Décortiqueuse à fonio", "Mécaniser le décorticage du fonio"),
        "Le décorticage manuel du fonio limite notre production à {qty} kilos par jour. Nous voulons connaître les "
        "décortiqueuses disponibles et leur rendement.",
        "Décorticage au pilon, lavage répété pour enlever le sable.",
        "Décortiqueuse mécanique et laveuse pour le fonio.",
        "Acquérir une décortiqueuse adaptée au fonio ; installer un bac de lavage et de dessablage.",
        "Décortiqueuse installée après essais comparatifs ; production multipliée par quatre.",
        "la décortiqueuse",
        Partner.Kind.RESEARCH,
    ),
    _topic(
        "bazin_dyeing",
        TechnologyDomain.TEXTILES,
        "textile",
        ("Teinture du bazin : eau et colorants", "Réduire la consommation de colorants"),
        "Nous teignons environ {qty} pièces de bazin par semaine. Les colorants coûtent cher, les couleurs ne "
        "tiennent pas toujours et les voisins se plaignent des eaux de rinçage.",
        "Teinture dans des bassines, dosage à l'œil, eaux usées rejetées dans la rue.",
        "Dosage des colorants et fixateurs, et bac de décantation des eaux usées.",
        "Peser les colorants ; respecter les temps de fixation ; construire un bac de décantation.",
        "Fiche de dosage remise, formation de 6 teinturières, bac de décantation construit. Consommation de "
        "colorants réduite d'environ 25 %.",
        "le bac de décantation",
        Partner.Kind.TRAINING,
    ),
    _topic(
        "sewing_workshop",
        TechnologyDomain.TEXTILES,
        "textile",
        ("Machines à coudre industrielles", "Organisation de l'atelier de couture"),
        "Nous avons obtenu une commande de {qty} tenues scolaires mais nos {n} machines à pédale ne suffisent pas. "
        "Quelles machines industrielles choisir et comment organiser l'atelier ?",
        "Machines à pédale, coupe à la main, pas de plan de production.",
        "Machines industrielles (piqueuse, surjeteuse) et organisation du travail en chaîne.",
        "Acheter une piqueuse et une surjeteuse industrielles ; organiser la coupe par lots.",
        "Deux machines industrielles choisies avec le fournisseur, atelier réorganisé ; commande livrée à temps.",
        "les machines industrielles",
        Partner.Kind.SUPPLIER,
    ),
    _topic(
        "tanning",
        TechnologyDomain.TEXTILES,
        "leather",
        ("Tannage végétal des peaux",),
        "Nos cuirs sont durs et sentent mauvais. Nous voulons améliorer le tannage végétal pour vendre à des "
        "maroquiniers de Bamako.",
        "Tannage en fosses, pas de contrôle du pH, peaux mal écharnées.",
        "Amélioration du procédé de tannage végétal (bain au bablah, contrôle du pH).",
        "Mieux écharner ; contrôler le pH des bains ; allonger le temps de tannage.",
        "Procédé amélioré testé sur trois lots ; cuir plus souple accepté par deux maroquiniers.",
        "le procédé de tannage",
        Partner.Kind.TRAINING,
    ),
    _topic(
        "soap_formulation",
        TechnologyDomain.CHEMISTRY,
        "soap shea",
        ("Formulation de savon au beurre de karité", "Savon qui se fissure au séchage"),
        "Nos savons au karité se fissurent et blanchissent après quelques semaines. Nous en produisons environ "
        "{qty} morceaux par mois et voulons une formule stable.",
        "Soude dosée au volume, pas de balance, cure trop courte.",
        "Formule calculée à la balance et cure de quatre semaines.",
        "Peser la soude et les huiles ; respecter la température ; laisser curer quatre semaines.",
        "Formule recalculée avec le laboratoire partenaire, balance achetée ; savons stables après cure.",
        "la nouvelle formule",
        Partner.Kind.RESEARCH,
    ),
    _topic(
        "compressed_earth_bricks",
        TechnologyDomain.CONSTRUCTION,
        "brick construction",
        ("Presse à briques de terre comprimée", "Dosage du ciment dans les briques de terre"),
        "Nous voulons produire {qty} briques de terre comprimée par jour pour des chantiers à {town}, mais nos "
        "briques cassent au transport. Quel dosage et quelle presse utiliser ?",
        "Presse manuelle usée, terre non tamisée, cure des briques au soleil direct.",
        "Tamisage de la terre, dosage du ciment et cure à l'ombre et à l'humide.",
        "Tamiser la terre ; stabiliser à 6-8 % de ciment ; garder les briques humides et à l'ombre sept jours.",
        "Essais de dosage réalisés, presse réglée ; résistance des briques conforme et casse au transport quasi nulle.",
        "la presse à briques",
        Partner.Kind.RESEARCH,
    ),
    _topic(
        "concrete_quality",
        TechnologyDomain.CONSTRUCTION,
        "construction",
        ("Contrôle de la qualité du béton", "Fissures sur des dalles livrées"),
        "Des clients se plaignent de fissures sur des dalles que nous avons coulées. Nous voulons améliorer le "
        "dosage et le contrôle du béton sur nos chantiers.",
        "Dosage à la pelle, eau ajoutée sans mesure, pas de cure des dalles.",
        "Dosage en volume avec seaux gradués, contrôle de l'eau et cure humide.",
        "Utiliser des seaux gradués ; limiter l'eau ; arroser les dalles sept jours ; faire des éprouvettes.",
        "Formation des chefs de chantier, fiche de dosage plastifiée, éprouvettes testées au laboratoire.",
        "le contrôle du béton",
        Partner.Kind.TRAINING,
    ),
    _topic(
        "water_treatment",
        TechnologyDomain.WATER,
        "water juice dairy hotel",
        ("Traitement de l'eau de forage", "Potabilité de l'eau utilisée en production"),
        "L'eau de notre forage a une odeur et un dépôt. Nous l'utilisons pour la production et voulons savoir si "
        "elle est potable et comment la traiter.",
        "Forage sans analyse récente, réservoir non couvert.",
        "Analyse de l'eau et traitement adapté (filtration, chloration).",
        "Faire analyser l'eau ; couvrir et nettoyer le réservoir ; installer une filtration et une chloration.",
        "Analyse faite au laboratoire, réservoir nettoyé et couvert, filtre installé ; eau conforme.",
        "le traitement de l'eau",
        Partner.Kind.RESEARCH,
    ),
    _topic(
        "poultry_incubator",
        TechnologyDomain.AGRO_PROCESSING,
        "poultry",
        ("Couveuse et chauffage des poussins", "Mortalité des poussins"),
        "Nous perdons beaucoup de poussins les premières semaines. Nous élevons environ {qty} sujets par bande et "
        "voulons une couveuse et un chauffage fiables malgré les coupures d'électricité.",
        "Poulailler mal aéré, chauffage au charbon, pas de thermomètre.",
        "Couveuse électrique avec batterie, éleveuse et suivi de la température.",
        "Acheter une couveuse avec batterie de secours ; installer thermomètres et rideaux d'aération.",
        "Couveuse de 500 œufs installée, formation à la conduite de l'éclosion ; mortalité divisée par deux.",
        "la couveuse",
        Partner.Kind.SUPPLIER,
    ),
    _topic(
        "bread_oven",
        TechnologyDomain.ENERGY,
        "bakery",
        ("Four à pain économe en énergie",),
        "Notre four à pain au bois consomme beaucoup et la cuisson est irrégulière. Nous cuisons environ {qty} "
        "baguettes par jour. Faut-il passer au four à gaz ?",
        "Four en briques mal isolé, porte non étanche.",
        "Isolation du four ou four mixte bois-gaz.",
        "Isoler la voûte ; changer la porte ; comparer avec un four à gaz.",
        "Four réisolé par un artisan formé ; consommation de bois réduite d'un tiers.",
        "le four",
        Partner.Kind.SUPPLIER,
    ),
    _topic(
        "oil_press",
        TechnologyDomain.AGRO_PROCESSING,
        "oil",
        ("Presse à huile d'arachide et filtration",),
        "Notre huile d'arachide est trouble et rancit vite. Nous pressons environ {qty} kilos par jour et voulons "
        "une presse et un filtre adaptés.",
        "Presse manuelle, décantation en fûts ouverts.",
        "Presse à vis et filtre-presse ; stockage à l'abri de la lumière.",
        "Filtrer l'huile ; stocker en fûts fermés à l'ombre ; conditionner en bouteilles sombres.",
        "Presse à vis et filtre installés ; huile claire et conservée plus de six mois.",
        "la presse à vis",
        Partner.Kind.SUPPLIER,
    ),
    _topic(
        "motorbike_diagnostics",
        TechnologyDomain.MECHANICS,
        "repair",
        ("Outillage de diagnostic pour motos et tricycles",),
        "Les nouvelles motos à injection arrivent au garage et nous n'avons pas les outils pour les diagnostiquer. "
        "Nous réparons environ {qty} engins par semaine.",
        "Outillage manuel uniquement, pas de valise de diagnostic.",
        "Valise de diagnostic et formation des mécaniciens à l'injection.",
        "Acheter une valise de diagnostic ; former deux mécaniciens.",
        "Valise de diagnostic choisie, formation de deux mécaniciens ; le garage répare désormais les motos à "
        "injection.",
        "la valise de diagnostic",
        Partner.Kind.TRAINING,
    ),
    _topic(
        "mobile_payment",
        TechnologyDomain.ICT,
        "trade restaurant hotel",
        ("Paiement mobile et caisse", "Encaisser par Orange Money et Moov Money"),
        "De plus en plus de clients veulent payer par Orange Money ou Moov Money. Nous voulons un système de caisse "
        "simple qui enregistre aussi ces paiements.",
        "Caisse tenue à la main, paiements mobiles reçus sur le téléphone personnel du gérant.",
        "Compte marchand de paiement mobile et application de caisse.",
        "Ouvrir des comptes marchands ; utiliser une application de caisse ; rapprocher chaque soir.",
        "Comptes marchands ouverts, application de caisse installée ; rapprochement quotidien en place.",
        "l'application de caisse",
        Partner.Kind.SUPPORT,
    ),
    _topic(
        "cold_storage",
        TechnologyDomain.ENERGY,
        "dairy poultry fish market_garden",
        ("Chambre froide solaire", "Conservation au froid des produits"),
        "Nous perdons une partie de nos produits faute de froid. Nous cherchons une solution de conservation au "
        "froid pour environ {qty} kilos par jour, alimentée à l'énergie solaire.",
        "Congélateur domestique en panne fréquente, délestages.",
        "Chambre froide solaire mutualisée ou congélateur solaire.",
        "Étudier une chambre froide solaire partagée avec d'autres producteurs de {town}.",
        "Étude de faisabilité remise, chambre froide solaire de 5 m³ installée en location-vente.",
        "la chambre froide solaire",
        Partner.Kind.FINANCE,
    ),
    _topic(
        "plastic_pavers",
        TechnologyDomain.WATER,
        "recycling",
        ("Valorisation des déchets plastiques en pavés",),
        "Nous collectons environ {qty} kilos de sachets plastiques par semaine. Nous voulons produire des pavés "
        "avec du sable et du plastique fondu.",
        "Fonte du plastique en fût ouvert, fumées toxiques.",
        "Four de fusion fermé, équipements de protection et moules adaptés.",
        "Utiliser un four fermé avec cheminée ; porter des masques ; contrôler le dosage sable-plastique.",
        "Four de fusion fermé construit, équipe formée ; pavés vendus à la mairie.",
        "le four de fusion",
        Partner.Kind.RESEARCH,
    ),
    _topic(
        "onion_storage",
        TechnologyDomain.AGRO_PROCESSING,
        "market_garden",
        ("Conservation des oignons", "Magasin de stockage pour l'oignon"),
        "Après la récolte, nous vendons nos {qty} tonnes d'oignons au plus bas prix parce qu'ils pourrissent vite. "
        "Nous voulons construire un magasin de conservation.",
        "Oignons stockés en tas sous des hangars, pourriture après un mois.",
        "Magasin ventilé avec claies et tri des bulbes avant stockage.",
        "Construire un magasin ventilé ; sécher les bulbes au champ ; trier avant stockage.",
        "Plans d'un magasin ventilé de 10 tonnes remis, magasin construit ; pertes réduites à moins de 15 %.",
        "le magasin de stockage",
        Partner.Kind.RESEARCH,
    ),
    _topic(
        "fish_feed",
        TechnologyDomain.AGRO_PROCESSING,
        "fish_farm",
        ("Aliment pour poissons produit localement",),
        "L'aliment importé représente la moitié de nos coûts. Nous voulons produire un aliment pour nos {qty} "
        "cages à partir de sous-produits locaux.",
        "Aliment importé acheté au détail, croissance irrégulière des poissons.",
        "Formulation d'un aliment à base de son de riz, de tourteau et de farine de poisson, et presse à granulés.",
        "Formuler l'aliment ; acheter une presse à granulés ; suivre la croissance par pesée mensuelle.",
        "Formule mise au point avec le centre de recherche, presse à granulés acquise ; coût de l'aliment réduit "
        "d'un tiers.",
        "la presse à granulés",
        Partner.Kind.RESEARCH,
    ),
]
TOPICS_BY_KEY = {topic.key: topic for topic in TOPICS}

VISIT_OBSERVATIONS = [
    "Accueil par le promoteur et {n} employés ; visite complète des installations.",
    "Site propre mais exigu ; matières premières stockées au sol.",
    "Production arrêtée pendant la visite faute d'électricité (délestage).",
    "Bonne organisation générale ; cahier de production tenu à jour.",
    "Local loué, le promoteur envisage de déménager dans la zone industrielle.",
    "Équipements vieillissants mais bien entretenus.",
]
FOLLOW_UP_OBSERVATIONS = [
    "Point sur l'utilisation {of_equipment} : en service au quotidien, sans panne signalée.",
    "Réglages {of_equipment} faits avec l'opératrice ; production régulière.",
    "Achat {of_equipment} pas encore fait : l'entreprise attend son crédit.",
    "Installation {of_equipment} terminée ; le personnel applique les consignes reçues.",
]
TRAINING_OBSERVATIONS = [
    "Formation pratique à l'utilisation {of_equipment} avec {people} participants.",
    "Séance de formation à la conduite et à l'entretien {of_equipment}.",
]
INSTALLATION_OBSERVATION = "Installation et mise en service {of_equipment} ; consignes d'entretien remises."
OTHER_OBSERVATIONS = [
    "Visite de prise de contact et présentation du programme HUB IIT.",
    "Visite avec un partenaire financier pour évaluer le projet d'investissement.",
    "Participation à une journée de démonstration organisée par le groupement.",
]
NEXT_STEPS = [
    "Envoyer la fiche technique et deux devis.",
    "Mettre l'entreprise en relation avec un fournisseur.",
    "Revenir vérifier l'installation.",
    "Organiser une formation pour le personnel.",
    "Accompagner le dépôt du dossier de crédit.",
    "Faire le point par téléphone dans deux semaines.",
]
REJECTION_REASONS = [
    "Demande hors du champ du programme : besoin de financement sans question technologique. Orientée vers les "
    "institutions de microfinance.",
    "Demande en double d'une demande déjà en cours pour la même entreprise.",
    "L'entreprise n'a pas pu être jointe après trois appels et un SMS.",
    "Besoin de formation générale en gestion, hors du champ technologique du hub.",
]
REFERRAL_NOTES = [
    "Besoin d'analyses de laboratoire : orienté vers le partenaire spécialisé.",
    "Le besoin relève d'un financement d'équipement : transmis au partenaire financier.",
    "Essais techniques nécessaires : transmis au centre de recherche.",
    "Formation longue demandée : orientée vers le centre de formation.",
]
WAITING_NOTES = [
    "En attente des photos de l'installation actuelle.",
    "En attente du devis demandé par l'entreprise à son fournisseur.",
    "L'entreprise doit confirmer le budget disponible.",
    "En attente des échantillons de produits pour analyse.",
]
INTERNAL_NOTES = [
    "Appel au promoteur : le besoin est confirmé, visite à planifier.",
    "Deux fournisseurs contactés, devis attendus cette semaine.",
    "Le promoteur est en déplacement, rappeler lundi.",
    "Dossier similaire traité l'an dernier, voir la fiche technique correspondante.",
    "Prévoir un véhicule pour la visite, site à 40 km.",
]
SME_MESSAGES = [
    "Bonjour, nous avons bien reçu votre demande. Un référent vous contactera dans les prochains jours.",
    "Bonjour, pouvez-vous nous envoyer des photos de votre installation actuelle ?",
    "Bonjour, la fiche technique et les devis sont prêts ; le référent passera vous les présenter.",
    "Bonjour, merci pour votre accueil lors de la visite. Voici le résumé de nos recommandations.",
]
RATING_COMMENTS = {
    5: ["Très bon accompagnement, merci à l'équipe.", "Réponse rapide et utile.", "Le référent est très disponible."],
    4: ["Bon appui, mais l'attente a été un peu longue.", "Satisfait des conseils reçus.", ""],
    3: ["Les conseils sont bons mais l'équipement reste trop cher pour nous.", ""],
    2: ["Nous attendions plus de suivi après la visite.", ""],
    1: ["Personne ne nous a rappelés pendant plusieurs semaines.", ""],
}
CONFIRMATION_NOTE = "Réponses de l'entreprise vérifiées par téléphone avec le promoteur."
FOLLOWUP_OUTCOMES = {"on_time": 52, "late": 16, "self_reported": 18, "missing": 14}
"""What becomes of a 6- or 12-month follow-up once planned, and how often (see `_Generator._answer`)."""
FOLLOWUP_UNCOLLECTED = {
    **{name: "" if name in ("technology_notes", "notes") else None for name in ANSWER_FIELDS},
    "collected_on": None,
    "collected_by_id": None,
    "self_reported": False,
    "confirmed_at": None,
    "confirmed_by_id": None,
    "client_uuid": None,
    "content_hash": "",
}
"""A follow-up's fields as planned, before it is collected."""
TECHNOLOGY_NOTES = [
    "Utilisation {of_equipment} en production courante.",
    "Adoption {of_equipment} confirmée ; l'entreprise envisage un second équipement.",
    "Adoption partielle {of_equipment}, surtout pendant la haute saison.",
]


def of(phrase: str) -> str:
    """French "de" before a noun phrase: le moulin -> du moulin, les fours -> des fours."""
    for article, contracted in (("le ", "du "), ("les ", "des ")):
        if phrase.startswith(article):
            return contracted + phrase.removeprefix(article)
    return f"de {phrase}"


# --- Partners ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerSpec:
    name: str
    kind: str
    domains: tuple[str, ...]
    regions: tuple[str, ...]
    address: str
    contact: bool = False
    """Fictional organisations get a fictional contact; real ones are listed by name and town only."""


PARTNERS = [
    PartnerSpec(
        "Institut d'Économie Rurale (IER)",
        Partner.Kind.RESEARCH,
        ("agro", "water"),
        ("ML-BKO", "ML-SIK", "ML-SEG"),
        "Bamako",
    ),
    PartnerSpec(
        "Laboratoire de Technologie Alimentaire de l'IER",
        Partner.Kind.RESEARCH,
        ("agro", "quality", "chemistry"),
        ("ML-BKO",),
        "Bamako, Sotuba",
    ),
    PartnerSpec(
        "Centre National de la Recherche Scientifique et Technologique (CNRST)",
        Partner.Kind.RESEARCH,
        ("construction", "energy", "chemistry"),
        ("ML-BKO",),
        "Bamako",
    ),
    PartnerSpec(
        "Agence des Énergies Renouvelables du Mali (AER-Mali)",
        Partner.Kind.SUPPORT,
        ("energy",),
        ("ML-BKO", "ML-KKR"),
        "Bamako",
    ),
    PartnerSpec(
        "Agence Malienne de Normalisation et de Promotion de la Qualité (AMANORM)",
        Partner.Kind.SUPPORT,
        ("quality",),
        ("ML-BKO",),
        "Bamako",
    ),
    PartnerSpec(
        "Centre de Formation Professionnelle de Missabougou",
        Partner.Kind.TRAINING,
        ("mechanics", "construction", "textiles", "ict"),
        ("ML-BKO", "ML-KKR"),
        "Bamako, Missabougou",
    ),
    PartnerSpec(
        "Fonds de Garantie pour le Secteur Privé (FGSP)",
        Partner.Kind.FINANCE,
        (),
        ("ML-BKO",),
        "Bamako",
    ),
    PartnerSpec(
        "Kafo Jiginew",
        Partner.Kind.FINANCE,
        (),
        ("ML-BKO", "ML-SIK", "ML-KTL", "ML-SEG", "ML-BGN"),
        "Bamako",
    ),
    PartnerSpec(
        "Sahel Solaire Équipements SARL",
        Partner.Kind.SUPPLIER,
        ("energy", "water"),
        ("ML-BKO", "ML-SEG", "ML-SIK"),
        "Bamako, zone industrielle",
        contact=True,
    ),
    PartnerSpec(
        "Atelier Mécanique du Djoliba",
        Partner.Kind.SUPPLIER,
        ("agro", "mechanics"),
        ("ML-BKO", "ML-KKR", "ML-SIK", "ML-KTL"),
        "Bamako, Sotuba",
        contact=True,
    ),
]
"""The organisations cases are referred to."""
LIBRARY_PARTNERS = [
    PartnerSpec(
        "Agence Nationale de la Sécurité Sanitaire des Aliments (ANSSA)",
        Partner.Kind.SUPPORT,
        ("quality",),
        ("ML-BKO",),
        "Bamako",
    ),
    PartnerSpec(
        "Centre National de Recherche et d'Expérimentation en Bâtiment et Travaux Publics (CNREX-BTP)",
        Partner.Kind.RESEARCH,
        ("construction",),
        ("ML-BKO", "ML-KKR"),
        "Bamako, Niamakoro",
    ),
    PartnerSpec(
        "Laboratoire Central Vétérinaire (LCV)",
        Partner.Kind.RESEARCH,
        ("agro", "quality"),
        ("ML-BKO",),
        "Bamako",
    ),
    PartnerSpec(
        "Froid Solaire du Mandé SARL",
        Partner.Kind.SUPPLIER,
        ("energy", "agro"),
        ("ML-BKO", "ML-KKR", "ML-SEG"),
        "Bamako, Kalaban Coura",
        contact=True,
    ),
    PartnerSpec(
        "Emballages Modernes du Sahel SARL",
        Partner.Kind.SUPPLIER,
        ("quality",),
        ("ML-BKO",),
        "Bamako, zone industrielle",
        contact=True,
    ),
]
"""Organisations the technology sheets point to, in the directory besides PARTNERS. Cases are not
referred to them, so that the referrals (and every draw after them) stay what they were before the
library came."""

NIGER_PARTNERS = [
    PartnerSpec(
        "Institut National de la Recherche Agronomique du Niger (INRAN)",
        Partner.Kind.RESEARCH,
        ("agro", "water"),
        ("NE-8", "NE-4", "NE-3"),
        "Niamey",
    ),
    PartnerSpec(
        "Centre National d'Énergie Solaire (CNES)",
        Partner.Kind.RESEARCH,
        ("energy",),
        ("NE-8",),
        "Niamey",
    ),
    PartnerSpec(
        "Agence Nigérienne de Normalisation, de Métrologie et de Certification (ANMC)",
        Partner.Kind.SUPPORT,
        ("quality",),
        ("NE-8",),
        "Niamey",
    ),
    PartnerSpec(
        "Chambre de Commerce et d'Industrie du Niger (CCIN)",
        Partner.Kind.SUPPORT,
        ("quality", "agro"),
        ("NE-8", "NE-4", "NE-7", "NE-5"),
        "Niamey",
    ),
    PartnerSpec(
        "Centre de formation aux métiers Albarka",
        Partner.Kind.TRAINING,
        ("mechanics", "construction", "textiles", "ict"),
        ("NE-8", "NE-6"),
        "Niamey, Lazaret",
        contact=True,
    ),
    PartnerSpec(
        "Caisse d'épargne et de crédit Gaskiya",
        Partner.Kind.FINANCE,
        (),
        ("NE-8", "NE-4", "NE-7", "NE-3"),
        "Maradi",
        contact=True,
    ),
    PartnerSpec(
        "Ténéré Solaire Équipements SARL",
        Partner.Kind.SUPPLIER,
        ("energy", "water"),
        ("NE-8", "NE-5", "NE-1"),
        "Niamey, zone industrielle",
        contact=True,
    ),
    PartnerSpec(
        "Atelier Mécanique du Goulbi",
        Partner.Kind.SUPPLIER,
        ("agro", "mechanics"),
        ("NE-4", "NE-7"),
        "Maradi",
        contact=True,
    ),
]
"""The Niger hub's partners: public bodies by name and town only, the fictional ones with a contact."""


# --- Territories ---------------------------------------------------------------------------------


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
    """Whether the hub gets the technology sheets of `hub.library_content` (written for Mali)."""

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


MALI = Territory(
    regions=REGIONS,
    capital="ML-BKO",
    capital_town="Bamako",
    women_first_names=WOMEN_FIRST_NAMES,
    men_first_names=MEN_FIRST_NAMES,
    surnames=SURNAMES,
    name_words=NAME_WORDS,
    calling_code="+223",
    mobile_prefixes=MOBILE_PREFIXES,
    rccm="MA.{city}.{year}.{letter}.{number}",
    partners=PARTNERS,
    library_partners=LIBRARY_PARTNERS,
    library=True,
)
NIGER = Territory(
    regions=NIGER_REGIONS,
    capital="NE-8",
    capital_town="Niamey",
    women_first_names=NIGER_WOMEN_FIRST_NAMES,
    men_first_names=NIGER_MEN_FIRST_NAMES,
    surnames=NIGER_SURNAMES,
    name_words=NIGER_NAME_WORDS,
    calling_code="+227",
    mobile_prefixes=NIGER_MOBILE_PREFIXES,
    rccm="NE-{city}-{year}-{letter}-{number}",
    partners=NIGER_PARTNERS,
    places={"Bamako": "Niamey", "au Mali": "au Niger"},
)
TERRITORIES = {"ML": MALI, "NE": NIGER}
"""The countries the generator can fill a hub of, by country code."""


# --- Hub calendar --------------------------------------------------------------------------------


def hub_create(
    *,
    code: str,
    name: str,
    host_organisation: str,
    created_at: datetime.datetime,
    years: Sequence[int],
    targets: Mapping[int, Mapping[str, int]],
    country: str = "ML",
    weekend_days: Sequence[int] = (5, 6),
) -> Hub:
    """A hub in `country` (its time zone and language), with the public holidays of `years` from the
    `holidays` library and the given yearly targets, with history."""
    with _explicit_timestamps():
        hub = Hub(
            code=code,
            name=name,
            country=country,
            time_zone=COUNTRY_TIME_ZONES[country],
            language=COUNTRY_LANGUAGES.get(country, settings.LANGUAGE_CODE),
            host_organisation=host_organisation,
            weekend_days=list(weekend_days),
            created_at=created_at,
        )
        _with_history(Hub, [hub], at=lambda _: created_at)
        holidays = [
            HubHoliday(hub=hub, date=day, name=label)
            for year in years
            for day, label in library_holidays(country, year, hub.language)
        ]
        _with_history(HubHoliday, holidays, at=lambda _: created_at)
        hub_targets = [
            HubTarget(hub=hub, year=year, indicator=indicator, value=value)
            for year, values in targets.items()
            for indicator, value in values.items()
        ]
        _with_history(HubTarget, hub_targets, at=lambda _: created_at)
    return hub


def holidays_announce(*, hub: Hub, announced: Mapping[datetime.date, datetime.date], by: User) -> None:
    """Move the library's estimates (keys) to the dates announced (values), as `by` does in the hub's
    calendar a week before the estimate: corrected rows remembering the library's date, each change in
    the history."""
    holidays = list(hub.holidays.filter(date__in=announced))
    for holiday in holidays:
        holiday.library_date, holiday.date = holiday.date, announced[holiday.date]
        holiday.name = holiday.name.removesuffix(" (estimé)")
        holiday.corrected = True
        holiday._history_date = datetime.datetime.combine(
            holiday.library_date - datetime.timedelta(days=7), datetime.time(9), tzinfo=hub.zone
        )
        holiday._history_user = by
    HubHoliday.objects.bulk_update(holidays, ["date", "library_date", "name", "corrected"])
    HubHoliday.history.bulk_history_create(holidays, update=True)


def users_create(*, users: list[User], report_hubs: Sequence[Hub] = ()) -> None:
    """bulk_create users with their history rows, dated when they joined; `report_hubs` limits each of them
    (regional viewers) to those hubs' reports."""
    history = _with_history(User, users, at=lambda user: user.date_joined)
    if report_hubs:
        _m2m_with_history(
            through=User.report_hubs.through,
            history_model=apps.get_model("hub", "HistoricalUser_report_hubs"),
            history_rows=history,
            pairs=[(index, [hub.pk for hub in report_hubs]) for index in range(len(users))],
        )


def free_usernames(*, prefix: str, digits: int, count: int) -> list[str]:
    """The first `count` names `prefix` + a zero-padded number that no user has yet."""
    taken = set(User.objects.filter(username__startswith=prefix).values_list("username", flat=True))
    names = (f"{prefix}{number:0{digits}d}" for number in itertools.count(1))
    return list(itertools.islice((name for name in names if name not in taken), count))


def targets_for(*, enterprises: int, cases: int, visits: int) -> dict[str, int]:
    """Yearly targets a little above what a year of the given volume achieves."""
    return {
        TargetIndicator.VISITS: visits,
        TargetIndicator.CASES_RECEIVED: cases,
        TargetIndicator.CASES_RESOLVED: round(cases * 0.8),
        TargetIndicator.ENTERPRISES_REACHED: enterprises,
        TargetIndicator.WOMEN_LED_REACHED: round(enterprises * 0.4),
        TargetIndicator.JOBS_CREATED: round(enterprises * 0.8),
        TargetIndicator.SATISFIED_PERCENT: 80,
    }


# --- Generation ----------------------------------------------------------------------------------


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


@dataclass(kw_only=True)
class _PlannedEnterprise:
    kind: EnterpriseKind
    region: Region
    women_led: bool
    has_account: bool
    activity_weight: float
    first_activity: datetime.datetime | None = None
    instance: Enterprise | None = None
    sme_user: User | None = None
    base_turnover: int = 0


@dataclass(kw_only=True)
class _PlannedCase:
    received_at: datetime.datetime
    enterprise: int
    channel: str
    scripted: ScriptedCase | None = None


@dataclass(frozen=True, kw_only=True)
class _Resolution:
    """A resolution of a case, which plans its follow-ups, and the reopening that cancelled them, if any."""

    at: datetime.datetime
    by: User | None
    reopened_at: datetime.datetime | None = None
    reopened_by: User | None = None


@dataclass(frozen=True, kw_only=True)
class _CaseSummary:
    """What visits and follow-ups need to know about a written case."""

    pk: int
    enterprise: int
    topic: Topic
    referent: User | None
    first_contact_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    worked_until: datetime.datetime
    satisfaction: int | None
    assigned_at: datetime.datetime | None = None
    assigned_by: User | None = None
    resolutions: tuple[_Resolution, ...] = ()
    referred_to: Partner | None = None
    referred_at: datetime.datetime | None = None
    referred_by: User | None = None


@dataclass(frozen=True, kw_only=True)
class _Support:
    """When the plan saw an enterprise first supported: `logged` is when the first case assignment or visit
    reached the server, `at` the moment the baseline is due from (the assignment, the visit's start)."""

    logged: datetime.datetime
    at: datetime.datetime
    referent: User
    by: User | None


@dataclass(kw_only=True)
class _DraftFollowUp:
    """A follow-up in its final state with what its history needs: who planned it (its creation time is
    the planning), when it was collected and, for a follow-up planned then cancelled by a reopening,
    when and by whom."""

    followup: FollowUp
    planned_by: User | None
    collected_at: datetime.datetime | None = None
    added_at_confirmation: tuple[str, ...] = ()
    """Answers the confirming referent added to the self-reported ones."""
    cancelled_at: datetime.datetime | None = None
    cancelled_by: User | None = None


@dataclass(frozen=True, kw_only=True)
class _LibrarySheet:
    """What sharing needs to know about a sheet of the hub: the topics it answers and when it could be
    shared (published from `available_from`, until `available_until` when it was archived then)."""

    pk: int
    topics: frozenset[str]
    available_from: datetime.datetime | None
    available_until: datetime.datetime | None = None

    def shareable(self, moment: datetime.datetime) -> bool:
        return (
            self.available_from is not None
            and self.available_from <= moment
            and (self.available_until is None or moment < self.available_until)
        )


@dataclass(kw_only=True)
class _Event:
    from_status: str
    to_status: str
    at: datetime.datetime
    actor: User | None
    note: str = ""
    assignment: bool = False


@dataclass(kw_only=True)
class _DraftCase:
    """A case built in memory with its timeline and notes, waiting for its batch to be written."""

    case: Case
    events: list[_Event]
    notes: list[CaseNote]
    enterprise: int
    topic: Topic


@contextlib.contextmanager
def _explicit_timestamps() -> Iterator[None]:
    """Let bulk_create keep the creation and change times the generator chose instead of the clock's."""
    fields = [
        model_field
        for model in (Hub, Enterprise, FollowUp, Case, CaseNote, Visit, TechnologySheet)
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, models.DateField) and (model_field.auto_now or model_field.auto_now_add)
    ]
    saved = [(model_field, model_field.auto_now, model_field.auto_now_add) for model_field in fields]
    for model_field in fields:
        model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in saved:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


def _with_history(model, objs: list, *, at, by=lambda _: None) -> list:
    """bulk_create `objs` and their "+" history rows; returns the history rows (with their ids, which
    `bulk_create_with_history` does not give back and the many-to-many history needs)."""
    if not objs:
        return []
    model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    for obj in objs:
        obj._history_date = at(obj)
        obj._history_user = by(obj)
    return model.history.bulk_history_create(objs, batch_size=BATCH_SIZE)


def _m2m_with_history(*, through, history_model, history_rows: list, pairs: list[tuple[int, list]]) -> list:
    """Write many-to-many rows (owner index, related ids) and copy them onto the owners' history rows;
    returns the rows written."""
    owner_field, related_field = (f.attname for f in through._meta.concrete_fields if f.is_relation)
    rows, owners = [], []
    for index, related_ids in pairs:
        for related_id in related_ids:
            rows.append(through(**{owner_field: history_rows[index].id, related_field: related_id}))
            owners.append(history_rows[index])
    through.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    history_model.objects.bulk_create(
        [
            history_model(
                id=row.pk,
                history_id=owner.history_id,
                **{owner_field: getattr(row, owner_field), related_field: getattr(row, related_field)},
            )
            for row, owner in zip(rows, owners, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )
    return rows


class _Generator:
    def __init__(self, *, hub: Hub, manager: User, spec: Spec):
        self.hub = hub
        self.manager = manager
        self.spec = spec
        if hub.country not in TERRITORIES:
            raise ValueError(f"No data to generate for a hub in {hub.country}: only {', '.join(TERRITORIES)}.")
        self.territory = TERRITORIES[hub.country]
        self.topics = [self.territory.localised(topic) for topic in TOPICS]
        self.calendar = HubCalendar.of(hub)
        self.zone = self.calendar.zone
        self.cutoff = self._at(spec.end, 23 * 60 + 59)
        self.opening = self._at(spec.start, 0)
        days = (spec.end - spec.start).days + 1
        self.all_days = [spec.start + datetime.timedelta(days=n) for n in range(days)]
        self.working_days = [day for day in self.all_days if self._is_working(day)] or self.all_days
        self.counts: dict[str, int] = {}
        self.earlier_cases = Case.objects.filter(hub=hub).count()
        self.support: dict[int, _Support] = {}
        """Per enterprise index, its first support (first case assigned or first visit logged)."""
        self.load: defaultdict[int, int] = defaultdict(int)
        """Work handed to each referent so far, by user id."""
        self.taken_phones = {str(phone) for phone in User.objects.exclude(phone=None).values_list("phone", flat=True)}

    def rng(self, stream: str) -> Random:
        """A random stream of its own per phase, so that changing one phase leaves the others' draws alone.
        The hub and the cases it already has are part of the seed: another hub, or another run into the same
        hub, does not repeat the visits' UUIDs."""
        seed = f"{self.spec.seed}:{self.hub.code}:{self.earlier_cases}:{stream}"
        return Random(seed)  # noqa: S311 - reproducible data, not secrets  # nosec B311

    def _count(self, model, number: int) -> None:
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + number

    # --- time helpers

    def _is_working(self, day: datetime.date) -> bool:
        return self.calendar.is_working_day(day)

    def _at(self, day: datetime.date, minute: int) -> datetime.datetime:
        """The hub's local time `minute` minutes into `day`."""
        return datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60), tzinfo=self.zone)

    def _day(self, moment: datetime.datetime) -> datetime.date:
        """The hub's local day of `moment`."""
        return self.calendar.local_date(moment)

    def _office_time(self, rng: Random, day: datetime.date, *, earliest: int = 7 * 60 + 30) -> datetime.datetime:
        return self._at(day, rng.randint(earliest, 17 * 60 + 30))

    def _later(self, rng: Random, moment: datetime.datetime, *, days: int) -> datetime.datetime:
        """A moment in office hours `days` working days after `moment` (later the same day for 0)."""
        if days == 0 and self._is_working(self._day(moment)):
            earliest = moment + datetime.timedelta(minutes=10)
            closing = self._at(self._day(moment), 17 * 60 + 45)
            if earliest < closing:
                return earliest + datetime.timedelta(seconds=rng.randrange(int((closing - earliest).total_seconds())))
        return self._office_time(rng, self.calendar.add_working_days(self._day(moment), max(days, 1)))

    def _due(self, moment: datetime.datetime, days: int) -> datetime.date:
        return self.calendar.add_working_days(self._day(moment), days)

    # --- people

    def _phone(self, rng: Random) -> str:
        first_digits, weights = zip(*self.territory.mobile_prefixes.items(), strict=True)
        calling_code = self.territory.calling_code
        while True:
            number = f"{calling_code}{rng.choices(first_digits, weights)[0]}{rng.randrange(10_000_000):07d}"
            if number not in self.taken_phones and phonenumbers.is_valid_number(phonenumbers.parse(number)):
                return number

    def _person(self, rng: Random, *, woman: bool) -> tuple[str, str]:
        """A first name and a family name; in Niger, where a family name is often a father's first name, the
        two differ."""
        territory = self.territory
        first = rng.choice(territory.women_first_names if woman else territory.men_first_names)
        surname = first
        while surname == first:
            surname = rng.choices(territory.surnames, territory.surname_weights)[0]
        return first, surname

    def _user(self, rng: Random, *, username: str, role: str, joined: datetime.datetime, **extra) -> User:
        first, last = self._person(rng, woman=rng.random() < 0.4)
        return User(
            username=username,
            first_name=extra.pop("first_name", first),
            last_name=extra.pop("last_name", last),
            email=f"{username}@example.org",
            password=f"{UNUSABLE_PASSWORD_PREFIX}{rng.getrandbits(160):040x}",
            role=role,
            hub=self.hub,
            date_joined=joined,
            **extra,
        )

    # --- the run

    def run(self) -> dict[str, int]:
        with transaction.atomic(), _explicit_timestamps():
            self.referents = self._referents()
            self.directory, self.partners = self._partners()
            self.sheets_by_topic = self._write_library()
            self.planned = self._plan_enterprises()
            cases = self._plan_cases()
            visit_plan = self._plan_visits()
            self._write_enterprises()
            summaries = self._write_cases(cases)
            self.case_sheets = self._write_case_shares(summaries)
            self._write_visits(visit_plan, summaries)
            self._write_followups(summaries)
        return self.counts

    def _referents(self) -> list[User]:
        rng = self.rng("referents")
        joined = self.opening - datetime.timedelta(days=7)
        users = []
        for username in self.spec.referent_usernames:
            user = self._user(rng, username=username, role=Role.REFERENT, joined=joined)
            user.phone = self._phone(rng)
            self.taken_phones.add(user.phone)
            users.append(user)
        _with_history(User, users, at=lambda user: user.date_joined)
        self._count(User, len(users))

        region_codes = [region.code for region in self.territory.regions]
        region_weights = [region.weight for region in self.territory.regions]
        domains = list(TechnologyDomain.values)
        coverage = []
        for _ in users:
            home = rng.choices(region_codes, region_weights)[0]
            regions = {home, *rng.choices(region_codes, region_weights, k=rng.randint(0, 3))}
            coverage.append(
                ([code for code in region_codes if code in regions], rng.sample(domains, rng.randint(2, 4)))
            )
        for index, (regions, chosen) in self.spec.featured_referents.items():
            coverage[index] = (list(regions), list(chosen))
        adjustable = [i for i in range(len(users)) if i not in self.spec.featured_referents] or list(range(len(users)))
        for code in region_codes:
            if not any(code in regions for regions, _ in coverage):
                min((coverage[i] for i in adjustable), key=lambda covered: len(covered[0]))[0].append(code)
        for domain in domains:
            if not any(domain in chosen for _, chosen in coverage):
                min((coverage[i] for i in adjustable), key=lambda covered: len(covered[1]))[1].append(domain)

        profiles = [
            Referent(user=user, domains=[d for d in domains if d in chosen])
            for user, (_, chosen) in zip(users, coverage, strict=True)
        ]
        history = _with_history(Referent, profiles, at=lambda profile: profile.user.date_joined)
        _m2m_with_history(
            through=Referent.regions.through,
            history_model=apps.get_model("hub", "HistoricalReferent_regions"),
            history_rows=history,
            pairs=[(index, regions) for index, (regions, _) in enumerate(coverage)],
        )
        self._count(Referent, len(profiles))
        self.by_domain_region: dict[tuple[str, str], list[User]] = {}
        self.by_region: dict[str, list[User]] = {}
        for user, (regions, chosen) in zip(users, coverage, strict=True):
            for region in regions:
                self.by_region.setdefault(region, []).append(user)
                for domain in chosen:
                    self.by_domain_region.setdefault((domain, region), []).append(user)
        self.referent_regions = {user.pk: regions for user, (regions, _) in zip(users, coverage, strict=True)}
        self.referent_domains = {user.pk: set(chosen) for user, (_, chosen) in zip(users, coverage, strict=True)}
        return users

    def _referent_for(self, rng: Random, *, domain: str, region: str) -> User:
        """A referent covering the domain and region if any, else the region; the less busy of two drawn."""
        candidates = self.by_domain_region.get((domain, region)) or self.by_region.get(region) or self.referents
        chosen = min(rng.choice(candidates), rng.choice(candidates), key=lambda user: self.load[user.pk])
        self.load[chosen.pk] += 1
        return chosen

    def _partners(self) -> tuple[list[Partner], list[Partner]]:
        """The hub's partner organisations, and those of them cases are referred to: the hub's own if it
        has some, else the territory's partners and library partners written now."""
        existing = list(Partner.objects.filter(hub=self.hub).order_by("pk"))
        if existing:
            return existing, existing
        rng = self.rng("partners")
        specs = [*self.territory.partners, *self.territory.library_partners]
        partners = []
        for spec in specs:
            contact = {}
            if spec.contact:
                first, last = self._person(rng, woman=rng.random() < 0.4)
                contact = {"contact_name": f"{first} {last}", "phone": self._phone(rng)}
            partners.append(
                Partner(
                    hub=self.hub,
                    name=spec.name,
                    kind=spec.kind,
                    domains=list(spec.domains),
                    address=spec.address,
                    **contact,
                )
            )
            partners[-1].search_text = partner_search_text(partners[-1])
        history = _with_history(
            Partner, partners, at=lambda _: self.opening - datetime.timedelta(days=3), by=lambda _: self.manager
        )
        _m2m_with_history(
            through=Partner.regions.through,
            history_model=apps.get_model("hub", "HistoricalPartner_regions"),
            history_rows=history,
            pairs=[(index, list(spec.regions)) for index, spec in enumerate(specs)],
        )
        self._count(Partner, len(partners))
        return partners, partners[: len(self.territory.partners)]

    def _plan_enterprises(self) -> list[_PlannedEnterprise]:
        rng = self.rng("enterprise-plan")
        regions = self.territory.regions
        region_weights = [region.weight for region in regions]
        planned = []
        for index in range(self.spec.enterprises):
            women_led = rng.random() < 0.35
            kind = rng.choices(
                ENTERPRISE_KINDS, [k.weight_women if women_led else k.weight_men for k in ENTERPRISE_KINDS]
            )[0]
            region = rng.choices(regions, region_weights)[0]
            if index in self.spec.featured:
                kind_key, region_code = self.spec.featured[index]
                kind, region = KINDS_BY_KEY[kind_key], self.territory.region(region_code)
            planned.append(
                _PlannedEnterprise(
                    kind=kind,
                    region=region,
                    women_led=women_led or kind.weight_men == 0,
                    has_account=index in self.spec.sme_usernames or rng.random() < 0.2,
                    activity_weight=rng.lognormvariate(0, 0.8),
                )
            )
        return planned

    def _plan_cases(self) -> list[_PlannedCase]:
        rng = self.rng("case-plan")
        cumulative, total = [], 0.0
        for planned in self.planned:
            total += planned.activity_weight
            cumulative.append(total)
        plans = []
        for scripted in self.spec.scripted_cases:
            enterprise = scripted.enterprise
            if enterprise is None:
                regions = self.referent_regions[self.referents[scripted.referent or 0].pk]
                choices = [i for i, p in enumerate(self.planned) if p.region.code in regions] or [0]
                enterprise = rng.choice(choices)
            received = self._office_time(rng, scripted.received_on)
            plans.append(
                _PlannedCase(
                    received_at=received,
                    enterprise=enterprise,
                    channel=self._channel(rng, enterprise),
                    scripted=scripted,
                )
            )
        for _ in range(self.spec.cases - len(self.spec.scripted_cases)):
            enterprise = rng.choices(range(len(self.planned)), cum_weights=cumulative)[0]
            channel = self._channel(rng, enterprise)
            if channel == Channel.PORTAL:
                day = rng.choice(self.all_days)
                received = self._at(day, rng.randint(6 * 60, 23 * 60))
            else:
                received = self._office_time(rng, rng.choice(self.working_days))
            plans.append(_PlannedCase(received_at=received, enterprise=enterprise, channel=channel))
        plans.sort(key=lambda plan: plan.received_at)
        for plan in plans:
            self._touch(plan.enterprise, plan.received_at)
        return plans

    def _channel(self, rng: Random, enterprise: int) -> str:
        if self.planned[enterprise].has_account and rng.random() < 0.6:
            return Channel.PORTAL
        return rng.choices([Channel.PHONE, Channel.VISIT, Channel.WALK_IN, Channel.PARTNER], [35, 25, 25, 10])[0]

    def _touch(self, enterprise: int, moment: datetime.datetime) -> None:
        planned = self.planned[enterprise]
        if planned.first_activity is None or moment < planned.first_activity:
            planned.first_activity = moment

    def _plan_visits(self) -> list[tuple[bool, int, datetime.datetime]]:
        """(linked to a case, enterprise index, moment) per visit. A linked visit takes its enterprise and
        moment from a case chosen later, unless no case has been worked on yet."""
        rng = self.rng("visit-plan")
        plan = []
        for _ in range(self.spec.visits):
            enterprise = rng.randrange(len(self.planned))
            moment = self._office_time(rng, rng.choice(self.working_days), earliest=8 * 60)
            plan.append((rng.random() < 0.55, enterprise, moment))
            self._touch(enterprise, moment)
        return plan

    def _write_enterprises(self) -> None:
        rng = self.rng("enterprises")
        enterprises = []
        for planned in self.planned:
            enterprise = self._enterprise(rng, planned)
            first = planned.first_activity
            if first is None:
                created = self._office_time(rng, rng.choice(self.working_days))
            elif rng.random() < 0.6 or self._day(first) == self.spec.start:
                created = max(self.opening, first - datetime.timedelta(minutes=rng.randint(5, 180)))
            else:
                earlier = [day for day in self.working_days if day < self._day(first)] or [self._day(first)]
                created = min(first, self._office_time(rng, rng.choice(earlier)))
            enterprise.created_at = created
            if enterprise.consent_given:
                enterprise.consent_date = self._day(created)
            planned.instance = enterprise
            enterprises.append(enterprise)
        _with_history(Enterprise, enterprises, at=lambda e: e.created_at, by=lambda _: self.manager)
        self._count(Enterprise, len(enterprises))

        accounts = []
        usernames = iter(
            free_usernames(
                prefix=f"{self.hub.code.lower()}-sme-",
                digits=5,
                count=sum(planned.has_account for planned in self.planned),
            )
        )
        for index, planned in enumerate(self.planned):
            if not planned.has_account:
                continue
            username = self.spec.sme_usernames.get(index) or next(usernames)
            first, _, last = planned.instance.owner_name.partition(" ")
            phone = str(planned.instance.owner_phone)
            user = self._user(
                rng,
                username=username,
                role=Role.SME,
                joined=planned.instance.created_at + datetime.timedelta(minutes=rng.randint(10, 600)),
                enterprise=planned.instance,
                first_name=first,
                last_name=last,
                phone=None if phone in self.taken_phones else phone,
            )
            self.taken_phones.add(phone)
            planned.sme_user = user
            accounts.append(user)
        _with_history(User, accounts, at=lambda user: user.date_joined)
        self._count(User, len(accounts))

    def _enterprise(self, rng: Random, planned: _PlannedEnterprise) -> Enterprise:
        kind, region = planned.kind, planned.region
        commune = rng.choice(region.communes)
        town = self.territory.capital_town if region.code == self.territory.capital else commune
        first, surname = self._person(rng, woman=planned.women_led)
        pattern = rng.choice(kind.names)
        name = pattern.format(surname=surname, first=first, town=town, word=rng.choice(self.territory.name_words))
        size = rng.choices(["micro", "small", "medium"], [68, 25, 7])[0]
        if kind.cooperative:
            size = rng.choices(["micro", "small"], [40, 60])[0]
        if size == "micro":
            employees, band = rng.randint(1, 10), TurnoverBand.UNDER_30M
        elif size == "small":
            employees = rng.randint(6, 49)
            band = TurnoverBand.FROM_30M_TO_150M if employees <= 10 or rng.random() < 0.7 else TurnoverBand.UNDER_30M
        else:
            employees = rng.randint(20, 160)
            band = (
                TurnoverBand.FROM_150M_TO_1B if employees < 50 or rng.random() < 0.8 else TurnoverBand.FROM_30M_TO_150M
            )
        women_share = rng.uniform(0.4, 0.95) if planned.women_led else rng.uniform(0.0, 0.4)
        located = rng.random() < 0.85
        phone = self._phone(rng)
        rccm = ""
        if rng.random() < 0.6:
            rccm = self.territory.rccm.format(
                city=region.rccm_city,
                year=rng.randint(2008, 2025),
                letter=rng.choice("AB"),
                number=rng.randint(100, 9999),
            )
        consent = rng.random() < 0.97
        youth_led = rng.random() < 0.25
        owner = f"{first} {surname}"
        slug = f"{first}.{surname}".lower().translate(str.maketrans("éèëïîöüç' ", "eeeiioucx-"))
        return Enterprise(
            hub=self.hub,
            name=name,
            rccm=rccm,
            nif=f"{rng.randrange(10**9):09d}{rng.choice('ABCDEFGHJKLMNP')}" if rng.random() < 0.4 else "",
            sector=kind.sector,
            activity=kind.activity,
            region_id=region.code,
            commune=commune,
            address=f"{commune}, {rng.choice(['quartier', 'secteur', 'zone'])} {rng.randint(1, 12)}",
            latitude=Decimal(f"{rng.gauss(region.latitude, region.spread):.6f}") if located else None,
            longitude=Decimal(f"{rng.gauss(region.longitude, region.spread):.6f}") if located else None,
            owner_name=owner,
            owner_phone=phone,
            owner_email=f"{slug}@example.org" if rng.random() < 0.25 else "",
            women_led=planned.women_led,
            youth_led=youth_led,
            employees_total=employees,
            employees_women=round(employees * women_share),
            turnover_band=band,
            size_class=size_class_for(employees=employees, turnover_band=band),
            consent_given=consent,
        )

    # --- cases

    def _topics(self, kind: EnterpriseKind) -> list[Topic]:
        return [topic for topic in self.topics if topic.tags & kind.tags] or self.topics

    def _write_cases(self, plans: list[_PlannedCase]) -> list[_CaseSummary]:
        rng = self.rng("cases")
        last_numbers = dict(ReferenceCounter.objects.filter(hub=self.hub).values_list("year", "last_number"))
        used: dict[int, int] = {}
        summaries: list[_CaseSummary] = []
        batch = []
        for plan in plans:
            year = plan.received_at.year
            used[year] = used.get(year, last_numbers.get(year, 0)) + 1
            batch.append(self._case(rng, plan, reference=f"{self.hub.code}-{year}-{used[year]:05d}"))
            if len(batch) == BATCH_SIZE:
                summaries += self._flush_cases(batch)
                batch = []
        summaries += self._flush_cases(batch)
        for year, last_number in used.items():
            ReferenceCounter.objects.update_or_create(hub=self.hub, year=year, defaults={"last_number": last_number})
        return summaries

    def _flush_cases(self, batch: list[_DraftCase]) -> list[_CaseSummary]:
        cases = [draft.case for draft in batch]
        _with_history(Case, cases, at=lambda case: case.received_at, by=lambda case: case.created_by)
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case=draft.case,
                    from_status=event.from_status,
                    to_status=event.to_status,
                    actor=event.actor,
                    note=event.note,
                    created_at=event.at,
                )
                for draft in batch
                for event in draft.events
            ],
            batch_size=BATCH_SIZE,
        )
        notes = [note for draft in batch for note in draft.notes]
        _with_history(CaseNote, notes, at=lambda note: note.created_at, by=lambda note: note.author)
        self._count(Case, len(cases))
        self._count(CaseEvent, sum(len(draft.events) for draft in batch))
        self._count(CaseNote, len(notes))
        return [
            _CaseSummary(
                pk=draft.case.pk,
                enterprise=draft.enterprise,
                topic=draft.topic,
                referent=draft.case.assigned_to,
                first_contact_at=draft.case.first_contact_at,
                resolved_at=draft.case.resolved_at,
                worked_until=draft.events[-1].at if draft.case.status in FINAL_OR_RESOLVED else self.cutoff,
                satisfaction=draft.case.satisfaction_rating,
                assigned_at=draft.case.assigned_at,
                assigned_by=next((event.actor for event in draft.events if event.assignment), None),
                resolutions=_resolutions(draft.events),
                **self._referral(draft),
            )
            for draft in batch
        ]

    @staticmethod
    def _referral(draft: _DraftCase) -> dict:
        if draft.case.status != S.REFERRED or draft.case.referred_to is None:
            return {}
        last = draft.events[-1]
        return {"referred_to": draft.case.referred_to, "referred_at": last.at, "referred_by": last.actor}

    def _case(self, rng: Random, plan: _PlannedCase, *, reference: str) -> _DraftCase:
        planned = self.planned[plan.enterprise]
        topic = rng.choice(self._topics(planned.kind))
        scripted = plan.scripted
        if scripted and scripted.referent is not None:
            referent = self.referents[scripted.referent]
        else:
            referent = self._referent_for(rng, domain=topic.domain, region=planned.region.code)
        created_by = {
            Channel.PORTAL: planned.sme_user,
            Channel.VISIT: referent if rng.random() < 0.7 else rng.choice(self.referents),
        }.get(plan.channel, self.manager)
        enterprise = planned.instance
        description = topic.description.format(
            qty=rng.choice([2, 3, 5, 8, 10, 15, 20, 30, 50, 100, 200, 500]),
            n=rng.randint(3, 40),
            town=enterprise.commune,
            activity=enterprise.activity.lower(),
        )
        case = Case(
            hub=self.hub,
            reference=reference,
            enterprise=enterprise,
            channel=plan.channel,
            domain=topic.domain,
            title=rng.choice(topic.titles),
            description=description,
            priority=rng.choices(list(Priority.values), [15, 60, 20, 5])[0],
            created_by=created_by,
            received_at=plan.received_at,
            acknowledge_due=self._due(plan.received_at, self.hub.acknowledge_days),
            resolve_due=self._due(plan.received_at, self.hub.resolve_days),
        )
        events = self._lifecycle(
            rng,
            received=plan.received_at,
            created_by=created_by,
            referent=referent,
            sme=planned.sme_user,
            target=scripted.status if scripted else None,
        )
        events = [event for event in events if event.at <= self.cutoff]
        self._replay(rng, case, events=events, referent=referent, topic=topic)
        last_change = events[-1].at
        if case.status in (S.RESOLVED, S.CLOSED) and (scripted.rated if scripted else rng.random() < 0.7):
            rated_at = self._days_later(rng, case.resolved_at, rng.randint(0, 10))
            if rated_at <= self.cutoff:
                rating = rng.choices([5, 4, 3, 2, 1], [50, 32, 11, 5, 2])[0]
                case.satisfaction_rating = rating
                case.satisfaction_comment = rng.choice(RATING_COMMENTS[rating])
                case.rated_at = rated_at
                case.version += 1
                last_change = max(last_change, rated_at)
        case.updated_at = last_change
        notes = self._notes(rng, case, events=events, referent=referent)
        return _DraftCase(case=case, events=events, notes=notes, enterprise=plan.enterprise, topic=topic)

    def _days_later(self, rng: Random, moment: datetime.datetime, days: int) -> datetime.datetime:
        """Office hours on the first working day at least `days` calendar days after `moment`."""
        day = self._day(moment) + datetime.timedelta(days=days)
        while not self._is_working(day):
            day += datetime.timedelta(days=1)
        if day == self._day(moment):
            return self._later(rng, moment, days=0)
        return self._office_time(rng, day)

    def _lifecycle(
        self,
        rng: Random,
        *,
        received: datetime.datetime,
        created_by: User | None,
        referent: User,
        sme: User | None,
        target: str | None,
    ) -> list[_Event]:
        """The case's whole life from receipt, with the service's rules on who moves what; the caller
        keeps what happened by the cutoff. A `target` ends the life in that status, with on-time steps."""
        hub, manager = self.hub, self.manager
        stalled = None if target or rng.random() >= 0.08 else rng.randrange(5)

        def delay(step: int, days: int, standard: int) -> int:
            if target:
                return min(days, standard)
            return days + (rng.randint(15, 60) if step == stalled else 0)

        def by_sme_or(other: User) -> User:
            return sme if sme is not None and rng.random() < 0.6 else other

        events = [_Event(from_status="", to_status=S.NEW, at=received, actor=created_by)]

        def move(from_status: str, to_status: str, at: datetime.datetime, actor: User, note: str = "") -> None:
            events.append(_Event(from_status=from_status, to_status=to_status, at=at, actor=actor, note=note))

        if target == S.NEW:
            return events
        ack = rng.choices([0, 1, 2, 3, 4], [55, 30, 8, 5, 2])[0]
        at = self._later(rng, received, days=delay(0, ack, hub.acknowledge_days))
        draw = rng.random()
        if target == S.REJECTED or (not target and draw < 0.03):
            move(S.NEW, S.REJECTED, at, manager, rng.choice(REJECTION_REASONS))
            return events
        if not target and draw < 0.05:
            move(S.NEW, S.REFERRED, at, manager, rng.choice(REFERRAL_NOTES))
            return events
        move(S.NEW, S.QUALIFIED, at, manager)
        if target == S.QUALIFIED:
            return events

        assign = rng.choices([0, 1, 2, 3, 4, 6], [30, 30, 20, 10, 6, 4])[0]
        at = self._later(rng, at, days=delay(1, assign, hub.assign_days))
        draw = rng.random()
        if not target and draw < 0.01:
            move(S.QUALIFIED, S.REJECTED, at, manager, rng.choice(REJECTION_REASONS))
            return events
        if not target and draw < 0.02:
            move(S.QUALIFIED, S.REFERRED, at, manager, rng.choice(REFERRAL_NOTES))
            return events
        events.append(_Event(from_status=S.QUALIFIED, to_status=S.ASSIGNED, at=at, actor=manager, assignment=True))
        if target == S.ASSIGNED:
            return events

        contact = rng.choices(range(9), [10, 15, 15, 15, 10, 10, 10, 8, 7])[0]
        at = self._later(rng, at, days=delay(2, contact, hub.first_contact_days))
        if not target and rng.random() < 0.015:
            move(S.ASSIGNED, S.REFERRED, at, referent, rng.choice(REFERRAL_NOTES))
            return events
        move(S.ASSIGNED, S.IN_PROGRESS, at, referent)
        if target == S.IN_PROGRESS:
            return events

        waits, reopened = 0, False
        while True:
            at = self._later(rng, at, days=delay(3, rng.randint(1, 12), 5))
            draw = rng.random()
            if target == S.REFERRED or (not target and draw < 0.025):
                move(S.IN_PROGRESS, S.REFERRED, at, referent, rng.choice(REFERRAL_NOTES))
                return events
            if (target == S.WAITING_SME and not waits) or (not target and draw < 0.35 and waits < 2):
                move(S.IN_PROGRESS, S.WAITING_SME, at, referent, rng.choice(WAITING_NOTES))
                waits += 1
                if target == S.WAITING_SME:
                    return events
                at = self._later(rng, at, days=delay(4, rng.randint(1, 8), 8))
                if rng.random() < 0.15:
                    move(S.WAITING_SME, S.RESOLVED, at, referent)
                else:
                    move(S.WAITING_SME, S.IN_PROGRESS, at, by_sme_or(referent))
                    continue
            else:
                move(S.IN_PROGRESS, S.RESOLVED, at, referent)
            if target == S.RESOLVED:
                return events
            if not target and not reopened and rng.random() < 0.03:
                at = self._days_later(rng, at, rng.randint(2, 20))
                move(S.RESOLVED, S.IN_PROGRESS, at, by_sme_or(manager), "Le problème est revenu après l'intervention.")
                reopened = True
                continue
            break
        if not target and rng.random() >= 0.88:
            return events
        move(S.RESOLVED, S.CLOSED, self._days_later(rng, at, rng.randint(1, 35)), by_sme_or(manager))
        return events

    def _replay(self, rng: Random, case: Case, *, events: list[_Event], referent: User, topic: Topic) -> None:
        """Set the case's fields from its timeline as `cases.services` would have."""
        hub = self.hub
        for event in events[1:]:
            if event.assignment:
                case.assigned_to = referent
                case.assigned_at = event.at
                case.first_contact_due = self._due(event.at, hub.first_contact_days)
            else:
                to_status = event.to_status
                if case.status == S.NEW and case.acknowledged_at is None:
                    case.acknowledged_at = event.at
                if to_status == S.QUALIFIED:
                    case.assign_due = self._due(event.at, hub.assign_days)
                elif to_status == S.IN_PROGRESS and case.first_contact_at is None:
                    case.first_contact_at = event.at
                elif to_status == S.RESOLVED:
                    case.resolved_at = event.at
                    case.resolution_summary = topic.resolution
                elif to_status == S.CLOSED:
                    case.closed_at = event.at
                elif to_status == S.REJECTED:
                    case.rejection_reason = event.note
                elif to_status == S.REFERRED:
                    partner = rng.choice(self._partners_for(topic))
                    case.referred_to = partner
                    case.referred_to_name = partner.name
                if (case.status, to_status) == (S.RESOLVED, S.IN_PROGRESS):
                    case.resolved_at = None
            case.status = event.to_status
            case.version += 1

    def _partners_for(self, topic: Topic) -> list[Partner]:
        return [
            partner
            for partner in self.partners
            if topic.domain in partner.domains or partner.kind == topic.partner_kind
        ] or self.partners

    def _notes(self, rng: Random, case: Case, *, events: list[_Event], referent: User) -> list[CaseNote]:
        if len(events) < 2 or rng.random() >= 0.3:
            return []
        start, end = events[1].at, events[-1].at if case.status not in OPEN_STATUSES else self.cutoff
        notes = []
        for _ in range(rng.randint(1, 2)):
            at = start + (end - start) * rng.random()
            author = referent if case.assigned_to_id and at >= case.assigned_at else self.manager
            internal = rng.random() < 0.7
            notes.append(
                CaseNote(
                    case=case,
                    author=author,
                    visibility=CaseNote.Visibility.INTERNAL if internal else CaseNote.Visibility.SME,
                    body=rng.choice(INTERNAL_NOTES if internal else SME_MESSAGES),
                    created_at=at,
                )
            )
        return sorted(notes, key=lambda note: note.created_at)

    # --- visits

    def _write_visits(self, plan: list[tuple[bool, int, datetime.datetime]], summaries: list[_CaseSummary]) -> None:
        rng = self.rng("visits")
        share_rng = self.rng("visit-shares")
        workable = [summary for summary in summaries if summary.first_contact_at and summary.referent]
        visited: set[int] = set()
        for start in range(0, len(plan), BATCH_SIZE):
            visits, links, linked_visits = [], [], []
            for linked, enterprise_index, moment in plan[start : start + BATCH_SIZE]:
                summary = rng.choice(workable) if linked and workable else None
                visit = self._visit(
                    rng, summary, enterprise_index, moment, first=summary is not None and summary.pk not in visited
                )
                if summary:
                    visited.add(summary.pk)
                    links.append((len(visits), [summary.pk]))
                    linked_visits.append((visit, summary))
                visits.append(visit)
            history = _with_history(Visit, visits, at=lambda visit: visit.created_at, by=lambda visit: visit.referent)
            _m2m_with_history(
                through=Visit.cases.through,
                history_model=apps.get_model("visits", "HistoricalVisit_cases"),
                history_rows=history,
                pairs=links,
            )
            self._count(Visit, len(visits))
            self._write_visit_shares(share_rng, linked_visits)

    def _supported(self, enterprise: int, support: _Support) -> None:
        """Keep the enterprise's support that reached the server first: it planned the baseline."""
        known = self.support.get(enterprise)
        if known is None or support.logged < known.logged:
            self.support[enterprise] = support

    def _visit(
        self,
        rng: Random,
        summary: _CaseSummary | None,
        enterprise_index: int,
        moment: datetime.datetime,
        *,
        first: bool,
    ) -> Visit:
        if summary:
            enterprise_index, topic, referent = summary.enterprise, summary.topic, summary.referent
            if first:
                moment = summary.first_contact_at + datetime.timedelta(minutes=rng.randint(0, 60))
                purpose = Purpose.DIAGNOSTIC
            else:
                until = min(summary.worked_until, summary.first_contact_at + datetime.timedelta(days=45))
                low = bisect.bisect_left(self.working_days, self._day(summary.first_contact_at))
                high = bisect.bisect_right(self.working_days, self._day(until))
                day = self.working_days[rng.randrange(low, high)] if low < high else self._day(until)
                moment = max(summary.first_contact_at + datetime.timedelta(minutes=30), self._office_time(rng, day))
                purpose = rng.choices([Purpose.FOLLOW_UP, Purpose.INSTALLATION, Purpose.TRAINING], [50, 30, 20])[0]
        else:
            planned = self.planned[enterprise_index]
            topic = rng.choice(self._topics(planned.kind))
            referent = self._referent_for(rng, domain=topic.domain, region=planned.region.code)
            purpose = rng.choices(
                [Purpose.DIAGNOSTIC, Purpose.FOLLOW_UP, Purpose.TRAINING, Purpose.OTHER], [35, 30, 15, 20]
            )[0]
        planned = self.planned[enterprise_index]
        enterprise = planned.instance
        duration = {
            Purpose.DIAGNOSTIC: (60, 180),
            Purpose.FOLLOW_UP: (30, 90),
            Purpose.TRAINING: (120, 300),
            Purpose.INSTALLATION: (120, 360),
            Purpose.OTHER: (30, 120),
        }[purpose]
        people = rng.randint(6, 35) if purpose == Purpose.TRAINING else rng.randint(1, 8)
        women_share = enterprise.employees_women / enterprise.employees_total if enterprise.employees_total else 0.5
        observations = {
            Purpose.DIAGNOSTIC: f"{topic.observation} {rng.choice(VISIT_OBSERVATIONS)}",
            Purpose.FOLLOW_UP: rng.choice(FOLLOW_UP_OBSERVATIONS),
            Purpose.TRAINING: rng.choice(TRAINING_OBSERVATIONS),
            Purpose.INSTALLATION: INSTALLATION_OBSERVATION,
            Purpose.OTHER: rng.choice(OTHER_OBSERVATIONS),
        }[purpose].format(n=enterprise.employees_total, people=people, of_equipment=of(topic.equipment))
        latitude = longitude = accuracy = None
        if rng.random() < 0.88:
            region = planned.region
            latitude = (
                float(enterprise.latitude) if enterprise.latitude is not None else rng.gauss(region.latitude, 0.02)
            )
            longitude = (
                float(enterprise.longitude) if enterprise.longitude is not None else rng.gauss(region.longitude, 0.02)
            )
            latitude = Decimal(f"{latitude + rng.gauss(0, 0.0003):.6f}")
            longitude = Decimal(f"{longitude + rng.gauss(0, 0.0003):.6f}")
            accuracy = rng.randint(4, 60)
        data = VisitInput(
            client_uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
            enterprise=enterprise,
            started_at=moment,
            duration_minutes=rng.randint(*duration),
            purpose=purpose,
            observations=observations,
            needs_found=topic.need if purpose == Purpose.DIAGNOSTIC or rng.random() < 0.3 else "",
            recommendations=topic.recommendation if purpose != Purpose.OTHER else "",
            next_step=rng.choice(NEXT_STEPS) if rng.random() < 0.8 else "",
            follow_up_date=self._day(moment) + datetime.timedelta(days=rng.randint(7, 45))
            if rng.random() < 0.6
            else None,
            latitude=latitude,
            longitude=longitude,
            gps_accuracy_m=accuracy,
            people_reached_total=people,
            people_reached_women=sum(rng.random() < women_share for _ in range(people)),
            cases=[Case(pk=summary.pk)] if summary else [],
        )
        synced = datetime.timedelta(minutes=data.duration_minutes + rng.randint(2, 90))
        if rng.random() < 0.2:
            synced += datetime.timedelta(hours=rng.randint(1, 48))
        visit = Visit(
            hub=self.hub,
            referent=referent,
            content_hash=data.content_hash(),
            created_at=min(moment + synced, self.cutoff),
            **data.visit_fields(),
        )
        self._supported(enterprise_index, _Support(logged=visit.created_at, at=moment, referent=referent, by=referent))
        return visit

    # --- technology library

    def _write_library(self) -> dict[str, list[_LibrarySheet]]:
        """The hub's shareable sheets by the topics they answer: its own if it has some (those of SHEETS
        known by their titles), else SHEETS written now, by referents of their domain or the manager."""
        existing = TechnologySheet.objects.filter(hub=self.hub).order_by("pk")
        if existing.exists():
            return _by_topic(
                _LibrarySheet(
                    pk=pk,
                    topics=frozenset(SHEETS_BY_TITLE[title].topics),
                    available_from=created,
                    available_until=updated if status == TechnologySheet.Status.ARCHIVED else None,
                )
                for pk, title, status, created, updated in existing.values_list(
                    "pk", "title", "status", "created_at", "updated_at"
                )
                if title in SHEETS_BY_TITLE and status != TechnologySheet.Status.DRAFT
            )
        if not self.territory.library:
            return {}
        rng = self.rng("library")
        sheets, withdrawn = [], {}
        for index, text in enumerate(SHEETS):
            created, archived = self._sheet_dates(rng, text.status)
            sheets.append(self._sheet(rng, text, created=created))
            if archived:
                withdrawn[index] = archived
        history_model = apps.get_model("hub", "HistoricalTechnologySheet_partners")
        by_name = {partner.name: partner.pk for partner in self.directory}
        history = _with_history(
            TechnologySheet, sheets, at=lambda sheet: sheet.created_at, by=lambda sheet: sheet.author
        )
        links = _m2m_with_history(
            through=TechnologySheet.partners.through,
            history_model=history_model,
            history_rows=history,
            pairs=[
                (index, [by_name[name] for name in text.partners if name in by_name])
                for index, text in enumerate(SHEETS)
            ],
        )
        archived_sheets = []
        for index, moment in withdrawn.items():
            sheet = sheets[index]
            sheet.status, sheet.updated_at = TechnologySheet.Status.ARCHIVED, moment
            sheet._history_date, sheet._history_user = moment, self.manager
            archived_sheets.append(sheet)
        if archived_sheets:
            TechnologySheet.objects.bulk_update(archived_sheets, ["status", "updated_at"])
            changes = TechnologySheet.history.bulk_history_create(archived_sheets, update=True)
            partners_of = defaultdict(list)
            for link in links:
                partners_of[link.technologysheet_id].append(link)
            history_model.objects.bulk_create(
                [
                    history_model(
                        id=link.pk,
                        history_id=change.history_id,
                        technologysheet_id=link.technologysheet_id,
                        partner_id=link.partner_id,
                    )
                    for change in changes
                    for link in partners_of[change.id]
                ]
            )
        self._count(TechnologySheet, len(sheets))
        return _by_topic(
            _LibrarySheet(
                pk=sheet.pk,
                topics=frozenset(text.topics),
                available_from=sheet.created_at,
                available_until=withdrawn.get(index),
            )
            for index, (sheet, text) in enumerate(zip(sheets, SHEETS, strict=True))
            if text.status != TechnologySheet.Status.DRAFT
        )

    def _sheet_dates(self, rng: Random, status: str) -> tuple[datetime.datetime, datetime.datetime | None]:
        """When a sheet was written and, if it is archived, withdrawn: most sheets early in the period (the
        library is built as the hub opens), the drafts at its end; archived sheets were published early."""

        def moment(fraction: float) -> datetime.datetime:
            days = self.working_days
            return self._office_time(rng, days[min(len(days) - 1, int(len(days) * fraction))])

        if status == TechnologySheet.Status.DRAFT:
            return moment(rng.uniform(0.85, 1.0)), None
        if status == TechnologySheet.Status.ARCHIVED:
            created, archived = moment(rng.uniform(0, 0.15)), moment(rng.uniform(0.5, 0.9))
            return created, max(archived, created + datetime.timedelta(minutes=1))
        return moment(0.85 * rng.random() ** 2), None

    def _sheet(self, rng: Random, text: SheetText, *, created: datetime.datetime) -> TechnologySheet:
        """The sheet as it was written: an archived one was published then."""
        experts = [user for user in self.referents if text.domain in self.referent_domains[user.pk]]
        author = rng.choice(experts) if experts and rng.random() < 0.8 else self.manager
        draft = text.status == TechnologySheet.Status.DRAFT
        sheet = TechnologySheet(
            hub=self.hub,
            title=text.title,
            domain=text.domain,
            sectors=list(text.sectors),
            summary=text.summary,
            body=text.body,
            cost_min_xof=text.cost_min_xof,
            cost_max_xof=text.cost_max_xof,
            equipment=text.equipment,
            language="fr",
            status=TechnologySheet.Status.DRAFT if draft else TechnologySheet.Status.PUBLISHED,
            author=author,
            review_date=None if draft else _add_months(self._day(created), rng.choice([6, 12, 12, 24])),
            created_at=created,
            updated_at=created,
        )
        sheet.search_text = sheet_search_text(sheet)
        return sheet

    def _write_case_shares(self, summaries: list[_CaseSummary]) -> dict[int, _LibrarySheet]:
        """Each case referred to a partner shares that partner, when it was referred; 60 % of the resolved
        cases whose topic a sheet answers share one, from the referent, between assignment and resolution.
        Returns the sheet shared per case id."""
        rng = self.rng("case-shares")
        shared: dict[int, _LibrarySheet] = {}
        batch = []
        for summary in summaries:
            if summary.referred_to is not None:
                batch.append(
                    CaseShare(
                        case_id=summary.pk,
                        partner=summary.referred_to,
                        partner_name=summary.referred_to.name,
                        shared_by=summary.referred_by or self.manager,
                        shared_at=summary.referred_at,
                    )
                )
            elif summary.resolved_at and summary.assigned_at and summary.referent:
                start, end = summary.assigned_at, summary.resolved_at
                candidates = [
                    sheet
                    for sheet in self.sheets_by_topic.get(summary.topic.key, ())
                    if sheet.available_from < end and (sheet.available_until is None or start < sheet.available_until)
                ]
                if candidates and rng.random() < 0.6:
                    sheet = rng.choice(candidates)
                    moment = self._between(
                        rng, max(start, sheet.available_from), min(end, sheet.available_until or end)
                    )
                    shared[summary.pk] = sheet
                    batch.append(
                        CaseShare(case_id=summary.pk, sheet_id=sheet.pk, shared_by=summary.referent, shared_at=moment)
                    )
            if len(batch) == BATCH_SIZE:
                self._write_shares(CaseShare, batch)
                batch = []
        self._write_shares(CaseShare, batch)
        return shared

    def _write_visit_shares(self, rng: Random, linked_visits: list[tuple[Visit, _CaseSummary]]) -> None:
        """30 % of the visits tied to a case hand over a sheet answering its topic (the one shared in the
        case if it can still be shared), once the visit is synced."""
        shares = []
        for visit, summary in linked_visits:
            if rng.random() >= 0.3:
                continue
            moment = min(visit.created_at + datetime.timedelta(minutes=rng.randint(1, 30)), self.cutoff)
            sheet = self.case_sheets.get(summary.pk)
            if sheet is None or not sheet.shareable(moment):
                candidates = [
                    sheet for sheet in self.sheets_by_topic.get(summary.topic.key, ()) if sheet.shareable(moment)
                ]
                if not candidates:
                    continue
                sheet = rng.choice(candidates)
            shares.append(VisitShare(visit=visit, sheet_id=sheet.pk, shared_by=visit.referent, shared_at=moment))
        self._write_shares(VisitShare, shares)

    def _write_shares(self, model, shares: list) -> None:
        for share in shares:
            share.hub = self.hub
        if shares:
            _with_history(model, shares, at=lambda share: share.shared_at, by=lambda share: share.shared_by)
            self._count(model, len(shares))

    def _between(self, rng: Random, low: datetime.datetime, high: datetime.datetime) -> datetime.datetime:
        """Office hours on a working day from `low` to `high`, strictly between them (any time between them
        when no office hour is)."""
        first = bisect.bisect_left(self.working_days, self._day(low))
        last = bisect.bisect_right(self.working_days, self._day(high))
        if first < last:
            moment = self._office_time(rng, self.working_days[rng.randrange(first, last)])
            if low < moment < high:
                return moment
        return (low + (high - low) * rng.uniform(0.1, 0.9)).replace(microsecond=0)

    # --- impact follow-ups

    def _write_followups(self, summaries: list[_CaseSummary]) -> None:
        """The follow-ups as `hub.followups.services` plans them, and what became of them by the cutoff: a
        baseline per enterprise from its first support, the 6- and 12-month follow-ups of each resolution of
        a case (those of a resolution undone by a reopening are cancelled then)."""
        rng = self.rng("followups")
        bands = {
            TurnoverBand.UNDER_30M: (2_000_000, 29_000_000),
            TurnoverBand.FROM_30M_TO_150M: (30_000_000, 149_000_000),
            TurnoverBand.FROM_150M_TO_1B: (150_000_000, 900_000_000),
        }
        for planned in self.planned:
            low, high = bands.get(planned.instance.turnover_band, (1_000_000_000, 2_000_000_000))
            planned.base_turnover = _xof(rng.uniform(low, high))
        for summary in summaries:
            if summary.assigned_at is not None and summary.referent is not None:
                support = _Support(
                    logged=summary.assigned_at,
                    at=summary.assigned_at,
                    referent=summary.referent,
                    by=summary.assigned_by,
                )
                self._supported(summary.enterprise, support)
        drafts: list[_DraftFollowUp] = []
        for index, support in sorted(self.support.items(), key=lambda item: (item[1].logged, item[0])):
            drafts.append(self._baseline(rng, self.planned[index], support))
            if len(drafts) >= BATCH_SIZE:
                self._flush_followups(drafts)
                drafts = []
        for summary in summaries:
            for resolution in summary.resolutions:
                drafts += self._case_followups(rng, summary, resolution)
            if len(drafts) >= BATCH_SIZE:
                self._flush_followups(drafts)
                drafts = []
        self._flush_followups(drafts)

    def _baseline(self, rng: Random, planned: _PlannedEnterprise, support: _Support) -> _DraftFollowUp:
        """Due within the first-contact standard from the start of support; most are taken within a few
        working days of it by the referent in charge, some later, a few never."""
        followup = FollowUp(
            hub=self.hub,
            enterprise=planned.instance,
            kind=FollowUp.Kind.BASELINE,
            due_date=self._due(support.at, self.hub.first_contact_days),
            assigned_to=support.referent,
            created_at=support.logged,
        )
        draft = _DraftFollowUp(followup=followup, planned_by=support.by)
        outcome = rng.choices(["soon", "late", "missing"], [85, 8, 7])[0]
        if outcome == "missing":
            return draft
        if outcome == "soon":
            days = rng.choices(range(4), [55, 25, 12, 8])[0]
        else:
            days = self.hub.first_contact_days + rng.randint(1, 15)
        moment = self._later(rng, support.logged, days=days)
        if moment <= self.cutoff:
            answers = {"employees_total": planned.instance.employees_total, "turnover_xof": planned.base_turnover}
            self._collect(rng, draft, moment=moment, by=support.referent, answers=answers)
        return draft

    def _case_followups(self, rng: Random, summary: _CaseSummary, resolution: _Resolution) -> list[_DraftFollowUp]:
        """The 6- and 12-month follow-ups a resolution plans, due the hub's delays after its local date, for
        the case's referent; cancelled, uncollected, when the case is reopened."""
        resolved_on = self._day(resolution.at)
        delays = (
            (FollowUp.Kind.MONTH_6, self.hub.followup_6_months_days),
            (FollowUp.Kind.MONTH_12, self.hub.followup_12_months_days),
        )
        drafts = []
        floor = None
        for kind, days in delays:
            followup = FollowUp(
                hub=self.hub,
                enterprise=self.planned[summary.enterprise].instance,
                case_id=summary.pk,
                kind=kind,
                due_date=resolved_on + datetime.timedelta(days=days),
                assigned_to=summary.referent,
                created_at=resolution.at,
            )
            draft = _DraftFollowUp(followup=followup, planned_by=resolution.by)
            if resolution.reopened_at is not None:
                draft.cancelled_at, draft.cancelled_by = resolution.reopened_at, resolution.reopened_by
            else:
                self._answer(rng, draft, summary, floor=floor)
                floor = max(filter(None, [followup.due_date, followup.collected_on]))
            drafts.append(draft)
        return drafts

    def _answer(
        self, rng: Random, draft: _DraftFollowUp, summary: _CaseSummary, *, floor: datetime.date | None
    ) -> None:
        """What became of a planned follow-up by the cutoff (FOLLOWUP_OUTCOMES): collected by the referent in
        the week before it is due or up to two months late, answered by the enterprise through the link it
        receives two weeks before, mostly by the due date (and then often confirmed by the referent), or not
        collected. A 12-month follow-up is not collected before the 6-month one's `floor` (its due or
        collection date)."""
        followup = draft.followup
        due = followup.due_date
        outcome = rng.choices(list(FOLLOWUP_OUTCOMES), list(FOLLOWUP_OUTCOMES.values()))[0]
        if outcome == "missing":
            return
        if outcome == "on_time":
            day = due - datetime.timedelta(days=rng.randint(0, 7))
            for _ in range(7):
                if self._is_working(day):
                    break
                day -= datetime.timedelta(days=1)
            moment = self._office_time(rng, day)
        elif outcome == "late":
            moment = self._days_later(rng, self._at(due, 8 * 60), rng.randint(1, 60))
        else:
            day = due + datetime.timedelta(days=rng.randint(-13, 6))
            moment = self._at(day, rng.randint(6 * 60, 23 * 60))
        earliest = followup.created_at + datetime.timedelta(minutes=10)
        if floor is not None:
            earliest = max(earliest, self._at(floor, 7 * 60 + 30))
        moment = max(moment, earliest)
        if moment > self.cutoff:
            return
        answers = self._answers(rng, summary, kind=followup.kind)
        if outcome != "self_reported":
            self._collect(rng, draft, moment=moment, by=summary.referent, answers=answers)
            return
        notes = answers.pop("technology_notes")
        self._collect(rng, draft, moment=moment, by=None, answers=answers, self_reported=True)
        if summary.referent is None or rng.random() >= 0.6:
            return
        confirmed_at = self._days_later(rng, moment, rng.randint(1, 15))
        if confirmed_at <= self.cutoff:
            followup.confirmed_by, followup.confirmed_at = summary.referent, confirmed_at
            followup.technology_notes, followup.notes = notes, CONFIRMATION_NOTE
            draft.added_at_confirmation = ("technology_notes", "notes")

    def _answers(self, rng: Random, summary: _CaseSummary, *, kind: str) -> dict:
        """The answers of a 6- or 12-month follow-up (ANSWER_FIELDS but the notes), from the enterprise's
        baseline turnover and staff."""
        planned = self.planned[summary.enterprise]
        enterprise = planned.instance
        months = 12 if kind == FollowUp.Kind.MONTH_12 else 6
        base = planned.base_turnover
        turnover = max(0, _xof(base * (1 + rng.gauss(0.08 * months / 6, 0.12))))
        jobs_created = rng.choices(range(6), [45, 25, 15, 8, 4, 3])[0] * (1 if enterprise.employees_total <= 10 else 2)
        adopted = rng.random() < 0.75
        satisfaction = summary.satisfaction or rng.choices([5, 4, 3, 2, 1], [45, 35, 12, 5, 3])[0]
        recommend_range = {5: (8, 10), 4: (7, 9), 3: (5, 8), 2: (2, 6), 1: (0, 4)}[satisfaction]
        equipment = of(summary.topic.equipment)
        return {
            "employees_total": enterprise.employees_total + jobs_created,
            "jobs_created": jobs_created,
            "jobs_kept": enterprise.employees_total,
            "turnover_xof": turnover,
            "new_sales_xof": max(0, turnover - base),
            "kept_sales_xof": min(base, turnover),
            "investment_xof": _xof(base * rng.uniform(0.01, 0.15)) if adopted else 0,
            "cost_savings_xof": _xof(base * rng.uniform(0, 0.06)) if adopted else 0,
            "new_products": rng.choices([0, 1, 2], [60, 30, 10])[0],
            "new_processes": rng.choices([0, 1, 2], [40, 45, 15])[0] if adopted else 0,
            "technology_adopted": adopted,
            "technology_notes": rng.choice(TECHNOLOGY_NOTES).format(of_equipment=equipment) if adopted else "",
            "satisfaction": satisfaction,
            "recommend_score": rng.randint(*recommend_range),
        }

    def _collect(
        self,
        rng: Random,
        draft: _DraftFollowUp,
        *,
        moment: datetime.datetime,
        by: User | None,
        answers: dict,
        self_reported: bool = False,
    ) -> None:
        """Record the answers at `moment` as `followup_collect` does: by a referent on the phone (with the
        phone's UUID and the hash of the form's content, every answer, blank or not), or self-reported by
        the enterprise."""
        followup = draft.followup
        for name, value in answers.items():
            setattr(followup, name, value)
        followup.collected_on = self._day(moment)
        followup.collected_by = by
        followup.self_reported = self_reported
        if not self_reported:
            form = {name: getattr(followup, name) for name in ANSWER_FIELDS}
            followup.client_uuid = uuid.UUID(int=rng.getrandbits(128), version=4)
            followup.content_hash = Collection(collected_on=followup.collected_on, answers=form).content_hash()
        draft.collected_at = moment

    def _flush_followups(self, drafts: list[_DraftFollowUp]) -> None:
        """Write the follow-ups and their history as the services would have left it: planned (by whoever
        started the support or resolved the case), collected, confirmed. The follow-ups cancelled by a
        reopening go first, planned then deleted, so that those planned afresh take their place."""
        cancelled = [draft for draft in drafts if draft.cancelled_at is not None]
        if cancelled:
            self._write_followup_versions(cancelled)
            # A raw delete: the history already holds each deletion, dated at the reopening.
            FollowUp.objects.filter(pk__in=[draft.followup.pk for draft in cancelled])._raw_delete(FollowUp.objects.db)
        kept = [draft for draft in drafts if draft.cancelled_at is None]
        self._write_followup_versions(kept)
        self._count(FollowUp, len(kept))

    @staticmethod
    def _write_followup_versions(drafts: list[_DraftFollowUp]) -> None:
        if not drafts:
            return
        FollowUp.objects.bulk_create([draft.followup for draft in drafts], batch_size=BATCH_SIZE)
        history = FollowUp.history.model
        tracked = [model_field.attname for model_field in history.tracked_fields]
        rows = []

        def version(state: dict, kind: str, at: datetime.datetime, by: User | None) -> None:
            rows.append(history(**state, history_type=kind, history_date=at, history_user=by, history_change_reason=""))

        for draft in drafts:
            followup = draft.followup
            final = {name: getattr(followup, name) for name in tracked}
            planned = {**final, **FOLLOWUP_UNCOLLECTED}
            version(planned, "+", followup.created_at, draft.planned_by)
            if draft.cancelled_at is not None:
                version(planned, "-", draft.cancelled_at, draft.cancelled_by)
            if draft.collected_at is not None:
                unconfirmed = {"confirmed_at": None, "confirmed_by_id": None}
                unconfirmed.update(dict.fromkeys(draft.added_at_confirmation, ""))
                version({**final, **unconfirmed}, "~", draft.collected_at, followup.collected_by)
            if followup.confirmed_at is not None:
                version(final, "~", followup.confirmed_at, followup.confirmed_by)
        history.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _by_topic(sheets) -> dict[str, list[_LibrarySheet]]:
    by_topic = defaultdict(list)
    for sheet in sheets:
        for topic in sorted(sheet.topics):
            by_topic[topic].append(sheet)
    return dict(by_topic)


def _resolutions(events: list[_Event]) -> tuple[_Resolution, ...]:
    """Each resolution in a case's timeline, with the reopening that undid it."""
    resolutions = []
    for event in events:
        if event.to_status == S.RESOLVED:
            resolutions.append(_Resolution(at=event.at, by=event.actor))
        elif (event.from_status, event.to_status) == (S.RESOLVED, S.IN_PROGRESS):
            resolutions[-1] = dataclasses.replace(resolutions[-1], reopened_at=event.at, reopened_by=event.actor)
    return tuple(resolutions)


def _xof(amount: float) -> int:
    """An amount in whole XOF, to the thousand."""
    return int(round(amount, -3))


def _add_months(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def generate(*, hub: Hub, manager: User, spec: Spec) -> dict[str, int]:
    """Write the rows `spec` describes into `hub`, in one transaction; returns the rows written per model.

    `manager` qualifies and assigns the cases. Precondition: the usernames in `spec` are free.
    """
    return _Generator(hub=hub, manager=manager, spec=spec).run()
