"""Forms of the technology library: a sheet, a partner organisation, and sharing one with a case."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hub.classifications import IsicSection, TechnologyDomain
from hub.library.services import PARTNER_FIELDS, SHEET_FIELDS
from hub.models import AdministrativeUnit, Partner, TechnologySheet


class SheetForm(forms.ModelForm):
    sectors = forms.MultipleChoiceField(
        label=_("ISIC sectors concerned"),
        choices=IsicSection.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = TechnologySheet
        fields = [*SHEET_FIELDS, "partners"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 16}),
            "equipment": forms.Textarea(attrs={"rows": 3}),
            "review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "partners": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, hub_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Partner.objects.filter(hub=hub_id).order_by("name")


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = [*PARTNER_FIELDS, "regions"]
        widgets = {"regions": forms.CheckboxSelectMultiple}

    domains = forms.MultipleChoiceField(
        label=_("Technology domains"),
        choices=TechnologyDomain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, country: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = AdministrativeUnit.objects.filter(kind=AdministrativeUnit.Kind.REGION).order_by("name")
        self.fields["regions"].queryset = regions.filter(country=country) if country else regions


class ShareForm(forms.Form):
    """One published sheet or one partner organisation of the case's hub."""

    sheet = forms.ModelChoiceField(
        label=_("Technology sheet"), required=False, empty_label="—", queryset=TechnologySheet.objects.none()
    )
    partner = forms.ModelChoiceField(
        label=_("Partner organisation"), required=False, empty_label="—", queryset=Partner.objects.none()
    )

    def __init__(self, *args, hub_id: int, domain: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        sheets = TechnologySheet.objects.filter(hub=hub_id, status=TechnologySheet.Status.PUBLISHED)
        self.fields["sheet"].queryset = sheets.order_by("title")
        self.fields["partner"].queryset = Partner.objects.filter(hub=hub_id).order_by("name")
        if domain:
            suggested = sheets.filter(domain=domain).order_by("title")
            self.fields["sheet"].choices = [
                ("", "—"),
                (_("Sheets of this domain"), [(sheet.pk, sheet.title) for sheet in suggested]),
                (_("Other sheets"), [(sheet.pk, sheet.title) for sheet in sheets.exclude(domain=domain)]),
            ]

    def clean(self):
        data = super().clean()
        if bool(data.get("sheet")) == bool(data.get("partner")):
            raise forms.ValidationError(_("Choose either a technology sheet or a partner organisation."))
        return data
