"""Spreadsheets brought into a hub's records (`hub.imports`)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.models.hubs import Hub


def import_file_path(instance, filename):
    """Under a server-chosen name; the person's file name is kept in `file_name` only."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"imports/{instance.hub_id}/{instance.token}.{extension}"


class ImportBatch(models.Model):
    """One spreadsheet of enterprises, past cases or past visits for a hub: checked first (a dry run whose
    report is kept here), then imported in one transaction when a manager confirms it. The file waits in
    the private media storage between the two and is deleted once the batch is imported or cancelled;
    the counts stay, for the list of imports."""

    class Kind(models.TextChoices):
        ENTERPRISES = "enterprises", _("Enterprises")
        CASES = "cases", _("Past cases")
        VISITS = "visits", _("Past visits")

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, to confirm")
        IMPORTED = "imported", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")

    class Decision(models.TextChoices):
        """What becomes of a line that matches a record already stored."""

        SKIP = "skip", _("Skip it")
        UPDATE = "update", _("Update the record")
        CREATE = "create", _("Create anyway")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="import_batches", verbose_name=_("hub"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=import_file_path, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKED)
    on_duplicate = models.CharField(
        _("lines matching a stored record"), max_length=6, choices=Decision.choices, default=Decision.SKIP
    )
    decisions = models.JSONField(
        _("decisions per line"), default=dict, blank=True, help_text=_("Line number: decision, where it differs.")
    )
    report = models.JSONField(_("report of the last run"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("lines"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    refused_count = models.PositiveIntegerField(_("refused"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.file_name
