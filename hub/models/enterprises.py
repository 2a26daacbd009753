"""Enterprises the programme supports, and the partner organisations cases are referred to."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from hub.classifications import IsicSection, SizeClass, TurnoverBand, size_class_for
from hub.models.common import related_or_none, validate_domains
from hub.models.hubs import AdministrativeUnit, Hub

LATITUDE_VALIDATORS = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE_VALIDATORS = [MinValueValidator(-180), MaxValueValidator(180)]


class Enterprise(models.Model):
    """A small business supported by the programme; its size class is derived from staff and turnover."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("hub"))
    name = models.CharField(_("name"), max_length=200)
    rccm = models.CharField(_("RCCM number"), max_length=40, blank=True)
    nif = models.CharField(_("tax id (NIF)"), max_length=40, blank=True)
    sector = models.CharField(_("sector (ISIC Rev.4)"), max_length=1, choices=IsicSection.choices)
    activity = models.CharField(_("main activity"), max_length=200, blank=True)
    region = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("region")
    )
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE_VALIDATORS
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE_VALIDATORS
    )
    owner_name = models.CharField(_("owner's name"), max_length=150)
    owner_phone = PhoneNumberField(_("owner's phone number"))
    owner_email = models.EmailField(_("owner's e-mail"), blank=True)
    women_led = models.BooleanField(_("women-led"), default=False)
    youth_led = models.BooleanField(_("youth-led"), default=False, help_text=_("Led by a person under 35."))
    employees_total = models.PositiveIntegerField(_("employees"), default=0)
    employees_women = models.PositiveIntegerField(_("women employees"), default=0)
    turnover_band = models.CharField(
        _("yearly turnover"), max_length=10, choices=TurnoverBand.choices, default=TurnoverBand.UNDER_30M
    )
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices, editable=False)
    consent_given = models.BooleanField(_("consents to data processing"), default=False)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when its personal data was removed on its request; it can no longer be changed."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        indexes = [models.Index(fields=["hub", "region"]), models.Index(fields=["hub", "sector"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employees_women__lte=models.F("employees_total")),
                name="enterprise_women_within_employees",
            ),
            models.CheckConstraint(
                condition=models.Q(consent_given=False) | models.Q(consent_date__isnull=False),
                name="enterprise_consent_has_date",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.size_class = size_class_for(employees=self.employees_total, turnover_band=self.turnover_band)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if self.employees_women > self.employees_total:
            errors["employees_women"] = _("Women employees cannot outnumber the employees.")
        if self.consent_given and not self.consent_date:
            errors["consent_date"] = _("Give the date the consent was recorded.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        region, hub = related_or_none(self, "region"), related_or_none(self, "hub")
        if region and hub and region.country != hub.country:
            errors["region"] = _("This region is not in the hub's country.")
        if errors:
            raise ValidationError(errors)


class Partner(models.Model):
    """An organisation cases can be referred to: research centre, supplier, training or finance."""

    class Kind(models.TextChoices):
        RESEARCH = "research", _("Applied-research centre")
        SUPPLIER = "supplier", _("Equipment supplier")
        TRAINING = "training", _("Training centre")
        FINANCE = "finance", _("Financing body")
        SUPPORT = "support", _("Business-support organisation")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="partners", verbose_name=_("hub"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    domains = models.JSONField(_("technology domains"), default=list, blank=True, validators=[validate_domains])
    regions = models.ManyToManyField(AdministrativeUnit, blank=True, related_name="partners", verbose_name=_("regions"))
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = PhoneNumberField(_("phone number"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    history = HistoricalRecords(m2m_fields=[regions], excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name
