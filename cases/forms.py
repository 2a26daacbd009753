from django import forms
from django.utils.translation import gettext_lazy as _

from hub.classifications import TechnologyDomain


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
    domain = forms.ChoiceField(label=_("Technology domain"), choices=TechnologyDomain.choices)
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
