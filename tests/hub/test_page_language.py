"""Pages speak the language a person chose with the switcher, else their account's (a Guinea-Bissau hub's
team starts in Portuguese), else French."""

import pytest
from django.conf import settings

from tests.factories import PASSWORD, HubFactory, ManagerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bissau_manager(db):
    hub = HubFactory(code="GW", country="GW")
    assert hub.language == "pt"
    return ManagerFactory(hub=hub, language=hub.language)


def sign_in(client, user):
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_a_manager_of_a_portuguese_speaking_hub_reads_portuguese_from_the_sign_in(client, bissau_manager):
    assert "Iniciar sessão" not in client.get("/login/").content.decode(), "before signing in: French"
    sign_in(client, bissau_manager)

    page = client.get("/manage/")

    assert page["Content-Language"] == "pt"
    assert "Gestão do programa" in page.content.decode()


def test_the_switchers_choice_comes_before_the_accounts_language(client, bissau_manager):
    sign_in(client, bissau_manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    page = client.get("/manage/")

    assert page["Content-Language"] == "fr"
    assert "Gestion du programme" in page.content.decode()


def test_a_visitor_who_chose_nothing_reads_french(client):
    assert client.get("/login/")["Content-Language"] == "fr"
