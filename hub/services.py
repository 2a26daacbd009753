"""Writes to the programme-wide domain: the directory of enterprises, the SME
accounts (signing up, invitations) and password resets."""

import datetime
import secrets
from functools import partial

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from hub import security
from hub.backends import phone_in_e164
from hub.imports.bulk import Bulk, full_clean
from hub.messaging.services import queue_message
from hub.models import (
    AdministrativeUnit,
    Enterprise,
    Hub,
    HubTarget,
    OutgoingMessage,
    Role,
    TargetIndicator,
    User,
)
from hub.permissions import Action, can, works_in_hub

ENTERPRISE_EDITABLE_FIELDS = [
    "name",
    "rccm",
    "nif",
    "sector",
    "activity",
    "region",
    "commune",
    "address",
    "latitude",
    "longitude",
    "owner_name",
    "owner_phone",
    "owner_email",
    "women_led",
    "youth_led",
    "employees_total",
    "employees_women",
    "turnover_band",
    "consent_given",
    "consent_date",
]


def _check_hub(*, by: User, hub_id: int) -> None:
    if not works_in_hub(by, hub_id):
        raise ValidationError({"hub": _("You can only work in your own hub.")})


def check_not_anonymised(enterprise: Enterprise, *, field: str = "enterprise") -> None:
    """An anonymised enterprise takes no new records: they would bring personal data back."""
    if enterprise.anonymised_at is not None:
        raise ValidationError({field: _("This enterprise was anonymised on its request: it takes no new records.")})


@transaction.atomic
def enterprise_save(*, enterprise: Enterprise, by: User, bulk: Bulk | None = None, **fields) -> Enterprise:
    """Create (unsaved `enterprise`) or update an enterprise of `by`'s hub after full validation. An import
    passes what it read once for all its records (`bulk`, hub.imports.bulk): the same validation, fewer
    queries."""
    if not can(by, Action.MANAGE_DIRECTORY):
        raise PermissionDenied(_("Your role cannot change the directory."))
    check_not_anonymised(enterprise, field=NON_FIELD_ERRORS)
    unknown = set(fields) - set(ENTERPRISE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if enterprise.hub_id is None:
        enterprise.hub_id = by.hub_id
    _check_hub(by=by, hub_id=enterprise.hub_id)
    for name, value in fields.items():
        setattr(enterprise, name, value)
    full_clean(enterprise, bulk=bulk)
    if bulk is not None:
        bulk.defer_history(enterprise)
    enterprise.save()
    return enterprise


@transaction.atomic
def hub_targets_save(*, hub: Hub, year: int, values: dict[str, int | None], by: User) -> None:
    """Set the hub's targets for `year`: one value per indicator of `values`, None to remove that target.
    Each change is kept in the targets' history; nothing is saved when one value is refused."""
    if not can(by, Action.SET_TARGETS):
        raise PermissionDenied(_("Your role cannot set targets."))
    _check_hub(by=by, hub_id=hub.pk)
    unknown = set(values) - set(TargetIndicator.values)
    if unknown:
        raise ValueError(f"Unknown indicators: {sorted(unknown)}")
    current = {target.indicator: target for target in HubTarget.objects.filter(hub=hub, year=year)}
    for indicator, value in values.items():
        target = current.get(indicator)
        if value is None:
            if target is not None:
                target.delete()
            continue
        if target is None:
            target = HubTarget(hub=hub, year=year, indicator=indicator)
        elif target.value == value:
            continue
        target.value = value
        target.full_clean()
        target.save()


SIGN_UP_ENTERPRISE_FIELDS = [
    "name",
    "sector",
    "activity",
    "region",
    "commune",
    "owner_name",
    "women_led",
    "employees_total",
]


def _phone_or_error(phone) -> str:
    e164 = phone_in_e164(str(phone or ""))
    if e164 is None:
        raise ValidationError({"phone": _("Enter a valid mobile phone number.")})
    return e164


def _phone_taken() -> ValidationError:
    return ValidationError(
        {"phone": _("An account already exists with this phone number. Sign in with it, or ask the hub for help.")}
    )


def split_name(full_name: str) -> tuple[str, str]:
    """First and last name such that `get_full_name()` gives `full_name` back."""
    first, _space, last = full_name.strip().rpartition(" ")
    return (first, last) if first else (last, "")


def _hub_for(*, region: AdministrativeUnit, hub: Hub | None) -> Hub:
    hubs = list(Hub.objects.filter(country=region.country).order_by("code"))
    if hub is not None:
        if hub not in hubs:
            raise ValidationError({"hub": _("This hub does not serve the region you chose.")})
        return hub
    if not hubs:
        raise ValidationError({"region": _("No hub serves this region yet: the programme cannot register you online.")})
    if len(hubs) > 1:
        raise ValidationError({"hub": _("Several hubs serve this region: choose yours.")})
    return hubs[0]


def set_validated_password(user: User, password: str) -> None:
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password1": error.messages}) from error
    user.set_password(password)


def _save_user(user: User) -> None:
    """Precondition: the phone number was checked; two sign-ups racing for it end in this error."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise _phone_taken() from error


SIGN_UP_CODE_LIFETIME = datetime.timedelta(minutes=30)
SIGN_UP_CODE_ATTEMPTS = 5


def _sign_up_enterprise(*, phone: str, email: str, hub: Hub | None, enterprise_fields: dict) -> Enterprise:
    """The enterprise a sign-up would register, checked and not saved."""
    unknown = set(enterprise_fields) - set(SIGN_UP_ENTERPRISE_FIELDS)
    if unknown:
        raise ValueError(f"Not asked at sign-up: {sorted(unknown)}")
    region = enterprise_fields.get("region")
    if not isinstance(region, AdministrativeUnit):
        raise ValidationError({"region": _("Choose the region of your enterprise.")})
    enterprise = Enterprise(
        hub=_hub_for(region=region, hub=hub),
        owner_phone=phone,
        owner_email=email,
        consent_given=True,
        consent_date=timezone.localdate(),
        **enterprise_fields,
    )
    enterprise.full_clean()
    return enterprise


def _sign_up_user(*, enterprise: Enterprise, email: str, language: str) -> User:
    first_name, last_name = split_name(enterprise.owner_name)
    phone = str(enterprise.owner_phone)
    return User(
        username=phone,
        phone=phone,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=Role.SME,
        hub=enterprise.hub,
        enterprise=enterprise,
        language=language,
    )


def _sign_up_code_digest(*, phone: str, code: str) -> str:
    return salted_hmac("sign-up-code", f"{phone}|{code}").hexdigest()


def sme_sign_up_start(
    *,
    request,
    phone,
    password: str,
    consent: bool,
    language: str,
    email: str = "",
    hub: Hub | None = None,
    **enterprise_fields,
) -> dict:
    """Check a sign-up (the user name will be the phone number in E.164 form; the hub is the one serving
    the region's country, `hub` when there are several) and text the number once this commits: a code
    that confirms the sign-up, or, when the number already has an account, how to sign in. The page
    answers the same either way, so it tells nobody which numbers have an account. Returns the pending
    sign-up for the session (nothing is saved before the code comes back); raises ValidationError keyed
    by form field."""
    if not consent:
        raise ValidationError({"consent": _("Your agreement to the processing of these details is needed.")})
    phone = _phone_or_error(phone)
    enterprise = _sign_up_enterprise(phone=phone, email=email, hub=hub, enterprise_fields=enterprise_fields)
    user = _sign_up_user(enterprise=enterprise, email=email, language=language)
    set_validated_password(user, password)
    code = f"{secrets.randbelow(1_000_000):06d}"
    if security.texts_allowed(purpose="sign-up", identifier=phone, request=request):
        has_account = User.objects.filter(Q(phone=phone) | Q(username=phone)).exists()
        send = partial(send_sign_up_text, phone=phone, code=None if has_account else code, language=language)
        transaction.on_commit(send, robust=True)
    else:
        security.logger.warning("sign-up text refused (too many requests) from %s", security.client_address(request))
    fields = {name: value for name, value in enterprise_fields.items() if name != "region"}
    return {
        **fields,
        "region": enterprise.region_id,
        "hub": enterprise.hub_id,
        "phone": phone,
        "email": email,
        "language": language,
        "password": user.password,
        "code": _sign_up_code_digest(phone=phone, code=code),
        "expires": (timezone.now() + SIGN_UP_CODE_LIFETIME).timestamp(),
        "attempts": 0,
    }


def send_sign_up_text(*, phone: str, code: str | None, language: str) -> None:
    """The sign-up code, or (`code` None) the message telling the number's owner that it has an account."""
    context = {
        "code": code,
        "minutes": int(SIGN_UP_CODE_LIFETIME.total_seconds() // 60),
        "login_url": settings.SITE_URL + reverse("login"),
        "reset_url": settings.SITE_URL + reverse("accounts:password-reset"),
    }
    template = "accounts/signup_code_sms.txt" if code else "accounts/signup_exists_sms.txt"
    with translation.override(language):
        queue_message(
            channel=OutgoingMessage.Channel.SMS,
            to=phone,
            body=" ".join(render_to_string(template, context).split()),
            template=template.rsplit("/", 1)[-1].removesuffix("_sms.txt"),
            language=language,
        )


def sme_sign_up_confirm(*, pending: dict, code: str) -> User:
    """Register the pending sign-up's enterprise and its first SME user together, or neither, when `code`
    is the one texted. Counts the attempt in `pending` (the caller keeps it); past SIGN_UP_CODE_ATTEMPTS
    or SIGN_UP_CODE_LIFETIME the code no longer works."""
    if pending["attempts"] >= SIGN_UP_CODE_ATTEMPTS or timezone.now().timestamp() > pending["expires"]:
        raise ValidationError(
            {"code": _("This code can no longer be used: fill in the form again to receive a new one.")},
            code="expired",
        )
    pending["attempts"] += 1
    given = "".join((code or "").split())
    if not constant_time_compare(_sign_up_code_digest(phone=pending["phone"], code=given), pending["code"]):
        raise ValidationError({"code": _("This is not the code we sent. Check the text message and try again.")})
    return _sme_sign_up_save(pending)


@transaction.atomic
def _sme_sign_up_save(pending: dict) -> User:
    phone = pending["phone"]
    if User.objects.filter(Q(phone=phone) | Q(username=phone)).exists():
        raise _phone_taken()
    fields = {name: pending[name] for name in SIGN_UP_ENTERPRISE_FIELDS if name in pending and name != "region"}
    fields["region"] = AdministrativeUnit.objects.filter(pk=pending["region"]).first()
    hub = Hub.objects.filter(pk=pending["hub"]).first()
    enterprise = _sign_up_enterprise(phone=phone, email=pending["email"], hub=hub, enterprise_fields=fields)
    enterprise.save()
    user = _sign_up_user(enterprise=enterprise, email=pending["email"], language=pending["language"])
    user.password = pending["password"]
    user.full_clean(validate_unique=False)
    _save_user(user)
    return user


INVITATION_SALT = "accounts.invite"
INVITATION_MAX_AGE = datetime.timedelta(days=14)


class InvitationError(Exception):
    """An invitation link that cannot be used; the message says why, for the person holding it."""


def invitation_token(user: User) -> str:
    return signing.dumps(user.pk, salt=INVITATION_SALT)


def invited_user(token: str) -> User:
    """The SME user an invitation link was made for. Raises InvitationError when the link was altered,
    has expired, or was already used (the user has a password)."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise InvitationError(_("This invitation has expired. Ask the hub to send you a new one.")) from error
    except signing.BadSignature as error:
        raise InvitationError(
            _("This invitation link is not valid. Check that it was copied whole, or ask the hub for a new one.")
        ) from error
    user = User.objects.select_related("enterprise", "hub").filter(pk=pk, role=Role.SME, is_active=True).first()
    if user is None:
        raise InvitationError(_("This invitation is no longer valid. Ask the hub for a new one."))
    if user.has_usable_password():
        raise InvitationError(
            _("This invitation has already been used. Sign in with your phone number and your password.")
        )
    return user


@transaction.atomic
def sme_invite(*, enterprise: Enterprise, phone, name: str, by: User, email: str = "") -> User:
    """Create an SME user of `enterprise` without a password and send them, once this commits, a link to
    choose one (valid INVITATION_MAX_AGE). Inviting the same number again, before it was used, sends a new
    link to the same user."""
    if not can(by, Action.MANAGE_DIRECTORY):
        raise PermissionDenied(_("Your role cannot invite users."))
    _check_hub(by=by, hub_id=enterprise.hub_id)
    check_not_anonymised(enterprise, field=NON_FIELD_ERRORS)
    phone = _phone_or_error(phone)
    user = User.objects.filter(Q(phone=phone) | Q(username=phone)).first()
    if user is not None and not (
        user.role == Role.SME and user.enterprise_id == enterprise.pk and not user.has_usable_password()
    ):
        raise _phone_taken()
    first_name, last_name = split_name(name)
    if user is None:
        user = User(username=phone, phone=phone, role=Role.SME, hub=enterprise.hub, enterprise=enterprise)
        user.set_unusable_password()
    user.first_name, user.last_name, user.email = first_name, last_name, email or user.email
    user.full_clean(validate_unique=False)
    _save_user(user)
    transaction.on_commit(
        partial(send_invitation, user=user, enterprise=enterprise, token=invitation_token(user)), robust=True
    )
    return user


def send_invitation(*, user: User, enterprise: Enterprise, token: str) -> int:
    """Send the invitation link by text message and e-mail, in French; returns how many were queued."""
    context = {
        "user": user,
        "enterprise": enterprise,
        "hub": enterprise.hub,
        "url": settings.SITE_URL + reverse("accounts:accept-invitation", args=[token]),
        "days": INVITATION_MAX_AGE.days,
    }
    return send_text_and_mail(
        user=user, templates="accounts/invitation", context=context, language=settings.LANGUAGE_CODE
    )


@transaction.atomic
def sme_accept_invitation(*, user: User, password: str, consent: bool = False) -> User:
    """Give the invited user their password, and record the enterprise's consent if it had none. Refuses a
    user who already has a password, so a link works once."""
    user = User.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=user.pk)
    if user.has_usable_password():
        raise ValidationError(
            _("This invitation has already been used. Sign in with your phone number and your password.")
        )
    enterprise = user.enterprise
    if not enterprise.consent_given:
        if not consent:
            raise ValidationError({"consent": _("Your agreement to the processing of these details is needed.")})
        enterprise.consent_given, enterprise.consent_date = True, timezone.localdate()
        enterprise.save(update_fields=["consent_given", "consent_date"])
    set_validated_password(user, password)
    user.save(update_fields=["password"])
    return user


def password_reset_users(identifier: str) -> list[User]:
    """The active accounts with a password that `identifier` names: a phone number, a user name or an
    e-mail address (which several accounts may share)."""
    text = (identifier or "").strip()
    if not text:
        return []
    phone = phone_in_e164(text)
    matches = Q(username__iexact=text) | Q(email__iexact=text)
    if phone:
        matches |= Q(phone=phone) | Q(username=phone)
    return [user for user in User.objects.filter(matches, is_active=True) if user.has_usable_password()]


def password_reset_request(*, identifier: str, request) -> None:
    """Send each account that `identifier` names a link to choose a new password, valid
    PASSWORD_RESET_TIMEOUT, by text message and e-mail once this commits. Says nothing back: the page
    answers the same whether an account exists or not, and past the limits of `texts_allowed` nothing
    more is sent."""
    if not security.texts_allowed(purpose="reset", identifier=identifier, request=request):
        security.logger.warning("password reset refused (too many requests) from %s", security.client_address(request))
        return
    for user in password_reset_users(identifier):
        security.logger.info("password reset link sent: user %s", user.pk)
        transaction.on_commit(partial(send_password_reset, user=user), robust=True)


def send_password_reset(*, user: User) -> int:
    """The reset link by text message and e-mail, in the person's language; returns how many went out."""
    token = default_token_generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    context = {
        "user": user,
        "url": settings.SITE_URL + reverse("accounts:password-reset-confirm", args=[uid, token]),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    return send_text_and_mail(
        user=user,
        templates="accounts/password_reset",
        context=context,
        language=user.language or settings.LANGUAGE_CODE,
    )


def send_text_and_mail(*, user: User, templates: str, context: dict, language: str) -> int:
    """`<templates>_sms.txt` by text message and `<templates>_subject.txt` / `_email.txt` by e-mail, in
    `language`, queued to be sent once the transaction commits (`hub.messaging`); returns how many."""
    queued = 0
    common = {"template": templates.rsplit("/", 1)[-1], "language": language, "hub_id": user.hub_id, "user": user}
    with translation.override(language):
        if user.phone:
            body = " ".join(render_to_string(f"{templates}_sms.txt", context).split())
            queue_message(channel=OutgoingMessage.Channel.SMS, to=str(user.phone), body=body, **common)
            queued += 1
        if user.email:
            queue_message(
                channel=OutgoingMessage.Channel.EMAIL,
                to=user.email,
                subject=" ".join(render_to_string(f"{templates}_subject.txt", context).split()),
                body=render_to_string(f"{templates}_email.txt", context),
                **common,
            )
            queued += 1
    return queued


@transaction.atomic
def password_reset_complete(*, user: User, password: str) -> User:
    """The new password, checked by the validators. Every session and API token of the person ends (the
    link may have been asked for because someone else got in), and their name is no longer locked."""
    set_validated_password(user, password)
    user.save(update_fields=["password"])
    security.end_sessions_and_tokens(user=user)
    security.clear_failures(user)
    security.logger.info("password reset: user %s", user.pk)
    return user
