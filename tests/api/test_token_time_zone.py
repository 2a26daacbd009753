"""A request with an API token runs in the time zone of its user's hub, as a page does: at 23:30 UTC it is
already tomorrow for a Niamey referent's phone, and a case due today in Bamako's reckoning is overdue there."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from cases.models import CaseStatus
from hub.models import AdministrativeUnit
from tests.factories import CaseFactory, EnterpriseFactory, HubFactory, ReferentUserFactory

pytestmark = pytest.mark.django_db

LATE_EVENING = datetime.datetime(2026, 3, 4, 23, 30, tzinfo=datetime.UTC)
"""Wednesday 4 March in Bamako, already Thursday 5 March in Niamey."""


@pytest.fixture(autouse=True)
def late_evening(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: LATE_EVENING)


def overdue_seen_by(client, hub) -> bool:
    referent = ReferentUserFactory(hub=hub)
    region = AdministrativeUnit.objects.filter(country=hub.country).first()
    CaseFactory(
        enterprise=EnterpriseFactory(hub=hub, region=region),
        assigned_to=referent,
        status=CaseStatus.IN_PROGRESS,
        resolve_due=datetime.date(2026, 3, 4),
    )
    token = Token.objects.create(user=referent)
    response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    (case,) = response.json()["results"]
    return case["is_overdue"]


def test_a_niamey_referents_token_reads_niameys_today(client):
    assert overdue_seen_by(client, HubFactory(code="NE", country="NE")) is True


def test_a_bamako_referents_token_reads_bamakos_today(client):
    assert overdue_seen_by(client, HubFactory(code="ML2", country="ML")) is False


def test_the_zone_ends_with_the_request(client):
    overdue_seen_by(client, HubFactory(code="NE", country="NE"))
    assert timezone.get_current_timezone() == zoneinfo.ZoneInfo("Africa/Bamako")
