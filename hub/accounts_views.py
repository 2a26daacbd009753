"""SME accounts: signing up from the login page, a manager's invitation and its acceptance."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from hub import services
from hub.forms import AcceptInvitationForm, InviteForm, SignUpForm
from hub.permissions import Action, access, require
from hub.selectors import enterprises_visible_to

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)


@never_cache
@sensitive_post_parameters("password1", "password2")
def signup(request):
    """An entrepreneur registers their enterprise and account, then lands on the portal signed in."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.sme_sign_up(
                phone=data["phone"],
                password=data["password1"],
                email=data["email"],
                consent=data["consent"],
                language=request.LANGUAGE_CODE,
                hub=data.get("hub"),
                **{name: data[name] for name in services.SIGN_UP_ENTERPRISE_FIELDS},
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Welcome! Your account is ready: you can now send a support request."))
            return redirect("cases:portal-home")
    return render(request, "accounts/signup.html", {"form": form})


@never_cache
@require(Action.MANAGE_DIRECTORY)
def invite(request, enterprise_pk: int):
    """A manager gives a person of a registered enterprise access to the portal."""
    enterprise = access(enterprises_visible_to(user=request.user), pk=enterprise_pk)
    form = InviteForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sme_invite(enterprise=enterprise, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The invitation has been sent to %(phone)s. The link is valid for %(days)d days.")
                % {"phone": user.phone.as_national, "days": services.INVITATION_MAX_AGE.days},
            )
            return redirect("directory:enterprise-detail", pk=enterprise.pk)
    return render(request, "accounts/invite.html", {"form": form, "enterprise": enterprise})


@never_cache
@sensitive_post_parameters("password1", "password2")
def accept_invitation(request, token: str):
    """The invited person chooses a password (and consents if nobody did), then is signed in."""
    try:
        user = services.invited_user(token)
    except services.InvitationError as error:
        return render(request, "accounts/invitation_unusable.html", {"reason": str(error)}, status=410)
    needs_consent = not user.enterprise.consent_given
    form = AcceptInvitationForm(request.POST or None, needs_consent=needs_consent)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sme_accept_invitation(
                user=user, password=form.cleaned_data["password1"], consent=form.cleaned_data.get("consent", False)
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your password is saved. Welcome to your space!"))
            return redirect("cases:portal-home")
    context = {"form": form, "invited": user, "enterprise": user.enterprise}
    return render(request, "accounts/accept_invitation.html", context)
