"""Impact follow-ups of enterprises and the bounds of what they record."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hub.models.common import related_or_none
from hub.models.enterprises import Enterprise
from hub.models.hubs import Hub
from hub.models.people import Role, User

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
