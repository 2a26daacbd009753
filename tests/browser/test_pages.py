"""What a person sees on a phone 360 px wide: sign in, land on the role's home, nothing wider than
the screen, nothing loaded from another host."""

import pytest

from cases.models import CaseStatus
from tests.browser.conftest import PHONE, screenshot
from tests.factories import PASSWORD, CaseFactory, VisitFactory

# The live server flushes the database after each test; serialized rollback restores the rows that
# data migrations made (the administrative units). `make test` runs these tests on their own.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("load")


def assert_fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_sign_in_page_in_french_at_phone_width(phone, live_server, db):
    phone.goto(f"{live_server.url}/")
    assert phone.locator("h1").inner_text() == "Se connecter"
    assert phone.locator("label[for=id_username]").is_visible()
    assert_fits_the_phone(phone)
    screenshot(phone, "login")


def test_wrong_password_shows_the_error_on_the_phone(phone, live_server, manager):
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", "manager")
    phone.fill("#id_password", "pas le bon")
    phone.click("button[type=submit].primary")
    assert phone.get_by_role("alert").is_visible()
    assert phone.url.endswith("/login/")


@pytest.mark.parametrize(
    ("user_fixture", "path", "heading"),
    [
        ("sme_user", "/portal/", "Mes demandes d’appui"),
        ("referent", "/m/", "Ma journée"),
        ("manager", "/manage/", "Gestion du programme"),
        ("viewer", "/manage/", "Gestion du programme"),
    ],
)
def test_each_role_lands_on_its_home_at_phone_width(
    phone, live_server, request, enterprise, user_fixture, path, heading
):
    user = request.getfixturevalue(user_fixture)
    referent = request.getfixturevalue("referent")
    CaseFactory(enterprise=enterprise, assigned_to=referent, status=CaseStatus.IN_PROGRESS, resolve_due="2020-01-02")
    CaseFactory(enterprise=enterprise, title="Un titre de demande assez long pour passer à la ligne sur un téléphone")
    VisitFactory(referent=referent, enterprise=enterprise)
    sign_in(phone, live_server.url, user.username)
    assert phone.url == f"{live_server.url}{path}"
    assert phone.locator("h1").inner_text() == heading
    assert_fits_the_phone(phone)
    screenshot(phone, f"home-{user_fixture}")


def test_sign_out_returns_to_the_sign_in_page(phone, live_server, manager):
    sign_in(phone, live_server.url, "manager")
    phone.get_by_role("button", name="Se déconnecter").click()
    phone.wait_for_load_state("load")
    assert phone.url == f"{live_server.url}/login/"


def test_sme_sends_a_request_from_the_phone(phone, live_server, sme_user):
    sign_in(phone, live_server.url, sme_user.username)
    phone.get_by_role("link", name="Nouvelle demande d’appui").click()
    phone.select_option("#id_domain", "energy")
    phone.fill("#id_title", "Pompe solaire pour le jardin")
    phone.fill("#id_description", "Le groupe électrogène coûte trop cher en gasoil.")
    assert_fits_the_phone(phone)
    screenshot(phone, "portal-new-request")
    phone.get_by_role("button", name="Envoyer ma demande").click()
    phone.wait_for_load_state("load")
    assert "a bien été reçue sous la référence" in phone.locator(".messages").inner_text()
    assert phone.locator("h1").inner_text() == "Pompe solaire pour le jardin"
    assert_fits_the_phone(phone)
    screenshot(phone, "portal-request-sent")


def test_a_manager_sets_a_target_from_the_phone_and_the_report_shows_it(phone, live_server, manager, hub):
    sign_in(phone, live_server.url, manager.username)
    phone.goto(f"{live_server.url}/manage/reports/targets/?year=2026")
    assert phone.locator("h1").inner_text() == "Objectifs 2026 · HUB IIT Mali"
    assert_fits_the_phone(phone)
    phone.get_by_label("Visites de site").fill("40")
    phone.get_by_role("button", name="Enregistrer les objectifs").click()
    phone.wait_for_load_state("load")
    assert "Les objectifs 2026 sont enregistrés." in phone.locator("body").inner_text()
    screenshot(phone, "targets")

    phone.goto(f"{live_server.url}/manage/reports/?date_from=2026-01-01&date_to=2026-12-31")
    targets = phone.locator("section", has_text="Objectifs 2026").first
    assert targets.locator("table", has_text="Visites de site").first.is_visible()
    assert "40" in phone.locator("section", has_text="Objectifs 2026").first.inner_text()
    assert_fits_the_phone(phone)
    screenshot(phone, "report")
