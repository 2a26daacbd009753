"""Programme-wide domain: hubs and their standards, territory, users and roles, enterprises, referents,
partners, impact follow-ups and the technology library."""

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from hub.classifications import (
    COUNTRY_LANGUAGES,
    COUNTRY_TIME_ZONES,
    Country,
    IsicSection,
    SizeClass,
    TechnologyDomain,
    TurnoverBand,
    size_class_for,
)

LATITUDE_VALIDATORS = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE_VALIDATORS = [MinValueValidator(-180), MaxValueValidator(180)]


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


def validate_weekdays(value):
    if not isinstance(value, list) or any(day not in range(7) for day in value):
        raise ValidationError(_("Weekend days are numbers from 0 (Monday) to 6 (Sunday)."))


def saturday_and_sunday() -> list[int]:
    return [5, 6]


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s."), params={"zone": value})


class Hub(models.Model):
    """A national programme node; its service standards are counted in working days of its own calendar
    (`hub.calendar`: its time zone, weekend days and public holidays)."""

    code = models.CharField(_("code"), max_length=10, unique=True, help_text=_("Used in case references, e.g. ML."))
    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    host_organisation = models.CharField(_("host organisation"), max_length=200, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Africa/Niamey; left empty, the country's."),
    )
    language = models.CharField(
        _("default language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Of its messages and of people who chose none; left empty, the country's."),
    )
    acknowledge_days = models.PositiveSmallIntegerField(_("days to acknowledge"), default=1)
    assign_days = models.PositiveSmallIntegerField(_("days to assign"), default=2)
    first_contact_days = models.PositiveSmallIntegerField(_("days to first contact or visit"), default=5)
    resolve_days = models.PositiveSmallIntegerField(_("days to resolve"), default=20)
    reopen_days = models.PositiveSmallIntegerField(
        _("days a resolved case can be reopened"), default=30, help_text=_("Calendar days.")
    )
    followup_6_months_days = models.PositiveSmallIntegerField(
        _("days from resolution to the 6-month follow-up"),
        default=182,
        validators=[MinValueValidator(1)],
        help_text=_("Calendar days."),
    )
    followup_12_months_days = models.PositiveSmallIntegerField(
        _("days from resolution to the 12-month follow-up"),
        default=365,
        validators=[MinValueValidator(1)],
        help_text=_("Calendar days."),
    )
    weekend_days = models.JSONField(
        _("weekend days"),
        default=saturday_and_sunday,
        blank=True,
        validators=[validate_weekdays],
        help_text=_("0 is Monday, 6 is Sunday."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def save(self, *args, **kwargs):
        self.time_zone = self.time_zone or COUNTRY_TIME_ZONES.get(self.country, settings.TIME_ZONE)
        self.language = self.language or COUNTRY_LANGUAGES.get(self.country, settings.LANGUAGE_CODE)
        super().save(*args, **kwargs)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone or COUNTRY_TIME_ZONES.get(self.country, settings.TIME_ZONE))

    def clean(self):
        super().clean()
        if (
            self.followup_6_months_days is not None
            and self.followup_12_months_days is not None
            and self.followup_12_months_days <= self.followup_6_months_days
        ):
            raise ValidationError({"followup_12_months_days": _("The 12-month follow-up comes after the 6-month one.")})


class HubHoliday(models.Model):
    """A public holiday of a hub's calendar, from the `holidays` library or set by a manager. A corrected row
    (its date announced, renamed, or added by hand) is kept when the calendar is refreshed; `library_date`
    is the date the library gave for the holiday it corrects."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="holidays", verbose_name=_("hub"))
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)
    corrected = models.BooleanField(_("corrected by the hub"), default=False)
    library_date = models.DateField(_("date estimated by the calendar"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["hub", "date"]
        constraints = [models.UniqueConstraint(fields=["hub", "date"], name="unique_holiday_per_hub_and_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class TargetIndicator(models.TextChoices):
    VISITS = "visits", _("Site visits")
    CASES_RECEIVED = "cases_received", _("Cases received")
    CASES_RESOLVED = "cases_resolved", _("Cases resolved")
    ENTERPRISES_REACHED = "enterprises_reached", _("Enterprises reached")
    WOMEN_LED_REACHED = "women_led_reached", _("Women-led enterprises reached")
    JOBS_CREATED = "jobs_created", _("Jobs created")
    SATISFIED_PERCENT = "satisfied_percent", _("Satisfied SMEs (%)")


class HubTarget(models.Model):
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="targets", verbose_name=_("hub"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    indicator = models.CharField(_("indicator"), max_length=30, choices=TargetIndicator.choices)
    value = models.PositiveIntegerField(_("target value"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        ordering = ["hub", "-year", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "year", "indicator"], name="unique_target_per_hub_year_indicator")
        ]

    def __str__(self):
        return f"{self.hub.code} {self.year} {self.get_indicator_display()}: {self.value}"

    def clean(self):
        super().clean()
        if self.indicator == TargetIndicator.SATISFIED_PERCENT and self.value is not None and self.value > 100:
            raise ValidationError({"value": _("A share of SMEs is at most 100 %.")})


class AdministrativeUnit(models.Model):
    """A region or district as it stands today, with its ISO 3166-2 code where ISO has one.

    Mali's 2023 reform (laws 2023-006 and 2023-007) created regions that ISO 3166-2:ML does not list
    yet; `carved_from` links them to the ISO region they were taken from, so reports can roll up.
    """

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        DISTRICT = "district", _("District")
        AUTONOMOUS_DISTRICT = "autonomous_district", _("Autonomous district")
        DEPARTMENT = "department", _("Department")
        URBAN_COMMUNITY = "urban_community", _("Urban community")
        GOVERNORATE = "governorate", _("Governorate")
        AUTONOMOUS_SECTOR = "autonomous_sector", _("Autonomous sector")

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REGION)
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=6, blank=True)
    carved_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carved_units",
        verbose_name=_("carved from"),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["country", "name"]

    def __str__(self):
        return self.name


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


RECORDS_FROM = datetime.date(2000, 1, 1)
"""No visit or follow-up of the programme is older: an earlier date is a typing error (1800 for 2000)."""

MAX_STAFF = 100_000
MAX_AMOUNT_XOF = 100_000_000_000
"""A hundred billion francs: a hundred times the turnover of the largest medium enterprise."""
MAX_INNOVATIONS = 1_000


class FollowUp(models.Model):
    """Impact measured at an enterprise: a baseline when support starts, then 6 and 12 months after a
    case is resolved. Amounts are whole XOF (the franc has no minor unit)."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        MONTH_6 = "m6", _("6-month follow-up")
        MONTH_12 = "m12", _("12-month follow-up")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="followups", verbose_name=_("hub"))
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="followups", db_index=False, verbose_name=_("enterprise")
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followups",
        verbose_name=_("case"),
        help_text=_("The resolved case this follow-up measures; empty for a baseline."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due_date = models.DateField(_("due date"))
    collected_on = models.DateField(_("collected on"), null=True, blank=True)
    collected_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followups_collected",
        verbose_name=_("collected by"),
    )
    assigned_to = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followups_assigned",
        verbose_name=_("referent in charge"),
        limit_choices_to={"role": Role.REFERENT},
    )
    employees_total = models.PositiveIntegerField(
        _("employees"), null=True, blank=True, validators=[MaxValueValidator(MAX_STAFF)]
    )
    jobs_created = models.PositiveIntegerField(
        _("jobs created"), null=True, blank=True, validators=[MaxValueValidator(MAX_STAFF)]
    )
    jobs_kept = models.PositiveIntegerField(
        _("jobs kept"), null=True, blank=True, validators=[MaxValueValidator(MAX_STAFF)]
    )
    turnover_xof = models.PositiveBigIntegerField(
        _("yearly turnover (XOF)"), null=True, blank=True, validators=[MaxValueValidator(MAX_AMOUNT_XOF)]
    )
    new_sales_xof = models.PositiveBigIntegerField(
        _("new sales (XOF)"), null=True, blank=True, validators=[MaxValueValidator(MAX_AMOUNT_XOF)]
    )
    kept_sales_xof = models.PositiveBigIntegerField(
        _("kept sales (XOF)"), null=True, blank=True, validators=[MaxValueValidator(MAX_AMOUNT_XOF)]
    )
    investment_xof = models.PositiveBigIntegerField(
        _("investment made (XOF)"), null=True, blank=True, validators=[MaxValueValidator(MAX_AMOUNT_XOF)]
    )
    cost_savings_xof = models.PositiveBigIntegerField(
        _("cost savings (XOF)"), null=True, blank=True, validators=[MaxValueValidator(MAX_AMOUNT_XOF)]
    )
    new_products = models.PositiveSmallIntegerField(
        _("new products"), null=True, blank=True, validators=[MaxValueValidator(MAX_INNOVATIONS)]
    )
    new_processes = models.PositiveSmallIntegerField(
        _("new processes"), null=True, blank=True, validators=[MaxValueValidator(MAX_INNOVATIONS)]
    )
    technology_adopted = models.BooleanField(_("technology adopted"), null=True, blank=True)
    technology_notes = models.TextField(
        _("technology adopted, details"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    recommend_score = models.PositiveSmallIntegerField(
        _("likelihood to recommend (0-10)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
        help_text=_("Used for the Net Promoter Score."),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=5000, validators=[MaxLengthValidator(5000)])
    self_reported = models.BooleanField(
        _("self-reported"), default=False, help_text=_("Answered by the enterprise itself through its link.")
    )
    confirmed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
        help_text=_("The referent who checked the self-reported answers."),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    client_uuid = models.UUIDField(
        _("client identifier"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Chosen by the phone that recorded it, so that a resend is stored once."),
    )
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True, editable=False)
    reminded_at = models.DateTimeField(
        _("reminder sent at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set by send_reminders so that a follow-up coming due is announced once."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("impact follow-up")
        verbose_name_plural = _("impact follow-ups")
        ordering = ["-due_date"]
        indexes = [
            models.Index(
                fields=[
                    "enterprise", "collected_on", "kind", "hub", "collected_by", "turnover_xof", "jobs_created",
                    "investment_xof", "id",
                ]
            ),
            models.Index(fields=["hub", "due_date"], name="followup_hub_due"),
            models.Index(fields=["assigned_to", "collected_on", "due_date"], name="followup_referent_due"),
        ]  # fmt: skip
        """An enterprise's follow-ups by date, with what the impact table reads of each: the report finds
        each enterprise's latest turnover and totals in the index alone (docs/PERFORMANCE.md). The hub's and
        the referent's follow-ups by due date, for the lists of what is due."""
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(kind="baseline"),
                name="one_baseline_per_enterprise",
                violation_error_message=_("This enterprise already has its baseline."),
            ),
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=models.Q(case__isnull=False),
                name="one_followup_per_case_and_kind",
                violation_error_message=_("This case already has this follow-up."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["m6", "m12"]) | models.Q(case__isnull=False),
                name="followup_of_6_or_12_months_has_case",
                violation_error_message=_("A 6- or 12-month follow-up belongs to a case."),
            ),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True) | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="followup_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(recommend_score__isnull=True) | models.Q(recommend_score__lte=10),
                name="followup_recommend_0_to_10",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} – {self.get_kind_display()}"

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.BASELINE and self.case_id:
            errors["case"] = _("A baseline is not tied to a case.")
        if self.kind != self.Kind.BASELINE and not self.case_id:
            errors["case"] = _("A follow-up measures a resolved case: choose it.")
        case, enterprise = related_or_none(self, "case"), related_or_none(self, "enterprise")
        if case and self.enterprise_id and case.enterprise_id != self.enterprise_id:
            errors["case"] = _("This case belongs to another enterprise.")
        if enterprise and self.hub_id and enterprise.hub_id != self.hub_id:
            errors["enterprise"] = _("This enterprise belongs to another hub.")
        if errors:
            raise ValidationError(errors)


def validate_sectors(value):
    if not isinstance(value, list):
        raise ValidationError(_("Enter a list of ISIC sections."))
    unknown = sorted(set(value) - set(IsicSection.values))
    if unknown:
        raise ValidationError(_("Unknown ISIC section: %(codes)s."), params={"codes": ", ".join(map(str, unknown))})


class TechnologySheet(models.Model):
    """A technology sheet (fiche technique): a piece of knowledge written once and shared with every SME
    that needs it. The body is plain text with a few marks (headings, lists, bold, links) rendered by
    `hub.library.formatting`; HTML typed in it is shown as text. `search_text` is the sheet's text without
    accents or case, kept by `hub.library.services` for the search."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("hub"))
    title = models.CharField(_("title"), max_length=200)
    domain = models.CharField(_("technology domain"), max_length=20, choices=TechnologyDomain.choices)
    sectors = models.JSONField(_("ISIC sectors concerned"), default=list, blank=True, validators=[validate_sectors])
    summary = models.TextField(_("summary"), max_length=1000)
    body = models.TextField(
        _("text"),
        max_length=50000,
        help_text=_("Headings start with #, list items with - or 1., **bold**, links as [text](https://...)."),
    )
    cost_min_xof = models.PositiveBigIntegerField(_("indicative cost from (XOF)"), null=True, blank=True)
    cost_max_xof = models.PositiveBigIntegerField(_("indicative cost up to (XOF)"), null=True, blank=True)
    equipment = models.TextField(_("equipment and where to find it"), blank=True, max_length=5000)
    partners = models.ManyToManyField(
        Partner, blank=True, related_name="sheets", verbose_name=_("partner organisations")
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="fr")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("author")
    )
    review_date = models.DateField(_("to review by"), null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[partners], excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("technology sheet")
        verbose_name_plural = _("technology sheets")
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["hub", "status", "domain"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost_min_xof__isnull=True)
                | models.Q(cost_max_xof__isnull=True)
                | models.Q(cost_min_xof__lte=models.F("cost_max_xof")),
                name="sheet_cost_range_in_order",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.cost_min_xof is not None and self.cost_max_xof is not None and self.cost_min_xof > self.cost_max_xof:
            raise ValidationError({"cost_max_xof": _("The highest cost cannot be below the lowest.")})


SHEET_ATTACHMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "webp"]


def sheet_attachment_path(instance, filename):
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"sheets/{instance.sheet.hub_id}/{instance.sheet_id}/{instance.token}.{extension}"


class SheetAttachment(models.Model):
    sheet = models.ForeignKey(
        TechnologySheet, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("technology sheet")
    )
    token = models.UUIDField(unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=sheet_attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sheet attachment")
        verbose_name_plural = _("sheet attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class SharedItem(models.Model):
    """A sheet or a partner organisation shared with an enterprise through one of its cases or visits:
    who shared it and when. The partner's name is kept, so a deleted partner leaves a readable trace.
    `hub` is the hub of the case or visit, copied on saving (and by the data generator's bulk writes) so
    that a report counts a period's shares from one index instead of looking every case or visit up."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("hub"))
    sheet = models.ForeignKey(
        TechnologySheet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("sheet"),
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("partner"),
    )
    partner_name = models.CharField(_("partner organisation"), max_length=200, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("shared by")
    )
    shared_at = models.DateTimeField(_("shared at"))
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["shared_at", "pk"]
        indexes = [models.Index(fields=["hub", "shared_at", "sheet", "shared_by", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(sheet__isnull=False) & models.Q(partner_name=""))
                | (models.Q(sheet__isnull=True) & ~models.Q(partner_name="")),
                name="%(app_label)s_%(class)s_a_sheet_or_a_partner",
            )
        ]

    @property
    def is_sheet(self) -> bool:
        return self.sheet_id is not None
