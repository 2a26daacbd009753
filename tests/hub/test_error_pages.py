"""Refused (403) and missing (404) pages are the site's own, in the user's language, with the menu and a way
back; under /api/ they stay JSON."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ManagerFactory


def menu_of(html: str) -> bool:
    return '<nav class="menu">' in html


@pytest.mark.parametrize(
    ("user_fixture", "path"),
    [
        ("manager", "/manage/nothing-here/"),
        ("referent", "/m/cases/999999/"),
        ("sme_user", "/portal/nothing-here/"),
        ("admin_user", "/admin/hub/nothing-here/"),
    ],
)
def test_a_missing_page_is_the_sites_own_in_french_with_the_menu(client, request, user_fixture, path):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in html
    assert menu_of(html)
    assert f'href="{reverse("home")}"' in html
    assert "Not Found" not in html


def test_a_refused_page_is_the_sites_own_in_french_with_the_menu(client, referent):
    client.force_login(referent)
    response = client.get("/portal/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Accès refusé" in html
    assert menu_of(html)
    assert "Ma journée" in html
    assert f'href="{reverse("home")}"' in html
    assert "Forbidden" not in html


def test_the_admins_refusal_is_the_sites_own_page(client, hub):
    """A staff member without the permission to change a model is refused by the Django admin itself."""
    client.force_login(ManagerFactory(hub=hub, is_staff=True))
    response = client.get(reverse("admin:hub_enterprise_add"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Accès refusé" in html
    assert menu_of(html)


def test_the_error_pages_follow_the_language_chosen(client, referent):
    client.force_login(referent)
    client.post(reverse("set_language"), {"language": "en", "next": "/m/"})
    assert "Access refused" in client.get("/portal/").content.decode()
    assert "Page not found" in client.get("/m/nothing-here/").content.decode()


def test_an_expired_form_is_refused_with_a_french_page(referent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(referent)
    response = client.post(reverse("logout"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Formulaire expiré" in html
    assert "CSRF verification failed" not in html


def test_the_api_answers_json_still(client, referent):
    client.force_login(referent)
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Introuvable."}
