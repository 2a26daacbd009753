"""The forms of accounts: an SME signing up, being invited by a manager and accepting the invitation, and
anyone resetting a forgotten password. The services in `hub.services` check the rest (duplicates,
password strength, the hub)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from hub.models import AdministrativeUnit, Enterprise, Hub

PHONE_HELP = _("With or without the country code, e.g. 76 12 34 56.")


def phone_field(**kwargs) -> PhoneNumberField:
    field = PhoneNumberField(**kwargs)
    field.widget.input_type = "tel"
    field.widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
    return field


class PasswordTwiceForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, and not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned_data = super().clean()
        first, second = cleaned_data.get("password1"), cleaned_data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        return cleaned_data


def consent_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_(
            "I agree that the HUB IIT programme keeps these details and uses them to support my enterprise and to "
            "report on the programme's results."
        ),
        error_messages={"required": _("Your agreement to the processing of these details is needed.")},
    )


class SignUpForm(PasswordTwiceForm):
    """The person's account and their enterprise in one form. The hub follows from the region's country;
    a hub list is shown only where a country has several hubs."""

    SECTIONS = [
        (_("You"), ["owner_name", "phone", "email", "password1", "password2"]),
        (_("Your enterprise"), ["name", "sector", "activity", "employees_total", "women_led"]),
        (_("Where it is"), ["hub", "region", "commune"]),
        (_("Consent"), ["consent"]),
    ]

    owner_name = Enterprise._meta.get_field("owner_name").formfield(
        label=_("Your full name"), widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = phone_field(label=_("Mobile phone number"), help_text=PHONE_HELP)
    email = forms.EmailField(
        label=_("E-mail (optional)"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    name = Enterprise._meta.get_field("name").formfield(label=_("Name of the enterprise"))
    sector = Enterprise._meta.get_field("sector").formfield(label=_("Sector"))
    activity = Enterprise._meta.get_field("activity").formfield(
        label=_("Main activity"), help_text=_("For example: shea butter processing, welding, tailoring.")
    )
    employees_total = forms.IntegerField(label=_("Number of employees"), min_value=0, max_value=100000, initial=0)
    women_led = forms.BooleanField(label=_("The enterprise is led by a woman"), required=False)
    hub = forms.ModelChoiceField(label=_("Hub"), queryset=Hub.objects.none(), required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=AdministrativeUnit.objects.none())
    commune = Enterprise._meta.get_field("commune").formfield(label=_("Commune"))
    consent = consent_field()

    field_order = [name for _legend, names in SECTIONS for name in names]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = AdministrativeUnit.objects.filter(
            country__in=Hub.objects.values("country")
        ).order_by("name")
        shared_countries = Hub.objects.values("country").annotate(hubs=Count("pk")).filter(hubs__gt=1)
        if shared_countries.exists():
            self.fields["hub"].queryset = Hub.objects.order_by("name")
            self.fields["hub"].help_text = _("The programme office nearest to you.")
        else:
            del self.fields["hub"]

    def sections(self):
        return [(legend, [self[name] for name in names if name in self.fields]) for legend, names in self.SECTIONS]


class SignUpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code received by text message"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class InviteForm(forms.Form):
    name = forms.CharField(label=_("Name of the person"), max_length=150)
    phone = phone_field(label=_("Mobile phone number"), help_text=PHONE_HELP)
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        region = enterprise.hub.country
        self.fields["phone"].region = self.fields["phone"].widget.region = region
        self.initial.setdefault("name", enterprise.owner_name)
        self.initial.setdefault("phone", enterprise.owner_phone)
        self.initial.setdefault("email", enterprise.owner_email)


class AcceptInvitationForm(PasswordTwiceForm):
    """The password, and the consent when the enterprise has not given it yet."""

    consent = consent_field()

    def __init__(self, *args, needs_consent: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_consent:
            del self.fields["consent"]


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("Phone number, user name or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


class NewPasswordForm(PasswordTwiceForm):
    """The new password of a reset; `user` is the person the link was made for."""

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form: each message on the field it names, the rest above the form."""
    errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, field_errors in errors.items():
        form.add_error(field if field in form.fields else None, field_errors)
