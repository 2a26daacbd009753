"""The referents' app installed on the phone (issue #21), in Chromium at 360 px under the production Content
Security Policy: a web app manifest linked from every /m/ page, whose icons exist; the app opening offline at
its start URL; the home page saying whether the browser keeps the phone's records and how much room they
take; and Background Sync, which sends the outbox with no /m/ page open."""

import io
import json
import re
import time

import pytest
from PIL import Image

from tests.browser.conftest import screenshot
from tests.browser.test_pages import assert_fits_the_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def until(page, script: str, timeout: float = 15) -> object:
    """Polls `script` in the page until it gives a true value: the policy forbids the `eval` that Playwright's
    wait_for_function needs."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script)
        if value or time.monotonic() > deadline:
            assert value, f"never true: {script}"
            return value
        time.sleep(0.1)


def controlled(page) -> None:
    """Waits until the service worker runs and controls the page, its shell cached."""
    until(page, "navigator.serviceWorker.controller !== null")


def test_the_manifest_is_linked_valid_and_its_icons_are_pngs(phone, live_server, referent):
    sign_in(phone, live_server.url, referent.username)
    phone.goto(f"{live_server.url}/m/")

    link = phone.locator('link[rel="manifest"]')
    assert link.get_attribute("crossorigin") == "use-credentials"
    response = phone.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/manifest+json"
    manifest = json.loads(response.body())
    assert manifest["start_url"] == manifest["scope"] == "/m/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] == manifest["short_name"] == "HUB IIT"
    assert manifest["lang"] == phone.evaluate("document.documentElement.lang") == "fr"
    assert manifest["theme_color"] == "#0b5d3b"
    assert manifest["background_color"] == "#f6f7f8"
    purposes = set()
    for icon in manifest["icons"]:
        answer = phone.request.get(live_server.url + icon["src"])
        assert answer.status == 200
        assert answer.headers["content-type"] == "image/png"
        image = Image.open(io.BytesIO(answer.body()))
        assert (image.format, f"{image.width}x{image.height}") == ("PNG", icon["sizes"])
        purposes.add((icon["sizes"], icon.get("purpose", "any")))
    assert purposes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for url in ["/m/visits/new/", "/m/library/"]:
        phone.goto(live_server.url + url)
        assert phone.locator('link[rel="manifest"]').get_attribute("href") == "/m/manifest.webmanifest"


def test_the_app_opens_offline_at_its_start_url(phone, live_server, referent):
    sign_in(phone, live_server.url, referent.username)
    phone.goto(f"{live_server.url}/m/")
    controlled(phone)
    until(phone, "caches.match('/m/', { ignoreVary: true }).then(Boolean)")

    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/m/")

    assert phone.locator("h1").inner_text() == "Ma journée"
    assert phone.locator('link[rel="manifest"]').count() == 1


def test_the_home_page_says_whether_the_storage_is_kept_and_the_room_used(phone, live_server, referent):
    """In English, the code's own messages (French comes with the catalogue); the sizes in the page's language."""
    phone.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    sign_in(phone, live_server.url, referent.username)
    phone.goto(f"{live_server.url}/m/")

    line = phone.locator("#storage")
    line.wait_for(state="visible")
    said = line.inner_text()
    kept = phone.evaluate("navigator.storage.persisted()")
    answer = "Storage protected" if kept else "The browser may erase these data if it runs short of space"
    assert re.fullmatch(rf"{answer}\. [\d.,]+\s?MB used, [\d.,]+\s?MB still available", said), said
    phone.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    phone.reload()
    phone.locator("#storage").wait_for(state="visible")
    assert_fits_the_phone(phone)
    screenshot(phone, "installable-home-360")


def test_the_storage_line_stays_away_where_the_browser_cannot_tell(phone, live_server, referent):
    phone.add_init_script("Object.defineProperty(navigator, 'storage', { value: undefined })")
    sign_in(phone, live_server.url, referent.username)
    phone.goto(f"{live_server.url}/m/")
    until(phone, "document.querySelector('#outbox') !== null")

    assert phone.locator("#storage").is_hidden()
    assert phone.locator("h1").inner_text() == "Ma journée"
