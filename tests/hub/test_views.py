"""Sign-in and the home page of each role."""

import pytest
from django.urls import reverse

from cases.models import CaseStatus
from tests.factories import PASSWORD, CaseFactory, EnterpriseFactory, VisitFactory


@pytest.mark.parametrize(
    ("user_fixture", "home"),
    [
        ("sme_user", "/portal/"),
        ("referent", "/m/"),
        ("manager", "/manage/"),
        ("viewer", "/manage/"),
        ("admin_user", "/manage/"),
    ],
)
def test_signing_in_lands_each_role_on_its_home(client, request, user_fixture, home):
    user = request.getfixturevalue(user_fixture)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == home
    assert response.status_code == 200


def test_sign_in_page_is_french_by_default_whatever_the_browser_says(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "fr"
    assert "Se connecter" in response.content.decode()


def test_english_once_chosen(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert "Sign in" in client.get(reverse("login")).content.decode()


def test_wrong_password_is_refused_with_a_french_message(client, manager):
    response = client.post(reverse("login"), {"username": "manager", "password": "wrong"})
    assert response.status_code == 200
    assert "nom d’utilisateur et un mot de passe valides" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for path in ["/", "/manage/", "/portal/", "/m/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("user_fixture", "path"),
    [("sme_user", "/m/"), ("referent", "/portal/"), ("manager", "/portal/"), ("viewer", "/m/")],
)
def test_a_role_cannot_open_another_roles_home(client, request, user_fixture, path):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(path).status_code == 403


def test_portal_lists_only_the_smes_own_cases(client, sme_user, enterprise, hub):
    CaseFactory(enterprise=enterprise, title="Presse à karité")
    CaseFactory(enterprise=EnterpriseFactory(hub=hub), title="Moulin voisin")
    client.force_login(sme_user)
    page = client.get("/portal/").content.decode()
    assert "Presse à karité" in page
    assert "Moulin voisin" not in page


def test_mobile_home_shows_the_referents_overdue_and_open_cases_and_visits(client, referent, enterprise):
    CaseFactory(
        enterprise=enterprise,
        assigned_to=referent,
        status=CaseStatus.IN_PROGRESS,
        title="Séchoir en retard",
        resolve_due="2020-01-01",
    )
    CaseFactory(enterprise=enterprise, assigned_to=referent, status=CaseStatus.ASSIGNED, title="Four à poisson")
    CaseFactory(enterprise=enterprise, status=CaseStatus.NEW, title="Pas à moi")
    VisitFactory(referent=referent, enterprise=enterprise)
    client.force_login(referent)
    response = client.get("/m/")
    assert [case.title for case in response.context["overdue_cases"]] == ["Séchoir en retard"]
    assert [case.title for case in response.context["open_cases"]] == ["Four à poisson"]
    assert len(response.context["recent_visits"]) == 1
    assert "Pas à moi" not in response.content.decode()


def test_manager_home_counts_only_the_managers_hub(client, manager, enterprise, other_enterprise):
    CaseFactory(enterprise=enterprise)
    CaseFactory(enterprise=enterprise, status=CaseStatus.IN_PROGRESS, resolve_due="2020-01-01")
    CaseFactory(enterprise=other_enterprise)
    client.force_login(manager)
    counts = client.get("/manage/").context["counts"]
    assert counts == {"new": 1, "open": 2, "overdue": 1}


def test_viewer_home_shows_aggregates_of_every_hub_and_no_record(client, viewer, enterprise, other_enterprise):
    CaseFactory(enterprise=enterprise, title="Titre confidentiel")
    CaseFactory(enterprise=other_enterprise)
    client.force_login(viewer)
    response = client.get("/manage/")
    assert {hub.code: hub.case_count for hub in response.context["hubs"]} == {"ML": 1, "ML2": 1}
    assert "counts" not in response.context
    assert "Titre confidentiel" not in response.content.decode()
    assert enterprise.name not in response.content.decode()


def test_viewer_home_counts_each_hubs_enterprises_cases_resolved_and_visits(client, viewer, hub, other_hub):
    first, second = EnterpriseFactory.create_batch(2, hub=hub)
    EnterpriseFactory(hub=hub)
    CaseFactory.create_batch(2, enterprise=first, status=CaseStatus.RESOLVED)
    CaseFactory(enterprise=first, status=CaseStatus.CLOSED)
    CaseFactory(enterprise=second, status=CaseStatus.IN_PROGRESS)
    VisitFactory.create_batch(3, enterprise=second)
    elsewhere = EnterpriseFactory(hub=other_hub)
    VisitFactory(enterprise=elsewhere)
    client.force_login(viewer)

    hubs = client.get("/manage/").context["hubs"]

    totals = {h.code: (h.enterprise_count, h.case_count, h.resolved_count, h.visit_count) for h in hubs}
    assert totals == {"ML": (3, 4, 3, 3), "ML2": (1, 0, 0, 1)}


@pytest.mark.parametrize("visits", [1, 6])
def test_viewer_home_costs_the_same_queries_whatever_the_records(
    client, viewer, hub, visits, django_assert_num_queries
):
    enterprise = EnterpriseFactory(hub=hub)
    CaseFactory.create_batch(visits, enterprise=enterprise)
    VisitFactory.create_batch(visits, enterprise=enterprise)
    client.force_login(viewer)
    # The session, the user, the hubs with their four counts.
    with django_assert_num_queries(3):
        client.get("/manage/")
