"""The forms of the SME's case page, of the rating link and of the follow-up questionnaire link."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from hub.models import MAX_AMOUNT_XOF, MAX_INNOVATIONS, MAX_STAFF


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


AMOUNT_CURRENCY = re.compile(r"\s*(f\s*cfa|fcfa|cfa|xof|f)\.?\s*$", re.IGNORECASE)
AMOUNT_SPACES = re.compile(r"[\s\u00a0\u202f]+")
AMOUNT_GROUPED = re.compile(r"\d{1,3}([.,])\d{3}(\1\d{3})*")
"""Thousands grouped by dots or commas, the same sign throughout: 1.500.000, 1,500,000."""


class AmountField(forms.IntegerField):
    """A whole amount in XOF, written as people write it: "1500000", "1 500 000", "1.500.000" or
    "1 500 000 F CFA". Francs have no cents: "1500,50" is refused."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Write a whole amount in francs CFA, with digits only (for example 1 500 000)."),
        "min_value": _("Write an amount of 0 or more."),
        "max_value": _("This amount is too high: check the number of zeros."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_AMOUNT_XOF)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = AMOUNT_SPACES.sub("", AMOUNT_CURRENCY.sub("", value.strip()))
            if AMOUNT_GROUPED.fullmatch(value):
                value = re.sub(r"[.,]", "", value)
        return super().to_python(value)


def _count(label, *, maximum: int) -> forms.IntegerField:
    """A number of people or of novelties, 0 when there were none."""
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=maximum,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Write a number, 0 if there were none."),
            "min_value": _("Write a number of 0 or more."),
            "max_value": _("This number is too high: check it."),
        },
    )


YES_NO = [("yes", _("Yes")), ("no", _("No"))]
RECOMMEND_CHOICES = [(score, str(score)) for score in range(11)]


class QuestionnaireForm(forms.Form):
    """The questions an owner answers alone, 6 and 12 months after a case was resolved; the field names are
    the follow-up's (`hub.followups.services.SELF_REPORT_FIELDS`). Amounts are optional, an estimate is
    enough; the rest is asked of everyone."""

    employees_total = _count(_("How many people work in your enterprise today, you included?"), maximum=MAX_STAFF)
    jobs_created = _count(_("How many jobs did you create since our support?"), maximum=MAX_STAFF)
    jobs_kept = _count(_("How many jobs did our support help you keep?"), maximum=MAX_STAFF)
    turnover_xof = AmountField(label=_("Your turnover over the last 12 months (XOF)"))
    new_sales_xof = AmountField(label=_("New sales thanks to our support (XOF)"))
    kept_sales_xof = AmountField(label=_("Sales you kept thanks to our support (XOF)"))
    investment_xof = AmountField(
        label=_("What you invested since our support (XOF)"),
        help_text=_("Equipment, premises, training, and so on."),
    )
    cost_savings_xof = AmountField(
        label=_("What you save in a year thanks to our support (XOF)"),
        help_text=_("Energy, raw materials, repairs, time, and so on."),
    )
    new_products = _count(_("How many new or improved products did you launch?"), maximum=MAX_INNOVATIONS)
    new_processes = _count(_("How many new or improved ways of working did you put in place?"), maximum=MAX_INNOVATIONS)
    technology_adopted = forms.TypedChoiceField(
        label=_("Do you use the technology we advised you about?"),
        choices=YES_NO,
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer yes or no.")},
    )
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with our support?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    recommend_score = forms.TypedChoiceField(
        label=_("How likely are you to recommend HUB IIT to another entrepreneur?"),
        help_text=_("0: not at all likely, 10: extremely likely."),
        choices=RECOMMEND_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 0 to 10.")},
    )

    GROUPS = [
        (_("Your staff"), "", ["employees_total", "jobs_created", "jobs_kept"]),
        (
            _("Your sales and spending"),
            _("An estimate is enough. Leave empty if you do not know; write 0 if there was none."),
            ["turnover_xof", "new_sales_xof", "kept_sales_xof", "investment_xof", "cost_savings_xof"],
        ),
        (_("What changed"), "", ["new_products", "new_processes", "technology_adopted"]),
        (_("Your opinion"), "", ["satisfaction", "recommend_score"]),
    ]
    """The page's sections, in order: a title, a note and the questions."""

    def groups(self):
        return [(title, note, [self[name] for name in names]) for title, note, names in self.GROUPS]
