"""The whole life of a case through the pages, at phone width: the SME asks, the manager triages and
assigns, the work is done and resolved, the SME confirms and rates."""

import pytest

from cases.models import Case, CaseStatus
from tests.browser.conftest import screenshot
from tests.browser.test_pages import assert_fits_the_phone, sign_in
from tests.factories import ReferentUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_out(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state("load")


def submit(page, button: str) -> None:
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("load")


def test_from_request_to_rating(phone, live_server, hub, sme_user, manager, referent):
    referent.referent.domains = ["energy"]
    referent.referent.save()
    ReferentUserFactory(hub=hub, first_name="Seydou", last_name="Traoré")

    sign_in(phone, live_server.url, sme_user.username)
    phone.get_by_role("link", name="Nouvelle demande d’appui").click()
    phone.select_option("#id_domain", "energy")
    phone.fill("#id_title", "Pompe solaire pour le jardin")
    phone.fill("#id_description", "Le groupe électrogène coûte trop cher en gasoil.")
    submit(phone, "Envoyer ma demande")
    case = Case.objects.get()
    sign_out(phone)

    sign_in(phone, live_server.url, "manager")
    phone.goto(f"{live_server.url}/manage/cases/?status=new")
    assert_fits_the_phone(phone)
    screenshot(phone, "manage-inbox")
    phone.get_by_role("link", name=case.reference).click()
    phone.wait_for_load_state("load")
    phone.select_option("#id_priority", "high")
    submit(phone, "Qualifier la demande")
    assert "qualifiée" in phone.locator(".messages").inner_text()
    suggestions = phone.locator("label.choice")
    assert "connaît ce domaine" in suggestions.first.inner_text()
    assert_fits_the_phone(phone)
    screenshot(phone, "manage-case-assign")
    suggestions.first.click()
    submit(phone, "Assigner")
    case.refresh_from_db()
    assert (case.status, case.assigned_to) == (CaseStatus.ASSIGNED, referent)

    for move in ("Passer en cours", "Marquer comme résolue"):
        phone.locator("details.move summary", has_text=move).click()
        if move == "Marquer comme résolue":
            phone.fill("details.move[open] textarea", "Pompe de 1,5 kW et 6 panneaux : devis transmis.")
        phone.locator("details.move[open] button").click()
        phone.wait_for_load_state("load")
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert "Pompe de 1,5 kW" in phone.locator("ol.timeline").inner_text()
    assert_fits_the_phone(phone)
    screenshot(phone, "manage-case-resolved")
    sign_out(phone)

    sign_in(phone, live_server.url, sme_user.username)
    phone.get_by_role("link", name="Pompe solaire pour le jardin").click()
    phone.wait_for_load_state("load")
    assert "Pompe de 1,5 kW" in phone.locator("#answer").inner_text()
    submit(phone, "Mon problème est résolu : clore la demande")
    phone.get_by_label("5 – Très satisfait").check()
    phone.fill("#id_comment", "Merci, la pompe tourne.")
    assert_fits_the_phone(phone)
    screenshot(phone, "portal-rate")
    submit(phone, "Envoyer mon évaluation")
    case.refresh_from_db()
    assert (case.status, case.satisfaction_rating, case.satisfaction_comment) == (
        CaseStatus.CLOSED,
        5,
        "Merci, la pompe tourne.",
    )
    assert "5 sur 5" in phone.locator("main").inner_text()
