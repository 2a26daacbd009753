"""A report export prepared in the background, on a phone at 360 px: the page shows the rows written, its
script follows the job without reloading, and the download link comes once the file is ready."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from hub.models import ExportJob
from tests.browser.conftest import screenshot
from tests.browser.test_pages import assert_fits_the_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_on_a_phone_the_page_follows_the_job_then_offers_the_file(phone, live_server, manager, hub):
    job = ExportJob.objects.create(
        requester=manager,
        hub=hub,
        kind="visits",
        format="xlsx",
        parameters={"query": {"date_from": ["2026-01-01"], "date_to": ["2026-12-31"]}},
        status=ExportJob.Status.RUNNING,
        rows_done=24_000,
        rows_total=61_250,
    )
    sign_in(phone, live_server.url, manager.username)
    phone.goto(f"{live_server.url}/manage/reports/exports/{job.token}/")

    box = phone.locator("#export-job")
    text = box.inner_text().replace("\u202f", " ").replace("\xa0", " ")
    assert "24 000" in text and "61 250" in text
    assert phone.locator("progress").get_attribute("value") == "39"
    assert not phone.locator("[data-download]").is_visible()
    assert_fits_the_phone(phone)
    screenshot(phone, "export-job-running")

    job.file.save("visits.xlsx", ContentFile(b"PK fake"), save=False)
    job.file_name = "visits-ML-2026-01-01-2026-12-31.xlsx"
    job.status = ExportJob.Status.READY
    job.rows_done = job.rows_total
    job.finished_at = timezone.now()
    job.save()

    link = phone.locator("[data-download] a")
    link.wait_for(state="visible", timeout=6000)
    assert link.get_attribute("href") == f"/manage/reports/exports/{job.token}/file/"
    assert "visits-ML-2026-01-01-2026-12-31.xlsx" in link.inner_text()
    assert phone.locator("[data-percent]").inner_text() == "100 %"
    assert_fits_the_phone(phone)
    screenshot(phone, "export-job-ready")
