import dataclasses

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers import ids
from hub.classifications import IsicSection, SizeClass
from hub.models import AdministrativeUnit, Hub, Role, TargetIndicator, User
from hub.permissions import hubs_readable_in_reports, reads_personal_data_in_reports
from hub.reports.selectors import (
    BREAKDOWNS,
    STAFF_ONLY_BREAKDOWNS,
    ReportFilters,
    report_today,
    within_report_dates,
)

STAFF_ONLY = _("Figures per referent are for hub staff only.")


class ReportFiltersSerializer(serializers.Serializer):
    date_from = serializers.DateField(
        required=False,
        validators=[within_report_dates],
        help_text=_("First day; 1 January of this year by default."),
    )
    date_to = serializers.DateField(
        required=False, validators=[within_report_dates], help_text=_("Last day; today by default.")
    )
    hub = serializers.CharField(required=False, allow_null=True, max_length=10, help_text=ids.HUB)
    region = serializers.CharField(required=False, allow_null=True, max_length=12)
    sector = serializers.ChoiceField(choices=IsicSection.choices, required=False, allow_null=True)
    size_class = serializers.ChoiceField(choices=SizeClass.choices, required=False, allow_null=True)
    women_led = serializers.BooleanField(required=False, allow_null=True, default=None)
    referent = serializers.IntegerField(required=False, allow_null=True, min_value=1, help_text=ids.REFERENT)

    def validate_hub(self, code):
        """A hub whose figures the user reads: any other code would answer zeros as if they were figures."""
        if code and not Hub.objects.filter(hubs_readable_in_reports(self._user()), code=code).exists():
            raise serializers.ValidationError(_("No hub with this code whose figures you may read."))
        return code

    def validate_region(self, code):
        if code and not AdministrativeUnit.objects.filter(code=code).exists():
            raise serializers.ValidationError(_("No region with this code."))
        return code

    def validate_referent(self, pk):
        if not pk:
            return pk
        if not reads_personal_data_in_reports(self._user()):
            raise serializers.ValidationError(STAFF_ONLY)
        readable = Hub.objects.filter(hubs_readable_in_reports(self._user()))
        if not User.objects.filter(pk=pk, role=Role.REFERENT, hub__in=readable).exists():
            raise serializers.ValidationError(_("No referent with this id in the hubs whose figures you may read."))
        return pk

    def _user(self) -> User:
        """Precondition: the view passes the request in the context."""
        return self.context["request"].user

    def validate(self, attrs):
        if "date_from" not in attrs or "date_to" not in attrs:
            today = report_today(user=self._user(), hub=attrs.get("hub"))
            attrs.setdefault("date_from", today.replace(month=1, day=1))
            attrs.setdefault("date_to", today)
        if attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": _("The end of the period is before its start.")})
        return attrs

    def to_filters(self) -> ReportFilters:
        fields = {field.name for field in dataclasses.fields(ReportFilters)}
        return ReportFilters(**{name: value for name, value in self.validated_data.items() if name in fields})


class DelaySerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("The cases received in the period that reached the stage."))
    overdue_open = serializers.IntegerField(
        help_text=_("The cases received in the period still open past the stage's due date: missed.")
    )
    median_days = serializers.FloatField(allow_null=True)
    p90_days = serializers.FloatField(allow_null=True)
    within_standard_share = serializers.FloatField(
        allow_null=True,
        help_text=_("Done by the due date, over the cases that reached the stage and those open past its due date."),
    )


class BacklogSerializer(serializers.Serializer):
    min_days = serializers.IntegerField()
    max_days = serializers.IntegerField(allow_null=True)
    open_cases = serializers.IntegerField()


class SatisfactionSerializer(serializers.Serializer):
    rated = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    satisfied_share = serializers.FloatField(
        allow_null=True, help_text=_("The share of rated requests (cases) rated 4 or 5, not of enterprises.")
    )
    answer_rate = serializers.FloatField(allow_null=True)


class DelaysSerializer(serializers.Serializer):
    acknowledge = DelaySerializer()
    assign = DelaySerializer()
    first_contact = DelaySerializer()
    resolve = DelaySerializer()


class ServiceQualitySerializer(serializers.Serializer):
    delays = DelaysSerializer()
    backlog_by_age = BacklogSerializer(many=True)
    satisfaction = SatisfactionSerializer()


class ActivitySerializer(serializers.Serializer):
    cases_received = serializers.IntegerField()
    cases_answered = serializers.IntegerField()
    cases_resolved = serializers.IntegerField()
    cases_rejected = serializers.IntegerField()
    cases_referred = serializers.IntegerField()
    visits = serializers.IntegerField()
    people_reached = serializers.IntegerField()
    women_reached = serializers.IntegerField()
    enterprises_reached = serializers.IntegerField()
    women_led_enterprises_reached = serializers.IntegerField()
    sheets_shared = serializers.IntegerField(help_text=_("Technology sheets shared in cases and at visits."))
    partners_shared = serializers.IntegerField(help_text=_("Partner organisations shared in cases and at visits."))


class SummarySerializer(serializers.Serializer):
    filters = ReportFiltersSerializer()
    activity = ActivitySerializer()
    service_quality = ServiceQualitySerializer()


class BreakdownParamsSerializer(ReportFiltersSerializer):
    by = serializers.ChoiceField(
        choices=BREAKDOWNS, default="month", help_text=_("The dimension; per referent for hub staff only.")
    )

    def validate_by(self, by):
        if by in STAFF_ONLY_BREAKDOWNS and not reads_personal_data_in_reports(self._user()):
            raise serializers.ValidationError(STAFF_ONLY)
        return by


class BreakdownRowSerializer(serializers.Serializer):
    key = serializers.JSONField(help_text=_("The group: a month (YYYY-MM), a code, an id or a yes/no; null if none."))
    label = serializers.CharField()
    visits = serializers.IntegerField()
    cases_received = serializers.IntegerField()
    cases_answered = serializers.IntegerField()
    cases_resolved = serializers.IntegerField()
    enterprises_reached = serializers.IntegerField()
    women_led_enterprises_reached = serializers.IntegerField()
    people_reached = serializers.IntegerField()
    women_reached = serializers.IntegerField()


class BreakdownSerializer(serializers.Serializer):
    by = serializers.CharField()
    rows = BreakdownRowSerializer(many=True)


class TurnoverSerializer(serializers.Serializer):
    enterprises = serializers.IntegerField()
    baseline_xof = serializers.IntegerField()
    latest_xof = serializers.IntegerField()
    change_xof = serializers.IntegerField()
    change_share = serializers.FloatField(allow_null=True)


class AnswerLineSerializer(serializers.Serializer):
    label = serializers.CharField()
    due = serializers.IntegerField(
        help_text=_("Follow-ups whose due date falls in the period and has passed (before today).")
    )
    collected = serializers.IntegerField(help_text=_("Of those, collected by now, whenever."))
    on_time = serializers.IntegerField(help_text=_("Collected on or before the due date."))
    late = serializers.IntegerField(help_text=_("Collected after the due date."))
    missing = serializers.IntegerField(help_text=_("Not collected."))
    self_reported = serializers.IntegerField(help_text=_("Collected and answered by the enterprise through its link."))
    answer_rate = serializers.FloatField(allow_null=True, help_text=_("Collected on time over due; null if none due."))
    self_reported_share = serializers.FloatField(
        allow_null=True, help_text=_("Self-reported over collected; null if none collected.")
    )


class FollowupsDueSerializer(serializers.Serializer):
    """The answer rate of the follow-ups due in the period. With a referent filter, a follow-up counts for
    the referent in charge of it, or for whoever collected it when nobody was in charge."""

    m6 = AnswerLineSerializer()
    m12 = AnswerLineSerializer()
    total = AnswerLineSerializer(help_text=_("The 6- and 12-month follow-ups together."))
    baseline = AnswerLineSerializer(help_text=_("The baselines, outside the total."))


class ImpactSerializer(serializers.Serializer):
    followups = serializers.IntegerField()
    enterprises_followed = serializers.IntegerField()
    technology_adopted = serializers.IntegerField()
    jobs_created = serializers.IntegerField()
    jobs_kept = serializers.IntegerField()
    new_sales_xof = serializers.IntegerField()
    kept_sales_xof = serializers.IntegerField()
    investment_xof = serializers.IntegerField()
    cost_savings_xof = serializers.IntegerField()
    new_products = serializers.IntegerField()
    new_processes = serializers.IntegerField()
    satisfaction_mean = serializers.FloatField(allow_null=True)
    net_promoter_score = serializers.IntegerField(
        allow_null=True, help_text=_("Share of 9-10 answers less share of 0-6, in points; null without answers.")
    )
    recommend_answers = serializers.IntegerField(help_text=_("The answers the Net Promoter Score is computed over."))
    turnover = TurnoverSerializer()
    followups_due = FollowupsDueSerializer()


class EnterpriseImpactSerializer(serializers.Serializer):
    """One enterprise followed up in the period, as the report's table per enterprise shows it."""

    enterprise = serializers.IntegerField(source="pk", help_text=ids.ENTERPRISE)
    name = serializers.CharField()
    region = serializers.CharField(source="region__name")
    baseline_turnover_xof = serializers.IntegerField(source="baseline_turnover", allow_null=True)
    latest_turnover_xof = serializers.IntegerField(source="latest_turnover", allow_null=True)
    turnover_change_xof = serializers.IntegerField(source="turnover_change", allow_null=True)
    baseline_employees = serializers.IntegerField(allow_null=True)
    jobs_created = serializers.IntegerField()
    investment_xof = serializers.IntegerField(source="investment")


class TargetLineSerializer(serializers.Serializer):
    indicator = serializers.ChoiceField(choices=TargetIndicator.choices)
    year = serializers.IntegerField(
        help_text=_("The year whose goal the line measures, with the actuals of the part of the period inside it.")
    )
    label = serializers.CharField()
    target = serializers.IntegerField(allow_null=True)
    expected = serializers.IntegerField(allow_null=True)
    actual = serializers.FloatField(
        allow_null=True,
        help_text=_(
            "A count, or for satisfied_percent the exact percentage of rated enterprises whose mean rating is 4 "
            "or more."
        ),
    )
    share = serializers.FloatField(allow_null=True, help_text=_("The exact actual over the target, unrounded."))


class HubTargetsSerializer(serializers.Serializer):
    hub = serializers.CharField(help_text=ids.HUB)
    name = serializers.CharField()
    indicators = TargetLineSerializer(many=True)


class TargetsSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text=_("The last year the period touches."))
    years = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Every year the period touches: one line per indicator each.")
    )
    hubs = HubTargetsSerializer(many=True)
    total = TargetLineSerializer(many=True, allow_null=True)
    omitted = serializers.CharField(
        allow_null=True,
        help_text=_(
            "Why there are no targets: the report is narrowed to part of the hubs' enterprises or work (a region, "
            "a sector, a size, women-led enterprises or a referent). Null otherwise."
        ),
    )
