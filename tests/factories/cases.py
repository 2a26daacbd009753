"""Factories for support requests. A case takes its hub from its enterprise."""

import factory
from django.utils import timezone

from cases.models import Case, CaseNote, CaseStatus, Channel, Priority
from hub.classifications import TechnologyDomain
from tests.factories.hub import EnterpriseFactory, HubFactory, ManagerFactory


class CaseFactory(factory.django.DjangoModelFactory):
    """A new case with a unique reference (T-000001, ...). Pass `hub=`, `enterprise=` or both: the
    other is filled in to match."""

    class Meta:
        model = Case

    hub = factory.SubFactory(HubFactory)
    enterprise = factory.SubFactory(EnterpriseFactory, hub=factory.SelfAttribute("..hub"))
    reference = factory.Sequence(lambda n: f"T-{n:06d}")
    channel = Channel.PORTAL
    domain = TechnologyDomain.AGRO_PROCESSING
    title = factory.Sequence(lambda n: f"Séchoir solaire pour mangues {n}")
    description = "Nous voulons sécher nos mangues plus vite et sans perte."
    priority = Priority.NORMAL
    status = CaseStatus.NEW
    received_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _generate(cls, strategy, params):
        if params.get("enterprise") is not None:
            params.setdefault("hub", params["enterprise"].hub)
        return super()._generate(strategy, params)


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    case = factory.SubFactory(CaseFactory)
    author = factory.SubFactory(ManagerFactory, hub=factory.SelfAttribute("..case.hub"))
    visibility = CaseNote.Visibility.INTERNAL
    body = "Appelé le promoteur, visite à planifier."
