"""The visit form's first load fits the budget of 14 KB compressed for a hub the size of the pilot: an
exact quantity, so it is asserted (timings never are)."""

from hub.models import Enterprise
from tests.factories import CaseFactory, EnterpriseFactory
from visits.weight import BUDGET_BYTES, visit_form_weight


def test_the_visit_form_with_a_pilot_sized_directory_fits_the_budget(referent):
    Enterprise.objects.bulk_create(EnterpriseFactory.build_batch(150, hub=referent.hub))
    for enterprise in Enterprise.objects.all()[:10]:
        CaseFactory(enterprise=enterprise, assigned_to=referent, status="assigned")

    resources = visit_form_weight(user=referent)

    urls = [resource.url for resource in resources]
    assert urls[0] == "/m/visits/new/"
    assert {"/m/sw.js", "/m/directory.json"} <= set(urls)
    assert any(url.endswith("visits/mobile.js") for url in urls)
    assert any(url.endswith("hub/site.css") for url in urls)
    assert all(resource.compressed_bytes < resource.raw_bytes for resource in resources)
    assert sum(resource.compressed_bytes for resource in resources) <= BUDGET_BYTES
