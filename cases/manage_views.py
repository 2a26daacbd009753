"""Managers' pages: the case list with filters, registering a request on an enterprise's behalf, and the
case page where a case is qualified, rejected, assigned, referred, moved and annotated. Every change goes
through the case services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases import services
from cases.filters import CASE_LIST_QUERIES, CaseFilter
from cases.forms import AssignForm, NoteForm, QualifyForm, RegisterRequestForm, TransitionForm
from cases.models import MOVE_LABELS, CaseStatus
from cases.selectors import case_shares, case_timeline, cases_visible_to, moves_offered, referent_suggestions
from cases.views import attachment_download
from hub.calendar import hub_today
from hub.forms import add_errors
from hub.library.forms import ShareForm
from hub.models import Role, User
from hub.permissions import Action, access, can, require
from hub.selectors import enterprises_visible_to, regions_offered

PAGE_SIZE = 50
S = CaseStatus
SHORTCUTS = [
    (CASE_LIST_QUERIES["new"], gettext_lazy("Inbox")),
    (CASE_LIST_QUERIES["qualified"], gettext_lazy("To assign")),
    (CASE_LIST_QUERIES["overdue"], gettext_lazy("Overdue")),
    (CASE_LIST_QUERIES["open"], gettext_lazy("Open")),
    ("", gettext_lazy("All")),
]


@require(Action.TRIAGE_CASES)
def case_list(request):
    cases = cases_visible_to(user=request.user).select_related("enterprise", "assigned_to").order_by("-received_at")
    case_filter = CaseFilter(request.GET, queryset=cases)
    page = Paginator(case_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": case_filter,
        "page": page,
        "query": query.urlencode(),
        "shortcuts": SHORTCUTS,
        "today": timezone.localdate(),
        "referents": User.objects.filter(role=Role.REFERENT, hub=request.user.hub_id).order_by("first_name"),
        "regions": regions_offered(user=request.user),
    }
    return render(request, "cases/manage_list.html", context)


@require(Action.TRIAGE_CASES)
def case_register(request):
    """A request received by phone, at the office or from a partner, registered for the enterprise."""
    enterprises = enterprises_visible_to(user=request.user).order_by("name")
    form = RegisterRequestForm(
        request.POST or None, request.FILES or None, enterprises=enterprises, initial=request.GET.dict()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                case = services.case_create(
                    enterprise=data["enterprise"],
                    by=request.user,
                    channel=data["channel"],
                    domain=data["domain"],
                    priority=data["priority"],
                    title=data["title"],
                    description=data["description"],
                )
                services.case_attach_files(case=case, by=request.user, uploads=data["attachments"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Request registered under the reference %(reference)s.") % {"reference": case.reference}
            )
            return redirect("manage-cases:detail", pk=case.pk)
    return render(request, "cases/manage_register.html", {"form": form})


@require(Action.TRIAGE_CASES)
def case_detail(request, pk: int):
    case = access(
        cases_visible_to(user=request.user).select_related("hub", "enterprise__region", "assigned_to", "referred_to"),
        pk=pk,
    )
    suggestions = referent_suggestions(case=case) if case.is_open and case.status != S.NEW else []
    moves = moves_offered(case=case, user=request.user)
    context = {
        "case": case,
        "today": hub_today(hub=case.hub),
        "dues": [
            (_("Acknowledge"), case.acknowledge_due, case.acknowledged_at),
            (_("Assign"), case.assign_due, case.assigned_at),
            (_("First contact or visit"), case.first_contact_due, case.first_contact_at),
            (_("Resolve"), case.resolve_due, case.resolved_at),
        ],
        "timeline": case_timeline(case=case, user=request.user),
        "can_open_visits": can(request.user, Action.VIEW_VISITS),
        "attachments": case.attachments.all(),
        "qualify_form": QualifyForm(initial={"domain": case.domain, "priority": case.priority}),
        "suggestions": suggestions,
        "assign_form": AssignForm(suggestions=suggestions) if suggestions else None,
        "moves": [
            (move, MOVE_LABELS[case.status, move], TransitionForm(moves=moves, hub=case.hub, auto_id=f"{move}-%s"))
            for move in moves
        ],
        "note_form": NoteForm(),
        "share_form": ShareForm(hub_id=case.hub_id, domain=case.domain),
        "shares": case_shares(case=case),
    }
    # The case's times in its hub's zone, whoever reads them (an administrator too).
    with timezone.override(case.hub.zone):
        return render(request, "cases/manage_case.html", context)


@require(Action.TRIAGE_CASES)
def case_attachment(request, pk: int, token):
    case = access(cases_visible_to(user=request.user), pk=pk)
    return attachment_download(access(case.attachments.all(), token=token))


@require_POST
@require(Action.TRIAGE_CASES)
def case_action(request, pk: int, action: str):
    """One endpoint for the case page's forms; a refused change is explained and nothing is saved."""
    case = access(cases_visible_to(user=request.user).select_related("hub", "enterprise"), pk=pk)
    version = request.POST.get("version", "")
    expected_version = int(version) if version.isdigit() else None
    forms = {
        "qualify": lambda: QualifyForm(request.POST),
        "assign": lambda: AssignForm(request.POST, suggestions=referent_suggestions(case=case)),
        "transition": lambda: TransitionForm(
            request.POST, moves=moves_offered(case=case, user=request.user), hub=case.hub
        ),
        "note": lambda: NoteForm(request.POST),
        "share": lambda: ShareForm(request.POST, hub_id=case.hub_id),
    }
    if action not in forms:
        raise PermissionDenied
    form = forms[action]()
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("manage-cases:detail", pk=case.pk)
    data = form.cleaned_data
    try:
        if action == "qualify":
            services.case_qualify(case=case, by=request.user, expected_version=expected_version, **data)
            messages.success(request, _("The case is qualified: assign it to a referent now."))
        elif action == "assign":
            services.case_assign(case=case, by=request.user, expected_version=expected_version, **data)
            messages.success(request, _("The case is assigned."))
        elif action == "transition":
            services.case_transition(case=case, by=request.user, expected_version=expected_version, **data)
            messages.success(request, _("The case is now “%(status)s”.") % {"status": S(data["to_status"]).label})
        elif action == "share":
            services.case_share(case=case, by=request.user, **data)
            messages.success(request, _("Shared with the enterprise: it sees it with its request."))
        else:
            services.case_add_note(case=case, by=request.user, **data)
            messages.success(request, _("The note is saved."))
    except services.CaseChanged:
        messages.error(request, _("This case was changed by someone else in the meantime: check it and try again."))
    except ValidationError as error:
        for field_errors in error.message_dict.values():
            messages.error(request, " ".join(field_errors))
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You cannot make this change."))
    return redirect("manage-cases:detail", pk=case.pk)
