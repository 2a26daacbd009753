"""ODK Collect as the tests play it: an instance of the visit form as Collect writes it, posted as multipart
with its photos, over HTTPS, with the referent's key in the address, a password (Basic), or the key as the
password of HTTP Digest (`DigestClient`, written from RFC 7616 as okhttp-digest behaves)."""

import base64
import datetime
import hashlib
import io
import secrets
import urllib.request
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


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def challenge_of(response) -> dict[str, str]:
    """The Digest challenge's parameters, wherever it stands in WWW-Authenticate."""
    header = response["WWW-Authenticate"]
    rest = header[header.index("Digest ") + len("Digest ") :]
    items = urllib.request.parse_http_list(rest)
    return urllib.request.parse_keqv_list([item for item in items if "=" in item])


def authorization(
    *, username: str, password: str, challenge: dict, method: str, uri: str, nc: int = 1, cnonce: str | None = None
) -> str:
    """The Authorization header okhttp-digest writes (RFC 7616 3.4 with qop=auth)."""
    cnonce = cnonce or secrets.token_hex(8)
    ha1 = md5(f"{username}:{challenge['realm']}:{password}")
    ha2 = md5(f"{method}:{uri}")
    response = md5(f"{ha1}:{challenge['nonce']}:{nc:08x}:{cnonce}:auth:{ha2}")
    return (
        f'Digest username="{username}", realm="{challenge["realm"]}", nonce="{challenge["nonce"]}", '
        f'uri="{uri}", response="{response}", qop=auth, nc={nc:08x}, cnonce="{cnonce}", algorithm=MD5, '
        f'opaque="{challenge["opaque"]}"'
    )


class DigestClient:
    """ODK Collect's HTTP client, as far as Digest goes: a first request without credentials, then the
    answer to the challenge, then each request answered at once with the last nonce and the next nc
    (okhttp-digest's cache), starting again on a 401."""

    def __init__(self, client, *, username: str, password: str):
        self.client = client
        self.username = username
        self.password = password
        self.challenge: dict | None = None
        self.nc = 0
        self.exchanges: list[int] = []

    def _send(self, method: str, path: str, data=None, headers=None):
        for value in (data or {}).values():
            if hasattr(value, "seek"):
                value.seek(0)
        call = {"GET": self.client.get, "HEAD": self.client.head, "POST": self.client.post}[method]
        args = (path, data) if data is not None else (path,)
        response = call(*args, secure=True, **OPENROSA, **(headers or {}))
        self.exchanges.append(response.status_code)
        return response

    def _answer(self, method: str, path: str) -> dict:
        self.nc += 1
        header = authorization(
            username=self.username,
            password=self.password,
            challenge=self.challenge,
            method=method,
            uri=path,
            nc=self.nc,
        )
        return {"HTTP_AUTHORIZATION": header}

    def request(self, method: str, path: str, data=None):
        if self.challenge is not None:
            response = self._send(method, path, data, self._answer(method, path))
            if response.status_code != 401:
                return response
            self.challenge = None  # the cached answer failed: start again without credentials
        response = self._send(method, path, data)
        for _attempt in range(3):
            if response.status_code != 401 or "Digest " not in response.get("WWW-Authenticate", ""):
                break
            offered = challenge_of(response)
            if self.challenge is not None and offered.get("stale") != "true":
                break  # the answer to this very nonce failed: giving up, as okhttp-digest does
            self.challenge, self.nc = offered, 0
            response = self._send(method, path, data, self._answer(method, path))
        return response

    def get(self, path: str):
        return self.request("GET", path)

    def head(self, path: str):
        return self.request("HEAD", path)

    def post(self, path: str, data: dict):
        return self.request("POST", path, data)
