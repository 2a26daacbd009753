from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import CaseNote, CaseStatus, Channel, Priority
from hub.classifications import TechnologyDomain
from hub.models import Partner, User


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(item, initial) for item in data]
        return [single_clean(data, initial)] if data else []


class SupportRequestForm(forms.Form):
    """The SME's request. No domain is chosen for them: one left as offered would file the request, and the
    reports' breakdown by domain, under the first."""

    domain = forms.ChoiceField(
        label=_("Technology domain"),
        choices=[("", _("Choose a domain")), *TechnologyDomain.choices],
        help_text=_("The closest to your need: the hub's team corrects it if needed."),
        error_messages={"required": _("Choose the technology domain closest to your need.")},
    )
    title = forms.CharField(label=_("Your request in a few words"), max_length=200)
    description = forms.CharField(
        label=_("Describe your need"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What do you produce, what is the problem, what have you tried?"),
    )
    attachments = MultipleFileField(
        label=_("Documents or photos (up to 5)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, 10 MB each at most."),
    )


class RegisterRequestForm(forms.Form):
    """A request a manager registers for an enterprise that called, came in or was referred."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None)
    channel = forms.ChoiceField(
        label=_("Received by"), choices=[(c.value, c.label) for c in Channel if c != Channel.PORTAL]
    )
    domain = forms.ChoiceField(label=_("Technology domain"), choices=TechnologyDomain.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    title = forms.CharField(label=_("Request in a few words"), max_length=200)
    description = forms.CharField(
        label=_("Need described by the enterprise"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )
    attachments = MultipleFileField(
        label=_("Documents or photos (up to 5)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, 10 MB each at most."),
    )

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class QualifyForm(forms.Form):
    domain = forms.ChoiceField(label=_("Technology domain"), choices=TechnologyDomain.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class AssignForm(forms.Form):
    referent = forms.ModelChoiceField(label=_("Referent"), queryset=User.objects.none())

    def __init__(self, *args, suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = User.objects.filter(pk__in=[s.referent.pk for s in suggestions])
        self.fields["referent"].choices = [
            (s.referent.pk, f"{s.referent.get_full_name() or s.referent.username} – {', '.join(s.reasons)}")
            for s in suggestions
        ]


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    resolution_summary = forms.CharField(
        label=_("Resolution summary"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    rejection_reason = forms.CharField(
        label=_("Reason for rejection"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    partner = forms.ModelChoiceField(
        label=_("Partner organisation"), required=False, empty_label="—", queryset=Partner.objects.none()
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=5000)

    def __init__(self, *args, moves, hub, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(status, CaseStatus(status).label) for status in moves]
        self.fields["partner"].queryset = Partner.objects.filter(hub=hub)


class NoteForm(forms.Form):
    visibility = forms.ChoiceField(label=_("Kind"), choices=CaseNote.Visibility.choices)
    body = forms.CharField(label=_("Text"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))
