"""Staff pages: managers create, correct, invite, deactivate and reactivate their hub's referents and managers
(administrators any hub's, and the regional viewers); the invited person chooses their password."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from hub.accounts_views import BACKEND
from hub.forms import PasswordTwiceForm, add_errors
from hub.models import Role
from hub.permissions import Action, access, can, require
from hub.services import INVITATION_MAX_AGE, InvitationError
from hub.staff import services
from hub.staff.forms import HubChoiceForm, StaffForm, ViewerForm
from hub.staff.selectors import followups_in_charge, person_changes, staff_hubs, staff_visible_to


def _invited_message(request, person) -> None:
    messages.success(
        request,
        _("%(name)s is invited: the link to choose a password is valid for %(days)d days.")
        % {"name": person.get_full_name() or person.username, "days": INVITATION_MAX_AGE.days},
    )


@require(Action.MANAGE_REFERENTS)
def staff_list(request):
    """The hub's people; administrators choose the hub, or see every hub's and the regional viewers."""
    user = request.user
    chooser = HubChoiceForm(request.GET or None, hubs=staff_hubs(user=user)) if user.role == Role.ADMIN else None
    hub = chooser.cleaned_data["hub"] if chooser is not None and chooser.is_valid() else None
    people = staff_visible_to(user=user)
    context = {
        "chooser": chooser,
        "hub": hub or user.hub,
        "staff": people.exclude(role=Role.VIEWER).filter(**({"hub": hub} if hub else {})),
        "viewers": people.filter(role=Role.VIEWER) if can(user, Action.MANAGE_VIEWERS) else None,
    }
    return render(request, "staff/list.html", context)


@never_cache
@require(Action.MANAGE_REFERENTS)
def staff_new(request):
    """A referent or a manager of the user's hub; administrators first choose the hub (`?hub=<code>`)."""
    hubs = staff_hubs(user=request.user)
    hub = request.user.hub if request.user.role != Role.ADMIN else hubs.filter(code=request.GET.get("hub")).first()
    if hub is None:
        return render(request, "staff/choose_hub.html", {"chooser": HubChoiceForm(hubs=hubs, every_hub=False)})
    form = StaffForm(request.POST or None, hub=hub)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.staff_create(
                hub=hub, role=form.cleaned_data["role"], by=request.user, **form.contact(), **form.profile()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            _invited_message(request, person)
            return redirect("staff:person", pk=person.pk)
    return render(request, "staff/form.html", {"form": form, "hub": hub})


@never_cache
@require(Action.MANAGE_VIEWERS)
def viewer_new(request):
    form = ViewerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.viewer_save(viewer=None, by=request.user, hubs=form.report_hubs(), **form.contact())
        except ValidationError as error:
            add_errors(form, error)
        else:
            _invited_message(request, person)
            return redirect("staff:person", pk=person.pk)
    return render(request, "staff/form.html", {"form": form, "viewer": True})


@never_cache
@require(Action.MANAGE_REFERENTS)
def person_detail(request, pk: int):
    """A person's details to correct, their invitation, activation and history."""
    person = access(staff_visible_to(user=request.user), pk=pk)
    if person.role == Role.VIEWER:
        form = ViewerForm(request.POST or None, person=person)
    else:
        form = StaffForm(request.POST or None, hub=person.hub, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            if person.role == Role.VIEWER:
                services.viewer_save(viewer=person, by=request.user, hubs=form.report_hubs(), **form.contact())
            else:
                services.staff_update(person=person, by=request.user, **form.contact(), **form.profile())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("staff:person", pk=person.pk)
    context = {
        "person": person,
        "form": form,
        "invited": not person.has_usable_password(),
        "changes": person_changes(person=person),
    }
    return render(request, "staff/person.html", context)


@require_POST
@require(Action.MANAGE_REFERENTS)
def invite_again(request, pk: int):
    person = access(staff_visible_to(user=request.user), pk=pk)
    try:
        services.staff_invite_again(person=person, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _invited_message(request, person)
    return redirect("staff:person", pk=person.pk)


@never_cache
@require(Action.MANAGE_REFERENTS)
def deactivate(request, pk: int):
    """Confirmation page, then the deactivation; the cases it handed back to triage are listed to reassign."""
    person = access(staff_visible_to(user=request.user), pk=pk)
    if request.method == "POST":
        try:
            returned = services.staff_deactivate(person=person, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("staff:person", pk=person.pk)
        messages.success(request, _("The account is deactivated: its sessions and API tokens have ended."))
        context = {"person": person, "returned": returned, "followups": followups_in_charge(person)}
        return render(request, "staff/deactivated.html", context)
    return render(request, "staff/deactivate.html", {"person": person})


@require_POST
@require(Action.MANAGE_REFERENTS)
def reactivate(request, pk: int):
    person = access(staff_visible_to(user=request.user), pk=pk)
    try:
        services.staff_reactivate(person=person, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The account is active again."))
    return redirect("staff:person", pk=person.pk)


@never_cache
@sensitive_post_parameters("password1", "password2")
def accept_invitation(request, token: str):
    """The invited person chooses a password, then is signed in."""
    try:
        user = services.invited_staff(token)
    except InvitationError as error:
        return render(request, "accounts/invitation_unusable.html", {"reason": str(error)}, status=410)
    form = PasswordTwiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.staff_accept_invitation(user=user, password=form.cleaned_data["password1"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your password is saved. Welcome!"))
            return redirect("home")
    return render(request, "staff/accept_invitation.html", {"form": form, "invited": user})
