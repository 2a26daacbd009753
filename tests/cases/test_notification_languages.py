"""An enterprise whose owner has no account is written to in its hub's language: French in Mali, Portuguese in
Guinea-Bissau."""

import pytest

from cases.services import case_qualify
from hub.classifications import TechnologyDomain
from hub.models import AdministrativeUnit
from tests.factories import CaseFactory, EnterpriseFactory, HubFactory, ManagerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("country", "phone", "accepted"), [("ML", "+22376000001", "acceptée"), ("GW", "+245955000001", "aceite")]
)
def test_the_owner_without_an_account_reads_the_hubs_language(
    django_capture_on_commit_callbacks, mailoutbox, sms_outbox, country, phone, accepted
):
    hub = HubFactory(country=country, code=country)
    assert hub.language == {"ML": "fr", "GW": "pt"}[country]
    region = AdministrativeUnit.objects.filter(country=country).first()
    enterprise = EnterpriseFactory(hub=hub, region=region, owner_phone=phone, owner_email="owner@example.org")
    case = CaseFactory(enterprise=enterprise)
    with django_capture_on_commit_callbacks(execute=True):
        case_qualify(case=case, by=ManagerFactory(hub=hub), domain=TechnologyDomain.ENERGY, priority="normal")

    (mail,) = mailoutbox
    assert accepted in mail.body
    (text,) = sms_outbox
    assert text.to == phone
    assert case.reference in text.body
