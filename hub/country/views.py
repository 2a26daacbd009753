"""Pages of a country's set-up: a hub's public holidays, which its manager corrects, and the administrative
units, which administrators correct. Writes go through `hub.country.services` and
`hub.country.holidays.refresh_holidays`."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hub.classifications import Country
from hub.country import services
from hub.country.forms import HolidayForm, UnitForm
from hub.country.holidays import refresh_holidays
from hub.country.selectors import (
    calendar_hub,
    corrects_units,
    country_units,
    holidays_managed_by,
    hub_holidays,
    unit_changes,
    unit_countries,
    units_readable_by,
)
from hub.forms import add_errors
from hub.models import Hub, Role
from hub.permissions import Action, access, require


def _year(value: str | None) -> int:
    """A 404 for a year that is no number between 2000 and 2100."""
    value = value or str(timezone.localdate().year)
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise Http404(_("No calendar for that year."))
    return int(value)


def _holidays_url(hub: Hub, year: int) -> str:
    return f"{reverse('country:holidays')}?{urlencode({'hub': hub.code, 'year': year})}"


def _holidays_page(request, *, hub: Hub, year: int, add_form=None, correcting=None):
    """The page; `add_form` or `correcting` (a holiday's refused correction form) are shown with their errors."""
    rows = []
    for holiday in hub_holidays(hub=hub, year=year):
        if correcting is not None and correcting.prefix == f"h{holiday.pk}":
            form = correcting
        else:
            form = HolidayForm(prefix=f"h{holiday.pk}", initial={"date": holiday.date, "name": holiday.name})
        rows.append((holiday, form))
    context = {
        "hub": hub,
        "year": year,
        "rows": rows,
        "add_form": add_form or HolidayForm(prefix="new"),
        "here": urlencode({"hub": hub.code, "year": year}),
        "hubs": Hub.objects.order_by("code") if request.user.role == Role.ADMIN else None,
        "years": [year - 1, year + 1],
    }
    failed = add_form is not None or correcting is not None
    return render(request, "country/holidays.html", context, status=400 if failed else 200)


def _changed_hub(request) -> Hub:
    hub = calendar_hub(user=request.user, code=request.GET.get("hub"))
    if hub is None:
        raise Http404(_("No such hub."))
    return hub


@require(Action.SET_TARGETS)
def holiday_list(request):
    """A hub's holidays of a year (`?year=`, this year by default): a manager's own hub's, the hub an
    administrator names (`?hub=`, the first hub otherwise)."""
    hub = calendar_hub(user=request.user, code=request.GET.get("hub"))
    if hub is None:
        messages.info(request, _("No hub is open yet: open the first one, its calendar comes with it."))
        return redirect("hubs:new")
    return _holidays_page(request, hub=hub, year=_year(request.GET.get("year")))


@require_POST
@require(Action.SET_TARGETS)
def holiday_add(request):
    hub = _changed_hub(request)
    year = _year(request.GET.get("year"))
    form = HolidayForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            holiday = services.holiday_add(hub, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("%(name)s is added to the calendar.") % {"name": holiday.name})
            return redirect(_holidays_url(hub, holiday.date.year))
    return _holidays_page(request, hub=hub, year=year, add_form=form)


@require_POST
@require(Action.SET_TARGETS)
def holiday_correct(request, pk: int):
    holiday = access(holidays_managed_by(user=request.user), pk=pk)
    year = holiday.date.year
    form = HolidayForm(request.POST, prefix=f"h{holiday.pk}")
    if form.is_valid():
        try:
            holiday = services.holiday_correct(holiday, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("%(name)s is corrected.") % {"name": holiday.name})
            return redirect(_holidays_url(holiday.hub, holiday.date.year))
    return _holidays_page(request, hub=holiday.hub, year=year, correcting=form)


@require_POST
@require(Action.SET_TARGETS)
def holiday_remove(request, pk: int):
    holiday = access(holidays_managed_by(user=request.user), pk=pk)
    services.holiday_remove(holiday, by=request.user)
    messages.success(request, _("%(name)s is removed from the calendar.") % {"name": holiday.name})
    return redirect(_holidays_url(holiday.hub, holiday.date.year))


@require_POST
@require(Action.SET_TARGETS)
def holidays_refresh(request):
    hub = _changed_hub(request)
    year = _year(request.GET.get("year"))
    done = refresh_holidays(hub, years=[year], by=request.user)
    messages.success(
        request,
        _(
            "Calendar refreshed: %(added)s added, %(renamed)s renamed, %(removed)s removed; "
            "%(kept)s corrections of the hub kept."
        )
        % {"added": done.added, "renamed": done.renamed, "removed": done.removed, "kept": done.kept},
    )
    return redirect(_holidays_url(hub, year))


@require(Action.VIEW_HISTORY)
def unit_list(request):
    """The units of a country (`?country=`): administrators choose any programme country, managers read
    their hub's."""
    countries = unit_countries(user=request.user)
    if not countries:
        raise Http404(_("No such country."))
    country = request.GET.get("country") or countries[0][0]
    context = {
        "units": country_units(user=request.user, country=country),
        "country": country,
        "countries": countries,
        "can_correct": corrects_units(user=request.user),
    }
    return render(request, "country/units.html", context)


@require_POST
@require(Action.VIEW_HISTORY)
def units_load(request):
    country = request.POST.get("country", "")
    if country not in Country.values:
        raise Http404(_("No such country."))
    created = services.units_load(country=country, by=request.user)
    messages.success(request, _("%(count)s units loaded from ISO 3166-2.") % {"count": created})
    return redirect(f"{reverse('country:units')}?{urlencode({'country': country})}")


@require(Action.VIEW_HISTORY)
def unit_detail(request, code: str):
    """A unit with its history; administrators correct it here."""
    unit = access(units_readable_by(user=request.user), pk=code)
    can_correct = corrects_units(user=request.user)
    if request.method == "POST" and not can_correct:
        raise PermissionDenied
    form = None
    if can_correct:
        initial = {"name": unit.name, "kind": unit.kind, "iso_code": unit.iso_code}
        form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_correct(unit, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
            unit.refresh_from_db()
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("country:unit", code=unit.code)
    context = {"unit": unit, "form": form, "changes": unit_changes(unit=unit)}
    return render(request, "country/unit.html", context, status=400 if form is not None and form.errors else 200)
