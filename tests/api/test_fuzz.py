"""Schemathesis generates requests from the OpenAPI schema, in process, for a user of each role: no
answer may be a server error or break the schema it documents."""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error, response_schema_conformance

from hub.models import Hub, Role, User
from tests.factories import (
    AdminFactory,
    CaseFactory,
    EnterpriseFactory,
    HubFactory,
    ManagerFactory,
    ReferentUserFactory,
    SmeUserFactory,
    ViewerFactory,
)


def load_schema() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


pytestmark = pytest.mark.fuzz

schema = schemathesis.openapi.from_dict(load_schema())
schema.app = WSGIHandler()

ROLE_FACTORIES = {
    Role.SME: SmeUserFactory,
    Role.REFERENT: ReferentUserFactory,
    Role.MANAGER: ManagerFactory,
    Role.VIEWER: ViewerFactory,
    Role.ADMIN: AdminFactory,
}


def token_for(role: str) -> str:
    """One user per role in a small hub with a case; created once per test, reused by every example."""
    hub = Hub.objects.filter(code="FZ").first() or HubFactory(code="FZ")
    enterprise = hub.enterprises.first() or EnterpriseFactory(hub=hub)
    if not hub.cases.exists():
        CaseFactory(enterprise=enterprise)
    existing = User.objects.filter(username=f"fuzz-{role}").first()
    if existing:
        return Token.objects.get(user=existing).key
    factory = ROLE_FACTORIES[role]
    kwargs = {"username": f"fuzz-{role}"}
    if role in (Role.SME, Role.REFERENT, Role.MANAGER):
        kwargs["hub"] = hub
    if role == Role.SME:
        kwargs["enterprise"] = enterprise
    user = factory(**kwargs)
    return Token.objects.get_or_create(user=user)[0].key


def call(case, role: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Token {token_for(role)}", "Accept-Encoding": "identity"},
        checks=[not_a_server_error, response_schema_conformance],
    )


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_schema_edge_cases_as_an_administrator(case, db):
    """Schemathesis' coverage examples (boundaries, malformed ids and values) with the widest access."""
    call(case, Role.ADMIN)


@pytest.mark.parametrize("role", list(ROLE_FACTORIES))
@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_for_every_role(case, role, db):
    call(case, role)
