"""The referent's whole day offline (issue #21), in Chromium at 360 px under the production Content Security
Policy: a case read from the copy of the day, a note, a move and a message to the SME saved on the phone with
a follow-up and a visit, kept across a reload and a closed browser, then sent with no page open, each stored
once and in the order it was made; a move refused because a manager reassigned the case meanwhile, shown
with what changed and kept as a note; and a technology sheet kept with its picture within the room given to
the sheets."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cases import services as case_services
from cases.models import Case, CaseActionReceipt, CaseEvent, CaseNote, CaseStatus
from hub.library.services import sheet_attach
from hub.models import FollowUp
from tests.browser.conftest import screenshot
from tests.browser.test_installable import OUTBOX, controlled, until
from tests.browser.test_mobile_followups import six_month_followup
from tests.browser.test_pages import assert_fits_the_phone, sign_in
from tests.factories import CaseFactory, EnterpriseFactory, ManagerFactory, ReferentUserFactory, SheetFactory
from visits import views
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def wait_for(condition, timeout: float = 20) -> None:
    """Waits until `condition()`, a check of the database, holds: what the phone sends arrives in its time."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert condition()


def open_home(page, base_url: str) -> None:
    """The home page online, under its worker, with the copy of the day refreshed."""
    page.goto(f"{base_url}/m/")
    controlled(page)
    page.reload()
    until(page, "!document.querySelector('#day-refreshed').hidden")


def open_case(page, base_url: str, case: Case) -> None:
    page.goto(f"{base_url}/m/cases/{case.pk}/")
    until(page, "document.querySelector('#case[data-ready]') !== null")


def write(page, visibility: str, body: str) -> None:
    before = len(page.evaluate(OUTBOX))
    page.select_option("#id_visibility", visibility)
    page.fill("#id_body", body)
    page.click("form[data-queue=note] button[type=submit]")
    until(page, f"document.querySelectorAll('#case-pending li').length > {before}")


def move(page, label: str, field: str, value: str) -> None:
    page.locator("details.move summary", has_text=label).click()
    page.locator(f"details.move[open] [name={field}]").fill(value)
    page.locator("details.move[open] button").click()


@pytest.fixture
def english(phone, live_server):
    """The phone in English (the language cookie): the messages asserted are the code's own."""
    phone.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    return phone


@pytest.fixture
def day(referent):
    enterprise = EnterpriseFactory(
        hub=referent.hub, name="Moulin Dembélé", owner_name="Awa Dembélé", address="Rue 12, porte 40"
    )
    case = CaseFactory(
        enterprise=enterprise, assigned_to=referent, status=CaseStatus.IN_PROGRESS, title="Moulin à mil bloqué"
    )
    followup = six_month_followup(referent, name="Rizerie Traoré")
    return case, followup


def test_the_whole_round_offline_is_sent_with_no_page_open_once_and_in_order(english, live_server, referent, day):
    phone = english
    case, followup = day
    context = phone.context
    sign_in(phone, live_server.url, referent.username)
    open_home(phone, live_server.url)
    phone.goto(f"{live_server.url}/m/visits/new/")  # the directory copy, for the visit form offline
    until(phone, "document.querySelector('#visit-form[data-ready]') !== null")

    context.set_offline(True)
    open_case(phone, live_server.url, case)
    main = phone.locator("main").inner_text()
    assert "Moulin à mil bloqué" in main and "Awa Dembélé" in main and "Rue 12, porte 40" in main
    write(phone, "internal", "Courroie changée, moteur à revoir")
    move(phone, "Mark as resolved", "resolution_summary", "Moteur rebobiné, moulin reparti")
    until(phone, "document.querySelector('#case-status').className.includes('resolved')")
    write(phone, "sme", "Revenez vers nous si le moteur chauffe")
    assert_fits_the_phone(phone)
    screenshot(phone, "mobile-case-offline")

    phone.goto(f"{live_server.url}/m/followups/{followup.pk}/")
    until(phone, "document.querySelector('#followup-form[data-ready]') !== null")
    phone.fill("#id_jobs_created", "1")
    phone.select_option("#id_technology_adopted", "true")
    phone.click("#followup-form button[type=submit]")
    phone.goto(f"{live_server.url}/m/visits/new/")
    until(phone, "document.querySelector('#visit-form[data-ready]') !== null")
    phone.fill("#enterprise-search", "Moul")
    phone.locator("#enterprise-results button", has_text="Moulin Dembélé").click()
    phone.fill("#id_observations", "Moulin tourne à nouveau")
    phone.click("#visit-form button[type=submit]")
    until(phone, "document.querySelectorAll('#outbox-list .state-waiting').length === 5")

    phone.reload()
    until(phone, "document.querySelectorAll('#outbox-list .state-waiting').length === 5")
    assert [state for _uuid, state, _reason in phone.evaluate(OUTBOX)] == ["waiting"] * 5
    assert (CaseNote.objects.count(), Visit.objects.count(), FollowUp.objects.get().collected_on) == (0, 0, None)
    phone.close()

    context.set_offline(False)
    wait_for(lambda: Visit.objects.count() == 1 and CaseNote.objects.count() == 2, timeout=30)

    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert case.resolution_summary == "Moteur rebobiné, moulin reparti"
    note, message = CaseNote.objects.order_by("created_at")
    assert (note.visibility, note.body) == (CaseNote.Visibility.INTERNAL, "Courroie changée, moteur à revoir")
    assert (message.visibility, message.body) == (CaseNote.Visibility.SME, "Revenez vers nous si le moteur chauffe")
    resolved = CaseEvent.objects.get(case=case, to_status=CaseStatus.RESOLVED)
    assert note.created_at < resolved.created_at < message.created_at
    assert CaseActionReceipt.objects.count() == 3
    assert FollowUp.objects.get(pk=followup.pk).collected_on == timezone.localdate()
    assert Visit.objects.get().observations == "Moulin tourne à nouveau"

    again = context.new_page()
    again.goto(f"{live_server.url}/m/")
    until(again, "document.querySelectorAll('#outbox-sent .state-sent').length === 5")
    again.evaluate("window.hubiit.sendAll()")
    again.wait_for_timeout(500)
    assert (CaseNote.objects.count(), CaseActionReceipt.objects.count(), Visit.objects.count()) == (2, 3, 1)


def test_a_move_refused_because_the_case_was_reassigned_shows_what_changed_and_is_kept_as_a_note(
    english, live_server, referent, day
):
    phone = english
    case, _followup = day
    colleague = ReferentUserFactory(hub=referent.hub, first_name="Moussa", last_name="Diarra")
    manager = ManagerFactory(hub=referent.hub)
    sign_in(phone, live_server.url, referent.username)
    open_home(phone, live_server.url)
    open_case(phone, live_server.url, case)

    phone.context.set_offline(True)
    move(phone, "Mark as resolved", "resolution_summary", "Moteur rebobiné")
    write(phone, "sme", "Le moulin est réparé")
    until(phone, "document.querySelectorAll('#outbox-list .state-waiting').length === 2")
    case_services.case_assign(case=Case.objects.get(pk=case.pk), referent=colleague, by=manager, note="Congé")

    phone.context.set_offline(False)
    phone.goto(f"{live_server.url}/m/")
    until(phone, "document.querySelectorAll('#outbox-list .state-refused').length === 1")
    refused = phone.locator("#outbox-list .state-refused").inner_text()
    assert "Assigned referent:" in refused and "Moussa Diarra" in refused
    assert Case.objects.get(pk=case.pk).status != CaseStatus.RESOLVED
    # The message made after the move waits for it: the referent's actions on a case keep their order.
    held = phone.locator("#outbox-list .state-waiting").inner_text()
    assert "Waits for the earlier change to this case." in held
    assert not CaseNote.objects.exists()
    assert_fits_the_phone(phone)
    screenshot(phone, "mobile-move-refused")

    phone.locator("#outbox-list .state-refused button", has_text="Keep as a note").click()
    until(phone, "document.querySelectorAll('#outbox-sent .state-sent').length === 2")
    kept, message = CaseNote.objects.order_by("created_at")
    assert kept.visibility == CaseNote.Visibility.INTERNAL
    assert "Mark as resolved" in kept.body and "Moteur rebobiné" in kept.body
    assert (message.visibility, message.body) == (CaseNote.Visibility.SME, "Le moulin est réparé")
    assert Case.objects.get(pk=case.pk).assigned_to == colleague


def test_a_colleague_signed_in_on_the_same_phone_never_reads_the_referents_copy(english, live_server, referent, day):
    """The referent's session ended without signing out; a colleague signs in on the same phone and opens one
    of the referent's cases offline before any page of theirs refreshed the copy: the shell shows nothing."""
    phone = english
    case, _followup = day
    colleague = ReferentUserFactory(hub=referent.hub)
    sign_in(phone, live_server.url, referent.username)
    open_home(phone, live_server.url)
    phone.context.clear_cookies()
    phone.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    sign_in(phone, live_server.url, colleague.username)

    # The phone forgot what the referent left and the worker cached the app again, as the colleague's.
    until(phone, f"window.hubiit.meta('day').then((day) => day?.user === {colleague.pk})")
    shell = "caches.match('/m/cases/offline/').then((page) => page?.text())"
    until(phone, f"{shell}.then((html) => html?.includes('\"user\":{colleague.pk},'))")

    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/m/cases/{case.pk}/")
    until(phone, "!document.querySelector('#case-saved').hidden")

    assert "not among those kept on this phone" in phone.locator("#case-saved").inner_text()
    main = phone.locator("main").inner_text()
    assert "Moulin" not in main and "Awa Dembélé" not in main and "Rue 12" not in main
    assert phone.locator("form[data-queue=note]").is_hidden()


def jpeg(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_sheet_kept_with_its_picture_reads_offline_within_the_room_given_to_sheets(
    english, live_server, referent, settings, tmp_path, monkeypatch
):
    phone = english
    settings.MEDIA_ROOT = tmp_path / "media"
    manager = ManagerFactory(hub=referent.hub)
    fumoir = SheetFactory(hub=referent.hub, title="Fumoir amélioré FTT", body="## Principe\nFumer sans brûler.")
    sheet_attach(sheet=fumoir, by=manager, upload=SimpleUploadedFile("fumoir.jpg", jpeg((120, 60, 20))))
    four = SheetFactory(hub=referent.hub, title="Four à pain", body="Cuire au bois.")
    sheet_attach(sheet=four, by=manager, upload=SimpleUploadedFile("four.jpg", jpeg((20, 60, 120))))
    monkeypatch.setattr(views, "SHEETS_ROOM_BYTES", views.SHEET_PAGE_BYTES + 15_000)  # one sheet, not two
    sign_in(phone, live_server.url, referent.username)
    phone.goto(f"{live_server.url}/m/library/")
    controlled(phone)

    phone.goto(f"{live_server.url}/m/library/{fumoir.pk}/")
    until(phone, "document.querySelector('#sheet-pictures img').complete")
    phone.click("#keep-sheet")
    until(phone, "document.querySelector('#keep-sheet').disabled")
    phone.goto(f"{live_server.url}/m/library/{four.pk}/")
    phone.click("#keep-sheet")
    until(phone, "!document.querySelector('#keep-status').hidden")
    assert "remove a sheet" in phone.locator("#keep-status").inner_text()
    assert not phone.locator("#keep-sheet").is_disabled()

    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/m/library/")
    until(phone, "!document.querySelector('#kept').hidden")
    assert "MB of the" in phone.locator("#kept-room").inner_text()
    phone.locator("#kept-sheets").get_by_role("link", name="Fumoir amélioré FTT").click()
    until(phone, "document.querySelector('#sheet-pictures img')?.complete")
    assert "Fumer sans brûler." in phone.locator("main").inner_text()
    assert phone.evaluate("document.querySelector('#sheet-pictures img').naturalWidth") == 400
    assert_fits_the_phone(phone)
    screenshot(phone, "mobile-sheet-kept")

    phone.goto(f"{live_server.url}/m/library/")
    until(phone, "!document.querySelector('#kept').hidden")
    phone.locator("#kept-sheets button", has_text="Remove from the phone").click()
    until(phone, "document.querySelector('#kept').hidden")
    assert phone.evaluate("caches.open('hubiit-saved').then((c) => c.keys()).then((k) => k.length)") == 0
