"""Support requests (demandes d'appui), their status workflow, notes, attachments and timeline."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hub.classifications import TechnologyDomain
from hub.models import Role, SharedItem, related_or_none


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    QUALIFIED = "qualified", _("Qualified")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_SME = "waiting_sme", _("Waiting for the SME")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    REFERRED = "referred", _("Referred to a partner")


S = CaseStatus
STAFF = frozenset({Role.MANAGER, Role.ADMIN})
WORKERS = frozenset({Role.REFERENT, Role.MANAGER, Role.ADMIN})

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.NEW, S.QUALIFIED): STAFF,
    (S.NEW, S.REJECTED): STAFF,
    (S.NEW, S.REFERRED): STAFF,
    (S.QUALIFIED, S.ASSIGNED): STAFF,
    (S.QUALIFIED, S.REJECTED): STAFF,
    (S.QUALIFIED, S.REFERRED): STAFF,
    (S.ASSIGNED, S.IN_PROGRESS): WORKERS,
    (S.ASSIGNED, S.REFERRED): WORKERS,
    (S.IN_PROGRESS, S.WAITING_SME): WORKERS,
    (S.IN_PROGRESS, S.RESOLVED): WORKERS,
    (S.IN_PROGRESS, S.REFERRED): WORKERS,
    (S.WAITING_SME, S.IN_PROGRESS): WORKERS | {Role.SME},
    (S.WAITING_SME, S.RESOLVED): WORKERS,
    (S.RESOLVED, S.CLOSED): STAFF | {Role.SME},
    (S.RESOLVED, S.IN_PROGRESS): STAFF | {Role.SME},
}
"""Which role may move a case from one status to another. Every status change goes through
`cases.services.case_transition`, which checks this table and nothing else. Resolved -> in progress is
the reopening, allowed only within the hub's reopen window."""

MOVE_LABELS: dict[tuple[str, str], str] = {
    (S.NEW, S.REJECTED): _("Reject"),
    (S.NEW, S.REFERRED): _("Refer to a partner"),
    (S.QUALIFIED, S.REJECTED): _("Reject"),
    (S.QUALIFIED, S.REFERRED): _("Refer to a partner"),
    (S.ASSIGNED, S.IN_PROGRESS): _("Start work"),
    (S.ASSIGNED, S.REFERRED): _("Refer to a partner"),
    (S.IN_PROGRESS, S.WAITING_SME): _("Wait for the SME"),
    (S.IN_PROGRESS, S.RESOLVED): _("Mark as resolved"),
    (S.IN_PROGRESS, S.REFERRED): _("Refer to a partner"),
    (S.WAITING_SME, S.IN_PROGRESS): _("Resume work"),
    (S.WAITING_SME, S.RESOLVED): _("Mark as resolved"),
    (S.RESOLVED, S.CLOSED): _("Close the request"),
    (S.RESOLVED, S.IN_PROGRESS): _("Reopen the request"),
}
"""What the button of each plain move says: the action, not the status it leads to."""

OPEN_STATUSES = frozenset({S.NEW, S.QUALIFIED, S.ASSIGNED, S.IN_PROGRESS, S.WAITING_SME})
FINAL_STATUSES = frozenset({S.CLOSED, S.REJECTED, S.REFERRED})


class Channel(models.TextChoices):
    PORTAL = "portal", _("SME portal")
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("Site visit")
    WALK_IN = "walk_in", _("Walk-in")
    PARTNER = "partner", _("Partner referral")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


REPORT_COLUMNS = [
    "enterprise", "assigned_to", "status", "acknowledged_at", "assigned_at", "first_contact_at", "resolved_at",
    "acknowledge_due", "assign_due", "first_contact_due", "resolve_due", "satisfaction_rating", "id",
]  # fmt: skip
"""What the reports read of a case, after the hub and the date of receipt in one index: PostgreSQL and
SQLite answer a report from the index alone, without reading the cases (docs/PERFORMANCE.md)."""


class Case(models.Model):
    """A support request. `version` grows on every change so that stale updates can be refused."""

    hub = models.ForeignKey("hub.Hub", on_delete=models.PROTECT, related_name="cases", verbose_name=_("hub"))
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "hub.Enterprise", on_delete=models.PROTECT, related_name="cases", verbose_name=_("enterprise")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    domain = models.CharField(_("technology domain"), max_length=20, choices=TechnologyDomain.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=15, choices=CaseStatus.choices, default=CaseStatus.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned referent"),
        limit_choices_to={"role": Role.REFERENT},
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_cases",
        verbose_name=_("registered by"),
    )
    received_at = models.DateTimeField(_("received at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    acknowledge_due = models.DateField(_("acknowledge by"), null=True, blank=True)
    assign_due = models.DateField(_("assign by"), null=True, blank=True)
    first_contact_due = models.DateField(_("first contact by"), null=True, blank=True)
    resolve_due = models.DateField(_("resolve by"), null=True, blank=True)
    resolution_summary = models.TextField(_("resolution summary"), blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    referred_to = models.ForeignKey(
        "hub.Partner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referred_cases",
        verbose_name=_("referred to"),
    )
    referred_to_name = models.CharField(
        _("partner name at referral"),
        max_length=200,
        blank=True,
        help_text=_("Kept so the referral stays readable if the partner is deleted."),
    )
    satisfaction_rating = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    satisfaction_comment = models.TextField(_("satisfaction comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    satisfaction_reminded_at = models.DateTimeField(
        _("satisfaction reminder sent at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set by send_reminders so that the SME is asked to rate the case only once."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["hub", "status"]),
            models.Index(fields=["hub", "received_at", *REPORT_COLUMNS]),
            models.Index(fields=["assigned_to", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction_rating__isnull=True)
                | models.Q(satisfaction_rating__gte=1, satisfaction_rating__lte=5),
                name="case_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.reference} – {self.title}"

    def clean(self):
        super().clean()
        errors = {}
        enterprise, assignee = related_or_none(self, "enterprise"), related_or_none(self, "assigned_to")
        if enterprise and self.hub_id and enterprise.hub_id != self.hub_id:
            errors["enterprise"] = _("This enterprise belongs to another hub.")
        if assignee and (assignee.role != Role.REFERENT or assignee.hub_id != self.hub_id):
            errors["assigned_to"] = _("Assign the case to a referent of its hub.")
        if self.status == CaseStatus.REJECTED and not self.rejection_reason.strip():
            errors["rejection_reason"] = _("Give the reason for the rejection.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def next_due(self):
        return next_due(
            status=self.status,
            acknowledge_due=self.acknowledge_due,
            assign_due=self.assign_due,
            first_contact_due=self.first_contact_due,
            resolve_due=self.resolve_due,
        )


def next_due(*, status: str, acknowledge_due, assign_due, first_contact_due, resolve_due):
    """The earliest date a case must meet now: its current stage's, or its resolution's; None once it is
    closed. `cases.selectors.overdue_condition` is the same rule in SQL."""
    if status not in OPEN_STATUSES:
        return None
    stage_due = {
        CaseStatus.NEW: acknowledge_due,
        CaseStatus.QUALIFIED: assign_due,
        CaseStatus.ASSIGNED: first_contact_due,
    }.get(status)
    return min((due for due in (stage_due, resolve_due) if due is not None), default=None)


class ReferenceCounter(models.Model):
    """The last case number given per hub and year; incremented under a row lock."""

    hub = models.ForeignKey("hub.Hub", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hub", "year"], name="unique_reference_counter")]

    def __str__(self):
        return f"{self.hub_id}/{self.year}: {self.last_number}"


class CaseEvent(models.Model):
    """One entry of the case timeline: a status change, an assignment or a referral."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
    from_status = models.CharField(_("from"), max_length=15, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=15, choices=CaseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case_id}: {self.from_status} -> {self.to_status}"


class CaseNote(models.Model):
    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("Internal note")
        SME = "sme", _("Message to the SME")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_notes", verbose_name=_("author")
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case.reference} – {self.get_visibility_display()}"


ATTACHMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "webp", "doc", "docx", "xls", "xlsx", "odt", "ods", "txt"]


def attachment_path(instance, filename):
    """Stored under a server-chosen name; the person's file name is kept in `original_name` only."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cases/{instance.case.hub_id}/{instance.case_id}/{instance.token}.{extension}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("case"))
    token = models.UUIDField(unique=True, editable=False)
    file = models.FileField(
        _("file"), upload_to=attachment_path, validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)]
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    visible_to_sme = models.BooleanField(_("visible to the SME"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class CaseShare(SharedItem):
    """A technology sheet or a partner organisation shared with the SME in a case; the SME sees it with
    the case in the portal."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares", verbose_name=_("case"))

    class Meta(SharedItem.Meta):
        verbose_name = _("item shared in a case")
        verbose_name_plural = _("items shared in cases")

    def save(self, *args, **kwargs):
        self.hub_id = self.case.hub_id
        super().save(*args, **kwargs)


class CaseActionReceipt(models.Model):
    """An action on a case that the mobile app queued offline, stored once per client UUID: a resend answers
    with what was stored. The note or the event holds what was done; the receipt only says it arrived."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Internal note")
        MESSAGE = "message", _("Message to the SME")
        MOVE = "move", _("Status change")

    client_uuid = models.UUIDField(_("client identifier"), unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="action_receipts", verbose_name=_("case"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    content_hash = models.CharField(_("content hash"), max_length=64, editable=False)
    made_at = models.DateTimeField(_("made on the phone at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    note = models.ForeignKey(
        CaseNote, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("note")
    )
    event = models.ForeignKey(
        CaseEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("event")
    )
    applied_on = models.PositiveIntegerField(_("applied on version"))
    case_version = models.PositiveIntegerField(_("case version after"))

    class Meta:
        verbose_name = _("queued case action")
        verbose_name_plural = _("queued case actions")
        ordering = ["received_at", "pk"]

    def __str__(self):
        return f"{self.case_id}: {self.kind} {self.client_uuid}"
