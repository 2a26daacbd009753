"""Writes to a country's set-up: a hub's corrections to its calendar and the administrators' corrections to
the administrative units. Each is kept in the history, with who made it."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hub.country.selectors import NOT_OBSERVED_REASON, corrects_units
from hub.country.units import ensure_units
from hub.models import AdministrativeUnit, Hub, HubHoliday, User
from hub.permissions import manages_hub


def _check_manages_calendar(*, hub: Hub, by: User) -> None:
    if not manages_hub(by, hub):
        raise PermissionDenied(_("You cannot change this hub's calendar."))


def _save_holiday(holiday: HubHoliday, *, by: User) -> HubHoliday:
    """Save after full validation: a day taken by another holiday of the hub is refused on the date."""
    taken = holiday.hub.holidays.filter(date=holiday.date).exclude(pk=holiday.pk).first()
    if taken is not None:
        raise ValidationError({"date": _("%(name)s is already on that day.") % {"name": taken.name}})
    holiday.full_clean()
    holiday._history_user = by
    holiday.save()
    return holiday


@transaction.atomic
def holiday_correct(holiday: HubHoliday, *, date: datetime.date, name: str, by: User) -> HubHoliday:
    """Move or rename a holiday (an Islamic holiday to its announced date, say). It becomes the hub's
    correction, kept by the refresh; a holiday of the library remembers the date the library gave
    (`library_date`), so that the refresh does not add it back there."""
    _check_manages_calendar(hub=holiday.hub, by=by)
    if not holiday.corrected:
        holiday.library_date = holiday.date
    holiday.corrected = True
    holiday.date, holiday.name = date, name
    return _save_holiday(holiday, by=by)


@transaction.atomic
def holiday_add(hub: Hub, *, date: datetime.date, name: str, by: User) -> HubHoliday:
    """A holiday the library does not know (a day off decreed by the government, say)."""
    _check_manages_calendar(hub=hub, by=by)
    return _save_holiday(HubHoliday(hub=hub, date=date, name=name, corrected=True), by=by)


@transaction.atomic
def holiday_remove(holiday: HubHoliday, *, by: User) -> None:
    """Remove a holiday. One added by hand is simply deleted; one of the library (estimated, moved or
    renamed) is not observed by the hub: its removal is recorded as such and the refresh does not bring
    the library's holiday back."""
    _check_manages_calendar(hub=holiday.hub, by=by)
    if not holiday.corrected or holiday.library_date is not None:
        holiday._change_reason = NOT_OBSERVED_REASON
    holiday._history_user = by
    holiday.delete()


def _check_corrects_units(by: User) -> None:
    if not corrects_units(user=by):
        raise PermissionDenied(_("Only administrators change the administrative units."))


@transaction.atomic
def unit_correct(unit: AdministrativeUnit, *, name: str, kind: str, iso_code: str, by: User) -> AdministrativeUnit:
    """Correct a unit's name, kind or ISO 3166-2 code; the code, which enterprises point to, stays."""
    _check_corrects_units(by)
    prefix = f"{unit.country}-"
    if iso_code and not iso_code.startswith(prefix):
        raise ValidationError(
            {"iso_code": _("An ISO 3166-2 code of this country begins with %(prefix)s.") % {"prefix": prefix}}
        )
    unit.name, unit.kind, unit.iso_code = name, kind, iso_code
    unit.full_clean()
    unit._history_user = by
    unit.save()
    return unit


def units_load(*, country: str, by: User) -> int:
    """Load the country's missing units from ISO 3166-2 (`hub.country.units.ensure_units`); returns how many."""
    _check_corrects_units(by)
    return ensure_units(country)
