import factory

from hub.classifications import IsicSection, TechnologyDomain
from hub.library.services import sheet_search_text
from hub.models import TechnologySheet
from tests.factories.hub import HubFactory, ReferentUserFactory


class SheetFactory(factory.django.DjangoModelFactory):
    """A published sheet on solar drying, with its search text kept as the services keep it."""

    class Meta:
        model = TechnologySheet

    hub = factory.SubFactory(HubFactory)
    title = factory.Sequence(lambda n: f"Séchoir solaire pour mangues {n}")
    domain = TechnologyDomain.AGRO_PROCESSING
    sectors = factory.LazyFunction(lambda: [IsicSection.C.value])
    summary = "Des fruits sains à vendre toute l’année."
    body = "## Principe\nLe soleil chauffe l’air qui traverse les claies.\n- Tranches de 6 à 8 mm"
    equipment = ""
    status = TechnologySheet.Status.PUBLISHED
    author = factory.SubFactory(ReferentUserFactory, hub=factory.SelfAttribute("..hub"))
    search_text = factory.LazyAttribute(sheet_search_text)
