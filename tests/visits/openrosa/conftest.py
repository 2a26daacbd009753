"""ODK Collect as the tests play it: an instance of the visit form as Collect writes it, posted as multipart
with its photos, over HTTPS, with the referent's key in the address or a password."""

import base64
import datetime
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from tests.factories import PASSWORD
from visits.openrosa.form import visit_xform
from visits.openrosa.services import field_app_token_issue

OPENROSA = {"HTTP_X_OPENROSA_VERSION": "1.0"}


def basic(user, password: str = PASSWORD) -> dict:
    token = base64.b64encode(f"{user.get_username()}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def prefix(key: str | None = None) -> str:
    return f"/openrosa/key/{key}/" if key else "/openrosa/"


def jpeg(width: int = 40, height: int = 30, name: str = "1733570000000.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def instance(
    *,
    enterprise,
    instance_id: uuid.UUID,
    started_at: datetime.datetime | None = None,
    needs: list[tuple[str, str, str]] = (),
    photos: list[str] = (),
    **values,
) -> bytes:
    """The instance XML of a filled visit form, as ODK Collect saves it: the root named after the form's
    instance with its id and version, empty elements for questions left blank, the repeat once per need
    and `meta/instanceID` as "uuid:…"."""
    fields = {
        "enterprise": enterprise.pk,
        "started_at": (started_at or timezone.now() - datetime.timedelta(hours=2)).isoformat(timespec="milliseconds"),
        "duration_minutes": 45,
        "purpose": "diagnostic",
        "observations": "Séchage au sol, pertes importantes",
        "needs_found": "Séchoir solaire",
        "new_case_count": len(needs),
        "recommendations": "Claies surélevées",
        "next_step": "",
        "follow_up_date": "",
        "position": "12.6392321 -8.0028893 350.0 4.7",
        "people_reached_total": 5,
        "people_reached_women": 3,
    }
    assert set(values) <= set(fields), set(values) - set(fields)
    fields.update(values)
    elements = {name: f"<{name}>{escape(str(value))}</{name}>" for name, value in fields.items()}
    elements["new_case_count"] += "".join(
        f"<new_cases><domain>{domain}</domain><title>{escape(title)}</title>"
        f"<description>{escape(description)}</description></new_cases>"
        for domain, title, description in needs
    )
    pictures = "".join(f"<photo_{n}>{escape(name)}</photo_{n}>" for n, name in enumerate(photos, start=1))
    pictures += "".join(f"<photo_{n}/>" for n in range(len(photos) + 1, 6))
    return (
        f'<?xml version=\'1.0\' ?><data id="hubiit_visit" version="{visit_xform().version}" '
        'xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms" '
        'xmlns:odk="http://www.opendatakit.org/xforms">'
        f"{''.join(elements.values())}<photos>{pictures}</photos>"
        f"<meta><instanceID>uuid:{instance_id}</instanceID><instanceName>Visite</instanceName></meta></data>"
    ).encode()


def submit(client, xml: bytes, *, key: str | None = None, photos=(), incomplete: bool = False, **headers):
    """POST a submission as ODK Collect does: `xml_submission_file`, then each photo as a part named after its
    file, and `*isIncomplete*` on each part of a split submission but the last."""
    data = {"xml_submission_file": SimpleUploadedFile("Visite_2026-12-07.xml", xml, content_type="text/xml")}
    for photo in photos:
        photo.seek(0)
        data[photo.name] = photo
    if incomplete:
        data["*isIncomplete*"] = "yes"
    return client.post(f"{prefix(key)}submission", data, secure=True, **{**OPENROSA, **headers})


@pytest.fixture
def key(referent) -> str:
    return field_app_token_issue(referent=referent)


@pytest.fixture
def instance_id() -> uuid.UUID:
    return uuid.uuid4()
