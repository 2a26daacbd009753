"""Reads of a country's set-up: the hubs' holidays and the administrative units, and who may change them.

Managers keep their own hub's calendar, administrators every hub's. Managers read their hub's country's
units and their history; only administrators correct a unit (the work of opening a country)."""

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from hub.classifications import Country
from hub.hubs.selectors import hubs_managed_by
from hub.models import AdministrativeUnit, Hub, HubHoliday, Role, User
from hub.permissions import Action, access, can, scope
from hub.selectors import Change, record_changes

NOT_OBSERVED_REASON = "Retiré : pas férié dans ce hub"
"""The change reason of the removal of a holiday of the library (`hub.country.services.holiday_remove`):
the refresh does not bring it back."""


def corrects_units(*, user: User) -> bool:
    """Correcting a country's units is part of opening it: the administrators' work."""
    return can(user, Action.OPEN_HUBS)


def calendar_hub(*, user: User, code: str | None) -> Hub | None:
    """The hub whose calendar `user` keeps: a manager's own; for administrators the hub of `code` (404 when
    there is none), the first hub without one (None before any hub is opened)."""
    hubs = hubs_managed_by(user=user)
    if not code or user.role != Role.ADMIN:
        return hubs.first()
    return access(hubs, code=code)


def holidays_managed_by(*, user: User) -> QuerySet[HubHoliday]:
    """The holidays of the hubs whose calendar `user` keeps."""
    if not can(user, Action.SET_TARGETS):
        return HubHoliday.objects.none()
    return scope(HubHoliday.objects.select_related("hub"), user=user)


def hub_holidays(*, hub: Hub, year: int) -> QuerySet[HubHoliday]:
    return hub.holidays.filter(date__year=year).order_by("date")


def not_observed_dates(*, hub: Hub, years: Iterable[int]) -> set[datetime.date]:
    """The library's dates of `years` whose holiday the hub removed as not observed."""
    removals = HubHoliday.history.filter(
        hub=hub.pk, history_type="-", history_change_reason=NOT_OBSERVED_REASON
    ).annotate(estimated=Coalesce("library_date", "date"))
    return set(removals.filter(estimated__year__in=list(years)).values_list("estimated", flat=True))


def unit_countries(*, user: User) -> list[tuple[str, str]]:
    """The countries whose units `user` reads, as (code, name): every programme country for administrators,
    their hub's for managers."""
    if user.role == Role.ADMIN:
        return list(Country.choices)
    if not can(user, Action.VIEW_HISTORY) or user.hub_id is None:
        return []
    country = Hub.objects.get(pk=user.hub_id).country
    return [(country, Country(country).label)]


def units_readable_by(*, user: User) -> QuerySet[AdministrativeUnit]:
    countries = [code for code, _name in unit_countries(user=user)]
    return AdministrativeUnit.objects.filter(country__in=countries).select_related("carved_from")


def country_units(*, user: User, country: str) -> QuerySet[AdministrativeUnit]:
    """The units of `country` if `user` reads them (404 otherwise), by name."""
    if country not in {code for code, _name in unit_countries(user=user)}:
        raise Http404(_("No such country."))
    return units_readable_by(user=user).filter(country=country).order_by("name", "code")


def unit_changes(*, unit: AdministrativeUnit) -> list[Change]:
    """Who loaded and corrected the unit, and which fields, latest first."""
    return record_changes(record=unit)
