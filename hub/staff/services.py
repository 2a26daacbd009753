"""Writes to the people who run the programme: a hub's referents and managers, created, changed, invited,
deactivated and reactivated by its managers (any hub's by administrators), and the regional viewers that
administrators create with the hubs they read. Every change is kept in the person's history with its author."""

from collections.abc import Iterable
from functools import partial

import phonenumbers
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import Case
from cases.services import cases_return_to_triage
from hub.backends import phone_in_e164
from hub.models import AdministrativeUnit, Hub, Referent, Role, User, related_or_none
from hub.permissions import Action, can, works_in_hub
from hub.security import end_sessions_and_tokens
from hub.services import INVITATION_MAX_AGE, InvitationError, send_text_and_mail, set_validated_password, split_name

STAFF_ROLES = (Role.REFERENT, Role.MANAGER)
INVITATION_SALT = "staff.invite"


def _check_manages(*, by: User | None, person: User | None = None, hub: Hub | None = None) -> None:
    """`by` may change `person` (or create someone in `hub`); None is the command line, run by the server's
    operator. Raises PermissionDenied."""
    if by is None:
        return
    role, hub_id = (person.role, person.hub_id) if person is not None else (None, hub.pk)
    if role == Role.VIEWER:
        if not can(by, Action.MANAGE_VIEWERS):
            raise PermissionDenied(_("Only administrators manage regional viewers."))
        return
    if role not in (None, *STAFF_ROLES) or not can(by, Action.MANAGE_REFERENTS):
        raise PermissionDenied(_("Your role cannot manage this person."))
    if not works_in_hub(by, hub_id):
        raise PermissionDenied(_("You can only manage the staff of your own hub."))


def _phone(phone, *, country: str | None) -> str:
    """The number in E.164 form, or "" for none; refused unless it is a valid number of `country` (any country
    for people without a hub)."""
    text = str(phone or "").strip()
    if not text:
        return ""
    e164 = phone_in_e164(text, region=country)
    if e164 is None:
        raise ValidationError({"phone": _("Enter a valid phone number.")})
    if country and phonenumbers.region_code_for_number(phonenumbers.parse(e164)) != country:
        raise ValidationError({"phone": _("Enter a phone number of the hub's country.")})
    return e164


def _set_identity(person: User, *, name: str, phone, email: str) -> None:
    """Name, phone and e-mail of `person`, checked: one of phone or e-mail is needed (the invitation goes
    there), and the phone belongs to nobody else. The user name is the phone, else the e-mail (then nobody
    else's user name), and follows them."""
    country = person.hub.country if person.hub_id else None
    phone, email = _phone(phone, country=country), (email or "").strip().lower()
    if not phone and not email:
        raise ValidationError({"phone": _("Give a phone number or an e-mail address: the invitation is sent there.")})
    others = User.objects.exclude(pk=person.pk)
    if phone and others.filter(Q(phone=phone) | Q(username=phone)).exists():
        raise ValidationError({"phone": _("Another account already has this phone number.")})
    if not phone and others.filter(username__iexact=email).exists():
        raise ValidationError({"email": _("Another account signs in with this e-mail address.")})
    if person.pk is None or person.username in (str(person.phone or ""), person.email):
        person.username = phone or email
    person.first_name, person.last_name = split_name(name)
    person.phone, person.email = phone or None, email


def _save(record, *, by: User | None, reason: str = "") -> None:
    """Save `record` with its history row naming `by`; a phone taken by a concurrent write is refused."""
    record._history_user = by
    if reason:
        record._change_reason = reason
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:
        raise ValidationError({"phone": _("Another account already has this phone number.")}) from error


def _set_profile(person: User, *, domains: Iterable[str], regions: Iterable[AdministrativeUnit], by) -> None:
    profile = related_or_none(person, "referent") or Referent(user=person)
    regions = list(regions)
    if any(region.country != person.hub.country for region in regions):
        raise ValidationError({"regions": _("Choose regions of the hub's country.")})
    profile.domains = list(domains)
    profile.full_clean(exclude=["user"])
    _save(profile, by=by)
    if set(profile.regions.all()) != set(regions):
        profile._history_user = by
        profile.regions.set(regions)


@transaction.atomic
def staff_create(
    *,
    hub: Hub,
    role: str,
    name: str,
    by: User | None,
    phone="",
    email: str = "",
    domains: Iterable[str] = (),
    regions: Iterable[AdministrativeUnit] = (),
) -> User:
    """A referent (with the technology domains and regions they cover) or a manager of `hub`, without a
    password: once this commits they are sent a link to choose one. `by` None is the command line."""
    if role not in STAFF_ROLES:
        raise ValueError(f"Not a staff role: {role}")
    _check_manages(by=by, hub=hub)
    person = User(role=role, hub=hub, language=hub.language or settings.LANGUAGE_CODE)
    person.set_unusable_password()
    _set_identity(person, name=name, phone=phone, email=email)
    person.full_clean(validate_unique=False)
    _save(person, by=by, reason=_("Created and invited"))
    if role == Role.REFERENT:
        _set_profile(person, domains=domains, regions=regions, by=by)
    transaction.on_commit(partial(send_staff_invitation, user=person), robust=True)
    return person


@transaction.atomic
def staff_update(
    *,
    person: User,
    by: User,
    name: str,
    phone="",
    email: str = "",
    domains: Iterable[str] = (),
    regions: Iterable[AdministrativeUnit] = (),
) -> User:
    """Correct a referent's or manager's details; `domains` and `regions` are a referent's only."""
    _check_manages(by=by, person=person)
    if person.role not in STAFF_ROLES:
        raise ValueError(f"Not a staff member: {person.role}")
    _set_identity(person, name=name, phone=phone, email=email)
    person.full_clean(validate_unique=False)
    _save(person, by=by)
    if person.role == Role.REFERENT:
        _set_profile(person, domains=domains, regions=regions, by=by)
    return person


@transaction.atomic
def viewer_save(*, viewer: User | None, by: User, name: str, hubs: Iterable[Hub], phone="", email: str = "") -> User:
    """Create (`viewer` None: invited once this commits) or correct a regional viewer, who reads the reports of
    `hubs`, or of every hub, with those to come, when `hubs` is empty."""
    if not can(by, Action.MANAGE_VIEWERS):
        raise PermissionDenied(_("Only administrators manage regional viewers."))
    created = viewer is None
    if created:
        viewer = User(role=Role.VIEWER, language=settings.LANGUAGE_CODE)
        viewer.set_unusable_password()
    elif viewer.role != Role.VIEWER:
        raise ValueError(f"Not a regional viewer: {viewer.role}")
    _set_identity(viewer, name=name, phone=phone, email=email)
    viewer.full_clean(validate_unique=False)
    _save(viewer, by=by, reason=_("Created and invited") if created else "")
    hubs = list(hubs)
    if set(viewer.report_hubs.all()) != set(hubs):
        viewer._history_user = by
        viewer.report_hubs.set(hubs)
    if created:
        transaction.on_commit(partial(send_staff_invitation, user=viewer), robust=True)
    return viewer


@transaction.atomic
def staff_deactivate(*, person: User, by: User) -> list[Case]:
    """`person` can no longer sign in: their sessions and API tokens end at once. A referent's open cases go
    back to triage, unassigned; they are returned, for the manager to reassign them."""
    _check_manages(by=by, person=person)
    if person.pk == by.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    person = User.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        raise ValidationError(_("This account is already deactivated."))
    person.is_active = False
    _save(person, by=by, reason=_("Deactivated"))
    profile = related_or_none(person, "referent")
    if profile is not None and profile.is_active:
        profile.is_active = False
        _save(profile, by=by, reason=_("Deactivated"))
    end_sessions_and_tokens(user=person)
    return cases_return_to_triage(referent=person, by=by) if person.role == Role.REFERENT else []


@transaction.atomic
def staff_reactivate(*, person: User, by: User) -> User:
    """`person` can sign in again with their password (or accept their invitation); a referent can be given
    cases again."""
    _check_manages(by=by, person=person)
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        raise ValidationError(_("This account is already active."))
    person.is_active = True
    _save(person, by=by, reason=_("Reactivated"))
    profile = related_or_none(person, "referent")
    if profile is not None and not profile.is_active:
        profile.is_active = True
        _save(profile, by=by, reason=_("Reactivated"))
    return person


def staff_invite_again(*, person: User, by: User) -> None:
    """Send `person` a new invitation link once this commits; refused once they have chosen a password (they
    reset it from the sign-in page) or while they are deactivated."""
    _check_manages(by=by, person=person)
    if not person.is_active:
        raise ValidationError(_("This account is deactivated: reactivate it first."))
    if person.has_usable_password():
        raise ValidationError(
            _("This person has already chosen a password. If it is forgotten, they reset it from the sign-in page.")
        )
    transaction.on_commit(partial(send_staff_invitation, user=person), robust=True)


def staff_invitation_token(user: User) -> str:
    return signing.dumps(user.pk, salt=INVITATION_SALT)


def invited_staff(token: str) -> User:
    """The active staff member or viewer an invitation link was made for. Raises InvitationError when the link
    was altered, has expired, or was already used (the person has a password)."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise InvitationError(_("This invitation has expired. Ask for a new one.")) from error
    except signing.BadSignature as error:
        raise InvitationError(
            _("This invitation link is not valid. Check that it was copied whole, or ask for a new one.")
        ) from error
    user = (
        User.objects.select_related("hub").filter(pk=pk, role__in=[*STAFF_ROLES, Role.VIEWER], is_active=True).first()
    )
    if user is None:
        raise InvitationError(_("This invitation is no longer valid. Ask for a new one."))
    if user.has_usable_password():
        raise InvitationError(_("This invitation has already been used. Sign in with your password."))
    return user


def send_staff_invitation(*, user: User) -> int:
    """The invitation link by text message and e-mail, in the person's language; returns how many went out."""
    context = {
        "user": user,
        "hub": user.hub,
        "url": settings.SITE_URL + reverse("staff:accept-invitation", args=[staff_invitation_token(user)]),
        "days": INVITATION_MAX_AGE.days,
    }
    return send_text_and_mail(
        user=user,
        templates="staff/invitation",
        context=context,
        language=user.language or settings.LANGUAGE_CODE,
    )


@transaction.atomic
def staff_accept_invitation(*, user: User, password: str) -> User:
    """Give the invited person their password, checked by the validators; a link works once."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.has_usable_password() or not user.is_active:
        raise ValidationError(_("This invitation has already been used. Sign in with your password."))
    set_validated_password(user, password)
    user.save(update_fields=["password"])
    return user
