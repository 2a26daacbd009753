"""Lists answer a summary of each record, light on slow mobile networks; details answer every field, and
`?fields=` picks any readable fields of the full record, on lists and details."""

import gzip

import pytest
from django.core.management import call_command
from django.test import Client

from api.serializers.cases import CaseSerializer, CaseSummarySerializer
from api.serializers.hub import EnterpriseSummarySerializer
from api.serializers.visits import VisitSummarySerializer
from hub.models import Hub, Role, User
from tests.factories import CaseFactory, EnterpriseFactory, VisitFactory

PAGE_BUDGET_BYTES = 3 * 1024
"""A 50-item page of any list, compressed (docs/PERFORMANCE.md)."""

SUMMARIES = {
    "cases": list(CaseSummarySerializer().fields),
    "visits": list(VisitSummarySerializer().fields),
    "enterprises": list(EnterpriseSummarySerializer().fields),
}


@pytest.fixture
def records(hub, enterprise, referent):
    case = CaseFactory(enterprise=enterprise, description="La presse manuelle est lente.")
    visit = VisitFactory(enterprise=enterprise, referent=referent, observations="Séchage au sol")
    visit.cases.add(case)
    return {"cases": case, "visits": visit, "enterprises": enterprise}


@pytest.mark.parametrize("resource", list(SUMMARIES))
def test_a_list_answers_the_summary_and_a_detail_every_field(api, manager, records, resource):
    client = api(manager)

    (listed,) = client.get(f"/api/v1/{resource}/").json()["results"]
    detail = client.get(f"/api/v1/{resource}/{records[resource].pk}/").json()

    assert list(listed) == list(SUMMARIES[resource])
    assert set(listed) < set(detail)
    assert {name: detail[name] for name in listed} == listed


def test_the_enterprise_list_carries_no_contact_details_of_the_owner(api, manager, records):
    (listed,) = api(manager).get("/api/v1/enterprises/").json()["results"]

    assert not {"owner_name", "owner_phone", "owner_email", "address", "latitude", "longitude"} & set(listed)


def test_fields_picks_any_readable_fields_on_lists_and_details(api, manager, records):
    client = api(manager)
    case = records["cases"]

    (listed,) = client.get("/api/v1/cases/?fields=reference,description,enterprise_name").json()["results"]
    detail = client.get(f"/api/v1/cases/{case.pk}/?fields=id,status").json()
    visit = client.get("/api/v1/visits/?fields=id,observations,cases,photos").json()["results"][0]

    assert listed == {
        "reference": case.reference,
        "description": "La presse manuelle est lente.",
        "enterprise_name": case.enterprise.name,
    }
    assert detail == {"id": case.pk, "status": case.status}
    assert visit == {"id": records["visits"].pk, "observations": "Séchage au sol", "cases": [case.pk], "photos": []}


@pytest.mark.parametrize("fields", ["reference,nonsense", "new_cases", " , "])
def test_unknown_or_write_only_fields_are_a_400_that_lists_the_choices(api, manager, records, fields):
    resource = "visits" if fields == "new_cases" else "cases"

    response = api(manager).get(f"/api/v1/{resource}/?fields={fields}", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    (message,) = response.json()["fields"]
    assert message.startswith("Champs inconnus")
    assert "reference" in message or "observations" in message


def test_fields_does_not_narrow_what_a_write_accepts(api, manager, enterprise):
    response = api(manager).post(
        "/api/v1/cases/?fields=id",
        {"enterprise": enterprise.pk, "channel": "phone", "domain": "agro", "title": "Presse", "description": "Lente"},
        format="json",
    )

    assert response.status_code == 201
    assert set(response.json()) == set(CaseSerializer.readable_fields())


@pytest.mark.parametrize(
    ("query", "queries"), [("", 1), ("&fields=id,enterprise_name,assigned_to_name", 1), ("&fields=hub", 1)]
)
def test_the_case_list_costs_one_query_whatever_the_fields(
    api, manager, enterprise, referent, query, queries, django_assert_num_queries
):
    CaseFactory.create_batch(60, enterprise=enterprise, assigned_to=referent, status="assigned")
    client = api(manager)

    with django_assert_num_queries(queries):
        response = client.get(f"/api/v1/cases/?page_size=50{query}")

    assert len(response.json()["results"]) == 50


@pytest.fixture
def generated_hub(db):
    """A hub filled by `generate_data`, the generator the benchmarks use, with a manager token."""
    call_command("generate_data", enterprises=60, cases=120, visits=120, hub="GB", verbosity=0)
    return Hub.objects.get(code="GB")


@pytest.mark.parametrize("resource", list(SUMMARIES))
def test_a_page_of_fifty_fits_in_three_kilobytes_compressed(generated_hub, resource):
    manager = User.objects.get(role=Role.MANAGER, hub=generated_hub)
    client = Client()
    client.force_login(manager)

    response = client.get(f"/api/v1/{resource}/?page_size=50", HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert len(gzip.decompress(response.content)) > 3 * PAGE_BUDGET_BYTES
    assert len(response.content) <= PAGE_BUDGET_BYTES


def test_records_of_other_hubs_stay_out_of_summaries(api, manager, records, other_enterprise):
    EnterpriseFactory(hub=other_enterprise.hub)

    listed = api(manager).get("/api/v1/enterprises/").json()["results"]

    assert [row["id"] for row in listed] == [records["enterprises"].pk]


@pytest.mark.parametrize("ordering", ["updated_at", "-resolve_due", "reference"])
def test_a_summary_list_ordered_by_any_allowed_column_pages_through_every_case_once(api, manager, enterprise, ordering):
    made = CaseFactory.create_batch(23, enterprise=enterprise)
    client = api(manager)

    seen, url = [], f"/api/v1/cases/?page_size=5&ordering={ordering}"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]

    assert sorted(seen) == sorted(case.pk for case in made)
