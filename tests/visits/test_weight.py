"""The visit form's first load fits the budget of 14 KB compressed for a hub the size of the pilot and for
a hub larger than the directory copy keeps: an exact quantity, so it is asserted (timings never are)."""

import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone
from whitenoise.compress import Compressor

from hub.models import Enterprise, FollowUp
from tests.factories import CaseFactory, EnterpriseFactory, FollowUpFactory
from visits.selectors import FIELD_FOLLOWUPS
from visits.weight import BUDGET_BYTES, first_load_weight, served_static_bytes

VISIT_FORM = "/m/visits/new/"


def test_the_visit_form_with_a_pilot_sized_directory_fits_the_budget(referent):
    Enterprise.objects.bulk_create(EnterpriseFactory.build_batch(150, hub=referent.hub))
    for enterprise in Enterprise.objects.all()[:10]:
        CaseFactory(enterprise=enterprise, assigned_to=referent, status="assigned")

    resources = first_load_weight(user=referent, url=VISIT_FORM)

    urls = [resource.url for resource in resources]
    assert urls[0] == "/m/visits/new/"
    assert {"/m/sw.js", "/m/directory.json"} <= set(urls)
    assert any(url.endswith("visits/mobile.js") for url in urls)
    assert any(url.endswith("hub/site.css") for url in urls)
    assert all(resource.compressed_bytes < resource.raw_bytes for resource in resources)
    assert sum(resource.compressed_bytes for resource in resources) <= BUDGET_BYTES


def test_the_visit_form_of_a_hub_past_the_directory_size_still_fits_the_budget(referent, settings):
    Enterprise.objects.bulk_create(EnterpriseFactory.build_batch(settings.FIELD_DIRECTORY_SIZE + 200, hub=referent.hub))

    resources = first_load_weight(user=referent, url=VISIT_FORM)

    directory = next(resource for resource in resources if resource.url == "/m/directory.json")
    assert directory.raw_bytes > 20 * settings.FIELD_DIRECTORY_SIZE
    assert sum(resource.compressed_bytes for resource in resources) <= BUDGET_BYTES


@pytest.mark.parametrize("url", ["/m/followups/offline/", "follow-up"])
def test_the_followup_form_with_a_pilot_sized_directory_and_its_followups_fits_the_budget(referent, url):
    Enterprise.objects.bulk_create(EnterpriseFactory.build_batch(150, hub=referent.hub))
    enterprises = list(Enterprise.objects.all()[:FIELD_FOLLOWUPS])
    for enterprise in enterprises:
        FollowUpFactory(enterprise=enterprise, assigned_to=referent, due_date=timezone.localdate())
    if url == "follow-up":
        url = f"/m/followups/{FollowUp.objects.first().pk}/"

    resources = first_load_weight(user=referent, url=url)

    directory = json.loads(referent_client(referent).get("/m/directory.json").content)
    assert len(directory["followups"]) == FIELD_FOLLOWUPS
    assert resources[0].url == url
    assert sum(resource.compressed_bytes for resource in resources) <= BUDGET_BYTES


def test_collectstatic_writes_the_brotli_copy_that_the_budget_counts(tmp_path):
    script = tmp_path / "mobile.js"
    script.write_bytes(Path(finders.find("visits/mobile.js")).read_bytes())

    written = Compressor(quiet=True).compress(str(script))

    assert sorted(Path(name).suffix for name in written) == [".br", ".gz"]
    assert (tmp_path / "mobile.js.br").stat().st_size == served_static_bytes(script.read_bytes())
    assert served_static_bytes(script.read_bytes()) < (tmp_path / "mobile.js.gz").stat().st_size


def referent_client(referent) -> Client:
    client = Client()
    client.force_login(referent)
    return client
