"""One id per thing (issue 22): a field named after a resource takes and gives the id that resource's list
gives, and the schema says which list. The schema is walked, so a new such field without a round trip here
fails."""

import json
import uuid
from types import SimpleNamespace

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from api.serializers import ids
from cases.models import CaseStatus
from hub.followups.services import followup_confirm
from hub.models import FollowUp
from tests.factories import (
    CaseFactory,
    FollowUpFactory,
    PartnerFactory,
    ReferentUserFactory,
    SheetFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

LISTS = ("hubs", "enterprises", "referents", "cases", "visits", "followups", "sheets", "partners")
NAMED_AFTER = {
    **{name: name for name in LISTS},
    **{name[:-1]: name for name in LISTS},
    "assigned_to": "referents",
    "referred_to": "partners",
}
"""Field names that name a listed resource, and the list whose ids they carry."""
PEOPLE = ("author", "collected_by", "confirmed_by", "shared_by")
"""People who need not be referents: the id of a user, a referent's being the one /referents/ lists."""
COUNTS = {("Activity", "visits"), ("BreakdownRow", "visits"), ("Impact", "followups"), ("Turnover", "enterprises")}
"""Report figures named after what they count: numbers, not ids."""
NESTED = {("Targets", "hubs"), ("CaseActionReceipt", "case")}
"""Whole records (each hub's targets, the case a phone's action was applied to), not ids."""
DESCRIPTIONS = {
    "hubs": {ids.HUB},
    "enterprises": {ids.ENTERPRISE},
    "referents": {ids.REFERENT},
    "cases": {ids.CASE, ids.CASES},
    "sheets": {ids.SHEET},
    "partners": {ids.PARTNER, ids.PARTNERS},
}


def schema_fields() -> dict[tuple[str, str], dict]:
    """Every property of every component named after a resource or a person; a `Patched` component is the
    same serializer as its full one."""
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    found = {}
    for component, schema in document["components"]["schemas"].items():
        for name, prop in schema.get("properties", {}).items():
            if name in NAMED_AFTER or name in PEOPLE:
                found[(component.removeprefix("Patched"), name)] = prop
    return {key: prop for key, prop in found.items() if key not in COUNTS | NESTED}


ROUND_TRIPS = {}


def covers(*fields: tuple[str, str]):
    """Registers a round trip as the check of these schema fields."""

    def register(check):
        ROUND_TRIPS[check.__name__] = (check, fields)
        return check

    return register


@pytest.fixture
def world(hub, manager, referent, enterprise):
    """One record of each kind in a hub, so that each list gives one id; the referent's user and profile have
    different primary keys, as they do in the field."""
    assert referent.pk != referent.referent.pk
    partner = PartnerFactory(hub=hub)
    return SimpleNamespace(
        hub=hub,
        manager=manager,
        referent=referent,
        enterprise=enterprise,
        partner=partner,
        sheet=SheetFactory(hub=hub, author=referent),
        case=CaseFactory(enterprise=enterprise, status=CaseStatus.IN_PROGRESS, assigned_to=referent),
    )


def listed(client, resource: str):
    """The id of the one record the list gives."""
    [record] = client.get(f"/api/v1/{resource}/").json()["results"]
    return record["code"] if resource == "hubs" else record["id"]


def summary(client, resource: str, pk: int) -> dict:
    return next(row for row in client.get(f"/api/v1/{resource}/").json()["results"] if row["id"] == pk)


@covers(("Case", "hub"), ("Case", "enterprise"), ("CaseSummary", "enterprise"))
def case_submitted_for_the_enterprise_listed(api, world):
    client = api(world.manager)
    hub, enterprise = listed(client, "hubs"), listed(client, "enterprises")
    created = client.post(
        "/api/v1/cases/", {"enterprise": enterprise, "domain": "agro", "title": "Séchoir", "description": "Mangues"}
    ).json()
    detail = client.get(f"/api/v1/cases/{created['id']}/").json()
    assert (detail["hub"], detail["enterprise"]) == (hub, enterprise)
    assert summary(client, "cases", created["id"])["enterprise"] == enterprise


@covers(("Assign", "referent"), ("Case", "assigned_to"), ("CaseSummary", "assigned_to"))
def case_assigned_to_the_referent_listed(api, world):
    client = api(world.manager)
    case = CaseFactory(enterprise=world.enterprise, status=CaseStatus.QUALIFIED)
    referent = listed(client, "referents")
    response = client.post(f"/api/v1/cases/{case.pk}/assign/", {"referent": referent})
    assert response.status_code == 200, response.json()
    assert client.get(f"/api/v1/cases/{case.pk}/").json()["assigned_to"] == referent
    assert summary(client, "cases", case.pk)["assigned_to"] == referent


@covers(("Transition", "partner"), ("Case", "referred_to"))
def case_referred_to_the_partner_listed(api, world):
    client = api(world.referent)
    partner = listed(client, "partners")
    response = client.post(f"/api/v1/cases/{world.case.pk}/transition/", {"to_status": "referred", "partner": partner})
    assert response.status_code == 200, response.json()
    assert client.get(f"/api/v1/cases/{world.case.pk}/").json()["referred_to"] == partner


@covers(("CaseNote", "author"))
def note_written_by_the_referent_listed(api, world):
    client = api(world.referent)
    client.post(f"/api/v1/cases/{world.case.pk}/notes/", {"body": "Appelé ce matin."})
    [note] = client.get(f"/api/v1/cases/{world.case.pk}/notes/").json()
    assert note["author"] == listed(client, "referents")


@covers(("Share", "sheet"), ("Share", "partner"), ("Share", "shared_by"))
def sheet_and_partner_listed_shared_in_a_case(api, world):
    client = api(world.referent)
    sheet, partner = listed(client, "sheets"), listed(client, "partners")
    client.post(f"/api/v1/cases/{world.case.pk}/shares/", {"sheet": sheet})
    client.post(f"/api/v1/cases/{world.case.pk}/shares/", {"partner": partner})
    shares = client.get(f"/api/v1/cases/{world.case.pk}/shares/").json()
    assert {(share["sheet"], share["partner"]) for share in shares} == {(sheet, None), (None, partner)}
    assert {share["shared_by"] for share in shares} == {listed(client, "referents")}


@covers(
    ("Visit", "hub"),
    ("Visit", "referent"),
    ("Visit", "enterprise"),
    ("Visit", "cases"),
    ("VisitSummary", "referent"),
    ("VisitSummary", "enterprise"),
)
def visit_at_the_enterprise_and_case_listed(api, world):
    client = api(world.referent)
    hub, enterprise, case = listed(client, "hubs"), listed(client, "enterprises"), listed(client, "cases")
    visit = {
        "client_uuid": str(uuid.uuid4()),
        "enterprise": enterprise,
        "cases": [case],
        "started_at": "2026-11-20T09:30:00Z",
        "duration_minutes": 45,
        "purpose": "diagnostic",
    }
    created = client.post("/api/v1/visits/", visit, format="json").json()
    detail = client.get(f"/api/v1/visits/{created['id']}/").json()
    referent = listed(client, "referents")
    assert (detail["hub"], detail["referent"], detail["enterprise"], detail["cases"]) == (
        hub,
        referent,
        enterprise,
        [case],
    )
    row = summary(client, "visits", created["id"])
    assert (row["referent"], row["enterprise"]) == (referent, enterprise)


@covers(("FollowUp", "hub"), ("FollowUp", "enterprise"), ("FollowUp", "collected_by"))
def baseline_of_the_enterprise_listed(api, world):
    client = api(world.referent)
    hub, enterprise = listed(client, "hubs"), listed(client, "enterprises")
    today = timezone.localdate().isoformat()
    created = client.post(
        "/api/v1/followups/", {"enterprise": enterprise, "kind": "baseline", "due_date": today, "collected_on": today}
    ).json()
    detail = client.get(f"/api/v1/followups/{created['id']}/").json()
    assert (detail["hub"], detail["enterprise"], detail["collected_by"]) == (
        hub,
        enterprise,
        listed(client, "referents"),
    )


@covers(("FollowUp", "case"))
def followups_planned_for_the_case_listed(api, world):
    client = api(world.referent)
    case = listed(client, "cases")
    client.post(f"/api/v1/cases/{case}/transition/", {"to_status": "resolved", "resolution_summary": "Séchoir posé."})
    planned = client.get(f"/api/v1/followups/?case={case}").json()["results"]
    assert {followup["kind"] for followup in planned} == {"m6", "m12"}
    assert {followup["case"] for followup in planned} == {case}


@covers(("FollowUpAssign", "referent"), ("FollowUp", "assigned_to"))
def followup_put_in_the_charge_of_the_referent_listed(api, world):
    client = api(world.manager)
    followup = FollowUpFactory(enterprise=world.enterprise)
    referent = listed(client, "referents")
    response = client.post(f"/api/v1/followups/{followup.pk}/assign/", {"referent": referent})
    assert response.status_code == 200, response.json()
    assert client.get(f"/api/v1/followups/{followup.pk}/").json()["assigned_to"] == referent


@covers(("FollowUp", "confirmed_by"))
def self_reported_answers_confirmed_by_the_referent_listed(api, world):
    """Answers are confirmed on the follow-up's page, not through the API."""
    followup = FollowUpFactory(enterprise=world.enterprise, collected_on=timezone.localdate(), self_reported=True)
    followup_confirm(followup=followup, by=world.referent, answers={})
    client = api(world.referent)
    assert client.get(f"/api/v1/followups/{followup.pk}/").json()["confirmed_by"] == listed(client, "referents")


@covers(("Sheet", "hub"), ("Sheet", "partners"), ("Sheet", "author"))
def sheet_written_with_the_partner_listed(api, world):
    client = api(world.referent)
    hub, partner = listed(client, "hubs"), listed(client, "partners")
    sheet = {"title": "Moulin", "domain": "agro", "summary": "Moudre.", "body": "Texte", "partners": [partner]}
    created = client.post("/api/v1/sheets/", sheet, format="json").json()
    detail = client.get(f"/api/v1/sheets/{created['id']}/").json()
    assert (detail["hub"], detail["partners"], detail["author"]) == (hub, [partner], listed(client, "referents"))


@covers(("Enterprise", "hub"), ("Partner", "hub"))
def directory_records_in_the_hub_listed(api, world):
    client = api(world.manager)
    hub = listed(client, "hubs")
    partner = client.post("/api/v1/partners/", {"name": "Centre", "kind": "research"}).json()
    enterprise = client.get(f"/api/v1/enterprises/{world.enterprise.pk}/").json()
    assert (client.get(f"/api/v1/partners/{partner['id']}/").json()["hub"], enterprise["hub"]) == (hub, hub)


@covers(
    ("ReportFilters", "hub"), ("ReportFilters", "referent"), ("HubTargets", "hub"), ("EnterpriseImpact", "enterprise")
)
def reports_on_the_hub_referent_and_enterprise_listed(api, world):
    client = api(world.manager)
    hub, referent, enterprise = listed(client, "hubs"), listed(client, "referents"), listed(client, "enterprises")
    FollowUpFactory(
        case=CaseFactory(enterprise=world.enterprise), kind=FollowUp.Kind.MONTH_6, collected_on=timezone.localdate()
    )
    response = client.get(f"/api/v1/reports/summary/?hub={hub}&referent={referent}")
    assert response.status_code == 200, response.json()
    assert (response.json()["filters"]["hub"], response.json()["filters"]["referent"]) == (hub, referent)
    assert [line["hub"] for line in client.get("/api/v1/reports/targets/").json()["hubs"]] == [hub]
    impact = client.get("/api/v1/reports/impact/enterprises/").json()["results"]
    assert [row["enterprise"] for row in impact] == [enterprise]


def test_the_schema_says_which_list_each_id_comes_from():
    wrong = {
        key: prop.get("description")
        for key, prop in schema_fields().items()
        if prop.get("description") not in (DESCRIPTIONS[NAMED_AFTER[key[1]]] if key[1] in NAMED_AFTER else {ids.PERSON})
    }
    assert wrong == {}


def test_every_field_named_after_a_resource_has_its_round_trip():
    covered = {field for _check, fields in ROUND_TRIPS.values() for field in fields}
    assert covered == set(schema_fields())


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_round_trip(api, world, name):
    check, _fields = ROUND_TRIPS[name]
    check(api, world)


@pytest.mark.parametrize("resource", LISTS)
def test_each_id_listed_opens_its_record(api, world, resource):
    FollowUpFactory(enterprise=world.enterprise)
    VisitFactory(enterprise=world.enterprise, referent=world.referent)
    client = api(world.manager)
    key = "code" if resource == "hubs" else "id"
    listed_ids = [record[key] for record in client.get(f"/api/v1/{resource}/").json()["results"]]
    assert listed_ids
    assert [client.get(f"/api/v1/{resource}/{pk}/").json()[key] for pk in listed_ids] == listed_ids


def test_the_referent_just_listed_is_assigned(api, manager, referent, enterprise):
    """Issue 22: a manager assigned the referent /referents/ had just listed and got a 400."""
    assert referent.pk != referent.referent.pk
    case = CaseFactory(enterprise=enterprise, status=CaseStatus.QUALIFIED)
    client = api(manager)
    [listed_referent] = client.get("/api/v1/referents/").json()["results"]

    response = client.post(f"/api/v1/cases/{case.pk}/assign/", {"referent": listed_referent["id"]})

    assert response.status_code == 200, response.json()
    assert response.json()["assigned_to"] == listed_referent["id"]
    case.refresh_from_db()
    assert case.assigned_to == referent


def test_the_old_user_id_of_a_referent_is_still_given(api, manager, referent):
    """Deprecated: the clients that assigned by `user_id` keep working."""
    [listed_referent] = api(manager).get("/api/v1/referents/").json()["results"]
    assert listed_referent["user_id"] == listed_referent["id"] == referent.pk


def test_the_lists_filter_on_the_referent_listed(api, world):
    """`?referent=` takes the id /referents/ lists, the one the records give."""
    other = ReferentUserFactory(hub=world.hub)
    CaseFactory(enterprise=world.enterprise, assigned_to=other)
    VisitFactory(enterprise=world.enterprise, referent=world.referent)
    VisitFactory(enterprise=world.enterprise, referent=other)
    FollowUpFactory(enterprise=world.enterprise, assigned_to=world.referent)
    FollowUpFactory(hub=world.hub, assigned_to=other)
    client = api(world.manager)
    referents = {row["username"]: row["id"] for row in client.get("/api/v1/referents/").json()["results"]}
    referent = referents[world.referent.username]
    for resource, field in (("cases", "assigned_to"), ("visits", "referent"), ("followups", "assigned_to")):
        rows = client.get(f"/api/v1/{resource}/?referent={referent}").json()["results"]
        assert [row[field] for row in rows] == [referent], resource
