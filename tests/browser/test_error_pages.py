"""A refused and a missing page on a phone 360 px wide: the site's own, in French, with the menu and a way
back, and nothing wider than the screen."""

import pytest

from tests.browser.conftest import PHONE, screenshot
from tests.browser.test_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_refused_and_missing_pages_in_french_at_phone_width(phone, live_server, referent):
    sign_in(phone, live_server.url, "referent")
    pages = [("/m/nothing-here/", 404, "Page introuvable"), ("/portal/", 403, "Accès refusé")]
    for path, status, heading in pages:
        response = phone.goto(f"{live_server.url}{path}")
        assert response.status == status
        assert phone.locator("h1").inner_text() == heading
        assert phone.locator("nav.menu").get_by_text("Ma journée").is_visible()
        assert phone.get_by_role("link", name="Retour à l’accueil").is_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(phone, f"error-{status}")
    phone.get_by_role("link", name="Retour à l’accueil").click()
    phone.wait_for_load_state("load")
    assert phone.url == f"{live_server.url}/m/"
    assert phone.request.get(f"{live_server.url}/favicon.ico").status == 200
