"""Helpers the models of several modules share."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.classifications import TechnologyDomain


def related_or_none(instance: models.Model, name: str):
    """The related object, or None when its id points nowhere (field validation reports that)."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def validate_domains(value):
    if not isinstance(value, list):
        raise ValidationError(_("Enter a list of technology domains."))
    unknown = sorted(set(value) - set(TechnologyDomain.values))
    if unknown:
        raise ValidationError(
            _("Unknown technology domain: %(codes)s."), params={"codes": ", ".join(map(str, unknown))}
        )
