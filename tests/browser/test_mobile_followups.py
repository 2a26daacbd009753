"""Impact follow-ups on the referent's phone, in Chromium: listed on the home page, recorded offline from a
follow-up never opened online, kept across a reload, sent once when the network returns; offered by the
visit form for the enterprise chosen."""

import datetime

import pytest
from django.utils import timezone

from cases.models import CaseStatus
from hub.models import FollowUp
from tests.browser.conftest import screenshot
from tests.browser.test_mobile import field_phone, outbox_states, wait_for_states  # noqa: F401 - a fixture
from tests.browser.test_pages import assert_fits_the_phone, sign_in
from tests.factories import CaseFactory, EnterpriseFactory, FollowUpFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def six_month_followup(referent, *, name: str, due_in_days: int = 3) -> FollowUp:
    enterprise = EnterpriseFactory(hub=referent.hub, name=name)
    case = CaseFactory(
        enterprise=enterprise,
        assigned_to=referent,
        status=CaseStatus.RESOLVED,
        resolved_at=timezone.now() - datetime.timedelta(days=180),
        title="Séchoir solaire",
    )
    return FollowUpFactory(
        case=case,
        kind=FollowUp.Kind.MONTH_6,
        assigned_to=referent,
        due_date=timezone.localdate() + datetime.timedelta(days=due_in_days),
    )


def test_a_followup_recorded_offline_survives_a_reload_and_is_stored_once(field_phone, live_server, referent):  # noqa: F811
    followup = six_month_followup(referent, name="Rizerie Traoré")
    context, page = field_phone()
    sign_in(page, live_server.url, referent.username)
    page.goto(f"{live_server.url}/m/")
    item = page.locator(f"#due-followups [data-followup='{followup.pk}']")
    assert "Rizerie Traoré" in item.inner_text()
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # under the worker, with the directory copy (and its follow-ups) on the phone
    page.wait_for_load_state("networkidle")

    context.set_offline(True)
    page.goto(f"{live_server.url}/m/followups/{followup.pk}/")
    page.wait_for_selector("#followup-form[data-ready]")
    assert "Rizerie Traoré" in page.locator("#followup-title").inner_text()
    assert page.locator("#id_jobs_created").is_visible()
    page.fill("#id_jobs_created", "2")
    page.fill("#id_turnover_xof", "18500000")
    page.select_option("#id_technology_adopted", "true")
    page.select_option("#id_satisfaction", "5")
    page.select_option("#id_recommend_score", "9")
    assert_fits_the_phone(page)
    screenshot(page, "mobile-followup-form")
    page.click("#followup-form button[type=submit]")
    page.wait_for_selector("#outbox-list .state-waiting")
    assert page.locator("#followup-form").is_hidden()

    page.reload()
    wait_for_states(page, "waiting", 1)
    assert page.locator("#followup-form").is_hidden()
    assert FollowUp.objects.get().collected_on is None

    context.set_offline(False)
    page.evaluate("window.hubiit.sendAll()")  # coming back online sends too: the button may already be gone
    wait_for_states(page, "sent", 1)
    stored = FollowUp.objects.get()
    assert (stored.collected_on, stored.collected_by, stored.jobs_created, stored.turnover_xof) == (
        timezone.localdate(),
        referent,
        2,
        18_500_000,
    )
    assert (stored.technology_adopted, stored.satisfaction, stored.recommend_score, stored.self_reported) == (
        True,
        5,
        9,
        False,
    )
    assert page.locator("#send-now").is_hidden()
    page.evaluate("window.hubiit.sendAll()")
    page.wait_for_timeout(500)
    assert stored.history.filter(collected_on__isnull=False).count() == 1
    screenshot(page, "mobile-followup-sent")


def test_a_followup_refused_by_the_server_shows_why_and_can_be_discarded(field_phone, live_server, referent):  # noqa: F811
    followup = six_month_followup(referent, name="Huilerie Diarra")
    _context, page = field_phone()
    sign_in(page, live_server.url, referent.username)
    page.goto(f"{live_server.url}/m/followups/{followup.pk}/")
    page.wait_for_selector("#followup-form[data-ready]")
    FollowUp.objects.filter(pk=followup.pk).update(collected_on=timezone.localdate())

    page.fill("#id_jobs_created", "1")
    page.click("#followup-form button[type=submit]")
    wait_for_states(page, "refused", 1)
    assert "déjà" in page.locator("#outbox-list .state-refused").inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#outbox-list .state-refused button", has_text="Abandonner").click()
    page.wait_for_function("document.querySelectorAll('#outbox-list .state-refused').length === 0")
    assert FollowUp.objects.get().jobs_created is None


def test_the_visit_form_offers_the_followup_due_for_the_enterprise_chosen(field_phone, live_server, referent):  # noqa: F811
    followup = six_month_followup(referent, name="Savonnerie Coulibaly", due_in_days=-2)
    _context, page = field_phone()
    sign_in(page, live_server.url, referent.username)
    page.goto(f"{live_server.url}/m/")  # the home page keeps the copy of the follow-ups due on the phone
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/m/visits/new/")
    page.wait_for_selector("#visit-form[data-ready]")
    page.fill("#enterprise-search", "savon")
    page.locator("#enterprise-results button", has_text="Savonnerie Coulibaly").click()
    offered = page.locator("#visit-followups a")
    assert offered.count() == 1
    assert followup.case.reference in offered.inner_text()

    page.fill("#id_observations", "Suivi des presses.")
    page.click("#visit-form button[type=submit]")
    wait_for_states(page, "sent", 1)
    page.locator("#form-status a").click()
    page.wait_for_selector("#followup-form[data-ready]")
    assert page.url.endswith(f"/m/followups/{followup.pk}/")
    assert outbox_states(page, "sent") == 1


def test_after_signing_out_and_in_a_followup_never_opened_still_opens_offline(field_phone, live_server, referent):  # noqa: F811
    """Signing out empties the caches; the next page opened online puts the offline shell back."""
    followup = six_month_followup(referent, name="Fromagerie Sangaré")
    context, page = field_phone()
    sign_in(page, live_server.url, referent.username)
    page.goto(f"{live_server.url}/m/")
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state("load")
    assert page.evaluate("caches.keys()") == []

    sign_in(page, live_server.url, referent.username)
    page.goto(f"{live_server.url}/m/")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("caches.match('/m/followups/offline/').then(Boolean)", timeout=15000)

    context.set_offline(True)
    page.goto(f"{live_server.url}/m/followups/{followup.pk}/")
    page.wait_for_selector("#followup-form[data-ready]")
    assert "Fromagerie Sangaré" in page.locator("#followup-title").inner_text()


def test_a_followup_the_server_no_longer_has_can_be_discarded(field_phone, live_server, referent):  # noqa: F811
    followup = six_month_followup(referent, name="Briqueterie Diallo")
    _context, page = field_phone()
    sign_in(page, live_server.url, referent.username)
    page.goto(f"{live_server.url}/m/followups/{followup.pk}/")
    page.wait_for_selector("#followup-form[data-ready]")
    FollowUp.objects.filter(pk=followup.pk).delete()  # a reopening cancelled it meanwhile

    page.fill("#id_jobs_created", "1")
    page.click("#followup-form button[type=submit]")
    wait_for_states(page, "refused", 1)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#outbox-list .state-refused button", has_text="Abandonner").click()
    page.wait_for_function("document.querySelectorAll('#outbox-list li').length === 0")
