"""Report spreadsheets prepared in the background (`hub.reports.export_jobs`)."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.models.hubs import Hub

EXPORT_JOB_MAX_AGE = datetime.timedelta(days=7)
"""How long a prepared file is kept; `manage.py remove_orphan_files` deletes the expired jobs and their files."""
EXPORT_JOB_STALLED_AFTER = datetime.timedelta(hours=1)
"""A job still waiting or being prepared this long after it was asked for is taken as lost (no worker
running, or one that died): its page says so and the same export can be asked for again."""


def export_file_path(instance, filename):
    """Under the job's token, never under a name a reader could guess; the download's name is `file_name`."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"exports/{instance.hub_id or 'hubs'}/{instance.token}.{extension}"


def export_expiry():
    return timezone.now() + EXPORT_JOB_MAX_AGE


class ExportJob(models.Model):
    """One report spreadsheet (the programme report, or the records behind one of its figures) built by a
    background task for the person who asked for it, with its progress, its file in the private media
    storage and, if it failed, why."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting its turn")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    MOVES = {
        Status.QUEUED: frozenset({Status.RUNNING, Status.FAILED}),
        Status.RUNNING: frozenset({Status.READY, Status.FAILED}),
        Status.READY: frozenset(),
        Status.FAILED: frozenset(),
    }
    """The moves the task makes: a job is taken once, and ends ready or failed."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    hub = models.ForeignKey(
        Hub,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="export_jobs",
        verbose_name=_("hub"),
        help_text=_("The one hub the export covers; empty for several hubs."),
    )
    kind = models.CharField(_("kind"), max_length=20, help_text=_("report, or the records behind a figure"))
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows to write"), default=0)
    file = models.FileField(_("file"), upload_to=export_file_path, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), default=export_expiry, db_index=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requester", "status"], name="hub_exportjob_requester")]

    def __str__(self):
        return self.file_name or str(self.token)

    def can_move_to(self, status: str) -> bool:
        return status in self.MOVES[self.Status(self.status)]

    @property
    def percent(self) -> int:
        """Rows written out of those to write, 0 to 100 (100 once ready)."""
        if self.status == self.Status.READY:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    @property
    def stalled(self) -> bool:
        return not self.finished and self.created_at <= timezone.now() - EXPORT_JOB_STALLED_AFTER

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()
