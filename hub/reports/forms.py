"""The filters of the report pages, read from the query string."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from hub.classifications import IsicSection, SizeClass
from hub.models import AdministrativeUnit, Hub, Role, TargetIndicator, User
from hub.permissions import hubs_readable_in_reports, reads_personal_data_in_reports
from hub.reports.figures import DIMENSIONS
from hub.reports.selectors import BREAKDOWNS, STAFF_ONLY_BREAKDOWNS, ReportFilters, report_today, within_report_dates


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}), validators=[within_report_dates]
    )
    date_to = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}), validators=[within_report_dates]
    )
    hub = forms.ChoiceField(label=_("Hub"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", "—"), *IsicSection.choices])
    size_class = forms.ChoiceField(label=_("Size class"), required=False, choices=[("", "—"), *SizeClass.choices])
    women_led = forms.NullBooleanField(
        label=_("Women-led"),
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", _("Women-led only")), ("false", _("Not women-led"))]),
    )
    referent = forms.ModelChoiceField(label=_("Referent"), required=False, queryset=User.objects.none())
    by = forms.ChoiceField(label=_("Break down by"))

    def __init__(self, data, *, user: User):
        """`data` is the query string; what it leaves out shows, and counts, as the default: the year
        to date, broken down by region."""
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("date_from") or not data.get("date_to"):
            today = report_today(user=user, hub=data.get("hub") or None)
            data["date_from"] = data.get("date_from") or today.replace(month=1, day=1).isoformat()
            data["date_to"] = data.get("date_to") or today.isoformat()
        data["by"] = data.get("by") or "region"
        super().__init__(data)
        hubs = Hub.objects.filter(hubs_readable_in_reports(user)).order_by("code")
        self.fields["hub"].choices = [("", _("Every hub")), *hubs.values_list("code", "name")]
        regions = AdministrativeUnit.objects.filter(country__in=hubs.values("country")).order_by("name")
        self.fields["region"].choices = [("", "—"), *regions.values_list("code", "name")]
        personal = reads_personal_data_in_reports(user)
        by = [name for name in BREAKDOWNS if personal or name not in STAFF_ONLY_BREAKDOWNS]
        self.fields["by"].choices = [(name, DIMENSIONS[name].name) for name in by]
        if personal:
            self.fields["referent"].queryset = User.objects.filter(role=Role.REFERENT, hub__in=hubs).order_by(
                "first_name", "last_name"
            )
        else:
            del self.fields["referent"]
        if len(self.fields["hub"].choices) <= 2:
            del self.fields["hub"]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def to_filters(self) -> ReportFilters:
        """Precondition: the form is valid."""
        data = self.cleaned_data
        referent = data.get("referent")
        return ReportFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            hub=data.get("hub") or None,
            region=data.get("region") or None,
            sector=data.get("sector") or None,
            size_class=data.get("size_class") or None,
            women_led=data.get("women_led"),
            referent=referent.pk if referent else None,
        )


class TargetsForm(forms.Form):
    """One field per indicator of `TargetIndicator`: the hub's target for the year, empty for none."""

    def __init__(self, data=None, *, initial_values: dict[str, int]):
        super().__init__(data, initial=initial_values)
        for indicator in TargetIndicator:
            percent = indicator == TargetIndicator.SATISFIED_PERCENT
            self.fields[indicator.value] = forms.IntegerField(
                label=indicator.label, required=False, min_value=0, max_value=100 if percent else None
            )

    def values(self) -> dict[str, int | None]:
        """Precondition: the form is valid."""
        return {indicator.value: self.cleaned_data.get(indicator.value) for indicator in TargetIndicator}
