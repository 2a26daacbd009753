"""Deactivating a person ends their sessions and API tokens at once and hands a referent's open cases back to
triage, for the manager to reassign; reactivating lets them in again."""

import datetime
import re

import pytest
from django.contrib.auth import get_user
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.models import CaseEvent, CaseStatus
from tests.factories import PASSWORD, CaseFactory, EnterpriseFactory, FollowUpFactory, ReferentUserFactory

pytestmark = pytest.mark.django_db

S = CaseStatus


def deactivate(client, person):
    return client.post(f"/manage/staff/{person.pk}/deactivate/")


@pytest.fixture
def referent_signed_in(referent) -> Client:
    """The referent's own phone, signed in with their password."""
    phone = Client()
    phone.post("/login/", {"username": referent.username, "password": PASSWORD})
    assert get_user(phone) == referent
    return phone


def test_the_confirmation_page_says_how_many_cases_go_back_to_triage(as_manager, referent, enterprise):
    CaseFactory.create_batch(2, enterprise=enterprise, status=S.IN_PROGRESS, assigned_to=referent)

    page = as_manager.get(f"/manage/staff/{referent.pk}/deactivate/")

    assert page.status_code == 200
    assert page.context["person"].open_case_count == 2
    referent.refresh_from_db()
    assert referent.is_active, "opening the page changes nothing"


def test_a_deactivated_referent_is_signed_out_everywhere_and_cannot_sign_in(
    as_manager, manager, referent, referent_signed_in, client
):
    token = Token.objects.create(user=referent)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/cases/").status_code == 200

    response = deactivate(as_manager, referent)

    assert response.status_code == 200
    assert referent_signed_in.get("/m/")["Location"].startswith("/login/")
    assert api.get("/api/v1/cases/").status_code == 401
    referent.refresh_from_db()
    assert not referent.is_active and not referent.referent.is_active
    assert referent.history.latest().history_user == manager
    assert referent.referent.history.latest().history_user == manager
    fresh = Client()
    fresh.post("/login/", {"username": referent.username, "password": PASSWORD})
    assert not get_user(fresh).is_authenticated
    assert get_user(as_manager) == manager, "the manager's own session goes on"


def test_the_referents_open_cases_go_back_to_triage_and_are_listed_to_reassign(
    as_manager, manager, hub, referent, enterprise
):
    open_cases = [
        CaseFactory(enterprise=enterprise, status=status, assigned_to=referent)
        for status in (S.ASSIGNED, S.IN_PROGRESS, S.WAITING_SME)
    ]
    resolved = CaseFactory(enterprise=enterprise, status=S.RESOLVED, assigned_to=referent)
    colleague = ReferentUserFactory(hub=hub)
    theirs = CaseFactory(enterprise=enterprise, status=S.ASSIGNED, assigned_to=colleague)

    response = deactivate(as_manager, referent)

    assert set(response.context["returned"]) == set(open_cases)
    page = response.content.decode()
    for case in open_cases:
        case.refresh_from_db()
        assert (case.status, case.assigned_to, case.assigned_at) == (S.QUALIFIED, None, None)
        assert case.assign_due is not None
        assert f'href="/manage/cases/{case.pk}/"' in page
        event = CaseEvent.objects.filter(case=case).latest("created_at")
        assert (event.to_status, event.actor) == (S.QUALIFIED, manager)
    for case, status, assignee in ((resolved, S.RESOLVED, referent), (theirs, S.ASSIGNED, colleague)):
        case.refresh_from_db()
        assert (case.status, case.assigned_to) == (status, assignee)


def test_a_returned_case_is_reassigned_from_its_page(as_manager, hub, referent, enterprise):
    case = CaseFactory(enterprise=enterprise, status=S.IN_PROGRESS, assigned_to=referent)
    deactivate(as_manager, referent)
    colleague = ReferentUserFactory(hub=hub)

    as_manager.post(f"/manage/cases/{case.pk}/assign/", {"referent": colleague.pk})

    case.refresh_from_db()
    assert (case.status, case.assigned_to) == (S.ASSIGNED, colleague)


def test_a_deactivated_referent_cannot_be_given_cases(as_manager, referent, enterprise):
    deactivate(as_manager, referent)
    case = CaseFactory(enterprise=enterprise, status=S.QUALIFIED)

    as_manager.post(f"/manage/cases/{case.pk}/assign/", {"referent": referent.pk})

    case.refresh_from_db()
    assert case.assigned_to is None


def test_a_reactivated_referent_signs_in_again(as_manager, manager, referent):
    deactivate(as_manager, referent)

    response = as_manager.post(f"/manage/staff/{referent.pk}/reactivate/")

    assert response.status_code == 302
    referent.refresh_from_db()
    assert referent.is_active and referent.referent.is_active
    assert referent.history.latest().history_user == manager
    phone = Client()
    phone.post("/login/", {"username": referent.username, "password": PASSWORD})
    assert get_user(phone) == referent


def test_deactivating_twice_changes_nothing_more(as_manager, referent):
    deactivate(as_manager, referent)
    rows = referent.history.count()

    response = deactivate(as_manager, referent)

    assert response.status_code == 302
    assert referent.history.count() == rows


def test_the_follow_ups_still_in_the_referents_charge_are_counted_and_listed_to_hand_over(as_manager, hub, referent):
    def baseline(**fields):
        return FollowUpFactory(enterprise=EnterpriseFactory(hub=hub), **fields)

    waiting = [baseline(assigned_to=referent), baseline(assigned_to=referent)]
    baseline(assigned_to=referent, collected_on=datetime.date(2026, 3, 2))
    baseline()

    page = deactivate(as_manager, referent)

    assert page.context["followups"] == 2
    link = re.search(r'href="(/manage/followups/\?[^"]+)">', page.content.decode()).group(1).replace("&amp;", "&")
    listed = as_manager.get(link).context["page"].object_list
    assert sorted(followup.pk for followup in listed) == sorted(followup.pk for followup in waiting)
