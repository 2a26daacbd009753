"""Managers' directory pages: enterprises with their cases, visits and follow-ups, their export and
anonymisation on request, and referents with their workload. Enterprises are written through
`hub.services.enterprise_save`."""

import tempfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hub import privacy
from hub.calendar import hub_today
from hub.classifications import IsicSection, SizeClass
from hub.directory_forms import AnonymiseForm, EnterpriseForm
from hub.filters import EnterpriseFilter
from hub.forms import add_errors
from hub.models import Enterprise, Role
from hub.permissions import Action, access, can, require
from hub.selectors import (
    enterprise_cases,
    enterprise_changes,
    enterprise_directory,
    enterprise_followups,
    enterprises_visible_to,
    referent_open_cases,
    referent_workloads,
    regions_offered,
)
from hub.services import ENTERPRISE_EDITABLE_FIELDS, enterprise_save
from visits.selectors import visits_visible_to

PAGE_SIZE = 50
RECENT_VISITS = 20


@require(Action.VIEW_DIRECTORY)
def enterprise_list(request):
    enterprises = enterprise_directory(user=request.user).order_by("name", "pk")
    directory_filter = EnterpriseFilter(request.GET, queryset=enterprises)
    page = Paginator(directory_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": directory_filter,
        "page": page,
        "query": query.urlencode(),
        "regions": regions_offered(user=request.user),
        "sectors": IsicSection.choices,
        "size_classes": SizeClass.choices,
        "can_edit": can(request.user, Action.MANAGE_DIRECTORY),
    }
    return render(request, "hub/enterprise_list.html", context)


@require(Action.VIEW_DIRECTORY)
def enterprise_detail(request, pk: int):
    user = request.user
    enterprise = access(enterprises_visible_to(user=user), pk=pk)
    today = timezone.localdate() if enterprise.hub_id == user.hub_id else hub_today(hub=enterprise.hub)
    context = {
        "enterprise": enterprise,
        "cases": enterprise_cases(user=user, enterprise=enterprise, today=today),
        "visits": visits_visible_to(user=user).filter(enterprise=enterprise).order_by("-started_at"),
        "followups": enterprise_followups(user=user, enterprise=enterprise),
        "sme_users": enterprise.users.filter(role=Role.SME).order_by("last_name", "first_name"),
        "changes": enterprise_changes(enterprise=enterprise) if can(user, Action.VIEW_HISTORY) else None,
        "can_edit": can(user, Action.MANAGE_DIRECTORY) and enterprise.anonymised_at is None,
        "can_handle_privacy": can(user, Action.MANAGE_DIRECTORY),
        "can_triage": can(user, Action.TRIAGE_CASES) and enterprise.anonymised_at is None,
    }
    return render(request, "hub/enterprise_detail.html", context)


@require(Action.MANAGE_DIRECTORY)
def enterprise_edit(request, pk: int | None = None):
    """Register an enterprise (no `pk`) or correct one; a refused change saves nothing."""
    if pk is None:
        enterprise = Enterprise(hub=request.user.hub)
    else:
        enterprise = access(enterprises_visible_to(user=request.user), pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ENTERPRISE_EDITABLE_FIELDS}
        try:
            enterprise = enterprise_save(enterprise=form.instance, by=request.user, **fields)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if pk is None:
                messages.success(request, _("The enterprise is registered."))
            else:
                messages.success(request, _("The changes are saved."))
            return redirect("directory:enterprise-detail", pk=enterprise.pk)
    return render(request, "hub/enterprise_form.html", {"form": form, "enterprise": enterprise})


@require(Action.MANAGE_DIRECTORY)
def enterprise_export(request, pk: int):
    """Everything the programme holds on the enterprise, as a zip of JSON and files (a request under the
    data protection law); the download is written to the security log."""
    enterprise = access(enterprises_visible_to(user=request.user), pk=pk)
    archive = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    privacy.enterprise_export_archive(enterprise=enterprise, by=request.user, target=archive)
    archive.seek(0)
    return FileResponse(archive, as_attachment=True, filename=f"entreprise-{enterprise.pk}.zip")


@require(Action.MANAGE_DIRECTORY)
def enterprise_anonymise(request, pk: int):
    """Confirmation page, then the anonymisation (`hub.privacy.enterprise_anonymise`), for good."""
    enterprise = access(enterprises_visible_to(user=request.user), pk=pk)
    if enterprise.anonymised_at is not None:
        messages.info(request, _("This enterprise is already anonymised."))
        return redirect("directory:enterprise-detail", pk=enterprise.pk)
    form = AnonymiseForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        privacy.enterprise_anonymise(enterprise=enterprise, by=request.user)
        messages.success(request, _("The enterprise is anonymised. Its figures stay in the reports."))
        return redirect("directory:enterprise-detail", pk=enterprise.pk)
    return render(request, "hub/enterprise_anonymise.html", {"form": form, "enterprise": enterprise})


@require(Action.MANAGE_REFERENTS)
def referent_list(request):
    today = timezone.localdate()
    context = {
        "referents": referent_workloads(user=request.user, today=today).order_by("last_name", "first_name", "pk"),
        "show_hub": request.user.hub_id is None,
    }
    return render(request, "hub/referent_list.html", context)


@require(Action.MANAGE_REFERENTS)
def referent_detail(request, pk: int):
    today = timezone.localdate()
    referent = access(referent_workloads(user=request.user, today=today), pk=pk)
    context = {
        "referent": referent,
        "today": today,
        "cases": referent_open_cases(referent=referent, today=today),
        "visits": visits_visible_to(user=request.user)
        .filter(referent=referent)
        .order_by("-started_at")[:RECENT_VISITS],
    }
    return render(request, "hub/referent_detail.html", context)
