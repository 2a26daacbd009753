"""Hubs, their calendars and yearly targets, and the administrative units of their countries."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hub.classifications import COUNTRY_LANGUAGES, COUNTRY_TIME_ZONES, Country


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
