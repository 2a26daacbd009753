"""The forms of the staff pages; `hub.staff.services` checks the rest (numbers of the hub's country, accounts
already holding a number)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hub.classifications import TechnologyDomain
from hub.forms import PHONE_HELP, phone_field
from hub.models import AdministrativeUnit, Hub, Role, User

STAFF_ROLE_CHOICES = [(Role.REFERENT.value, Role.REFERENT.label), (Role.MANAGER.value, Role.MANAGER.label)]


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = phone_field(label=_("Mobile phone number"), required=False, help_text=PHONE_HELP)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, person: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if person is not None:
            self.initial.update(name=person.get_full_name(), phone=person.phone, email=person.email)

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors and not cleaned_data.get("phone") and not cleaned_data.get("email"):
            raise forms.ValidationError(_("Give a phone number or an e-mail address: the invitation is sent there."))
        return cleaned_data

    def contact(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("name", "phone", "email")}


class StaffForm(ContactForm):
    """A referent or a manager of `hub`: the role is chosen at creation only; domains and regions are a
    referent's."""

    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES, widget=forms.RadioSelect)
    domains = forms.MultipleChoiceField(
        label=_("Technology domains"),
        choices=TechnologyDomain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For referents: the cases they can be given."),
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions covered"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For referents."),
    )

    field_order = ["role", "name", "phone", "email", "domains", "regions"]

    def __init__(self, *args, hub: Hub, person: User | None = None, **kwargs):
        super().__init__(*args, person=person, **kwargs)
        self.fields["phone"].region = self.fields["phone"].widget.region = hub.country
        self.fields["regions"].queryset = AdministrativeUnit.objects.filter(country=hub.country).order_by("name")
        if person is None:
            return
        del self.fields["role"]
        profile = getattr(person, "referent", None) if person.role == Role.REFERENT else None
        if profile is None:
            del self.fields["domains"], self.fields["regions"]
        else:
            self.initial.update(domains=profile.domains, regions=list(profile.regions.all()))

    def profile(self) -> dict:
        """The referent's domains and regions; none for a manager."""
        return {name: self.cleaned_data.get(name) or [] for name in ("domains", "regions")}


class ViewerForm(ContactForm):
    """A regional viewer reads every hub's reports or only some hubs': an explicit choice, never a default."""

    EVERY_HUB, SOME_HUBS = "every", "some"

    reach = forms.ChoiceField(
        label=_("Reports they read"),
        choices=[(EVERY_HUB, _("Every hub, and the hubs opened later")), (SOME_HUBS, _("Only the hubs ticked below"))],
        widget=forms.RadioSelect,
    )
    hubs = forms.ModelMultipleChoiceField(
        label=_("Hubs"), queryset=Hub.objects.order_by("code"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, person: User | None = None, **kwargs):
        super().__init__(*args, person=person, **kwargs)
        if person is not None:
            hubs = list(person.report_hubs.all())
            self.initial.update(reach=self.SOME_HUBS if hubs else self.EVERY_HUB, hubs=hubs)

    def clean(self):
        cleaned_data = super().clean()
        reach, hubs = cleaned_data.get("reach"), cleaned_data.get("hubs")
        if reach == self.SOME_HUBS and not hubs:
            self.add_error("hubs", _("Tick the hubs they read."))
        if reach == self.EVERY_HUB and hubs:
            self.add_error("hubs", _("You chose every hub: untick these hubs, or choose only the hubs ticked."))
        return cleaned_data

    def report_hubs(self) -> list[Hub]:
        """The hubs of the scope; none for every hub."""
        return list(self.cleaned_data["hubs"]) if self.cleaned_data["reach"] == self.SOME_HUBS else []


class HubChoiceForm(forms.Form):
    """Administrators choose the hub whose staff they look at or add to."""

    hub = forms.ModelChoiceField(label=_("Hub"), queryset=Hub.objects.none(), to_field_name="code", required=False)

    def __init__(self, *args, hubs, every_hub: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs
        self.fields["hub"].empty_label = _("Every hub") if every_hub else None
