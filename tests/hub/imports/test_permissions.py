"""IMPORT_RECORDS, as the other actions of hub.permissions: managers and administrators hold it; the pages'
`require` and the services decide alike for every role (as tests/hub/test_permissions_agree.py does for the
other write actions); a manager imports into their own hub only."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from cases.imports import case_import
from cases.models import Case, CaseStatus
from hub.imports import services
from hub.models import Role
from hub.permissions import Action, can, require
from tests.hub.imports.conftest import enterprise_row, xlsx

pytestmark = pytest.mark.django_db

ROLE_FIXTURES = {
    Role.SME: "sme_user",
    Role.REFERENT: "referent",
    Role.MANAGER: "manager",
    Role.VIEWER: "viewer",
    Role.ADMIN: "admin_user",
}


def test_managers_and_administrators_import(request):
    allowed = {
        role for role, fixture in ROLE_FIXTURES.items() if can(request.getfixturevalue(fixture), Action.IMPORT_RECORDS)
    }
    assert allowed == {Role.MANAGER, Role.ADMIN}


def page_lets_through(user) -> bool:
    request = RequestFactory().post("/")
    request.user = user
    try:
        require(Action.IMPORT_RECORDS)(lambda request: HttpResponse())(request)
    except PermissionDenied:
        return False
    return True


def upload_lets_through(user, hub) -> bool:
    try:
        services.batch_upload(hub=hub, kind="enterprises", upload=xlsx("enterprises", [enterprise_row()]), by=user)
    except PermissionDenied:
        return False
    return True


def case_import_lets_through(user, enterprise) -> bool:
    case = Case(enterprise=enterprise, title="Pompe", domain="energy", channel="phone", status=CaseStatus.NEW)
    case.received_at = enterprise.created_at
    try:
        case_import(case=case, by=user)
    except PermissionDenied:
        return False
    return True


@pytest.mark.parametrize("role", list(ROLE_FIXTURES))
def test_route_and_services_decide_alike(request, role, hub, enterprise, media):
    user = request.getfixturevalue(ROLE_FIXTURES[role])
    decisions = {
        "page": page_lets_through(user),
        "upload": upload_lets_through(user, hub),
        "case_import": case_import_lets_through(user, enterprise),
    }
    assert len(set(decisions.values())) == 1, decisions


def test_a_manager_of_another_hub_is_refused_by_the_services(other_manager, hub, enterprise, media):
    assert not upload_lets_through(other_manager, hub)
    assert not case_import_lets_through(other_manager, enterprise)
