"""The visit form of ODK Collect and Enketo, defined once as an XLSForm (its sheets as Python rows) and
turned into an XForm by pyxform. Its fields are those of the mobile visit form and of `VisitInput`; its
labels are the project's msgids, written into one XLSForm language column per language of the site
(French first, the form's default). The enterprises come from a CSV that the manifest lists
(`select_one_from_file`), so the form itself is the same for every hub and changes only with a release."""

import dataclasses
import functools
import hashlib
import json

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _
from pyxform.xls2xform import convert

from hub.classifications import TechnologyDomain
from visits.models import Purpose
from visits.openrosa import documents
from visits.services import MAX_NEEDS_PER_VISIT, MAX_PHOTOS_PER_VISIT, PHOTO_LONG_SIDE

FORM_ID = "hubiit_visit"
ENTERPRISES_FILE = "enterprises.csv"
PHOTOS = [f"photo_{number}" for number in range(1, MAX_PHOTOS_PER_VISIT + 1)]
TRANSLATED_COLUMNS = ("label", "hint", "constraint_message")


def _photo(number: int) -> dict:
    """Each photo question shows once the one before it holds a photo."""
    row = {
        "type": "image",
        "name": f"photo_{number}",
        "label": lambda: gettext("Photo %(number)d") % {"number": number},
        "parameters": f"max-pixels={PHOTO_LONG_SIDE}",
    }
    if number > 1:
        row["relevant"] = f"${{photo_{number - 1}}} != ''"
    return row


SURVEY = [
    {
        "type": f"select_one_from_file {ENTERPRISES_FILE}",
        "name": "enterprise",
        "label": _("Enterprise"),
        "hint": _("Type a few letters of its name or commune."),
        "required": "yes",
        "appearance": "minimal autocomplete",
    },
    {"type": "dateTime", "name": "started_at", "label": _("Start"), "required": "yes", "default": "now()"},
    {
        "type": "integer",
        "name": "duration_minutes",
        "label": _("Duration (minutes)"),
        "required": "yes",
        "default": "60",
        "constraint": ". >= 1 and . <= 1440",
        "constraint_message": _("Between 1 and 1,440 minutes."),
    },
    {"type": "select_one purpose", "name": "purpose", "label": _("Purpose"), "required": "yes"},
    {"type": "text", "name": "observations", "label": _("Observations"), "appearance": "multiline"},
    {"type": "text", "name": "needs_found", "label": _("Needs found"), "appearance": "multiline"},
    {
        "type": "integer",
        "name": "new_case_count",
        "label": _("Needs to follow up as cases"),
        "hint": _("How many of these needs become cases assigned to you (0 to 5)?"),
        "required": "yes",
        "default": "0",
        "constraint": f". >= 0 and . <= {MAX_NEEDS_PER_VISIT}",
        "constraint_message": lambda: (
            gettext("At most %(count)d new cases per visit.") % {"count": MAX_NEEDS_PER_VISIT}
        ),
    },
    {
        "type": "begin repeat",
        "name": "new_cases",
        "label": _("Need to follow up as a case"),
        "repeat_count": "${new_case_count}",
    },
    {"type": "select_one domain", "name": "domain", "label": _("Technology domain"), "required": "yes"},
    {
        "type": "text",
        "name": "title",
        "label": _("Case title"),
        "required": "yes",
        "constraint": "string-length(.) <= 200",
        "constraint_message": _("At most 200 characters."),
    },
    {
        "type": "text",
        "name": "description",
        "label": _("Description"),
        "hint": _("Left blank, the case is described by the needs found."),
        "appearance": "multiline",
    },
    {"type": "end repeat"},
    {"type": "text", "name": "recommendations", "label": _("Recommendations"), "appearance": "multiline"},
    {"type": "text", "name": "next_step", "label": _("Next step")},
    {"type": "date", "name": "follow_up_date", "label": _("Follow-up date")},
    {"type": "geopoint", "name": "position", "label": _("Position")},
    {
        "type": "integer",
        "name": "people_reached_total",
        "label": _("People reached"),
        "required": "yes",
        "default": "0",
        "constraint": ". >= 0",
    },
    {
        "type": "integer",
        "name": "people_reached_women",
        "label": _("of whom women"),
        "required": "yes",
        "default": "0",
        "constraint": ". >= 0 and . <= ${people_reached_total}",
        "constraint_message": _("Women reached cannot outnumber the people reached."),
    },
    {"type": "begin group", "name": "photos", "label": _("Photos")},
    *(_photo(number) for number in range(1, MAX_PHOTOS_PER_VISIT + 1)),
    {"type": "end group"},
]
"""The survey sheet. `new_cases` become cases assigned to the referent (`VisitInput.new_cases`); the
photos are shrunk on the phone to the long side the server keeps."""

CHOICES = [
    *({"list_name": "purpose", "name": value, "label": label} for value, label in Purpose.choices),
    *({"list_name": "domain", "name": value, "label": label} for value, label in TechnologyDomain.choices),
]


def _languages() -> list[tuple[str, str]]:
    """(code, XLSForm language name) of each language of the site: "Français (fr)", as ODK names them."""
    return [
        (code, f"{get_language_info(code)['name_local'].capitalize()} ({code})") for code, _name in settings.LANGUAGES
    ]


def _in_every_language(rows) -> list[dict]:
    """The rows with each translated column spread into one column per language."""
    spread = []
    for row in rows:
        columns = {}
        for key, value in row.items():
            if key not in TRANSLATED_COLUMNS:
                columns[key] = value
                continue
            for code, language in _languages():
                with translation.override(code):
                    columns[f"{key}::{language}"] = str(value() if callable(value) else value)
        spread.append(columns)
    return spread


@dataclasses.dataclass(frozen=True)
class XForm:
    xml: bytes
    version: str
    title: str

    @property
    def md5(self) -> str:
        return documents.md5(self.xml)


def xlsform() -> dict:
    """The XLSForm's sheets, as pyxform reads a workbook, versioned by a hash of their content: the version
    changes whenever a question, a choice or a translation does."""
    with translation.override(settings.LANGUAGE_CODE):
        title = str(_("Site visit"))
    sheets = {
        "survey": _in_every_language(SURVEY),
        "choices": _in_every_language(CHOICES),
        "settings": [
            {
                "form_title": title,
                "form_id": FORM_ID,
                "default_language": dict(_languages())[settings.LANGUAGE_CODE],
                "instance_name": "concat(jr:choice-name(${enterprise}, '${enterprise}'), ' ', "
                "format-date-time(${started_at}, '%Y-%m-%d %H:%M'))",
            }
        ],
    }
    version = hashlib.sha256(json.dumps(sheets, sort_keys=True).encode()).hexdigest()[:12]
    sheets["settings"][0]["version"] = version
    return sheets


@functools.cache
def visit_xform() -> XForm:
    """Built once per process: the translations it reads do not change while it runs."""
    sheets = xlsform()
    result = convert(sheets, form_name="data")
    settings_row = sheets["settings"][0]
    return XForm(xml=result.xform.encode(), version=settings_row["version"], title=settings_row["form_title"])


ERROR_FIELDS = {
    "latitude": "position",
    "longitude": "position",
    "gps_accuracy_m": "position",
    "image": "photos",
}
"""What the serializer and the services name in their errors, by the question of the form that gives it."""


def label_of(name: str) -> str | None:
    """The form's label of a field that the serializer or the services name in an error, in the active
    language; None for what no question asks (the whole visit, its identifier)."""
    name = ERROR_FIELDS.get(name, name)
    label = next((row["label"] for row in SURVEY if row.get("name") == name and "label" in row), None)
    return None if label is None else str(label() if callable(label) else label)
