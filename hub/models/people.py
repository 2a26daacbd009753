"""Users and their roles, and the profiles of technology referents."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from hub.classifications import TechnologyDomain
from hub.models.common import related_or_none, validate_domains
from hub.models.hubs import AdministrativeUnit, Hub


class Role(models.TextChoices):
    SME = "sme", _("SME user")
    REFERENT = "referent", _("Technology referent")
    MANAGER = "manager", _("Programme manager")
    VIEWER = "viewer", _("Regional viewer")
    ADMIN = "admin", _("Administrator")


HUB_BOUND_ROLES = {Role.SME, Role.REFERENT, Role.MANAGER}


class User(AbstractUser):
    """Every person who signs in. SME users belong to one enterprise; staff other than viewers and
    administrators belong to one hub."""

    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.SME)
    hub = models.ForeignKey(
        Hub, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("hub")
    )
    enterprise = models.ForeignKey(
        "hub.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("enterprise"),
    )
    phone = PhoneNumberField(_("phone number"), blank=True, null=True, unique=True)
    language = models.CharField(_("preferred language"), max_length=10, choices=settings.LANGUAGES, default="fr")
    report_hubs = models.ManyToManyField(
        Hub,
        blank=True,
        related_name="viewers",
        verbose_name=_("hubs in scope"),
        help_text=_("A regional viewer reads the reports of these hubs only; none means every hub."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=[report_hubs])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self):
        super().clean()
        errors = {}
        if self.role in HUB_BOUND_ROLES and self.hub_id is None:
            errors["hub"] = _("A user with this role must belong to a hub.")
        if self.role == Role.SME:
            enterprise = related_or_none(self, "enterprise")
            if enterprise is None:
                errors["enterprise"] = _("An SME user must be tied to an enterprise.")
            elif self.hub_id is not None and enterprise.hub_id != self.hub_id:
                errors["enterprise"] = _("The enterprise belongs to another hub.")
        elif self.enterprise_id is not None:
            errors["enterprise"] = _("Only SME users are tied to an enterprise.")
        if errors:
            raise ValidationError(errors)


class Referent(models.Model):
    """The profile of a technology referent: what they know and where they go."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="referent", verbose_name=_("user"))
    domains = models.JSONField(_("technology domains"), default=list, validators=[validate_domains])
    regions = models.ManyToManyField(
        AdministrativeUnit, related_name="referents", blank=True, verbose_name=_("regions covered")
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[regions])

    class Meta:
        verbose_name = _("referent")
        verbose_name_plural = _("referents")
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self):
        return self.user.get_full_name() or self.user.username

    def clean(self):
        super().clean()
        user = related_or_none(self, "user")
        if user and user.role != Role.REFERENT:
            raise ValidationError({"user": _("Only users with the referent role have a referent profile.")})

    @property
    def domain_labels(self) -> list[str]:
        return [str(TechnologyDomain(code).label) for code in self.domains]
