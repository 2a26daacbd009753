"""Public holidays from the `holidays` library, and the refresh that keeps each hub's calendar equal to it
except where the hub decided otherwise (`hub.country.services`: a holiday corrected, added or removed).

The library computes fixed days and Easter for any year and estimates the Islamic holidays, which follow
the moon sighting; their names say "(estimé)" until a manager corrects the announced date."""

import dataclasses
import datetime
from collections.abc import Iterable

import holidays
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from hub.country.selectors import not_observed_dates
from hub.models import Hub, HubHoliday, User
from hub.permissions import manages_hub


def library_language(country: str, language: str) -> str | None:
    """The library's language nearest to a hub's (fr, en or pt): the country's own variant (fr_SN), the
    plain one (fr), another variant; else English; else None, the library's default."""
    supported = holidays.country_holidays(country).supported_languages
    for wanted in (language, "en"):
        variants = sorted(code for code in supported if code.startswith(f"{wanted}_"))
        for candidate in (f"{wanted}_{country}", wanted, *variants):
            if candidate in supported:
                return candidate
    return None


def library_holidays(country: str, year: int, language: str) -> list[tuple[datetime.date, str]]:
    """The country's public holidays of `year`, sorted, named in the library's language nearest to
    `language`; two holidays on one day are one entry, their names joined by "; "."""
    days = holidays.country_holidays(country, years=year, language=library_language(country, language))
    return sorted(days.items())


@dataclasses.dataclass(frozen=True)
class Refreshed:
    added: int
    renamed: int
    removed: int
    kept: int
    """Corrected rows, left as they are."""


@transaction.atomic
def refresh_holidays(hub: Hub, *, years: Iterable[int], by: User | None = None) -> Refreshed:
    """Make the hub's holidays of `years` the library's, in the hub's language, except what the hub decided:
    a corrected row is kept as it is, and neither the library's holiday it corrects (on its `library_date`)
    nor one removed as not observed comes back. Every row added, renamed or removed is in the history.
    `by` None is the system (the daily command); a person must manage the hub's calendar
    (PermissionDenied). Refreshes of one hub run one after the other (its row is locked)."""
    if by is not None and not manages_hub(by, hub):
        raise PermissionDenied(_("You cannot change this hub's calendar."))
    Hub.objects.select_for_update().get(pk=hub.pk)
    years = sorted(set(years))
    library = dict(day for year in years for day in library_holidays(hub.country, year, hub.language))
    rows = {row.date: row for row in hub.holidays.filter(date__year__in=years)}
    decided = not_observed_dates(hub=hub, years=years) | set(
        hub.holidays.filter(corrected=True, library_date__year__in=years).values_list("library_date", flat=True)
    )
    renamed = removed = kept = 0
    for day, row in rows.items():
        row._history_user = by
        if row.corrected:
            kept += 1
        elif day not in library or day in decided:
            row.delete()
            removed += 1
        elif row.name != library[day]:
            row.name = library[day]
            row.save()
            renamed += 1
    added = [
        HubHoliday(hub=hub, date=day, name=name)
        for day, name in sorted(library.items())
        if day not in rows and day not in decided
    ]
    bulk_create_with_history(added, HubHoliday, default_user=by)
    return Refreshed(added=len(added), renamed=renamed, removed=removed, kept=kept)
