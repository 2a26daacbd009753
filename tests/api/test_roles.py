"""What each role lists, reads and may write, resource by resource, as DESIGN.md describes the roles.

Regional viewers read aggregated reports only: every record endpoint (list, detail and write) answers them
403, never an empty list; the hubs list stays readable to them, it holds no personal data.
"""

import datetime
import uuid

import pytest
from django.utils import timezone

from cases.models import Case
from hub.models import Enterprise, FollowUp, Hub, Referent
from tests.factories import CaseFactory, EnterpriseFactory, FollowUpFactory, VisitFactory
from visits.models import Visit

ROLES = ["sme_user", "referent", "manager", "viewer", "admin_user"]
FORBIDDEN = None
"""The role may not read the resource at all: 403."""

HUB = {"own", "same_hub"}
ALL = {"own", "same_hub", "other_hub"}

LISTS = {
    "hubs": {
        "sme_user": {"own"},
        "referent": {"own"},
        "manager": {"own"},
        "viewer": {"own", "other_hub"},
        "admin_user": {"own", "other_hub"},
    },
    "enterprises": {"sme_user": {"own"}, "referent": HUB, "manager": HUB, "viewer": FORBIDDEN, "admin_user": ALL},
    "referents": {
        "sme_user": FORBIDDEN,
        "referent": {"own"},
        "manager": {"own"},
        "viewer": FORBIDDEN,
        "admin_user": {"own", "other_hub"},
    },
    "cases": {"sme_user": {"own"}, "referent": HUB, "manager": HUB, "viewer": FORBIDDEN, "admin_user": ALL},
    "visits": {
        "sme_user": FORBIDDEN,
        "referent": {"own"},
        "manager": {"own"},
        "viewer": FORBIDDEN,
        "admin_user": {"own", "other_hub"},
    },
    "followups": {
        "sme_user": FORBIDDEN,
        "referent": {"own"},
        "manager": {"own"},
        "viewer": FORBIDDEN,
        "admin_user": {"own", "other_hub"},
    },
}
"""Per resource and role, the records of `world` the list shows ("own": the hub's record tied to the SME
user's enterprise where there is one)."""


@pytest.fixture
def world(hub, other_hub, enterprise, other_enterprise, sme_user, referent, manager, other_referent):
    neighbour = EnterpriseFactory(hub=hub, name="Savonnerie Coulibaly")
    return {
        "hubs": {"own": hub, "other_hub": other_hub},
        "enterprises": {"own": enterprise, "same_hub": neighbour, "other_hub": other_enterprise},
        "referents": {"own": referent, "other_hub": other_referent},
        "cases": {
            "own": CaseFactory(enterprise=enterprise),
            "same_hub": CaseFactory(enterprise=neighbour),
            "other_hub": CaseFactory(enterprise=other_enterprise),
        },
        "visits": {
            "own": VisitFactory(referent=referent, enterprise=enterprise),
            "other_hub": VisitFactory(referent=other_referent, enterprise=other_enterprise),
        },
        "followups": {
            "own": FollowUpFactory(enterprise=enterprise),
            "other_hub": FollowUpFactory(enterprise=other_enterprise),
        },
    }


def api_id(resource: str, record):
    """The id the API gives a record: a hub's code, a referent's user id, else the primary key."""
    return record.code if resource == "hubs" else record.pk


def id_in(resource: str, row: dict):
    return row["code" if resource == "hubs" else "id"]


def matrix(table: dict) -> list:
    return [
        pytest.param(resource, role, expected, id=f"{resource}-{role}")
        for resource, per_role in table.items()
        for role, expected in per_role.items()
    ]


@pytest.mark.parametrize(("resource", "role", "expected"), matrix(LISTS))
def test_each_role_lists_exactly_its_records(api, request, world, resource, role, expected):
    response = api(request.getfixturevalue(role)).get(f"/api/v1/{resource}/")
    if expected is FORBIDDEN:
        assert response.status_code == 403
        assert response.json()["detail"]
        return
    assert response.status_code == 200
    records = world[resource]
    listed = {id_in(resource, row) for row in response.json()["results"]}
    assert listed == {api_id(resource, records[name]) for name in expected}


@pytest.mark.parametrize(("resource", "role", "expected"), matrix(LISTS))
def test_each_role_reads_the_details_it_lists_and_no_other(api, request, world, resource, role, expected):
    client = api(request.getfixturevalue(role))
    for name, record in world[resource].items():
        response = client.get(f"/api/v1/{resource}/{api_id(resource, record)}/")
        if expected is FORBIDDEN:
            assert response.status_code == 403, name
        elif name in expected:
            assert response.status_code == 200, name
            assert id_in(resource, response.json()) == api_id(resource, record)
        else:
            assert response.status_code == 404, name


@pytest.mark.parametrize("resource", list(LISTS))
def test_anonymous_requests_are_refused_everywhere(api, world, resource):
    assert api().get(f"/api/v1/{resource}/").status_code == 401
    assert api().post(f"/api/v1/{resource}/", {}, format="json").status_code == 401


def test_viewers_are_told_why_they_are_refused(api, viewer, world):
    client = api(viewer)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    listed = client.get("/api/v1/cases/")
    detail = client.get(f"/api/v1/cases/{world['cases']['own'].pk}/")
    action = client.post(f"/api/v1/cases/{world['cases']['own'].pk}/notes/", {"body": "x"}, format="json")
    assert listed.status_code == detail.status_code == action.status_code == 403
    assert listed.json() == detail.json() == action.json()
    assert "aggregated reports" in listed.json()["detail"]
    assert client.get("/api/v1/reports/summary/").status_code == 200


def new_case(world) -> tuple[str, str, dict]:
    enterprise = world["enterprises"]["own"]
    return "post", "/api/v1/cases/", {"enterprise": enterprise.pk, "domain": "agro", "title": "t", "description": "d"}


def new_visit(world) -> tuple[str, str, dict]:
    return (
        "post",
        "/api/v1/visits/",
        {
            "client_uuid": str(uuid.uuid4()),
            "enterprise": world["enterprises"]["own"].pk,
            "started_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
            "duration_minutes": 30,
            "purpose": "diagnostic",
        },
    )


def new_followup(world) -> tuple[str, str, dict]:
    enterprise = world["enterprises"]["same_hub"]  # has no baseline yet
    return "post", "/api/v1/followups/", {"enterprise": enterprise.pk, "kind": "baseline", "due_date": "2026-12-01"}


def enterprise_change(world) -> tuple[str, str, dict]:
    return "patch", f"/api/v1/enterprises/{world['enterprises']['own'].pk}/", {"commune": "Commune IV"}


def new_hub(world) -> tuple[str, str, dict]:
    return "post", "/api/v1/hubs/", {"code": "SN", "name": "HUB IIT Sénégal", "country": "SN"}


def new_referent(world) -> tuple[str, str, dict]:
    return "post", "/api/v1/referents/", {"domains": ["agro"]}


WRITES = {
    "hubs": (new_hub, Hub, {"sme_user": 405, "referent": 405, "manager": 405, "viewer": 405, "admin_user": 405}),
    "enterprises": (
        enterprise_change,
        Enterprise,
        {"sme_user": 403, "referent": 403, "manager": 200, "viewer": 403, "admin_user": 200},
    ),
    "referents": (
        new_referent,
        Referent,
        {"sme_user": 405, "referent": 405, "manager": 405, "viewer": 403, "admin_user": 405},
    ),
    "cases": (new_case, Case, {"sme_user": 201, "referent": 201, "manager": 201, "viewer": 403, "admin_user": 201}),
    "visits": (new_visit, Visit, {"sme_user": 403, "referent": 201, "manager": 403, "viewer": 403, "admin_user": 403}),
    "followups": (
        new_followup,
        FollowUp,
        {"sme_user": 403, "referent": 201, "manager": 201, "viewer": 403, "admin_user": 201},
    ),
}
"""Per resource: the write to try, its model, and the answer per role. Hubs and referents are managed on
the office pages and in the Django admin, not through the API; only referents log visits (administrators
included, who have no hub to log them in)."""


@pytest.mark.parametrize(
    ("resource", "role", "expected"),
    [
        pytest.param(resource, role, status, id=f"{resource}-{role}")
        for resource, (_write, _model, per_role) in WRITES.items()
        for role, status in per_role.items()
    ],
)
def test_each_role_writes_only_what_it_may(api, request, world, resource, role, expected):
    write, model, _per_role = WRITES[resource]
    method, url, payload = write(world)
    before = model.objects.count()
    response = getattr(api(request.getfixturevalue(role)), method)(url, payload, format="json")
    assert response.status_code == expected, response.json()
    assert model.objects.count() == before + (1 if expected == 201 else 0)
    if expected in (403, 405):
        assert response.json()["detail"]
    if resource == "enterprises":
        world["enterprises"]["own"].refresh_from_db()
        assert (world["enterprises"]["own"].commune == "Commune IV") == (expected == 200)


def test_the_matrices_cover_every_resource_and_role():
    assert set(LISTS) == set(WRITES) == {"hubs", "enterprises", "referents", "cases", "visits", "followups"}
    assert all(list(per_role) == ROLES for per_role in LISTS.values())
    assert all(list(per_role) == ROLES for _write, _model, per_role in WRITES.values())
