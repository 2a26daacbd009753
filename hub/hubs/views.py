"""Administrators' pages: the hubs, and opening one (`hub.hubs.services.hub_open`); the settings of a hub,
kept by its managers (`hub.hubs.services.hub_update`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from hub.forms import add_errors
from hub.hubs.forms import HUB_FIELDS, MANAGER_FIELDS, HubOpenForm, HubSettingsForm
from hub.hubs.selectors import hubs_managed_by, hubs_opened
from hub.hubs.services import hub_open, hub_update
from hub.permissions import Action, access, require


@require(Action.OPEN_HUBS)
def hub_list(request):
    return render(request, "hubs/list.html", {"hubs": hubs_opened()})


@never_cache
@require(Action.OPEN_HUBS)
def hub_new(request):
    form = HubOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in HUB_FIELDS + MANAGER_FIELDS}
        try:
            hub = hub_open(by=request.user, **fields)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The hub %(code)s is open, with its regions and public holidays.") % {"code": hub.code}
                + (" " + _("Its manager is invited.") if fields["manager_phone"] or fields["manager_email"] else ""),
            )
            return redirect("hubs:list")
    return render(request, "hubs/form.html", {"form": form})


@never_cache
@require(Action.SET_TARGETS)
def hub_settings(request, code: str):
    """Another hub's settings are not found, whether or not the hub exists."""
    hub = access(hubs_managed_by(user=request.user), code=code)
    form = HubSettingsForm(request.POST if request.method == "POST" else None, instance=hub)
    if request.method == "POST" and form.is_valid():
        try:
            hub_update(hub=hub, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The hub's settings are saved; due dates set from now on follow them."))
            return redirect("hubs:settings", code=hub.code)
    return render(request, "hubs/settings.html", {"form": form, "hub": hub}, status=400 if form.errors else 200)
