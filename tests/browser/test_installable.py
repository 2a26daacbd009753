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
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import screenshot
from tests.browser.test_pages import assert_fits_the_phone, sign_in
from tests.factories import PASSWORD, EnterpriseFactory, ReferentUserFactory
from visits.models import Visit

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


# The records kept in the phone's IndexedDB: [client UUID, state, why it waits].
OUTBOX = """() => new Promise((resolve) => {
  const open = indexedDB.open("hubiit-mobile");
  open.onsuccess = () => {
    const all = open.result.transaction("outbox").objectStore("outbox").getAll();
    all.onsuccess = () => resolve(all.result.map((r) => [r.client_uuid, r.state, r.reason]));
  };
})"""


def save_visit_offline(page, base_url: str, enterprise_name: str) -> str:
    """Opens the visit form online (its worker running, the directory kept), goes offline and saves a visit
    for `enterprise_name`; returns its client UUID."""
    page.goto(f"{base_url}/m/visits/new/")
    controlled(page)
    until(page, "document.querySelector('#visit-form[data-ready]') !== null")
    page.context.set_offline(True)
    page.fill("#enterprise-search", enterprise_name.split()[0][:4])
    page.locator("#enterprise-results button", has_text=enterprise_name).click()
    page.fill("#id_observations", "Presse à vis à régler")
    page.click("#visit-form button[type=submit]")
    until(page, "document.querySelectorAll('#outbox-list .state-waiting').length === 1")
    [(client_uuid, state, _reason)] = page.evaluate(OUTBOX)
    assert state == "waiting"
    return client_uuid


def fire_sync(page, base_url: str) -> None:
    """Dispatches the "outbox" sync event to the app's service worker through the DevTools protocol once
    more, as Chromium does when the network comes back."""
    session = page.context.new_cdp_session(page)
    registrations = []
    session.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    session.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not any(r["scopeURL"] == f"{base_url}/m/" for r in registrations) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    [registration] = [r for r in registrations if r["scopeURL"] == f"{base_url}/m/" and not r["isDeleted"]]
    session.send(
        "ServiceWorker.dispatchSyncEvent",
        {"origin": base_url, "registrationId": registration["registrationId"], "tag": "outbox", "lastChance": False},
    )


def wait_for_visits(count: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while Visit.objects.count() < count and time.monotonic() < deadline:
        time.sleep(0.2)


def test_a_visit_saved_offline_is_sent_by_background_sync_with_no_page_open(phone, live_server, referent):
    """Chromium headless has Background Sync, and takes Playwright's emulated network for the real one: saving
    offline registers the "outbox" tag; back online, with the app's pages closed, Chromium fires the sync
    event and the worker's handler sends the visit, once."""
    EnterpriseFactory(hub=referent.hub, name="Huilerie Sanou")
    sign_in(phone, live_server.url, referent.username)
    client_uuid = save_visit_offline(phone, live_server.url, "Huilerie Sanou")

    tags = phone.evaluate("navigator.serviceWorker.ready.then((r) => r.sync.getTags())")
    assert "outbox" in tags
    context = phone.context
    phone.close()
    assert Visit.objects.count() == 0

    context.set_offline(False)
    wait_for_visits(1)

    visit = Visit.objects.get()
    assert str(visit.client_uuid) == client_uuid
    assert visit.referent == referent
    again = context.new_page()
    again.goto(f"{live_server.url}/m/")
    until(again, "document.querySelectorAll('#outbox-sent .state-sent').length === 1")
    assert again.locator("[data-outbox-count]").first.inner_text() == "0"
    assert Visit.objects.count() == 1


def test_the_worker_sends_nothing_under_another_persons_sign_in(phone, live_server, referent):
    """The referent's session ended without signing out, and a colleague signed in on the same phone without
    opening the app yet: the sync handler sends nothing (the CSRF cookie, renewed at each sign-in, is not the
    one the referent's page kept); once the colleague's page runs, the referent's record stays theirs."""
    colleague = ReferentUserFactory(hub=referent.hub)
    EnterpriseFactory(hub=referent.hub, name="Huilerie Sanou")
    sign_in(phone, live_server.url, referent.username)
    save_visit_offline(phone, live_server.url, "Huilerie Sanou")
    [saved] = phone.evaluate(OUTBOX)
    context = phone.context
    blank = context.new_page()
    phone.close()
    context.clear_cookies()
    context.request.get(f"{live_server.url}/login/")
    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    signed_in = context.request.post(
        f"{live_server.url}/login/",
        form={"username": colleague.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{live_server.url}/login/"},
        max_redirects=0,
    )
    assert signed_in.status == 302

    context.set_offline(False)
    fire_sync(blank, live_server.url)
    wait_for_visits(1, timeout=3)
    assert Visit.objects.count() == 0

    home = context.new_page()
    # The colleague's first page forgets what the referent left but their record, and loads itself again.
    home.goto(f"{live_server.url}/m/")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if home.evaluate(f"window.hubiit?.meta('session').then((session) => session?.user === {colleague.pk})"):
                break
        except PlaywrightError:  # the page loading itself again
            pass
        time.sleep(0.1)
    home.wait_for_load_state("load")
    assert home.evaluate(OUTBOX) == [saved], "the worker did not even try (no refused request, no 'sign in')"
    fire_sync(blank, live_server.url)
    wait_for_visits(1, timeout=3)
    assert Visit.objects.count() == 0
    assert home.locator("#outbox-list li").count() == 0
