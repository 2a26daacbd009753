"""The administrators' form to open a hub (`hub.hubs.services.hub_open` checks the rest: a code already
taken, the manager's number in the hub's country), and the form of a hub's settings."""

import datetime
import zoneinfo

from django import forms
from django.conf import settings
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from hub.classifications import Country
from hub.forms import phone_field
from hub.hubs.services import SETTINGS_FIELDS
from hub.models import Hub


def utc_offset(zone: str, at: datetime.datetime) -> str:
    minutes = int(at.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def time_zone_choices() -> list[tuple[str, str]]:
    """Africa's IANA zones with their UTC offset today, after a blank choice: the country's zone."""
    now = datetime.datetime.now(datetime.UTC)
    zones = sorted(name for name in zoneinfo.available_timezones() if name.startswith("Africa/"))
    return [("", _("The country's")), *((name, f"{name} ({utc_offset(name, now)})") for name in zones)]


HUB_FIELDS = ["country", "code", "name", "host_organisation", "time_zone", "language"]
MANAGER_FIELDS = ["manager_name", "manager_phone", "manager_email"]


class HubOpenForm(forms.Form):
    SECTIONS = [(_("Hub"), HUB_FIELDS), (_("Its first manager"), MANAGER_FIELDS)]

    country = forms.ChoiceField(label=_("Country"), choices=[("", "—"), *Country.choices])
    code = Hub._meta.get_field("code").formfield()
    name = Hub._meta.get_field("name").formfield()
    host_organisation = Hub._meta.get_field("host_organisation").formfield()
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, required=False)
    language = forms.ChoiceField(
        label=_("Default language"),
        choices=[("", _("The country's")), *settings.LANGUAGES],
        required=False,
    )
    manager_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    manager_phone = phone_field(
        label=_("Mobile phone number"),
        required=False,
        help_text=_("With the country code, e.g. +221 77 123 45 67. The invitation is sent to it."),
    )
    manager_email = forms.EmailField(label=_("E-mail"), required=False)

    def sections(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.SECTIONS]


class HubSettingsForm(forms.ModelForm):
    """What a hub's managers keep: its name, zone, language, weekend days and service standards
    (`hub.hubs.services.hub_update` checks the rest, as the model does)."""

    SECTIONS = [
        (_("Hub"), ["name", "host_organisation", "time_zone", "language"]),
        (_("Working days"), ["weekend_days"]),
        (
            _("Service standards, in working days"),
            ["acknowledge_days", "assign_days", "first_contact_days", "resolve_days"],
        ),
        (_("Calendar days"), ["reopen_days", "followup_6_months_days", "followup_12_months_days"]),
    ]

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, required=False)
    weekend_days = forms.TypedMultipleChoiceField(
        label=_("Weekend days"),
        choices=sorted(WEEKDAYS.items()),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Hub
        fields = SETTINGS_FIELDS

    def sections(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.SECTIONS]
