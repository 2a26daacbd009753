"""Published classifications the domain is coded against (ISO 3166-1, ISIC Rev.4, UEMOA size bands)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    """ISO 3166-1 alpha-2 codes of the UEMOA member states and their ECOWAS neighbours."""

    BENIN = "BJ", _("Benin")
    BURKINA_FASO = "BF", _("Burkina Faso")
    COTE_DIVOIRE = "CI", _("Côte d'Ivoire")
    GUINEA_BISSAU = "GW", _("Guinea-Bissau")
    MALI = "ML", _("Mali")
    NIGER = "NE", _("Niger")
    SENEGAL = "SN", _("Senegal")
    TOGO = "TG", _("Togo")
    GUINEA = "GN", _("Guinea")
    MAURITANIA = "MR", _("Mauritania")
    GHANA = "GH", _("Ghana")


COUNTRY_TIME_ZONES = {
    Country.BENIN: "Africa/Porto-Novo",
    Country.BURKINA_FASO: "Africa/Ouagadougou",
    Country.COTE_DIVOIRE: "Africa/Abidjan",
    Country.GUINEA_BISSAU: "Africa/Bissau",
    Country.MALI: "Africa/Bamako",
    Country.NIGER: "Africa/Niamey",
    Country.SENEGAL: "Africa/Dakar",
    Country.TOGO: "Africa/Lome",
    Country.GUINEA: "Africa/Conakry",
    Country.MAURITANIA: "Africa/Nouakchott",
    Country.GHANA: "Africa/Accra",
}
"""The IANA zone of each country's capital, a new hub's default; Niger and Benin are at UTC+1, the rest at UTC."""

COUNTRY_LANGUAGES = {Country.GUINEA_BISSAU: "pt", Country.GHANA: "en"}
"""A new hub's default language where it is not French."""


class IsicSection(models.TextChoices):
    """ISIC Rev.4 sections (United Nations, 2008)."""

    A = "A", _("Agriculture, forestry and fishing")
    B = "B", _("Mining and quarrying")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, gas, steam and air conditioning supply")
    E = "E", _("Water supply; sewerage, waste management and remediation")
    F = "F", _("Construction")
    G = "G", _("Wholesale and retail trade; repair of motor vehicles and motorcycles")
    H = "H", _("Transportation and storage")
    I = "I", _("Accommodation and food service activities")  # noqa: E741
    J = "J", _("Information and communication")
    K = "K", _("Financial and insurance activities")
    L = "L", _("Real estate activities")
    M = "M", _("Professional, scientific and technical activities")
    N = "N", _("Administrative and support service activities")
    O = "O", _("Public administration and defence; compulsory social security")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Human health and social work activities")
    R = "R", _("Arts, entertainment and recreation")
    S = "S", _("Other service activities")
    T = "T", _("Activities of households as employers")
    U = "U", _("Activities of extraterritorial organizations and bodies")


class TechnologyDomain(models.TextChoices):
    AGRO_PROCESSING = "agro", _("Agro-processing")
    ENERGY = "energy", _("Energy")
    ICT = "ict", _("Information and communication technology")
    MECHANICS = "mechanics", _("Mechanics and metalwork")
    TEXTILES = "textiles", _("Textiles and leather")
    CONSTRUCTION = "construction", _("Construction and building materials")
    WATER = "water", _("Water and sanitation")
    CHEMISTRY = "chemistry", _("Chemistry and cosmetics")
    QUALITY = "quality", _("Quality, standards and packaging")


class SizeClass(models.TextChoices):
    """UEMOA/BCEAO size classes; an enterprise takes the larger class of its staff and turnover."""

    MICRO = "micro", _("Micro enterprise")
    SMALL = "small", _("Small enterprise")
    MEDIUM = "medium", _("Medium enterprise")
    LARGE = "large", _("Large enterprise")


class TurnoverBand(models.TextChoices):
    """Yearly turnover bands in XOF, cut at the UEMOA/BCEAO size-class thresholds."""

    UNDER_30M = "lt30m", _("Under 30 million XOF")
    FROM_30M_TO_150M = "30m-150m", _("30 to 150 million XOF")
    FROM_150M_TO_1B = "150m-1b", _("150 million to 1 billion XOF")
    OVER_1B = "gt1b", _("Over 1 billion XOF")


TURNOVER_BAND_CLASS = {
    TurnoverBand.UNDER_30M: SizeClass.MICRO,
    TurnoverBand.FROM_30M_TO_150M: SizeClass.SMALL,
    TurnoverBand.FROM_150M_TO_1B: SizeClass.MEDIUM,
    TurnoverBand.OVER_1B: SizeClass.LARGE,
}
SIZE_ORDER = [SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE]


def size_class_for(*, employees: int, turnover_band: str) -> SizeClass:
    """Micro: up to 10 staff and under 30 M; small: under 50 and under 150 M; medium: up to 200 and up to 1 bn."""
    if employees <= 10:
        by_staff = SizeClass.MICRO
    elif employees < 50:
        by_staff = SizeClass.SMALL
    elif employees <= 200:
        by_staff = SizeClass.MEDIUM
    else:
        by_staff = SizeClass.LARGE
    by_turnover = TURNOVER_BAND_CLASS[TurnoverBand(turnover_band)]
    return max(by_staff, by_turnover, key=SIZE_ORDER.index)
