"""Mali's public holidays, the default calendar of a Mali hub's service standards.

Fixed-date holidays and Easter Monday are computed for any year. The Islamic holidays follow the moon
sighting and are announced by the government a few days ahead: the table holds the expected dates, and
a manager corrects a date in the admin (Public holidays) when it is announced."""

import datetime

FIXED = [
    (1, 1, "Jour de l'An"),
    (1, 20, "Fête de l'Armée"),
    (3, 26, "Journée des Martyrs"),
    (5, 1, "Fête du Travail"),
    (5, 25, "Journée de l'Afrique"),
    (9, 22, "Fête de l'Indépendance"),
    (12, 25, "Noël"),
]
KORITE, TABASKI, MAOULOUD = "Korité (Aïd el-Fitr)", "Tabaski (Aïd el-Kébir)", "Maouloud (naissance du Prophète)"
ISLAMIC = {
    2024: [(4, 10, KORITE), (6, 17, TABASKI), (9, 16, MAOULOUD)],
    2025: [(3, 31, KORITE), (6, 7, TABASKI), (9, 4, MAOULOUD)],
    2026: [(3, 20, KORITE), (5, 27, TABASKI), (8, 26, MAOULOUD)],
    2027: [(3, 10, KORITE), (5, 17, TABASKI), (8, 15, MAOULOUD)],
    2028: [(2, 27, KORITE), (5, 5, TABASKI), (8, 4, MAOULOUD)],
}
"""Expected dates; the Prophet's baptism is kept a week after the Maouloud."""


def easter_sunday(year: int) -> datetime.date:
    """Gregorian Easter (the anonymous algorithm of Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def has_islamic_dates(year: int) -> bool:
    return year in ISLAMIC


def mali_holidays(*, year: int) -> list[tuple[datetime.date, str]]:
    """The year's holidays, sorted; a day that is two holidays at once is listed once."""
    days = {datetime.date(year, month, day): name for month, day, name in FIXED}
    days.setdefault(easter_sunday(year) + datetime.timedelta(days=1), "Lundi de Pâques")
    for month, day, name in ISLAMIC.get(year, []):
        days.setdefault(datetime.date(year, month, day), name)
        if name == MAOULOUD:
            days.setdefault(datetime.date(year, month, day) + datetime.timedelta(days=7), "Baptême du Prophète")
    return sorted(days.items())
