"""The imports' pages on a phone 360 px wide: a file checked, its refusals and duplicates read, the import
confirmed with its progress polled while the request runs (the request is held until a poll is seen: while
the page waits for it, Playwright cannot read the page nor a response's body, but the browser runs its
script)."""

import pytest

from hub.models import Enterprise, ImportBatch
from tests.browser.conftest import PHONE, screenshot
from tests.factories import PASSWORD, EnterpriseFactory
from tests.hub.imports.conftest import enterprise_row, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("load")


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def upload(page, base_url: str, rows: list[dict], tmp_path) -> None:
    path = tmp_path / "annuaire.xlsx"
    path.write_bytes(xlsx("enterprises", rows).read())
    page.goto(f"{base_url}/manage/imports/")
    assert fits_the_phone(page)
    page.check("input[name=kind][value=enterprises]")
    page.set_input_files("input[name=file]", str(path))
    page.click("form[data-progress=upload-progress] button.primary")
    page.wait_for_url("**/manage/imports/*/")


def test_a_file_with_a_refusal_and_a_duplicate_reads_on_a_phone(phone, live_server, manager, hub, tmp_path):
    EnterpriseFactory(hub=hub, name="Karité Plus", owner_phone="+22376123456")
    rows = [
        enterprise_row(name="Karité Plus", owner_phone="76 12 34 56"),
        enterprise_row(name="Sans région, au nom assez long pour passer à la ligne", region="Atlantide"),
    ]
    sign_in(phone, live_server.url)

    upload(phone, live_server.url, rows, tmp_path)

    assert phone.get_by_role("alert").is_visible()
    assert phone.locator("select[name=line-2]").is_visible()
    assert fits_the_phone(phone)
    screenshot(phone, "import-refusals")


def test_the_import_shows_its_progress_until_the_result(phone, live_server, manager, hub, tmp_path):
    rows = [enterprise_row(name=f"E{number}", owner_phone=f"76 00 {number:04d}") for number in range(3)]
    sign_in(phone, live_server.url)
    upload(phone, live_server.url, rows, tmp_path)
    assert fits_the_phone(phone)
    held = []
    phone.route("**/import/", lambda route: held.append(route))

    phone.locator("form[data-progress=import-progress] button.primary").click(no_wait_after=True)

    phone.wait_for_event("requestfinished", predicate=lambda request: request.url.endswith("/progress/"))
    held[0].continue_()
    phone.locator(".messages .success").wait_for(state="visible")
    assert Enterprise.objects.count() == 3
    assert ImportBatch.objects.get().status == ImportBatch.Status.IMPORTED
    screenshot(phone, "import-done")
