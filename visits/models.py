"""Site visits logged by referents, often offline; each is keyed by the UUID its client generated."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hub.models import LATITUDE_VALIDATORS, LONGITUDE_VALIDATORS, Role, SharedItem, related_or_none


class Purpose(models.TextChoices):
    DIAGNOSTIC = "diagnostic", _("Diagnostic")
    FOLLOW_UP = "follow_up", _("Follow-up")
    TRAINING = "training", _("Training")
    INSTALLATION = "installation", _("Installation")
    OTHER = "other", _("Other")


REPORT_COLUMNS = ["enterprise", "referent", "people_reached_total", "people_reached_women", "id"]
"""What the reports read of a visit, after the hub and the start in one index, as for the cases."""


class Visit(models.Model):
    """`client_uuid` and `content_hash` make a resent submission land once: same UUID and hash is the
    stored visit, same UUID with another hash is a conflict."""

    hub = models.ForeignKey("hub.Hub", on_delete=models.PROTECT, related_name="visits", verbose_name=_("hub"))
    client_uuid = models.UUIDField(_("client identifier"), unique=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True, editable=False)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("referent"),
        limit_choices_to={"role": Role.REFERENT},
    )
    enterprise = models.ForeignKey(
        "hub.Enterprise", on_delete=models.PROTECT, related_name="visits", verbose_name=_("enterprise")
    )
    started_at = models.DateTimeField(_("started at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    purpose = models.CharField(_("purpose"), max_length=15, choices=Purpose.choices)
    observations = models.TextField(_("observations"), blank=True)
    needs_found = models.TextField(_("needs found"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    next_step = models.TextField(_("next step"), blank=True)
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE_VALIDATORS
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE_VALIDATORS
    )
    gps_accuracy_m = models.PositiveIntegerField(_("GPS accuracy (m)"), null=True, blank=True)
    people_reached_total = models.PositiveIntegerField(_("people reached"), default=0)
    people_reached_women = models.PositiveIntegerField(_("women reached"), default=0)
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="visits", verbose_name=_("linked cases"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[cases])

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["hub", "started_at", *REPORT_COLUMNS]),
            models.Index(fields=["referent", "started_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(people_reached_women__lte=models.F("people_reached_total")),
                name="visit_women_within_people_reached",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="visit_latitude_and_longitude_together",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} – {self.started_at:%Y-%m-%d}"

    def clean(self):
        super().clean()
        errors = {}
        if self.people_reached_women > self.people_reached_total:
            errors["people_reached_women"] = _("Women reached cannot outnumber the people reached.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        if self.follow_up_date and self.started_at and self.follow_up_date < self.started_at.date():
            errors["follow_up_date"] = _("The follow-up date cannot be before the visit.")
        referent, enterprise = related_or_none(self, "referent"), related_or_none(self, "enterprise")
        if referent and (referent.role != Role.REFERENT or referent.hub_id != self.hub_id):
            errors["referent"] = _("The visit must be made by a referent of the hub.")
        if enterprise and self.hub_id and enterprise.hub_id != self.hub_id:
            errors["enterprise"] = _("This enterprise belongs to another hub.")
        if errors:
            raise ValidationError(errors)


def photo_path(instance, filename):
    """Named after the photo's token, which the phone chooses: an upload resent after its worker died between
    writing the file and committing the row is written over the file left behind (hub.uploads)."""
    return f"visits/{instance.visit.hub_id}/{instance.visit_id}/{instance.token}.jpg"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("visit"))
    token = models.UUIDField(unique=True, editable=False)
    image = models.ImageField(_("photo"), upload_to=photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.caption or str(self.token)


class VisitShare(SharedItem):
    """A technology sheet or a partner organisation handed over at a visit."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="shares", verbose_name=_("visit"))

    class Meta(SharedItem.Meta):
        verbose_name = _("item shared at a visit")
        verbose_name_plural = _("items shared at visits")

    def save(self, *args, **kwargs):
        self.hub_id = self.visit.hub_id
        super().save(*args, **kwargs)


class FieldAppToken(models.Model):
    """A referent's key for ODK Collect: the password of HTTP Digest (and Basic) under /openrosa/app/, or put
    in the server address as ODK Central puts its app users' keys (/openrosa/key/<key>/). The key itself is
    never stored: only its SHA-256, and the HA1 that Digest needs, MD5(user name:realm:key), so the key is
    shown once, in the QR code made with it; a referent has at most one key in use, and a new one revokes
    the previous."""

    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="field_app_tokens",
        verbose_name=_("referent"),
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    digest_ha1 = models.CharField(
        _("Digest HA1"),
        max_length=32,
        blank=True,
        editable=False,
        help_text=_("MD5 of the user name, realm and key, for HTTP Digest: blank for a key made before it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ODK Collect key")
        verbose_name_plural = _("ODK Collect keys")
        constraints = [
            models.UniqueConstraint(
                fields=["referent"], condition=models.Q(revoked_at__isnull=True), name="one_field_app_token_in_use"
            ),
        ]

    def __str__(self):
        return f"{self.referent} – {self.created_at:%Y-%m-%d}"
