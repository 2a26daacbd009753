"""Administrators' pages: the hubs, and opening one (`hub.hubs.services.hub_open`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from hub.accounts_views import _add_errors
from hub.hubs.forms import HUB_FIELDS, MANAGER_FIELDS, HubOpenForm
from hub.hubs.selectors import hubs_opened
from hub.hubs.services import hub_open
from hub.permissions import Action, require


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
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The hub %(code)s is open, with its regions and public holidays.") % {"code": hub.code}
                + (" " + _("Its manager is invited.") if fields["manager_phone"] or fields["manager_email"] else ""),
            )
            return redirect("hubs:list")
    return render(request, "hubs/form.html", {"form": form})
