import dataclasses
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers import ids
from hub.classifications import IsicSection, SizeClass
from hub.models import AdministrativeUnit, Hub, Role, TargetIndicator, User
from hub.permissions import hubs_readable_in_reports, reads_personal_data_in_reports
from hub.reports.figures import (
    ACTIVITY,
    ANSWER_RATE,
    BACKLOG,
    BREAKDOWN_FIGURES,
    DELAYS,
    ENTERPRISES,
    IMPACT,
    SATISFACTION,
    TARGETS,
    TURNOVER,
    Figure,
    Unit,
)
from hub.reports.selectors import BREAKDOWNS, STAFF_ONLY_BREAKDOWNS, ReportFilters, report_today, within_report_dates

STAFF_ONLY = _("Figures per referent are for hub staff only.")

FIELD_OF_UNIT = {
    Unit.COUNT: serializers.IntegerField,
    Unit.AMOUNT: serializers.IntegerField,
    Unit.SCORE: serializers.IntegerField,
    Unit.SHARE: serializers.FloatField,
    Unit.DAYS: serializers.FloatField,
    Unit.RATING: serializers.FloatField,
}
TAKEN_OVER_OTHERS = {Unit.SHARE, Unit.DAYS, Unit.RATING, Unit.SCORE}
"""Units of the figures taken over others (a share, a median, a mean, a score): null with nothing to take them
over. Counts and amounts are null only where an option says so."""


def figure_fields(
    figures: Iterable[Figure], *, first: tuple[str, ...] = (), **options: dict
) -> dict[str, serializers.Field]:
    """A field for each of `figures` (`hub.reports.figures`), typed by its unit and described by its definition.
    `first` names the figures the API has always given first, in that order; the others follow in the
    catalogue's order. `options` gives a figure's field options by its name: `allow_null`, `field` (a class
    other than its unit's) and `name` (the API's name for it, the value still read from the figure's name).
    A serializer's class body takes them with `locals().update(...)` (at class scope, the namespace the class
    is made from); DRF orders fields as they were made, so they keep their place among those declared around
    them."""
    figures = sorted(figures, key=lambda figure: first.index(figure.name) if figure.name in first else len(first))
    if unknown := (set(first) | set(options)) - {figure.name for figure in figures}:
        raise ValueError(f"No such figures: {sorted(unknown)}")
    fields = {}
    for figure in figures:
        extra = dict(options.get(figure.name, {}))
        field = extra.pop("field", FIELD_OF_UNIT[figure.unit])
        name = extra.pop("name", figure.name)
        if name != figure.name:
            extra["source"] = figure.name
        extra.setdefault("allow_null", figure.unit in TAKEN_OVER_OTHERS)
        fields[name] = field(help_text=figure.definition, **extra)
    return fields


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
    locals().update(figure_fields(DELAYS.figures))


class BacklogSerializer(serializers.Serializer):
    min_days = serializers.IntegerField()
    max_days = serializers.IntegerField(allow_null=True)
    locals().update(figure_fields(BACKLOG.figures))


class SatisfactionSerializer(serializers.Serializer):
    locals().update(figure_fields(SATISFACTION.figures))


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
    locals().update(
        figure_fields(
            ACTIVITY.figures,
            first=(
                "cases_received",
                "cases_answered",
                "cases_resolved",
                "cases_rejected",
                "cases_referred",
                "visits",
                "people_reached",
                "women_reached",
            ),
        )
    )


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
    locals().update(figure_fields(BREAKDOWN_FIGURES))


class BreakdownSerializer(serializers.Serializer):
    by = serializers.CharField()
    rows = BreakdownRowSerializer(many=True)


class TurnoverSerializer(serializers.Serializer):
    locals().update(figure_fields(TURNOVER.figures))


class AnswerLineSerializer(serializers.Serializer):
    label = serializers.CharField()
    locals().update(
        figure_fields(ANSWER_RATE.figures, first=("due", "collected", "on_time", "late", "missing", "self_reported"))
    )


class FollowupsDueSerializer(serializers.Serializer):
    """The answer rate of the follow-ups due in the period. With a referent filter, a follow-up counts for
    the referent in charge of it, or for whoever collected it when nobody was in charge."""

    m6 = AnswerLineSerializer()
    m12 = AnswerLineSerializer()
    total = AnswerLineSerializer(help_text=_("The 6- and 12-month follow-ups together."))
    baseline = AnswerLineSerializer(help_text=_("The baselines, outside the total."))


class ImpactSerializer(serializers.Serializer):
    locals().update(figure_fields(IMPACT.figures))
    turnover = TurnoverSerializer()
    followups_due = FollowupsDueSerializer()


class EnterpriseImpactSerializer(serializers.Serializer):
    """One enterprise followed up in the period, as the report's table per enterprise shows it."""

    enterprise = serializers.IntegerField(source="pk", help_text=ids.ENTERPRISE)
    name = serializers.CharField()
    region = serializers.CharField(source="region__name")
    locals().update(
        figure_fields(
            ENTERPRISES.figures,
            baseline_turnover={"name": "baseline_turnover_xof", "allow_null": True},
            latest_turnover={"name": "latest_turnover_xof", "allow_null": True},
            turnover_change={"name": "turnover_change_xof", "allow_null": True},
            baseline_employees={"allow_null": True},
            investment={"name": "investment_xof"},
        )
    )


class TargetLineSerializer(serializers.Serializer):
    indicator = serializers.ChoiceField(choices=TargetIndicator.choices)
    year = serializers.IntegerField(
        help_text=_("The year whose goal the line measures, with the actuals of the part of the period inside it.")
    )
    label = serializers.CharField()
    locals().update(
        figure_fields(
            TARGETS.figures,
            target={"allow_null": True},
            expected={"allow_null": True},
            actual={"field": serializers.FloatField, "allow_null": True},
        )
    )


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
