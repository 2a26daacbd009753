"""Managers' pages of the impact follow-ups: what is due, overdue and collected, a follow-up's page with its
answers and history, where it is assigned, recorded, or its self-reported answers confirmed. Every change
goes through `hub.followups.services`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from hub.calendar import hub_today
from hub.filters import FollowUpFilter
from hub.followups import services
from hub.followups.forms import FollowUpAnswersForm, FollowUpAssignForm, FollowUpRecordForm, FollowUpsAssignForm
from hub.followups.selectors import DUE_SOON_DAYS, FollowUpState, followup_counts, followups_visible_to
from hub.forms import add_errors
from hub.models import FollowUp, Role, User
from hub.permissions import Action, access, can, require, scope
from hub.selectors import record_changes, regions_offered

PAGE_SIZE = 50
SHORTCUTS = [*((f"state={state}", state.label) for state in FollowUpState), ("", gettext_lazy("All"))]


@require(Action.ASSIGN_CASES)
def followup_list(request):
    """Those still to collect first, the earliest due first; then those collected, the latest first."""
    today = timezone.localdate()
    followups = followups_visible_to(user=request.user)
    followup_filter = FollowUpFilter(request.GET, queryset=followups)
    ordered = followup_filter.qs.order_by(F("collected_on").desc(nulls_first=True), "due_date", "pk")
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": followup_filter,
        "page": page,
        "query": query.urlencode(),
        "shortcuts": SHORTCUTS,
        "today": today,
        "counts": followup_counts(followups=followups, today=today),
        "due_soon_days": DUE_SOON_DAYS,
        "kinds": FollowUp.Kind.choices,
        "referents": scope(User.objects.filter(role=Role.REFERENT), user=request.user).order_by(
            "first_name", "last_name"
        ),
        "regions": regions_offered(user=request.user),
        "assign_form": FollowUpsAssignForm(followups=followups, hub_id=request.user.hub_id)
        if any(followup.collected_on is None for followup in page)
        else None,
    }
    return render(request, "followups/manage_list.html", context)


@require_POST
@require(Action.ASSIGN_CASES)
def followups_assign(request):
    """Several follow-ups of the list to one referent, all or none; back to the list as it was filtered."""
    followups = followups_visible_to(user=request.user)
    form = FollowUpsAssignForm(request.POST, followups=followups, hub_id=request.user.hub_id)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        selected = list(form.cleaned_data["followups"])
        services.followups_assign(followups=selected, referent=form.cleaned_data["referent"], by=request.user)
    except ValidationError as error:
        for field_errors in error.message_dict.values():
            messages.error(request, " ".join(field_errors))
    else:
        messages.success(
            request,
            ngettext("%(count)d follow-up assigned.", "%(count)d follow-ups assigned.", len(selected))
            % {"count": len(selected)},
        )
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(f"{reverse('followups:list')}?{query}")


def _detail_context(request, followup: FollowUp, **forms) -> dict:
    user = request.user
    collected = followup.collected_on is not None
    can_record = can(user, Action.RECORD_FOLLOWUPS) and followup.enterprise.anonymised_at is None
    today = hub_today(hub=followup.hub)
    context = {
        "followup": followup,
        "today": today,
        "can_list": can(user, Action.ASSIGN_CASES),
        "answers": [
            (FollowUp._meta.get_field(name).verbose_name, getattr(followup, name), name)
            for name in (
                services.BASELINE_FIELDS if followup.kind == FollowUp.Kind.BASELINE else services.ANSWER_FIELDS
            )
        ],
        "assign_form": FollowUpAssignForm(hub_id=followup.hub_id, initial={"referent": followup.assigned_to_id})
        if can(user, Action.ASSIGN_CASES) and not collected
        else None,
        "record_form": FollowUpRecordForm(instance=followup, kind=followup.kind, initial={"collected_on": today})
        if can_record and not collected
        else None,
        "confirm_form": FollowUpAnswersForm(instance=followup, kind=followup.kind)
        if can_record and followup.self_reported and followup.confirmed_at is None
        else None,
        "changes": record_changes(record=followup, hidden=frozenset({"content_hash", "client_uuid"}))
        if can(user, Action.VIEW_HISTORY)
        else None,
    }
    context.update({name: form for name, form in forms.items() if form is not None})
    return context


@require(Action.RECORD_FOLLOWUPS)
def followup_detail(request, pk: int):
    followup = access(followups_visible_to(user=request.user), pk=pk)
    return render(request, "followups/manage_detail.html", _detail_context(request, followup))


@require_POST
@require(Action.RECORD_FOLLOWUPS)
def followup_action(request, pk: int, action: str):
    """Assign, record or confirm; a refused change saves nothing and the page says why, beside its field."""
    if action == "assign" and not can(request.user, Action.ASSIGN_CASES):
        raise PermissionDenied
    followup = access(followups_visible_to(user=request.user), pk=pk)
    forms = {
        "assign": ("assign_form", FollowUpAssignForm(request.POST, hub_id=followup.hub_id)),
        "record": ("record_form", FollowUpRecordForm(request.POST, instance=followup, kind=followup.kind)),
        "confirm": ("confirm_form", FollowUpAnswersForm(request.POST, instance=followup, kind=followup.kind)),
    }
    if action not in forms:
        raise PermissionDenied
    name, form = forms[action]
    if form.is_valid():
        try:
            if action == "assign":
                services.followup_assign(followup=followup, referent=form.cleaned_data["referent"], by=request.user)
                messages.success(request, _("The follow-up is assigned."))
            elif action == "record":
                collection = services.Collection(collected_on=form.cleaned_data["collected_on"], answers=form.answers)
                services.followup_collect(followup=followup, data=collection, by=request.user)
                messages.success(request, _("The follow-up is recorded."))
            else:
                services.followup_confirm(followup=followup, by=request.user, answers=form.answers)
                messages.success(request, _("The answers are confirmed."))
            return redirect("followups:detail", pk=followup.pk)
        except ValidationError as error:
            add_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("You cannot make this change."))
    followup = access(followups_visible_to(user=request.user), pk=pk)
    return render(
        request, "followups/manage_detail.html", _detail_context(request, followup, **{name: form}), status=400
    )
