"""Validation of the programme-wide records: what a form, the API or an import can and cannot store."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from hub.classifications import SizeClass, TechnologyDomain, TurnoverBand, size_class_for
from hub.models import AdministrativeUnit, Enterprise, FollowUp, HubTarget, Referent, Role, TargetIndicator
from tests.factories import (
    AdminFactory,
    CaseFactory,
    EnterpriseFactory,
    FollowUpFactory,
    HubFactory,
    ManagerFactory,
    ReferentUserFactory,
    SmeUserFactory,
    UserFactory,
    ViewerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def clean_errors(instance, **kwargs) -> dict[str, list[str]]:
    """The field errors `full_clean()` reports; fails the test if it reports none."""
    with pytest.raises(ValidationError) as caught:
        instance.full_clean(**kwargs)
    return caught.value.message_dict


def unsaved_enterprise(hub, **overrides) -> Enterprise:
    return EnterpriseFactory.build(hub=hub, **overrides)


class TestEnterprisePhone:
    @pytest.mark.parametrize("number", ["12345", "+2237612", "not a phone", "0000000"])
    def test_invalid_numbers_are_refused(self, hub, number):
        errors = clean_errors(unsaved_enterprise(hub, owner_phone=number))
        assert errors["owner_phone"] == ["The phone number entered is not valid."]

    def test_local_number_is_read_as_malian_and_stored_in_e164(self, hub):
        enterprise = unsaved_enterprise(hub, owner_phone="76 12 34 56")
        enterprise.full_clean()
        enterprise.save()

        stored = Enterprise.objects.get(pk=enterprise.pk)
        assert str(stored.owner_phone) == "+22376123456"
        assert Enterprise.objects.filter(owner_phone="+22376123456").count() == 1

    def test_foreign_number_in_international_form_is_accepted(self, hub):
        enterprise = unsaved_enterprise(hub, owner_phone="+221771234567")
        enterprise.full_clean()


class TestEnterpriseLocation:
    @pytest.mark.parametrize(
        ("field", "value"),
        [("latitude", Decimal("90.000001")), ("latitude", Decimal("-91")), ("longitude", Decimal("180.5"))],
    )
    def test_coordinates_out_of_range_are_refused(self, hub, field, value):
        coordinates = {"latitude": Decimal("12.6392"), "longitude": Decimal("-8.0029"), field: value}
        errors = clean_errors(unsaved_enterprise(hub, **coordinates))
        assert list(errors) == [field]

    def test_coordinates_at_the_limits_are_accepted(self, hub):
        unsaved_enterprise(hub, latitude=Decimal("-90"), longitude=Decimal("180")).full_clean()

    def test_latitude_without_longitude_is_refused(self, hub):
        errors = clean_errors(unsaved_enterprise(hub, latitude=Decimal("12.6392"), longitude=None))
        assert errors["longitude"] == ["Give both latitude and longitude, or neither."]

    def test_longitude_without_latitude_is_refused(self, hub):
        errors = clean_errors(unsaved_enterprise(hub, latitude=None, longitude=Decimal("-8.0029")))
        assert "longitude" in errors

    def test_unknown_region_code_is_refused(self, hub):
        enterprise = unsaved_enterprise(hub)
        enterprise.region_id = "ML-XXX"
        errors = clean_errors(enterprise)
        assert list(errors) == ["region"]

    def test_region_of_another_country_is_refused(self):
        senegal = HubFactory(code="SN", country="SN")
        errors = clean_errors(unsaved_enterprise(senegal, region=AdministrativeUnit.objects.get(code="ML-BKO")))
        assert errors["region"] == ["This region is not in the hub's country."]

    def test_new_region_of_the_2023_reform_is_accepted(self, hub):
        unsaved_enterprise(hub, region=AdministrativeUnit.objects.get(code="ML-KIT")).full_clean()


class TestEnterpriseStaffAndConsent:
    def test_more_women_than_employees_is_refused(self, hub):
        errors = clean_errors(unsaved_enterprise(hub, employees_total=5, employees_women=6))
        assert errors["employees_women"] == ["Women employees cannot outnumber the employees."]

    def test_more_women_than_employees_is_refused_by_the_database(self, hub):
        with pytest.raises(IntegrityError), transaction.atomic():
            unsaved_enterprise(hub, employees_total=5, employees_women=6).save()

    def test_consent_without_date_is_refused(self, hub):
        errors = clean_errors(unsaved_enterprise(hub, consent_given=True, consent_date=None))
        assert errors["consent_date"] == ["Give the date the consent was recorded."]

    def test_consent_without_date_is_refused_by_the_database(self, hub):
        with pytest.raises(IntegrityError), transaction.atomic():
            unsaved_enterprise(hub, consent_given=True, consent_date=None).save()
        assert not Enterprise.objects.exists()

    def test_no_consent_needs_no_date(self, hub):
        unsaved_enterprise(hub, consent_given=False, consent_date=None).full_clean()


class TestSizeClass:
    @pytest.mark.parametrize(
        ("employees", "expected"),
        [
            (0, SizeClass.MICRO),
            (10, SizeClass.MICRO),
            (11, SizeClass.SMALL),
            (49, SizeClass.SMALL),
            (50, SizeClass.MEDIUM),
            (200, SizeClass.MEDIUM),
            (201, SizeClass.LARGE),
        ],
    )
    def test_staff_bands(self, employees, expected):
        assert size_class_for(employees=employees, turnover_band=TurnoverBand.UNDER_30M) == expected

    @pytest.mark.parametrize(
        ("band", "expected"),
        [
            (TurnoverBand.UNDER_30M, SizeClass.MICRO),
            (TurnoverBand.FROM_30M_TO_150M, SizeClass.SMALL),
            (TurnoverBand.FROM_150M_TO_1B, SizeClass.MEDIUM),
            (TurnoverBand.OVER_1B, SizeClass.LARGE),
        ],
    )
    def test_turnover_bands(self, band, expected):
        assert size_class_for(employees=1, turnover_band=band) == expected

    @pytest.mark.parametrize(
        ("employees", "band", "expected"),
        [
            (60, TurnoverBand.UNDER_30M, SizeClass.MEDIUM),
            (3, TurnoverBand.FROM_150M_TO_1B, SizeClass.MEDIUM),
            (20, TurnoverBand.FROM_30M_TO_150M, SizeClass.SMALL),
        ],
    )
    def test_the_larger_of_staff_and_turnover_class_wins(self, employees, band, expected):
        assert size_class_for(employees=employees, turnover_band=band) == expected

    def test_saving_an_enterprise_derives_and_updates_its_size_class(self, hub):
        enterprise = EnterpriseFactory(hub=hub, employees_total=8, employees_women=0)
        assert Enterprise.objects.get(pk=enterprise.pk).size_class == SizeClass.MICRO

        enterprise.employees_total = 50
        enterprise.save()
        assert Enterprise.objects.get(pk=enterprise.pk).size_class == SizeClass.MEDIUM


class TestUserRules:
    def test_sme_user_needs_an_enterprise(self, hub):
        errors = clean_errors(UserFactory.build(role=Role.SME, hub=hub, enterprise=None))
        assert errors["enterprise"] == ["An SME user must be tied to an enterprise."]

    def test_sme_user_needs_an_enterprise_of_the_same_hub(self, hub, other_enterprise):
        errors = clean_errors(UserFactory.build(role=Role.SME, hub=hub, enterprise=other_enterprise))
        assert errors["enterprise"] == ["The enterprise belongs to another hub."]

    def test_sme_user_needs_a_hub(self, enterprise):
        errors = clean_errors(UserFactory.build(role=Role.SME, hub=None, enterprise=enterprise))
        assert errors["hub"] == ["A user with this role must belong to a hub."]

    def test_sme_user_of_an_enterprise_of_the_same_hub_is_valid(self, hub, enterprise):
        SmeUserFactory.build(hub=hub, enterprise=enterprise).full_clean()

    @pytest.mark.parametrize("role", [Role.REFERENT, Role.MANAGER])
    def test_hub_staff_need_a_hub(self, role):
        errors = clean_errors(UserFactory.build(role=role, hub=None))
        assert errors["hub"] == ["A user with this role must belong to a hub."]

    @pytest.mark.parametrize("role", [Role.VIEWER, Role.ADMIN])
    def test_viewers_and_administrators_need_no_hub(self, role):
        UserFactory.build(role=role, hub=None).full_clean()

    def test_only_sme_users_are_tied_to_an_enterprise(self, hub, enterprise):
        errors = clean_errors(UserFactory.build(role=Role.MANAGER, hub=hub, enterprise=enterprise))
        assert errors["enterprise"] == ["Only SME users are tied to an enterprise."]

    def test_factories_give_valid_users_for_every_role(self, hub):
        for user in (
            ManagerFactory(hub=hub),
            ReferentUserFactory(hub=hub),
            SmeUserFactory(hub=hub),
            ViewerFactory(),
            AdminFactory(),
        ):
            user.full_clean()


class TestFollowUpRules:
    def test_baseline_has_no_case(self, hub, enterprise):
        case = CaseFactory(enterprise=enterprise)
        errors = clean_errors(FollowUpFactory.build(enterprise=enterprise, kind=FollowUp.Kind.BASELINE, case=case))
        assert errors["case"] == ["A baseline is not tied to a case."]

    @pytest.mark.parametrize("kind", [FollowUp.Kind.MONTH_6, FollowUp.Kind.MONTH_12])
    def test_follow_up_needs_a_case(self, enterprise, kind):
        errors = clean_errors(FollowUpFactory.build(enterprise=enterprise, kind=kind, case=None))
        assert errors["case"] == ["A follow-up measures a resolved case: choose it."]

    def test_follow_up_needs_a_case_of_the_same_enterprise(self, hub, enterprise):
        foreign_case = CaseFactory(enterprise=EnterpriseFactory(hub=hub))
        errors = clean_errors(
            FollowUpFactory.build(enterprise=enterprise, kind=FollowUp.Kind.MONTH_6, case=foreign_case)
        )
        assert errors["case"] == ["This case belongs to another enterprise."]

    def test_enterprise_of_another_hub_is_refused(self, hub, other_enterprise):
        errors = clean_errors(FollowUpFactory.build(hub=hub, enterprise=other_enterprise))
        assert errors["enterprise"] == ["This enterprise belongs to another hub."]

    def test_valid_baseline_and_follow_up(self, enterprise):
        FollowUpFactory.build(enterprise=enterprise).full_clean()
        case = CaseFactory(enterprise=enterprise)
        FollowUpFactory.build(enterprise=enterprise, kind=FollowUp.Kind.MONTH_6, case=case).full_clean()

    def test_satisfaction_outside_1_to_5_is_refused(self, enterprise):
        errors = clean_errors(FollowUpFactory.build(enterprise=enterprise, satisfaction=6))
        assert list(errors) == ["satisfaction"]


class TestHubTarget:
    def test_one_target_per_hub_year_and_indicator(self, hub):
        HubTarget.objects.create(hub=hub, year=2026, indicator=TargetIndicator.VISITS, value=240)
        duplicate = HubTarget(hub=hub, year=2026, indicator=TargetIndicator.VISITS, value=300)

        errors = clean_errors(duplicate)
        assert "__all__" in errors
        with pytest.raises(IntegrityError), transaction.atomic():
            duplicate.save()

    def test_same_indicator_for_another_year_or_hub_is_accepted(self, hub, other_hub):
        HubTarget.objects.create(hub=hub, year=2026, indicator=TargetIndicator.VISITS, value=240)
        HubTarget(hub=hub, year=2027, indicator=TargetIndicator.VISITS, value=300).full_clean()
        HubTarget(hub=other_hub, year=2026, indicator=TargetIndicator.VISITS, value=300).full_clean()
        HubTarget(hub=hub, year=2026, indicator=TargetIndicator.CASES_RECEIVED, value=300).full_clean()


class TestReferentProfile:
    def test_unknown_domain_is_refused(self, referent):
        profile = referent.referent
        profile.domains = [TechnologyDomain.ENERGY.value, "nanotech"]
        errors = clean_errors(profile)
        assert errors["domains"] == ["Unknown technology domain: nanotech."]

    def test_domains_must_be_a_list(self, referent):
        profile = referent.referent
        profile.domains = "energy"
        assert "domains" in clean_errors(profile)

    def test_known_domains_are_accepted_and_labelled(self, referent):
        profile = referent.referent
        profile.domains = [TechnologyDomain.ICT.value, TechnologyDomain.TEXTILES.value]
        profile.full_clean()
        assert profile.domain_labels == ["Information and communication technology", "Textiles and leather"]

    def test_only_referents_have_a_profile(self, manager):
        errors = clean_errors(Referent(user=manager, domains=[]))
        assert errors["user"] == ["Only users with the referent role have a referent profile."]
