"""Accounts: an SME signing up from the login page, a manager's invitation and its acceptance, and the
reset of a forgotten password."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from phonenumber_field.phonenumber import PhoneNumber

from hub import services
from hub.forms import (
    AcceptInvitationForm,
    InviteForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    SignUpCodeForm,
    SignUpForm,
    add_errors,
)
from hub.permissions import Action, access, require
from hub.selectors import enterprises_visible_to

BACKEND = "django.contrib.auth.backends.ModelBackend"


SIGN_UP_SESSION_KEY = "sign_up"


class SignOutView(auth_views.LogoutView):
    """Signing out also empties the browser's HTTP cache for the site (`Clear-Site-Data: "cache"`), where
    the referents' phones keep the copies of their day, directory and follow-ups to revalidate them; the
    phone's own storage (the records not sent yet) is left to the mobile app."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache"'
        return response


@never_cache
@sensitive_post_parameters("password1", "password2")
def signup(request):
    """An entrepreneur fills in their enterprise and account; a code texted to the number confirms it."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pending = services.sme_sign_up_start(
                request=request,
                phone=data["phone"],
                password=data["password1"],
                email=data["email"],
                consent=data["consent"],
                language=request.LANGUAGE_CODE,
                hub=data.get("hub"),
                **{name: data[name] for name in services.SIGN_UP_ENTERPRISE_FIELDS},
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            request.session[SIGN_UP_SESSION_KEY] = pending
            return redirect("accounts:signup-confirm")
    return render(request, "accounts/signup.html", {"form": form})


@never_cache
def signup_confirm(request):
    """The code texted at sign-up registers the enterprise and signs its owner in, on the portal."""
    pending = request.session.get(SIGN_UP_SESSION_KEY)
    if request.user.is_authenticated or pending is None:
        return redirect("home" if request.user.is_authenticated else "accounts:signup")
    form = SignUpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sme_sign_up_confirm(pending=pending, code=form.cleaned_data["code"])
        except ValidationError as error:
            request.session[SIGN_UP_SESSION_KEY] = pending
            add_errors(form, error)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Welcome! Your account is ready: you can now send a support request."))
            return redirect("cases:portal-home")
    context = {
        "form": form,
        "phone": PhoneNumber.from_string(pending["phone"]).as_international,
        "minutes": int(services.SIGN_UP_CODE_LIFETIME.total_seconds() // 60),
    }
    return render(request, "accounts/signup_confirm.html", context)


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
            add_errors(form, error)
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
            add_errors(form, error)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your password is saved. Welcome to your space!"))
            return redirect("cases:portal-home")
    context = {"form": form, "invited": user, "enterprise": user.enterprise}
    return render(request, "accounts/accept_invitation.html", context)


@never_cache
def password_reset(request):
    """Asks for a phone number, user name or e-mail and answers the same whatever it names."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(identifier=form.cleaned_data["identifier"], request=request)
        return redirect("accounts:password-reset-sent")
    return render(request, "accounts/password_reset.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's check of the link (its token leaves the address bar before the form shows), then the new
    password through `services.password_reset_complete`."""

    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        try:
            services.password_reset_complete(user=self.user, password=form.cleaned_data["password1"])
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())
