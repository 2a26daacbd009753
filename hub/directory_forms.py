"""The forms a manager registers or corrects an enterprise with (`hub.services.enterprise_save` saves it)
and confirms its anonymisation with."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.models import AdministrativeUnit, Enterprise, Hub, User
from hub.services import ENTERPRISE_EDITABLE_FIELDS


class EnterpriseForm(forms.ModelForm):
    """Users without a hub (administrators) choose the hub of a new enterprise; everyone else registers
    enterprises in their own hub, and an enterprise never changes hub here."""

    SECTIONS = [
        (_("Enterprise"), ["hub", "name", "rccm", "nif", "sector", "activity", "turnover_band"]),
        (_("Location"), ["region", "commune", "address", "latitude", "longitude"]),
        (_("Owner"), ["owner_name", "owner_phone", "owner_email", "women_led", "youth_led"]),
        (_("Staff"), ["employees_total", "employees_women"]),
        (_("Consent"), ["consent_given", "consent_date"]),
    ]

    class Meta:
        model = Enterprise
        fields = ENTERPRISE_EDITABLE_FIELDS
        widgets = {
            "consent_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "latitude": forms.NumberInput(attrs={"step": "any"}),
            "longitude": forms.NumberInput(attrs={"step": "any"}),
        }
        help_texts = {
            "owner_phone": _("With or without the country code, e.g. 76 12 34 56."),
            "latitude": _("Of the production site, in decimal degrees, e.g. 12.6392."),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        hub = self.instance.hub if self.instance.hub_id else None
        if hub is None and user.hub_id is None:
            self.fields = {
                "hub": forms.ModelChoiceField(label=_("Hub"), queryset=Hub.objects.order_by("code")),
                **self.fields,
            }
        units = AdministrativeUnit.objects.order_by("name")
        if hub is not None:
            units = units.filter(country=hub.country)
            self.fields["owner_phone"].region = self.fields["owner_phone"].widget.region = hub.country
        self.fields["region"].queryset = units
        if self.instance.pk is None:
            self.initial.setdefault("consent_date", timezone.localdate())

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("hub") is not None:
            self.instance.hub = cleaned_data["hub"]
        return cleaned_data

    def sections(self):
        """The form's fields grouped under their legends, for the template."""
        return [(legend, [self[name] for name in names if name in self.fields]) for legend, names in self.SECTIONS]


class AnonymiseForm(forms.Form):
    """Anonymising cannot be undone: the manager types the enterprise's name to confirm."""

    confirm_name = forms.CharField(label=_("Type the name of the enterprise to confirm"), max_length=200)

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise

    def clean_confirm_name(self):
        typed = self.cleaned_data["confirm_name"]
        if " ".join(typed.split()).casefold() != " ".join(self.enterprise.name.split()).casefold():
            raise forms.ValidationError(_("This is not the name of the enterprise: nothing was changed."))
        return typed
