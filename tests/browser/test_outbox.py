"""What the outbox of the referents' phone got wrong in the field (issue #21), in Chromium at 360 px: a request
that never answers, signing out offline and online, a refused visit typed again, a form left half filled, two
tabs sending the same records, a 409 and the discard confirmations, the personal data left after signing out,
and the count of records waiting on every page. The pages are in English (the language cookie): the messages
asserted are the code's own."""

import datetime
import io
import time

import pytest
from django.utils import timezone
from PIL import Image

from cases.models import CaseEvent, CaseNote
from hub.models import FollowUp
from tests.browser.conftest import screenshot
from tests.browser.test_day_offline import wait_for
from tests.browser.test_mobile import BAMAKO, field_phone, log_visit, open_form, wait_for_states  # noqa: F401
from tests.browser.test_mobile_followups import six_month_followup
from tests.browser.test_pages import assert_fits_the_phone, sign_in
from tests.factories import CaseFactory, EnterpriseFactory, ReferentUserFactory, VisitFactory
from visits.models import Visit, VisitPhoto

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VISITS_API = "**/api/v1/visits/"
TOMBOUCTOU = {"latitude": 16.7735, "longitude": -3.0074, "accuracy": 30}

# The records kept in the phone's IndexedDB, whoever saved them: [state, user, observations].
STORED = """() => new Promise((resolve) => {
  const open = indexedDB.open("hubiit-mobile");
  open.onsuccess = () => {
    const all = open.result.transaction("outbox").objectStore("outbox").getAll();
    all.onsuccess = () => resolve(all.result.map((r) => [r.state, r.user, r.payload && r.payload.observations]));
  };
})"""

# The visit form's draft kept for `user`: [observations, photos], or null.
DRAFT = """(user) => new Promise((resolve) => {
  const open = indexedDB.open("hubiit-mobile");
  open.onsuccess = () => {
    const get = open.result.transaction("meta").objectStore("meta").get(`draft-${user}`);
    get.onsuccess = () => resolve(get.result ? [get.result.payload.observations, get.result.photos.length] : null);
  };
})"""


@pytest.fixture
def phone(field_phone, live_server):  # noqa: F811
    """A phone in English, granting its position in Bamako, on Bamako's time."""

    def open_phone(**options):
        context, page = field_phone(timezone_id="Africa/Bamako", **options)
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        return context, page

    return open_phone


def jpeg() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (190, 120, 40)).save(buffer, format="JPEG")
    return {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def ready_form(page, base_url: str) -> None:
    page.goto(f"{base_url}/m/visits/new/")
    page.wait_for_selector("#visit-form[data-ready]")


def choose(page, name: str) -> None:
    page.fill("#enterprise-search", name.split()[0][:4])
    page.locator("#enterprise-results button", has_text=name).click()


def wait_for_draft(page, user, kept) -> None:
    """The draft is written as the referent types, without waiting: before leaving the page, a test waits
    for it to be kept, as a person's slower hands do."""
    for _ in range(50):
        if page.evaluate(DRAFT, user.pk) == kept:
            return
        page.wait_for_timeout(100)
    assert page.evaluate(DRAFT, user.pk) == kept


def state_of(page, state: str) -> str:
    return page.locator(f"#outbox .state-{state} .state").first.inner_text()


def test_a_request_that_never_answers_gives_up_and_the_visits_saved_meanwhile_are_listed_then_sent(
    phone, live_server, referent
):
    EnterpriseFactory(hub=referent.hub, name="Moulin Traoré")
    _context, page = phone(service_workers="block")
    page.clock.install()
    sign_in(page, live_server.url, referent.username)
    ready_form(page, live_server.url)
    hanging = []
    page.route(VISITS_API, lambda route: route.continue_() if hanging else hanging.append(route))

    with page.expect_request(VISITS_API):
        log_visit(page, "Moulin Traoré", "Première visite, sans réponse")
    log_visit(page, "Moulin Traoré", "Deuxième visite")
    log_visit(page, "Moulin Traoré", "Troisième visite")
    assert page.locator("#outbox-list li").count() == 3
    assert page.locator("[data-outbox-count]").first.inner_text() == "3"
    assert Visit.objects.count() == 0

    page.clock.fast_forward(31_000)  # the first request's 30 seconds are up
    wait_for_states(page, "sent", 3)
    assert sorted(Visit.objects.values_list("observations", flat=True)) == [
        "Deuxième visite",
        "Première visite, sans réponse",
        "Troisième visite",
    ]


def test_signing_out_offline_is_refused_and_the_app_still_opens_offline(phone, live_server, referent):
    EnterpriseFactory(hub=referent.hub, name="Forge Coulibaly")
    context, page = phone()
    sign_in(page, live_server.url, referent.username)
    open_form(page, live_server.url)

    context.set_offline(True)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_selector("#signing-out")
    assert page.locator("#signing-out").inner_text().startswith("Could not sign out (no network?)")
    assert page.url.endswith("/m/visits/new/")
    assert page.evaluate("caches.keys()") != []
    assert_fits_the_phone(page)

    page.goto(f"{live_server.url}/m/visits/new/")
    page.wait_for_selector("#visit-form[data-ready]")
    choose(page, "Forge Coulibaly")
    assert page.input_value("#enterprise-search") == "Forge Coulibaly"


def test_signing_out_drops_what_was_sent_once_the_server_agrees_and_keeps_the_rest_for_its_author(
    phone, live_server, referent
):
    EnterpriseFactory(hub=referent.hub, name="Savonnerie Keïta")
    colleague = ReferentUserFactory(hub=referent.hub, username="colleague")
    _context, page = phone()
    sign_in(page, live_server.url, referent.username)
    open_form(page, live_server.url)
    log_visit(page, "Savonnerie Keïta", "Envoyée avant de partir")
    wait_for_states(page, "sent", 1)
    page.route(VISITS_API, lambda route: route.abort())
    log_visit(page, "Savonnerie Keïta", "Pas encore envoyée")
    page.wait_for_function("document.querySelector('#outbox-list .state-waiting .state')?.textContent.includes('–')")

    # The server does not answer the sign-out: nothing is dropped, the page stays.
    page.route("**/logout/", lambda route: route.abort())
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_selector("#signing-out")
    assert page.evaluate("caches.keys()") != []
    assert sorted(page.evaluate(STORED)) == [
        ["sent", referent.pk, None],
        ["waiting", referent.pk, "Pas encore envoyée"],
    ]

    page.unroute("**/logout/")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation(url="**/login/"):
        page.get_by_role("button", name="Sign out").click()
    assert page.evaluate("caches.keys()") == []
    assert page.evaluate(STORED) == [["waiting", referent.pk, "Pas encore envoyée"]]

    # Another referent on the same phone neither sees nor sends it.
    page.unroute(VISITS_API)
    posted = []
    page.on("request", lambda request: request.method == "POST" and "/api/" in request.url and posted.append(request))
    sign_in(page, live_server.url, colleague.username)
    page.goto(f"{live_server.url}/m/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#outbox").is_hidden()
    assert page.locator("#outbox-badge").count() == 0
    assert posted == []
    with page.expect_navigation(url="**/login/"):
        page.get_by_role("button", name="Sign out").click()

    # Its author signs in again: it is sent.
    sign_in(page, live_server.url, referent.username)
    page.goto(f"{live_server.url}/m/")
    wait_for_states(page, "sent", 1)
    assert Visit.objects.get(observations="Pas encore envoyée").referent == referent


def test_a_visit_refused_for_a_phone_a_day_ahead_is_corrected_in_its_form_and_sent_with_all_it_held(
    phone, live_server, referent
):
    enterprise = EnterpriseFactory(hub=referent.hub, name="Rizerie Diallo")
    case = CaseFactory(enterprise=enterprise, assigned_to=referent, status="assigned", title="Décortiqueuse")
    context, page = phone(service_workers="block")
    page.clock.install(time=time.time() + 24 * 3600)
    sign_in(page, live_server.url, referent.username)
    ready_form(page, live_server.url)
    page.wait_for_function("document.querySelector('#gps-status').textContent.includes('15 m')")

    choose(page, "Rizerie Diallo")
    page.check(f"#linked-cases input[value='{case.pk}']")
    page.fill("#id_observations", "Décortiqueuse bloquée.")
    page.click("#add-need")
    page.fill("input[name=need_title]", "Réparer la décortiqueuse")
    page.set_input_files("#photos", files=[jpeg()])
    page.wait_for_function("document.querySelector('#photo-status').textContent.startsWith('1 photo')")
    page.click("#visit-form button[type=submit]")
    wait_for_states(page, "refused", 1)
    assert "Start : The visit cannot start in the future." in state_of(page, "refused")

    page.goto(f"{live_server.url}/m/")
    wait_for_states(page, "refused", 1)
    clock = page.locator("#clock")
    assert clock.is_visible()
    assert clock.inner_text().startswith("The phone's clock says ")
    assert_fits_the_phone(page)
    screenshot(page, "outbox-refused-clock")

    context.set_geolocation(TOMBOUCTOU)  # the visit keeps where it was made
    page.locator("#outbox-list .state-refused button", has_text="Correct").click()
    page.wait_for_selector("#visit-form[data-ready]")
    assert "Refused – Start : The visit cannot start in the future." in page.locator("#form-status").inner_text()
    assert page.input_value("#enterprise-search") == "Rizerie Diallo"
    assert page.is_checked(f"#linked-cases input[value='{case.pk}']")
    assert page.input_value("#id_observations") == "Décortiqueuse bloquée."
    assert page.input_value("input[name=need_title]") == "Réparer la décortiqueuse"
    assert page.locator("#photo-status").inner_text().startswith("1 photo")
    assert "15 m" in page.locator("#gps-status").inner_text()
    assert_fits_the_phone(page)
    screenshot(page, "outbox-correct-refused")

    started = timezone.localtime() - datetime.timedelta(hours=1)
    page.fill("#id_started_at", started.strftime("%Y-%m-%dT%H:%M"))
    page.click("#visit-form button[type=submit]")
    wait_for_states(page, "sent", 1)
    assert page.locator("#outbox-list li").count() == 0

    visit = Visit.objects.get()
    assert (visit.enterprise, visit.observations) == (enterprise, "Décortiqueuse bloquée.")
    assert (float(visit.latitude), float(visit.longitude)) == (BAMAKO["latitude"], BAMAKO["longitude"])
    assert sorted(visit.cases.values_list("title", flat=True)) == ["Décortiqueuse", "Réparer la décortiqueuse"]
    assert VisitPhoto.objects.filter(visit=visit).count() == 1


def test_a_followup_refused_for_a_phone_two_days_ahead_opens_with_its_answers_to_be_corrected(
    phone, live_server, referent
):
    """The server gives a phone a day's grace for a follow-up's date."""
    followup = six_month_followup(referent, name="Huilerie Sanogo")
    _context, page = phone(service_workers="block")
    page.clock.install(time=time.time() + 2 * 24 * 3600)
    sign_in(page, live_server.url, referent.username)
    page.goto(f"{live_server.url}/m/followups/{followup.pk}/")
    page.wait_for_selector("#followup-form[data-ready]")
    page.fill("#id_jobs_created", "3")
    page.click("#followup-form button[type=submit]")
    wait_for_states(page, "refused", 1)

    page.locator("#outbox-list .state-refused button", has_text="Correct").click()
    page.wait_for_selector("#followup-form[data-ready]")
    assert page.input_value("#id_jobs_created") == "3"
    assert "cannot be collected in the future" in page.locator("#form-status").inner_text()
    page.fill("#id_collected_on", timezone.localdate().isoformat())
    page.click("#followup-form button[type=submit]")
    wait_for_states(page, "sent", 1)
    stored = FollowUp.objects.get()
    assert (stored.collected_on, stored.jobs_created) == (timezone.localdate(), 3)


def test_the_visit_form_keeps_a_draft_until_it_is_saved_or_discarded(phone, live_server, referent):
    EnterpriseFactory(hub=referent.hub, name="Teinturerie Sidibé")
    _context, page = phone(service_workers="block")
    sign_in(page, live_server.url, referent.username)
    ready_form(page, live_server.url)
    assert page.locator("#drop-draft").is_hidden()
    choose(page, "Teinturerie Sidibé")
    page.fill("#id_observations", "Bassins sans couvercle.")
    page.click("#add-need")
    page.fill("input[name=need_title]", "Couvrir les bassins")
    page.set_input_files("#photos", files=[jpeg()])
    page.wait_for_function("document.querySelector('#photo-status').textContent.startsWith('1 photo')")
    wait_for_draft(page, referent, ["Bassins sans couvercle.", 1])

    page.goto(f"{live_server.url}/m/")  # called away
    ready_form(page, live_server.url)
    assert page.locator("#form-status").inner_text() == "Draft of this visit, kept on the phone."
    assert page.input_value("#enterprise-search") == "Teinturerie Sidibé"
    assert page.input_value("#id_observations") == "Bassins sans couvercle."
    assert page.input_value("input[name=need_title]") == "Couvrir les bassins"
    assert page.locator("#photo-status").inner_text().startswith("1 photo")
    assert page.locator("#drop-draft").is_visible()
    assert_fits_the_phone(page)
    screenshot(page, "outbox-draft-restored")

    page.click("#visit-form button[type=submit]")
    wait_for_states(page, "sent", 1)
    visit = Visit.objects.get()
    assert visit.observations == "Bassins sans couvercle."
    assert VisitPhoto.objects.filter(visit=visit).count() == 1
    ready_form(page, live_server.url)
    assert page.input_value("#id_observations") == ""
    assert page.locator("#drop-draft").is_hidden()

    page.fill("#id_observations", "Une autre visite, abandonnée.")
    wait_for_draft(page, referent, ["Une autre visite, abandonnée.", 0])
    page.reload()
    page.wait_for_selector("#visit-form[data-ready]")
    assert page.input_value("#id_observations") == "Une autre visite, abandonnée."
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.click("#drop-draft")
    page.wait_for_function("document.querySelector('#id_observations').value === ''")
    assert questions == ["Discard this draft, photos included?"]
    page.reload()
    page.wait_for_selector("#visit-form[data-ready]")
    assert page.input_value("#id_observations") == ""
    assert page.locator("#drop-draft").is_hidden()
    assert page.evaluate(DRAFT, referent.pk) is None


def test_two_tabs_send_each_record_once(phone, live_server, referent):
    EnterpriseFactory(hub=referent.hub, name="Briqueterie Konaté")
    context, page = phone(service_workers="block")
    sign_in(page, live_server.url, referent.username)
    other_tab = context.new_page()
    other_tab.goto(f"{live_server.url}/m/")
    page.bring_to_front()  # a tab behind another has its animation frames, and so the waits, slowed
    ready_form(page, live_server.url)
    answered = []  # the posts the server answered, not those that failed offline
    context.on(
        "requestfinished", lambda r: r.method == "POST" and r.url.endswith("/api/v1/visits/") and answered.append(r)
    )

    context.set_offline(True)
    for number in range(3):
        log_visit(page, "Briqueterie Konaté", f"Visite {number}")
    context.set_offline(False)  # both tabs hear that the network is back
    other_tab.evaluate("() => { window.hubiit.sendAll(); }")
    page.evaluate("() => { window.hubiit.sendAll(); }")
    wait_for_states(page, "sent", 3)
    other_tab.wait_for_timeout(1000)
    assert Visit.objects.count() == 3
    assert len(answered) == 3


def test_a_409_says_so_in_a_line_and_each_discard_says_what_it_loses(phone, live_server, referent, other_hub):
    enterprise = EnterpriseFactory(hub=referent.hub, name="Fromagerie Diarra")
    _context, page = phone(service_workers="block")
    sign_in(page, live_server.url, referent.username)
    ready_form(page, live_server.url)
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)

    # Another copy of the record is stored under its UUID (saved by this referent from another phone).
    uuid = page.input_value("input[name=client_uuid]")
    VisitFactory(client_uuid=uuid, referent=referent, enterprise=enterprise, observations="Stockée ailleurs.")
    log_visit(page, "Fromagerie Diarra", "Cette copie-ci")
    wait_for_states(page, "refused", 1)
    refused = page.locator("#outbox-list .state-refused")
    assert state_of(page, "refused") == (
        "Refused – Another record is already stored under this identifier: keep this copy or discard it."
    )
    assert [button.inner_text() for button in refused.locator("button").all()] == ["Discard"]
    refused.locator("button", has_text="Discard").click()
    page.wait_for_function("document.querySelectorAll('#outbox-list li').length === 0")
    assert questions.pop() == "Discard this copy? The record stored under its identifier stays on the server."
    assert Visit.objects.count() == 1

    # The visit is stored, its photo refused.
    page.route("**/photos/", lambda route: route.fulfill(status=415, json={"detail": "Unsupported media type."}))
    choose(page, "Fromagerie Diarra")
    page.set_input_files("#photos", files=[jpeg()])
    page.wait_for_function("document.querySelector('#photo-status').textContent.startsWith('1 photo')")
    page.click("#visit-form button[type=submit]")
    wait_for_states(page, "refused", 1)
    assert Visit.objects.count() == 2
    page.locator("#outbox-list .state-refused button", has_text="Discard").click()
    page.wait_for_function("document.querySelectorAll('#outbox-list li').length === 0")
    assert questions.pop() == "The visit is stored on the server: discard its photos not sent yet?"
    assert Visit.objects.count() == 2

    # Refused for what it says: nothing of it was stored.
    type(enterprise).objects.filter(pk=enterprise.pk).update(hub=other_hub)
    log_visit(page, "Fromagerie Diarra", "Refusée")
    wait_for_states(page, "refused", 1)
    page.locator("#outbox-list .state-refused button", has_text="Discard").click()
    page.wait_for_function("document.querySelectorAll('#outbox-list li').length === 0")
    assert questions.pop() == "Discard this record for good? It was not saved on the server."
    assert Visit.objects.count() == 2


def test_every_mobile_page_shows_how_many_records_wait(phone, live_server, referent):
    enterprise = EnterpriseFactory(hub=referent.hub, name="Menuiserie Dembélé")
    case = CaseFactory(enterprise=enterprise, assigned_to=referent, status="assigned", title="Raboteuse")
    context, page = phone(service_workers="block")
    sign_in(page, live_server.url, referent.username)
    ready_form(page, live_server.url)
    assert page.locator("#outbox-badge").count() == 0
    page.route(VISITS_API, lambda route: route.abort())
    log_visit(page, "Menuiserie Dembélé", "Raboteuse à régler")

    for path in [f"/m/cases/{case.pk}/", "/m/library/"]:
        page.goto(f"{live_server.url}{path}")
        badge = page.locator("header #outbox-badge")
        badge.wait_for()
        assert badge.inner_text() == "1 to send"
        assert badge.get_attribute("href") == "/m/#outbox"
    assert_fits_the_phone(page)


def test_a_case_action_that_never_answers_holds_only_the_later_actions_on_its_case(phone, live_server, referent):
    """The note on the first case stalls: the move made after it on the same case waits for it, a note on
    another case goes meanwhile; once the stalled request gives up and the server answers again, the first
    case's actions go, in order."""
    stalled_case = CaseFactory(hub=referent.hub, assigned_to=referent, status="in_progress", title="Pompe solaire")
    other_case = CaseFactory(hub=referent.hub, assigned_to=referent, status="in_progress", title="Moulin à mil")
    _context, page = phone(service_workers="block")
    page.clock.install()
    sign_in(page, live_server.url, referent.username)
    stalled_api = f"**/api/v1/cases/{stalled_case.pk}/actions/"
    page.route(stalled_api, lambda route: None)  # never answers

    page.goto(f"{live_server.url}/m/cases/{stalled_case.pk}/")
    page.wait_for_selector("#case[data-ready]")
    page.fill("#id_body", "Pompe amorcée")
    page.click("form[data-queue=note] button[type=submit]")
    page.locator("details.move summary", has_text="Wait for the SME").click()
    page.locator("details.move[open] button").click()
    page.wait_for_function("document.querySelectorAll('#case-pending li').length === 2")

    page.goto(f"{live_server.url}/m/cases/{other_case.pk}/")
    page.wait_for_selector("#case[data-ready]")
    page.fill("#id_body", "Moulin nettoyé")
    page.click("form[data-queue=note] button[type=submit]")
    page.clock.fast_forward(31_000)  # the stalled request gives up; it is tried again after the others
    wait_for(lambda: CaseNote.objects.filter(case=other_case).exists())
    page.wait_for_function("document.querySelector('#outbox-list').innerText.includes('Waits for the earlier change')")
    assert list(CaseNote.objects.values_list("body", flat=True)) == ["Moulin nettoyé"]
    assert not CaseEvent.objects.filter(case=stalled_case).exists()

    page.unroute(stalled_api)
    page.clock.fast_forward(31_000)  # the server answers again: the first case's actions go, note then move
    wait_for(lambda: CaseEvent.objects.filter(case=stalled_case).exists())
    note = CaseNote.objects.get(case=stalled_case)
    move = CaseEvent.objects.get(case=stalled_case)
    assert (note.body, move.to_status) == ("Pompe amorcée", "waiting_sme")
    assert note.created_at < move.created_at
