"""Writes to the programme-wide domain: the directory of enterprises and the impact follow-ups."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hub.models import Enterprise, FollowUp, Role, User
from hub.permissions import Action, can

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
    if by.role != Role.ADMIN and by.hub_id != hub_id:
        raise ValidationError({"hub": _("You can only work in your own hub.")})


@transaction.atomic
def enterprise_save(*, enterprise: Enterprise, by: User, **fields) -> Enterprise:
    """Create (unsaved `enterprise`) or update an enterprise of `by`'s hub after full validation."""
    if not can(by, Action.MANAGE_DIRECTORY):
        raise PermissionDenied(_("Your role cannot change the directory."))
    unknown = set(fields) - set(ENTERPRISE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if enterprise.hub_id is None:
        enterprise.hub_id = by.hub_id
    _check_hub(by=by, hub_id=enterprise.hub_id)
    for name, value in fields.items():
        setattr(enterprise, name, value)
    enterprise.full_clean()
    enterprise.save()
    return enterprise


@transaction.atomic
def followup_save(*, followup: FollowUp, by: User, **fields) -> FollowUp:
    """Create (unsaved `followup`) or update an impact follow-up in `by`'s hub after full validation."""
    if not can(by, Action.RECORD_FOLLOWUPS):
        raise PermissionDenied(_("Your role cannot record impact follow-ups."))
    for name, value in fields.items():
        setattr(followup, name, value)
    if followup.hub_id is None and followup.enterprise_id:
        followup.hub_id = followup.enterprise.hub_id
    _check_hub(by=by, hub_id=followup.hub_id)
    if followup.collected_on and followup.collected_by_id is None:
        followup.collected_by = by
    followup.full_clean()
    followup.save()
    return followup
