from django import forms
from django.utils.translation import gettext_lazy as _

from hub.imports.resources import RESOURCES
from hub.models import Hub, ImportBatch

Decision = ImportBatch.Decision


class UploadForm(forms.Form):
    """The file to check; administrators choose its hub, a manager's is theirs."""

    hub = forms.ModelChoiceField(queryset=Hub.objects.none(), label=_("Hub"), empty_label=None)
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportBatch.Kind.choices, widget=forms.RadioSelect)
    file = forms.FileField(label=_("File (XLSX or CSV)"))
    on_duplicate = forms.ChoiceField(
        label=_("Lines matching a record already stored"),
        choices=Decision.choices,
        initial=Decision.SKIP,
        widget=forms.RadioSelect,
        help_text=_("You can still decide line by line after the check. Past cases and visits are not updated."),
    )

    def __init__(self, *args, hubs, hub: Hub | None, **kwargs):
        super().__init__(*args, **kwargs)
        if hubs.count() == 1 and hub is not None:
            del self.fields["hub"]
            self.hub = hub
        else:
            self.fields["hub"].queryset = hubs
            self.fields["hub"].initial = hub
            self.hub = None
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"

    def chosen_hub(self) -> Hub:
        return self.hub or self.cleaned_data["hub"]


class DecisionForm(forms.Form):
    """What becomes of the lines matching a stored record: all of them (`on_duplicate`), and each line the
    report lists (`line-<number>`)."""

    on_duplicate = forms.ChoiceField(label=_("Every line matching a record already stored"))

    def __init__(self, *args, batch: ImportBatch, **kwargs):
        super().__init__(*args, **kwargs)
        offered = [(value, label) for value, label in Decision.choices if value in RESOURCES[batch.kind].decisions]
        self.fields["on_duplicate"].choices = offered
        self.fields["on_duplicate"].initial = batch.on_duplicate
        self.duplicates = batch.report.get("duplicates", [])
        for line in self.duplicates:
            self.fields[f"line-{line['line']}"] = forms.ChoiceField(
                label=_("Line %(line)d") % {"line": line["line"]},
                choices=offered,
                initial=batch.decisions.get(str(line["line"]), batch.on_duplicate),
            )

    def choices(self) -> dict:
        """The service's `on_duplicate` and `decisions`."""
        lines = {name: value for name, value in self.cleaned_data.items() if name.startswith("line-")}
        decisions = {name.removeprefix("line-"): value for name, value in lines.items()}
        return {"on_duplicate": self.cleaned_data["on_duplicate"], "decisions": decisions}
