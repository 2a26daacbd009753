"""On the referent's phone the whole card of a case is the tap target, not only its reference."""

import pytest

from cases.models import CaseStatus
from tests.browser.test_pages import sign_in
from tests.factories import CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_tapping_a_case_cards_enterprise_name_opens_the_case(phone, live_server, referent, enterprise):
    case = CaseFactory(enterprise=enterprise, assigned_to=referent, status=CaseStatus.ASSIGNED, title="Four à poisson")
    sign_in(phone, live_server.url, "referent")
    card = phone.locator("li.item", has_text="Four à poisson")
    box = card.bounding_box()
    phone.mouse.click(box["x"] + box["width"] - 8, box["y"] + box["height"] - 8)
    phone.wait_for_url(f"{live_server.url}/m/cases/{case.pk}/")
