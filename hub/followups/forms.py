"""The follow-up's questions as forms: the staff's record and correction pages, and the field markup of the
phone's offline form (its script sends the same fields to the API)."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.followups.services import ANSWER_FIELDS, BASELINE_FIELDS
from hub.models import FollowUp, Role, User

SATISFACTION_CHOICES = [("", "—"), *[(value, str(value)) for value in range(1, 6)]]
RECOMMEND_CHOICES = [("", "—"), *[(value, str(value)) for value in range(11)]]


class FollowUpAnswersForm(forms.ModelForm):
    """The answers, each optional, within the model's bounds; numbers typed on a phone's numeric keypad."""

    class Meta:
        model = FollowUp
        fields = ANSWER_FIELDS
        widgets = {
            "technology_notes": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satisfaction"] = forms.TypedChoiceField(
            label=_("Satisfaction (1 = very dissatisfied, 5 = very satisfied)"),
            choices=SATISFACTION_CHOICES,
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.fields["recommend_score"] = forms.TypedChoiceField(
            label=_("Would recommend the programme (0 = not at all, 10 = certainly)"),
            choices=RECOMMEND_CHOICES,
            coerce=int,
            empty_value=None,
            required=False,
        )
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField):
                field.widget.attrs.update(inputmode="numeric", min=0, step=1)
                limits = [
                    v.limit_value for v in FollowUp._meta.get_field(name).validators if isinstance(v, MaxValueValidator)
                ]
                if limits:
                    field.widget.attrs["max"] = min(limits)
        if kind == FollowUp.Kind.BASELINE:
            for name in [name for name in self.fields if name in ANSWER_FIELDS and name not in BASELINE_FIELDS]:
                del self.fields[name]

    @property
    def answers(self) -> dict:
        """The answers of the questions asked, an empty one as None (or "" for a text)."""
        return {name: self.cleaned_data[name] for name in ANSWER_FIELDS if name in self.cleaned_data}


class FollowUpRecordForm(FollowUpAnswersForm):
    collected_on = forms.DateField(
        label=_("Collected on"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )

    class Meta(FollowUpAnswersForm.Meta):
        fields = ["collected_on", *ANSWER_FIELDS]


class FollowUpAssignForm(forms.Form):
    """The active referents of a hub (`hub_id`), or of every hub for an administrator (None)."""

    referent = forms.ModelChoiceField(label=_("Referent in charge"), queryset=User.objects.none())

    def __init__(self, *args, hub_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        referents = User.objects.filter(role=Role.REFERENT, is_active=True, referent__is_active=True)
        if hub_id is not None:
            referents = referents.filter(hub=hub_id)
        self.fields["referent"].queryset = referents.order_by("first_name", "last_name", "pk")
        self.fields["referent"].label_from_instance = lambda user: user.get_full_name() or user.username


class FollowUpsAssignForm(FollowUpAssignForm):
    """Several follow-ups, not collected yet, of those `followups` holds (the user's scope)."""

    followups = forms.ModelMultipleChoiceField(
        queryset=FollowUp.objects.none(),
        error_messages={"required": _("Tick the follow-ups to assign.")},
    )

    def __init__(self, *args, followups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["followups"].queryset = followups.filter(collected_on__isnull=True)
