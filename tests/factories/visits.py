"""Factories for site visits. A visit takes its hub from its referent or enterprise when given."""

import datetime
import uuid

import factory
from django.utils import timezone

from tests.factories.hub import EnterpriseFactory, HubFactory, ReferentUserFactory
from visits.models import Purpose, Visit


class VisitFactory(factory.django.DjangoModelFactory):
    """A one-hour diagnostic visit an hour ago, by a referent of the hub, with a fresh client UUID."""

    class Meta:
        model = Visit

    hub = factory.SubFactory(HubFactory)
    client_uuid = factory.LazyFunction(uuid.uuid4)
    referent = factory.SubFactory(ReferentUserFactory, hub=factory.SelfAttribute("..hub"))
    enterprise = factory.SubFactory(EnterpriseFactory, hub=factory.SelfAttribute("..hub"))
    started_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    duration_minutes = 60
    purpose = Purpose.DIAGNOSTIC
    observations = "Séchage au sol, pertes importantes."
    needs_found = "Séchoir solaire."
    people_reached_total = 4
    people_reached_women = 3

    @classmethod
    def _generate(cls, strategy, params):
        for source in ("referent", "enterprise"):
            if params.get(source) is not None:
                params.setdefault("hub", params[source].hub)
        return super()._generate(strategy, params)
