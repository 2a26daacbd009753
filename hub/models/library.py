"""The technology library: sheets, their attachments, and what is shared with enterprises."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hub.classifications import IsicSection, TechnologyDomain
from hub.models.enterprises import Partner
from hub.models.hubs import Hub


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
