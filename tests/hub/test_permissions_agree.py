"""One table decides: for every role and every action of `hub.permissions.CAPABILITIES`, the route (a page's
`require`, the API's `Allows`) lets the role through exactly when the service behind it accepts it, so no
route lets a role in for its service to answer 403."""

import datetime
import uuid
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api.permissions import Allows
from cases import services as case_services
from cases.models import CaseNote, CaseStatus, Priority
from hub.classifications import TechnologyDomain
from hub.followups.services import Collection, followup_assign, followup_collect
from hub.hubs.services import hub_open
from hub.imports.services import batch_cancel
from hub.library.services import sheet_save
from hub.messaging import services as messaging_services
from hub.messaging.inbound import inbound_mark_read
from hub.models import ImportBatch, InboundMessage, OutgoingMessage, Role, TargetIndicator
from hub.permissions import Action, require
from hub.services import enterprise_save, hub_targets_save
from hub.staff.services import staff_deactivate, viewer_save
from tests.factories import CaseFactory, FollowUpFactory, ReferentUserFactory, SheetFactory
from visits.models import Purpose
from visits.services import VisitInput, visit_record

pytestmark = pytest.mark.django_db

A = Action
S = CaseStatus
ROLE_FIXTURES = {
    Role.SME: "sme_user",
    Role.REFERENT: "referent",
    Role.MANAGER: "manager",
    Role.VIEWER: "viewer",
    Role.ADMIN: "admin_user",
}


def new_case(w, **fields):
    return CaseFactory(enterprise=w.enterprise, **fields)


def submit_case(user, w, *, found_at_visit=False):
    case_services.case_create(
        enterprise=w.enterprise,
        domain=TechnologyDomain.ENERGY,
        title="Pompe solaire",
        description="Arroser sans groupe électrogène.",
        by=user,
        found_at_visit=found_at_visit,
    )


def record_visit(user, w):
    visit_record(
        data=VisitInput(
            client_uuid=uuid.uuid4(),
            enterprise=w.enterprise,
            started_at=timezone.now() - datetime.timedelta(hours=2),
            duration_minutes=45,
            purpose=Purpose.DIAGNOSTIC,
            observations="Séchage au sol.",
        ),
        by=user,
    )


def raise_case_at_visit(user, w):
    submit_case(user, w, found_at_visit=True)


def qualify_case(user, w):
    case_services.case_qualify(case=new_case(w), by=user, domain=TechnologyDomain.ENERGY, priority=Priority.HIGH)


def assign_case(user, w):
    case_services.case_assign(case=new_case(w, status=S.QUALIFIED), referent=w.referent, by=user)


def assign_followup(user, w):
    followup_assign(followup=FollowUpFactory(enterprise=w.enterprise), referent=w.referent, by=user)


def start_work_on_case(user, w):
    case = new_case(w, status=S.ASSIGNED, assigned_to=w.referent)
    case_services.case_transition(case=case, to_status=S.IN_PROGRESS, by=user)


def write_internal_note(user, w):
    case_services.case_add_note(
        case=new_case(w), by=user, body="Devis demandé.", visibility=CaseNote.Visibility.INTERNAL
    )


def rate_case(user, w):
    case = new_case(w, status=S.RESOLVED, assigned_to=w.referent, resolved_at=timezone.now())
    case_services.case_rate(case=case, by=user, rating=5)


def record_followup(user, w):
    collection = Collection(collected_on=timezone.localdate(), answers={"employees_total": 6})
    followup_collect(followup=FollowUpFactory(enterprise=w.enterprise), data=collection, by=user)


def edit_enterprise(user, w):
    enterprise_save(enterprise=w.enterprise, by=user, activity="Savonnerie")


def set_targets(user, w):
    hub_targets_save(hub=w.hub, year=timezone.localdate().year, values={TargetIndicator.VISITS: 240}, by=user)


def edit_sheet(user, w):
    sheet_save(sheet=SheetFactory(hub=w.hub), by=user, title="Four solaire")


def share_sheet(user, w):
    case_services.case_share(case=new_case(w), by=user, sheet=SheetFactory(hub=w.hub))


def deactivate_referent(user, w):
    staff_deactivate(person=ReferentUserFactory(hub=w.hub), by=user)


def create_viewer(user, w):
    viewer_save(viewer=None, by=user, name="Mariam Diallo", email="mariam@uemoa.int", hubs=[w.hub])


def open_hub(user, w):
    hub_open(code="SN", name="HUB IIT Sénégal", country="SN", by=user)


def cancel_import(user, w):
    batch = ImportBatch.objects.create(
        hub=w.hub, kind=ImportBatch.Kind.ENTERPRISES, file_name="annuaire.csv", uploaded_by=w.referent
    )
    batch_cancel(batch=batch, by=user)


def resend_message(user, w):
    message = OutgoingMessage.objects.create(
        hub=w.hub,
        channel=OutgoingMessage.Channel.SMS,
        to="+22376000000",
        template="received",
        language="fr",
        body="Votre demande est reçue.",
        status=OutgoingMessage.Status.FAILED,
    )
    messaging_services.resend(message=message, by=user)


def mark_inbox_read(user, w):
    message = InboundMessage.objects.create(hub=w.hub, gateway="default", sender="+22376000000", text="Bonjour")
    inbound_mark_read(message=message, by=user)


PROBES = [
    (A.SUBMIT_CASE, submit_case),
    (A.LOG_VISITS, raise_case_at_visit),
    (A.LOG_VISITS, record_visit),
    (A.TRIAGE_CASES, qualify_case),
    (A.ASSIGN_CASES, assign_case),
    (A.ASSIGN_CASES, assign_followup),
    (A.WORK_ON_CASES, start_work_on_case),
    (A.WRITE_INTERNAL_NOTES, write_internal_note),
    (A.RATE_CASES, rate_case),
    (A.RECORD_FOLLOWUPS, record_followup),
    (A.MANAGE_DIRECTORY, edit_enterprise),
    (A.SET_TARGETS, set_targets),
    (A.WRITE_LIBRARY, edit_sheet),
    (A.SHARE_LIBRARY, share_sheet),
    (A.MANAGE_REFERENTS, deactivate_referent),
    (A.MANAGE_VIEWERS, create_viewer),
    (A.OPEN_HUBS, open_hub),
    (A.IMPORT_RECORDS, cancel_import),
    (A.FOLLOW_MESSAGES, resend_message),
    (A.READ_INBOX, mark_inbox_read),
]
"""Each write action with a service call it governs, on records within the acting user's reach."""

READS = frozenset(
    {
        A.VIEW_DIRECTORY,
        A.VIEW_VISITS,
        A.VIEW_HUB_REPORTS,
        A.VIEW_REGIONAL_REPORTS,
        A.VIEW_HISTORY,
        A.READ_LIBRARY,
    }
)
"""Actions that only read: the route and the selectors ask `can` for them, and no service decides."""


@pytest.fixture
def world(hub, enterprise, referent):
    """The SME user's enterprise, in the hub of the referent and the manager."""
    return SimpleNamespace(hub=hub, enterprise=enterprise, referent=referent)


def page_lets_through(user, action: Action) -> bool:
    request = RequestFactory().post("/")
    request.user = user
    try:
        require(action)(lambda request: HttpResponse())(request)
    except PermissionDenied:
        return False
    return True


def api_lets_through(user, action: Action) -> bool:
    request = Request(APIRequestFactory().post("/"))
    request.user = user
    try:
        return Allows(read=None, write=action).has_permission(request, view=None)
    except exceptions.PermissionDenied:
        return False


def service_lets_through(probe, user, w) -> bool:
    try:
        probe(user, w)
    except PermissionDenied:
        return False
    return True


def test_every_action_is_probed_or_only_read():
    probed = {action for action, _probe in PROBES}
    assert probed.isdisjoint(READS)
    assert probed | READS == set(Action)


@pytest.mark.parametrize("role", list(ROLE_FIXTURES))
@pytest.mark.parametrize(("action", "probe"), PROBES, ids=[probe.__name__ for _action, probe in PROBES])
def test_route_and_service_decide_alike(request, world, role, action, probe):
    user = request.getfixturevalue(ROLE_FIXTURES[role])
    decisions = {
        "page": page_lets_through(user, action),
        "api": api_lets_through(user, action),
        "service": service_lets_through(probe, user, world),
    }
    assert len(set(decisions.values())) == 1, decisions
