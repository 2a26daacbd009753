"""The report on a phone at 360 px: its long tables fold under a line that says what they hold and open on
a tap, its charts keep the size their labels were drawn for (the chart scrolls, never the page), and on a
desktop the same tables are shown without a tap."""

import datetime

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_pages import assert_fits_the_phone, sign_in
from tests.factories import CaseFactory, VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
REPORT = "/manage/reports/?date_from=2026-01-01&date_to=2026-12-31"


@pytest.fixture
def year_of_work(hub, referent, enterprise):
    for month in (2, 5, 9):
        day = datetime.datetime(2026, month, 3, 9, tzinfo=datetime.UTC)
        CaseFactory(enterprise=enterprise, received_at=day)
        VisitFactory(referent=referent, enterprise=enterprise, started_at=day)


def test_on_a_phone_the_tables_fold_and_the_charts_keep_readable_labels(phone, live_server, manager, year_of_work):
    sign_in(phone, live_server.url, manager.username)
    phone.goto(f"{live_server.url}{REPORT}")

    monthly = phone.locator("section", has_text="Activité par mois").first
    table = monthly.locator("details.fold table")
    assert not table.is_visible()
    assert monthly.locator("details.fold summary").inner_text() == "Le tableau (12 lignes)"
    chart = monthly.locator("figure.chart")
    assert chart.evaluate("figure => figure.querySelector('svg').getBoundingClientRect().width") >= 640
    assert chart.evaluate("figure => figure.scrollWidth > figure.clientWidth")
    assert_fits_the_phone(phone)

    monthly.locator("details.fold summary").click()
    assert table.is_visible()
    assert "février 2026" in table.inner_text()
    screenshot(phone, "report-phone-folded")


def test_on_a_desktop_the_tables_show_without_a_tap(chromium, live_server, manager, year_of_work):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    try:
        sign_in(page, live_server.url, manager.username)
        page.goto(f"{live_server.url}{REPORT}")
        monthly = page.locator("section", has_text="Activité par mois").first
        assert monthly.locator("details.fold table").is_visible()
        assert not monthly.locator("details.fold summary").is_visible()
    finally:
        context.close()
