"""Each programme country's administrative units come from ISO 3166-2 at the level a hub works at, named in
French; Mali keeps its 2023 reform's units; a unit corrected by hand is never overwritten."""

import re

import pytest
from django.core.exceptions import ValidationError

from hub.country.iso import LEVELS, iso_units
from hub.country.units import ensure_units
from hub.messaging.gateways import locmem as sms
from hub.models import AdministrativeUnit, Enterprise, Role, User
from tests.factories import EnterpriseFactory, HubFactory

Kind = AdministrativeUnit.Kind

UEMOA = {
    # country: (units, {code: (French name, kind)})
    "BJ": (12, {"BJ-LI": ("Littoral", Kind.DEPARTMENT), "BJ-OU": ("Ouémé", Kind.DEPARTMENT)}),
    "BF": (13, {"BF-03": ("Centre", Kind.REGION), "BF-09": ("Hauts-Bassins", Kind.REGION)}),
    "CI": (14, {"CI-AB": ("Abidjan", Kind.AUTONOMOUS_DISTRICT), "CI-ZZ": ("Zanzan", Kind.DISTRICT)}),
    "GW": (9, {"GW-BS": ("Bissau", Kind.AUTONOMOUS_SECTOR), "GW-BA": ("Bafatá", Kind.REGION)}),
    "NE": (8, {"NE-8": ("Niamey", Kind.URBAN_COMMUNITY), "NE-1": ("Agadès", Kind.REGION)}),
    "SN": (14, {"SN-DK": ("Dakar", Kind.REGION), "SN-TH": ("Thiès", Kind.REGION)}),
    "TG": (5, {"TG-C": ("Centrale", Kind.REGION), "TG-S": ("Savanes", Kind.REGION)}),
}
MALI_REFORM = 11 + 9
"""ISO's 10 regions and the Bamako district, and the 9 regions of the 2023 reform (migration 0002)."""


@pytest.mark.parametrize(("country", "expected"), UEMOA.items(), ids=list(UEMOA))
def test_every_uemoa_country_has_its_units_in_french(db, country, expected):
    count, known = expected
    units = AdministrativeUnit.objects.filter(country=country)
    assert units.count() == count
    for code, (name, kind) in known.items():
        unit = units.get(code=code)
        assert (unit.name, unit.kind, unit.iso_code) == (name, kind, code)


def test_a_hub_level_is_loaded_not_the_provinces_nor_the_prefectures(db):
    assert not AdministrativeUnit.objects.filter(code__in=["BF-KAD", "GW-N", "GN-KA"]).exists()
    assert AdministrativeUnit.objects.get(code="GN-C").kind == Kind.GOVERNORATE
    assert AdministrativeUnit.objects.filter(country="GN").count() == 8


def test_mali_keeps_its_reform_units_and_ensure_units_leaves_it_alone(db):
    assert ensure_units("ML") == 0
    mali = AdministrativeUnit.objects.filter(country="ML")
    assert mali.count() == MALI_REFORM
    assert not mali.filter(code="ML-1").exists()
    kita = mali.get(code="ML-KIT")
    assert (kita.iso_code, kita.carved_from_id) == ("", "ML-KAY")


def test_the_loaded_units_have_their_creation_in_the_history(db):
    created = AdministrativeUnit.history.get(code="SN-DK")
    assert (created.history_type, created.name) == ("+", "Dakar")


def test_every_kind_loaded_is_a_kind_of_the_model():
    assert {kind for levels in LEVELS.values() for kind in levels.values()} <= set(Kind.values)


def test_ensure_units_adds_what_is_missing_once_and_keeps_a_corrected_unit(db):
    AdministrativeUnit.objects.filter(code="SN-KA").delete()
    corrected = AdministrativeUnit.objects.get(code="SN-SL")
    corrected.name = "Saint-Louis du Sénégal"
    corrected.save()

    assert ensure_units("SN") == 1
    assert ensure_units("SN") == 0

    assert AdministrativeUnit.objects.get(code="SN-KA").name == "Kaffrine"
    assert AdministrativeUnit.objects.get(code="SN-SL").name == "Saint-Louis du Sénégal"
    assert AdministrativeUnit.history.filter(code="SN-KA", history_type="+").count() == 2


def test_iso_units_gives_nothing_for_mali():
    assert iso_units("ML") == []


class TestSenegal:
    def test_an_enterprise_in_dakar_belongs_in_a_senegal_hub_only(self, db):
        dakar = AdministrativeUnit.objects.get(code="SN-DK")
        EnterpriseFactory.build(hub=HubFactory(code="SN", country="SN"), region=dakar).full_clean()
        with pytest.raises(ValidationError) as refused:
            EnterpriseFactory.build(hub=HubFactory(code="ML", country="ML"), region=dakar).full_clean()
        assert list(refused.value.message_dict) == ["region"]

    def test_an_entrepreneur_in_dakar_signs_up_with_the_senegal_hub(
        self, client, db, django_capture_on_commit_callbacks
    ):
        senegal = HubFactory(code="SN", country="SN")
        HubFactory(code="ML", country="ML")
        sms.outbox.clear()
        data = {
            "owner_name": "Awa Ndiaye",
            "phone": "+221 77 123 45 67",
            "password1": "thiakry-de-dakar-2026",
            "password2": "thiakry-de-dakar-2026",
            "name": "Thiakry de Dakar",
            "sector": "C",
            "activity": "Transformation de mil",
            "employees_total": "3",
            "region": "SN-DK",
            "commune": "Médina",
            "consent": "on",
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/signup/", data)
        assert response.status_code == 302, response.content.decode()
        code = re.search(r"\b(\d{6})\b", sms.outbox[-1].body).group(1)
        client.post("/accounts/signup/confirm/", {"code": code})
        user = User.objects.get(role=Role.SME)
        assert (user.hub, user.enterprise.hub, user.enterprise.region_id) == (senegal, senegal, "SN-DK")
        assert Enterprise.objects.count() == 1
        sms.outbox.clear()
