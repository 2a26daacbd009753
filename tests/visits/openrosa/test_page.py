"""/m/odk/: the referent makes the QR code that configures ODK Collect with their key, replaces or revokes
the key; the code carries ODK Collect's settings (zlib and base64 over JSON): the /openrosa/app/ address,
the user name and the key as password, which ODK Collect answers the Digest challenge with."""

import base64
import gzip
import json
import re
import zlib

import pytest
from django.utils.html import escape

from tests.factories import ManagerFactory
from tests.visits.openrosa.conftest import DigestClient, prefix
from visits.models import FieldAppToken
from visits.openrosa import views
from visits.openrosa.qr import settings_qr_svg

PAGE = "/m/odk/"
ADDRESS = re.compile(r'id="odk-address" value="([^"]+)"')
KEY = re.compile(r'id="odk-key" value="([^"]+)"')


def issued_key(as_referent) -> str:
    return KEY.search(as_referent.post(PAGE, {"action": "issue"}, secure=True).content.decode())[1]


@pytest.fixture
def payloads(monkeypatch) -> list[str]:
    """The payloads the page draws as QR codes."""
    drawn: list[str] = []

    def draw(payload: str) -> str:
        drawn.append(payload)
        return settings_qr_svg(payload)

    monkeypatch.setattr(views, "settings_qr_svg", draw)
    return drawn


def decode(payload: str) -> dict:
    return json.loads(zlib.decompress(base64.b64decode(payload)))


def test_the_page_offers_a_code_and_the_password_way(as_referent, referent):
    response = as_referent.get(PAGE, secure=True)

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    page = response.content.decode()
    assert "<svg" not in page
    assert "https://testserver/openrosa" in page
    assert referent.username in page
    assert 'value="issue"' in page
    assert 'value="revoke"' not in page


def test_making_a_code_shows_it_once_with_the_app_address_the_name_and_the_key(
    client, as_referent, referent, hub, payloads
):
    response = as_referent.post(PAGE, {"action": "issue"}, secure=True)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    (payload,) = payloads
    settings = decode(payload)
    key = KEY.search(page)[1]
    assert ADDRESS.search(page)[1] == "https://testserver/openrosa/app"
    assert f'id="odk-username" value="{referent.username}"' in page
    assert settings == {
        "general": {
            "server_url": "https://testserver/openrosa/app",
            "username": referent.username,
            "password": key,
            "form_update_mode": "match_exactly",
            "autosend": "wifi_and_cellular",
            "app_language": "fr",
            "metadata_username": referent.username,
        },
        "admin": {},
        "project": {"name": hub.name, "icon": "H", "color": "#0b5d3b"},
    }
    assert settings_qr_svg(payload) in page
    assert FieldAppToken.objects.get(referent=referent, revoked_at=None)
    collect = DigestClient(client, username=referent.username, password=key)
    assert collect.get("/openrosa/app/formList").status_code == 200
    assert client.get(f"{prefix(key)}formList", secure=True).status_code == 200

    again = as_referent.get(PAGE, secure=True).content.decode()
    assert key not in again
    assert "<svg" not in again
    assert 'value="revoke"' in again


def test_a_new_code_replaces_the_key(client, as_referent, referent, payloads):
    first = issued_key(as_referent)
    second = issued_key(as_referent)

    assert first != second
    assert FieldAppToken.objects.filter(referent=referent).count() == 2
    assert FieldAppToken.objects.filter(referent=referent, revoked_at=None).count() == 1
    assert client.get(f"{prefix(first)}formList", secure=True).status_code == 403
    assert (
        DigestClient(client, username=referent.username, password=first).get("/openrosa/app/formList").status_code
        == 401
    )
    assert client.get(f"{prefix(second)}formList", secure=True).status_code == 200
    assert (
        DigestClient(client, username=referent.username, password=second).get("/openrosa/app/formList").status_code
        == 200
    )


def test_revoking_the_key(client, as_referent, referent, payloads):
    key = issued_key(as_referent)

    response = as_referent.post(PAGE, {"action": "revoke"}, secure=True, follow=True)

    assert response.redirect_chain == [(PAGE, 302)]
    assert not FieldAppToken.objects.filter(referent=referent, revoked_at=None).exists()
    assert client.get(f"{prefix(key)}formList", secure=True).status_code == 403
    assert (
        DigestClient(client, username=referent.username, password=key).get("/openrosa/app/formList").status_code == 401
    )
    assert 'value="revoke"' not in response.content.decode()


def test_the_page_is_small_on_the_phone(as_referent, payloads):
    response = as_referent.post(PAGE, {"action": "issue"}, secure=True, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < 6 * 1024
    assert len(gzip.decompress(response.content)) < 24 * 1024


def test_the_home_page_links_to_it(as_referent):
    assert f'href="{escape(PAGE)}"' in as_referent.get("/m/").content.decode()


@pytest.mark.parametrize("who", ["anonymous", "manager"])
def test_only_referents(client, hub, who):
    if who == "manager":
        client.force_login(ManagerFactory(hub=hub))
    response = client.post(PAGE, {"action": "issue"}, secure=True)
    assert response.status_code == (403 if who == "manager" else 302)
    assert not FieldAppToken.objects.exists()
