"""Opening a hub (the one path of `manage.py open_hub` and of the administrators' page), and changing its
settings."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.classifications import Country
from hub.country.holidays import refresh_holidays
from hub.country.units import ensure_units
from hub.models import Hub, Role, User
from hub.permissions import Action, can, manages_hub
from hub.staff.services import staff_create


@transaction.atomic
def hub_open(
    *,
    code: str,
    name: str,
    country: str,
    by: User | None,
    host_organisation: str = "",
    time_zone: str = "",
    language: str = "",
    manager_name: str = "",
    manager_phone="",
    manager_email: str = "",
) -> Hub:
    """Create the hub (its time zone and language the country's unless given, the model's service
    standards), its country's administrative units, its public holidays of this year and the next, and,
    given a phone or an e-mail, its first manager, invited once this commits. All or nothing: a refusal
    (ValidationError, keyed by the arguments' names) saves nothing. `by` None is the command line."""
    if by is not None and not can(by, Action.OPEN_HUBS):
        raise PermissionDenied(_("Only administrators open hubs."))
    code = code.strip().upper()
    if country not in Country.values:
        raise ValidationError({"country": _("Unknown country: %(country)s.") % {"country": country}})
    if manager_name.strip() and not (manager_phone or manager_email):
        raise ValidationError(
            {"manager_phone": _("Give the manager's phone number or e-mail: the invitation is sent there.")}
        )
    if Hub.objects.filter(code__iexact=code).exists():
        raise ValidationError({"code": _("A hub with the code %(code)s already exists.") % {"code": code}})
    hub = Hub(
        code=code,
        name=name.strip(),
        country=country,
        host_organisation=host_organisation.strip(),
        time_zone=time_zone,
        language=language,
    )
    hub.full_clean()
    hub._history_user = by
    hub.save()
    ensure_units(country)
    year = timezone.localdate(timezone=hub.zone).year
    refresh_holidays(hub, years=[year, year + 1], by=by)
    if manager_phone or manager_email:
        try:
            staff_create(hub=hub, role=Role.MANAGER, name=manager_name, phone=manager_phone, email=manager_email, by=by)
        except ValidationError as error:
            raise ValidationError(
                {f"manager_{field}": errors for field, errors in error.message_dict.items()}
            ) from error
    return hub


SETTINGS_FIELDS = [
    "name",
    "host_organisation",
    "time_zone",
    "language",
    "weekend_days",
    "acknowledge_days",
    "assign_days",
    "first_contact_days",
    "resolve_days",
    "reopen_days",
    "followup_6_months_days",
    "followup_12_months_days",
]


@transaction.atomic
def hub_update(*, hub: Hub, by: User, **fields) -> Hub:
    """Change the hub's name, time zone, language, weekend days and service standards (`SETTINGS_FIELDS`):
    its managers for their hub, administrators for any. New standards count for the due dates set from now
    on; those already set stay as they were promised. Refuses what the model refuses (ValidationError) and
    saves nothing then; the change is in the hub's history."""
    if not manages_hub(by, hub):
        raise PermissionDenied(_("You cannot change this hub's settings."))
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not a hub setting: {sorted(unknown)}")
    hub = Hub.objects.select_for_update().get(pk=hub.pk)
    for name, value in fields.items():
        setattr(hub, name, value)
    hub.full_clean()
    hub._history_user = by
    hub.save()
    return hub
