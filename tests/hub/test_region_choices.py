"""The region filters offer the units of the countries a person works in: a Niger manager Niger's regions,
an administrator those of the countries that have a hub, never every country the programme lists."""

import pytest

from hub.models import AdministrativeUnit
from tests.factories import HubFactory, ManagerFactory

pytestmark = pytest.mark.django_db


def codes(choices) -> set[str]:
    return {str(code) for code, _label in choices if code}


@pytest.fixture
def niger(db):
    return HubFactory(code="NE", country="NE")


def units_of(country: str) -> set[str]:
    return set(AdministrativeUnit.objects.filter(country=country).values_list("code", flat=True))


def test_a_niger_manager_is_offered_nigers_regions(client, hub, niger):
    client.force_login(ManagerFactory(hub=niger))

    report = client.get("/manage/reports/").context["form"]
    cases = client.get("/manage/cases/").context["regions"]

    assert codes(report.fields["region"].choices) == units_of("NE")
    assert {unit.code for unit in cases} == units_of("NE")


def test_an_administrator_is_offered_the_countries_that_have_a_hub(client, admin_user, hub, niger):
    client.force_login(admin_user)

    report = client.get("/manage/reports/").context["form"]
    enterprises = client.get("/manage/enterprises/").context["regions"]

    assert codes(report.fields["region"].choices) == units_of("ML") | units_of("NE")
    assert {unit.code for unit in enterprises} == units_of("ML") | units_of("NE")
    assert units_of("SN"), "Senegal's units are loaded, though no hub serves Senegal yet"
