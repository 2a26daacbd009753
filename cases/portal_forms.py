"""The forms of the SME's case page and of the rating link."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), strip=True
    )


class ConfirmForm(forms.Form):
    """Confirming that a resolved request is solved needs no field."""


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What is still not solved?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what is still not solved.")},
    )


RATING_CHOICES = [
    (5, _("5 – Very satisfied")),
    (4, _("4 – Satisfied")),
    (3, _("3 – Neither satisfied nor dissatisfied")),
    (2, _("2 – Dissatisfied")),
    (1, _("1 – Very dissatisfied")),
]


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with our support?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
