"""Factories for the programme-wide domain: hubs, users per role, enterprises, partners, follow-ups.

Administrative units come from a data migration: factories look them up, never create them.
"""

import datetime

import factory
from django.utils import timezone

from hub.classifications import IsicSection, TechnologyDomain, TurnoverBand
from hub.models import AdministrativeUnit, Enterprise, FollowUp, Hub, Partner, Referent, Role, User

PASSWORD = "test-pass-2026"


def bamako() -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code="ML-BKO")


class HubFactory(factory.django.DjangoModelFactory):
    """A Mali hub by default; codes are unique (H001, H002, ...) and short enough for case references."""

    class Meta:
        model = Hub

    code = factory.Sequence(lambda n: f"H{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Hub {o.code}")
    country = "ML"
    host_organisation = "Programme HUB IIT"
    weekend_days = factory.LazyFunction(lambda: [5, 6])


class NigerHubFactory(HubFactory):
    """A hub in Niger (Africa/Niamey, UTC+1, French); its regions are not loaded: `ensure_units("NE")`."""

    code = factory.Sequence(lambda n: f"NE{n:03d}")
    name = factory.LazyAttribute(lambda o: f"HUB IIT Niger {o.code}")
    country = "NE"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    """A micro enterprise in Bamako that consented to data processing."""

    class Meta:
        model = Enterprise

    hub = factory.SubFactory(HubFactory)
    name = factory.Sequence(lambda n: f"Entreprise {n}")
    sector = IsicSection.C
    activity = "Transformation de karité"
    region = factory.LazyFunction(bamako)
    commune = "Commune III"
    owner_name = factory.Sequence(lambda n: f"Aminata Traoré {n}")
    owner_phone = "+22376123456"
    employees_total = 5
    employees_women = 3
    women_led = True
    turnover_band = TurnoverBand.UNDER_30M
    consent_given = True
    consent_date = factory.LazyFunction(timezone.localdate)


class UserFactory(factory.django.DjangoModelFactory):
    """A user of any role; prefer the per-role factories below, which fill in hub and enterprise."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Awa"
    last_name = factory.Sequence(lambda n: f"Diarra{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)
    is_active = True
    role = Role.VIEWER
    hub = None
    enterprise = None


class ManagerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"manager{n}")
    role = Role.MANAGER
    hub = factory.SubFactory(HubFactory)


class ReferentProfileFactory(factory.django.DjangoModelFactory):
    """The Referent profile; `ReferentUserFactory` creates one for its user."""

    class Meta:
        model = Referent

    user = factory.SubFactory("tests.factories.hub.ReferentUserFactory", profile=None)
    domains = factory.LazyFunction(lambda: [TechnologyDomain.AGRO_PROCESSING.value, TechnologyDomain.ENERGY.value])
    is_active = True


class ReferentUserFactory(UserFactory):
    """A referent user of a hub, with its Referent profile (`user.referent`)."""

    username = factory.Sequence(lambda n: f"referent{n}")
    role = Role.REFERENT
    hub = factory.SubFactory(HubFactory)
    profile = factory.RelatedFactory(ReferentProfileFactory, factory_related_name="user")


class SmeUserFactory(UserFactory):
    """An SME user tied to an enterprise of the same hub."""

    username = factory.Sequence(lambda n: f"sme{n}")
    role = Role.SME
    hub = factory.SubFactory(HubFactory)
    enterprise = factory.SubFactory(EnterpriseFactory, hub=factory.SelfAttribute("..hub"))

    @classmethod
    def _generate(cls, strategy, params):
        # SmeUserFactory(enterprise=e) alone puts the user in e's hub.
        if "enterprise" in params and "hub" not in params and params["enterprise"] is not None:
            params["hub"] = params["enterprise"].hub
        return super()._generate(strategy, params)


class ViewerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"viewer{n}")
    role = Role.VIEWER


class AdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    role = Role.ADMIN
    is_staff = True
    is_superuser = True


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    hub = factory.SubFactory(HubFactory)
    name = factory.Sequence(lambda n: f"Centre partenaire {n}")
    kind = Partner.Kind.RESEARCH
    domains = factory.LazyFunction(lambda: [TechnologyDomain.AGRO_PROCESSING.value])
    contact_name = "Moussa Keïta"
    phone = "+22320223344"


class FollowUpFactory(factory.django.DjangoModelFactory):
    """A baseline by default; for a follow-up pass kind and a case (its enterprise and hub are used)."""

    class Meta:
        model = FollowUp

    hub = factory.SubFactory(HubFactory)
    enterprise = factory.SubFactory(EnterpriseFactory, hub=factory.SelfAttribute("..hub"))
    case = None
    kind = FollowUp.Kind.BASELINE
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))

    @classmethod
    def _generate(cls, strategy, params):
        case = params.get("case")
        if case is not None:
            params.setdefault("enterprise", case.enterprise)
        if params.get("enterprise") is not None:
            params.setdefault("hub", params["enterprise"].hub)
        return super()._generate(strategy, params)
