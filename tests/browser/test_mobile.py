"""The referents' mobile app in Chromium at phone width: visits logged online and offline, kept on the
phone across a reload, sent once, refusals shown with their reason, and a warning before signing out with
visits unsent."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from cases.models import Case, CaseStatus
from hub.models import AdministrativeUnit
from hub.static_storage import served_content
from tests.browser.conftest import PHONE, screenshot, settle
from tests.browser.test_pages import assert_fits_the_phone, sign_in
from tests.factories import CaseFactory, EnterpriseFactory, SheetFactory
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BAMAKO = {"latitude": 12.6392, "longitude": -8.0029, "accuracy": 15}


@pytest.fixture
def field_phone(chromium, live_server):
    """A phone that grants its position; `service_workers="block"` is left to tests that reroute requests.
    Playwright's `wait_for_function` evaluates its predicates with `eval`, which the app's Content Security
    Policy forbids: these contexts bypass the policy (the other browser tests run under it)."""

    def open_phone(**options):
        context = chromium.new_context(
            viewport=PHONE,
            locale="fr-FR",
            geolocation=BAMAKO,
            permissions=["geolocation"],
            bypass_csp=True,
            **options,
        )
        contexts.append(context)
        return context, context.new_page()

    contexts = []
    settle(live_server)
    yield open_phone
    for context in contexts:
        context.close()
    settle(live_server)


def outbox_states(page, state: str) -> int:
    return page.locator(f"#outbox .state-{state}").count()


def wait_for_states(page, state: str, count: int) -> None:
    page.wait_for_function(f"document.querySelectorAll('#outbox .state-{state}').length === {count}", timeout=15000)


def log_visit(page, enterprise_name: str, observations: str) -> None:
    """Fill the form for `enterprise_name` and save it; returns once the outbox shows one more visit."""
    before = page.locator("#outbox li").count()
    page.fill("#enterprise-search", enterprise_name.split()[0][:4])
    page.locator("#enterprise-results button", has_text=enterprise_name).click()
    page.fill("#id_observations", observations)
    page.click("#visit-form button[type=submit]")
    page.wait_for_function("n => document.querySelectorAll('#outbox li').length > n", arg=before)


def open_form(page, base_url: str) -> None:
    page.goto(f"{base_url}/m/visits/new/")
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_selector("#visit-form[data-ready]")


def test_a_visit_logged_online_is_stored_with_its_position_and_the_case_raised(field_phone, live_server, referent):
    enterprise = EnterpriseFactory(hub=referent.hub, name="Séchoir Solaire Diallo", commune="Ségou")
    _context, page = field_phone()
    sign_in(page, live_server.url, referent.username)
    open_form(page, live_server.url)
    page.fill("#enterprise-search", "sech sego")
    page.locator("#enterprise-results button", has_text="Séchoir Solaire Diallo").click()
    page.select_option("#id_purpose", "diagnostic")
    page.fill("#id_observations", "Claies de séchage abîmées.")
    page.fill("#id_needs_found", "Former deux employées à l’hygiène.")
    page.click("#add-need")
    page.fill("input[name=need_title]", "Formation hygiène du séchage")
    page.fill("#id_people_reached_total", "4")
    page.fill("#id_people_reached_women", "3")
    assert_fits_the_phone(page)
    screenshot(page, "mobile-visit-form")
    page.click("#visit-form button[type=submit]")
    wait_for_states(page, "sent", 1)

    visit = Visit.objects.get()
    assert (visit.enterprise, visit.referent, visit.people_reached_women) == (enterprise, referent, 3)
    assert (float(visit.latitude), float(visit.longitude), visit.gps_accuracy_m) == (12.6392, -8.0029, 15)
    raised = visit.cases.get()
    assert (raised.title, raised.status, raised.assigned_to, raised.channel) == (
        "Formation hygiène du séchage",
        CaseStatus.ASSIGNED,
        referent,
        "visit",
    )
    screenshot(page, "mobile-visit-sent")


def test_an_enterprise_outside_my_regions_is_found_online_and_then_kept_offline(field_phone, live_server, referent):
    sikasso = AdministrativeUnit.objects.get(code="ML-SIK")
    referent.referent.regions.set([sikasso])
    EnterpriseFactory(hub=referent.hub, name="Huilerie Traoré", region=sikasso, commune="Sikasso")
    EnterpriseFactory(hub=referent.hub, name="Huilerie Sanou", commune="Commune IV")
    context, page = field_phone()
    sign_in(page, live_server.url, referent.username)
    open_form(page, live_server.url)
    page.reload()  # now under the service worker, which must not keep the directory's answer for offline use
    page.wait_for_selector("#visit-form[data-ready]")

    page.fill("#enterprise-search", "huil")
    page.locator("#enterprise-results button", has_text="Huilerie Sanou").click()
    page.fill("#id_observations", "Presse hors de ma région.")
    page.click("#visit-form button[type=submit]")
    wait_for_states(page, "sent", 1)
    assert Visit.objects.get().enterprise.name == "Huilerie Sanou"
    page.wait_for_function("document.querySelector('#form-status').textContent.includes('serveur')")
    assert (
        page.locator("#form-status").inner_text().startswith("Visite enregistrée sur le téléphone. Envoyée au serveur.")
    )
    assert page.locator("#send-now").is_hidden()

    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#visit-form[data-ready]")
    page.fill("#enterprise-search", "sanou")
    assert page.locator("#enterprise-results button", has_text="Huilerie Sanou").count() == 1


def test_three_visits_saved_offline_survive_a_reload_and_are_sent_once(field_phone, live_server, referent):
    EnterpriseFactory(hub=referent.hub, name="Moulin Coulibaly")
    context, page = field_phone()
    sign_in(page, live_server.url, referent.username)
    open_form(page, live_server.url)

    context.set_offline(True)
    for number in range(3):
        log_visit(page, "Moulin Coulibaly", f"Visite hors ligne {number}")
    page.wait_for_function("document.querySelector('#form-status').textContent.includes('réseau')")
    assert "Visite enregistrée sur le téléphone. Pas de réseau" in page.locator("#form-status").inner_text()
    assert re.search(
        r"Moulin Coulibaly · \d{2}/\d{2}/\d{4} \d{2}:\d{2}", page.locator("#outbox-list li").first.inner_text()
    )
    page.reload()
    page.wait_for_selector("#outbox-list .state-waiting")
    assert outbox_states(page, "waiting") == 3
    assert Visit.objects.count() == 0
    screenshot(page, "mobile-outbox-offline")

    context.set_offline(False)
    page.evaluate("window.hubiit.sendAll()")  # coming back online sends too: the button may already be gone
    wait_for_states(page, "sent", 3)
    assert page.locator("#outbox-list li").count() == 0
    assert page.locator("#outbox-sent .state-sent").count() == 3
    assert page.locator("#outbox-sent-title").inner_text() == "Déjà envoyés"
    assert sorted(Visit.objects.values_list("observations", flat=True)) == [
        f"Visite hors ligne {number}" for number in range(3)
    ]
    assert page.locator("#send-now").is_hidden()
    page.evaluate("window.hubiit.sendAll()")
    page.wait_for_timeout(500)
    assert Visit.objects.count() == 3


def test_an_answer_lost_on_the_way_is_resent_and_the_visit_stored_once(field_phone, live_server, referent):
    EnterpriseFactory(hub=referent.hub, name="Forge Keïta")
    _context, page = field_phone(service_workers="block")
    sign_in(page, live_server.url, referent.username)
    page.goto(f"{live_server.url}/m/visits/new/")
    page.wait_for_selector("#visit-form[data-ready]")
    lost = []

    def store_then_lose_the_answer(route):
        lost.append(route.fetch().status)
        route.abort("connectionreset")

    page.route("**/api/v1/visits/", store_then_lose_the_answer)
    log_visit(page, "Forge Keïta", "Soudure sans protection")
    page.wait_for_function("() => document.querySelector('#outbox-list .state-waiting') !== null")
    assert lost == [201]
    page.unroute("**/api/v1/visits/")
    page.click("#send-now")
    wait_for_states(page, "sent", 1)
    assert Visit.objects.count() == 1


def test_the_script_minified_as_production_serves_it_logs_a_visit(field_phone, live_server, referent):
    enterprise = EnterpriseFactory(hub=referent.hub, name="Savonnerie Dembélé")
    case = CaseFactory(enterprise=enterprise, assigned_to=referent, status=CaseStatus.ASSIGNED, title="Moule")
    source = Path(finders.find("visits/mobile.js")).read_bytes()
    minified = served_content("visits/mobile.js", source)
    assert len(minified) < len(source)
    served = []

    def serve_minified(route):
        served.append(route.request.url)
        route.fulfill(body=minified, content_type="text/javascript")

    _context, page = field_phone(service_workers="block")
    page.route("**/static/visits/mobile.js", serve_minified)
    sign_in(page, live_server.url, referent.username)
    page.goto(f"{live_server.url}/m/visits/new/")
    page.wait_for_selector("#visit-form[data-ready]")
    page.fill("#enterprise-search", "savon")
    page.locator("#enterprise-results button", has_text="Savonnerie Dembélé").click()
    page.check(f"#linked-cases input[value='{case.pk}']")
    page.fill("#id_observations", "Moules à savon fissurés.")
    page.click("#visit-form button[type=submit]")
    wait_for_states(page, "sent", 1)

    assert served
    visit = Visit.objects.get()
    assert (visit.enterprise, list(visit.cases.all())) == (enterprise, [case])


def test_a_refused_visit_stays_visible_with_its_reason_until_discarded(field_phone, live_server, referent, other_hub):
    moved = EnterpriseFactory(hub=referent.hub, name="Teinturerie Sidibé")
    _context, page = field_phone()
    sign_in(page, live_server.url, referent.username)
    open_form(page, live_server.url)
    type(moved).objects.filter(pk=moved.pk).update(hub=other_hub)

    log_visit(page, "Teinturerie Sidibé", "Bassins de teinture")
    wait_for_states(page, "refused", 1)
    assert "Entreprise : Aucun enregistrement" in page.locator("#outbox-list .state-refused").inner_text()
    page.reload()
    wait_for_states(page, "refused", 1)
    assert_fits_the_phone(page)
    screenshot(page, "mobile-refused")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#outbox-list .state-refused button", has_text="Abandonner").click()
    page.wait_for_function("document.querySelectorAll('#outbox-list .state-refused').length === 0")
    assert Visit.objects.count() == 0


def test_signing_out_with_unsent_visits_asks_first(field_phone, live_server, referent):
    EnterpriseFactory(hub=referent.hub, name="Huilerie Konaté")
    context, page = field_phone()
    sign_in(page, live_server.url, referent.username)
    open_form(page, live_server.url)
    context.set_offline(True)
    log_visit(page, "Huilerie Konaté", "Presse à vis")
    page.route("**/api/v1/visits/", lambda route: route.abort())
    context.set_offline(False)

    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_timeout(300)
    assert "pas encore envoyés" in questions[0]
    assert page.url.endswith("/m/visits/new/")


def test_the_home_lists_my_cases_and_a_case_moves_on_from_the_phone(field_phone, live_server, referent):
    case = CaseFactory(hub=referent.hub, assigned_to=referent, status=CaseStatus.ASSIGNED, title="Pompe solaire")
    _context, page = field_phone()
    sign_in(page, live_server.url, referent.username)
    page.goto(f"{live_server.url}/m/")
    page.get_by_role("link", name=case.reference).click()
    page.locator("details.move summary", has_text="Passer en cours").click()
    page.locator("details.move[open] button").click()
    # Through the outbox: once the server has it, the page shows the case as the server has it.
    page.wait_for_function(
        "document.querySelector('#case-status.in_progress') && !document.querySelector('#case-pending li')"
    )
    assert Case.objects.get().status == CaseStatus.IN_PROGRESS
    assert_fits_the_phone(page)
    screenshot(page, "mobile-case")


def test_a_sheet_kept_on_the_phone_reads_offline(field_phone, live_server, referent):
    sheet = SheetFactory(hub=referent.hub, title="Fumoir amélioré FTT", body="## Principe\nFumer sans brûler.")
    context, page = field_phone()
    sign_in(page, live_server.url, referent.username)
    page.goto(f"{live_server.url}/m/library/?q=fumoir")
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.get_by_role("link", name="Fumoir amélioré FTT").click()
    page.wait_for_load_state("load")
    page.click("#keep-sheet")
    page.wait_for_selector("#keep-sheet[disabled]")
    assert_fits_the_phone(page)
    screenshot(page, "mobile-sheet")

    context.set_offline(True)
    page.goto(f"{live_server.url}/m/library/")
    page.wait_for_selector("#kept:not([hidden])")
    page.locator("#kept-sheets").get_by_role("link", name="Fumoir amélioré FTT").click()
    page.wait_for_load_state("load")
    assert "Fumer sans brûler." in page.locator("main").inner_text()
    assert page.url.endswith(f"/m/library/{sheet.pk}/")
