"""Reading an OpenRosa submission of the visit form: the instance XML that ODK Collect or Enketo sends as
`xml_submission_file`, turned into the fields the API's visit serializer validates. Element names are
read without their namespace: clients differ in which one they put on the instance."""

import dataclasses
import uuid

from defusedxml import ElementTree
from django.utils.translation import gettext as _

from visits.openrosa.form import FORM_ID, PHOTOS

TEXT_FIELDS = ["observations", "needs_found", "recommendations", "next_step"]
OTHER_FIELDS = ["enterprise", "started_at", "duration_minutes", "purpose", "follow_up_date"]
COUNTS = ["people_reached_total", "people_reached_women"]
NEED_FIELDS = ["domain", "title", "description"]


class Unreadable(Exception):
    """The body is not a submission of the visit form; the message says why, for the referent."""


@dataclasses.dataclass(frozen=True)
class Submission:
    instance_id: uuid.UUID
    data: dict
    """The visit as the API receives it (`api.serializers.visits.VisitSerializer`)."""
    photos: list[str]
    """The file names of the photos the instance holds, in the form's order: each is the name of its part of
    the POST that brings it, which may be a later POST than the first (a split submission)."""


def _name(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _children(element) -> dict[str, list]:
    found: dict[str, list] = {}
    for child in element:
        found.setdefault(_name(child), []).append(child)
    return found


def _text(children: dict[str, list], name: str) -> str:
    elements = children.get(name)
    return (elements[0].text or "").strip() if elements else ""


def _position(text: str) -> dict:
    """An ODK geopoint is "latitude longitude altitude accuracy", separated by spaces; the accuracy in metres
    is stored as a whole number. What does not parse is passed on for the serializer to refuse."""
    parts = text.split()
    position = {"latitude": parts[0] if parts else text, "longitude": parts[1] if len(parts) > 1 else ""}
    if len(parts) > 3:
        try:
            position["gps_accuracy_m"] = round(float(parts[3]))
        except ValueError:
            position["gps_accuracy_m"] = parts[3]
    return position


def _instance_id(children: dict[str, list]) -> uuid.UUID:
    """The instanceID of `meta`. An edit of a sent submission (Enketo's, with a deprecatedID) is refused: it
    comes under a new instanceID and would be stored as a second visit."""
    meta = _children(children["meta"][0]) if "meta" in children else {}
    if _text(meta, "deprecatedID"):
        raise Unreadable(_("A visit already sent cannot be edited from ODK: nothing was stored."))
    text = _text(meta, "instanceID")
    try:
        return uuid.UUID(text.removeprefix("uuid:"))
    except ValueError:
        message = _("The submission has no instance identifier (meta/instanceID): nothing was stored.")
        raise Unreadable(message) from None


def _needs(children: dict[str, list], *, needs_found: str) -> list[dict]:
    """Each entry of the `new_cases` repeat that holds something, as the API's `new_cases`. A need without
    its own description is described by the visit's needs found, as the mobile app's visit form describes
    every need it turns into a case (visits/static/visits/mobile.js), so that the same visit makes the same
    cases from either client."""
    needs = []
    for need in children.get("new_cases", []):
        fields = _children(need)
        values = {name: _text(fields, name) for name in NEED_FIELDS}
        if any(values.values()):
            values["description"] = values["description"] or needs_found
            needs.append(values)
    return needs


def read_submission(xml: bytes) -> Submission:
    """Raises Unreadable for a body that is not XML, another form's instance, or one without its instanceID."""
    try:
        root = ElementTree.fromstring(xml, forbid_dtd=True)
    except (ElementTree.ParseError, ValueError) as error:
        raise Unreadable(_("The submission is not XML we can read: nothing was stored.")) from error
    if root.get("id") != FORM_ID:
        raise Unreadable(_("This is not the visit form of this server: get the blank form again and fill it in."))
    children = _children(root)
    instance_id = _instance_id(children)
    data: dict = {"client_uuid": str(instance_id)}
    data.update((name, _text(children, name)) for name in TEXT_FIELDS)
    data.update((name, value) for name in [*OTHER_FIELDS, *COUNTS] if (value := _text(children, name)))
    if position := _text(children, "position"):
        data.update(_position(position))
    data["new_cases"] = _needs(children, needs_found=data["needs_found"])
    group = _children(children["photos"][0]) if "photos" in children else {}
    photos = [name.rsplit("/", 1)[-1] for name in (_text(group, photo) for photo in PHOTOS) if name]
    return Submission(instance_id=instance_id, data=data, photos=photos)
