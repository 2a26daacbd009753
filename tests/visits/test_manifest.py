"""The web app manifest that makes the referents' app installable: served at /m/manifest.webmanifest to
anyone (a browser may ask for it without the session), in the page's language, opening full screen at /m/,
with icons that exist as PNG files of the sizes it states."""

import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

MANIFEST = "/m/manifest.webmanifest"


def test_the_manifest_route():
    assert reverse("visits:manifest") == MANIFEST


@pytest.mark.django_db
def test_the_manifest_opens_the_app_full_screen_at_its_home(client):
    response = client.get(MANIFEST, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert "no-cache" in response["Cache-Control"]
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/m/"
    assert manifest["scope"] == "/m/"
    assert manifest["id"] == "/m/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] == manifest["short_name"] == "HUB IIT"
    assert manifest["lang"] == "fr"
    assert manifest["theme_color"] == "#0b5d3b"
    assert manifest["background_color"] == "#f6f7f8"


def test_its_colours_are_the_sites():
    css = Path(finders.find("hub/site.css")).read_text()

    assert "--brand:#0b5d3b" in css
    assert "--bg:#f6f7f8" in css


@pytest.mark.django_db
def test_the_manifest_speaks_the_language_of_the_page(client):
    client.cookies["django_language"] = "pt"

    assert json.loads(client.get(MANIFEST).content)["lang"] == "pt"


@pytest.mark.django_db
def test_a_signed_in_referent_gets_the_same_manifest(client, referent):
    client.force_login(referent)

    response = client.get(MANIFEST)

    assert response.status_code == 200
    assert json.loads(response.content)["start_url"] == "/m/"


@pytest.mark.django_db
def test_its_icons_are_pngs_of_the_sizes_stated_with_a_maskable_one(client):
    icons = json.loads(client.get(MANIFEST).content)["icons"]

    sizes = set()
    for icon in icons:
        assert icon["type"] == "image/png"
        path = finders.find(icon["src"].removeprefix("/static/"))
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


@pytest.mark.django_db
def test_every_mobile_page_links_the_manifest_with_the_cookies(client, referent):
    client.force_login(referent)

    for url in ["/m/", "/m/visits/new/", "/m/followups/offline/"]:
        html = client.get(url).content.decode()
        assert f'<link rel="manifest" href="{MANIFEST}" crossorigin="use-credentials">' in html, url
