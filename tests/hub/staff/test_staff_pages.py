"""Who manages whom on the staff pages, and the corrections a manager makes, kept in the history."""

import pytest

from hub.models import AdministrativeUnit, User
from tests.factories import ReferentUserFactory, SmeUserFactory, ViewerFactory

pytestmark = pytest.mark.django_db


def person_url(person) -> str:
    return f"/manage/staff/{person.pk}/"


def edit(client, person, **data):
    return client.post(
        person_url(person),
        {"name": "Issa Coulibaly", "phone": "65 11 22 33", "email": "", "domains": ["energy"], **data},
    )


def test_a_manager_corrects_a_referents_phone_domains_and_regions_and_the_history_names_them(
    as_manager, manager, referent
):
    kayes = AdministrativeUnit.objects.get(code="ML-KAY")

    response = edit(as_manager, referent, phone="66 44 55 66", domains=["ict", "textiles"], regions=[kayes.pk])

    assert response.status_code == 302
    referent.refresh_from_db()
    assert str(referent.phone) == "+22366445566"
    assert referent.referent.domains == ["ict", "textiles"]
    assert list(referent.referent.regions.all()) == [kayes]
    assert referent.history.latest().history_user == manager
    assert referent.referent.history.latest().history_user == manager
    page = as_manager.get(person_url(referent))
    changes = page.context["changes"]
    assert changes[0].by == manager
    assert {field.label for change in changes for field in change.fields} >= {
        "numéro de téléphone",
        "domaines technologiques",
    }


def test_a_referents_regions_are_those_of_the_hubs_country(as_manager, referent):
    page = as_manager.get(person_url(referent))
    offered = set(page.context["form"].fields["regions"].queryset.values_list("country", flat=True))
    assert offered == {"ML"}


def test_the_list_shows_the_hubs_people_with_their_state(as_manager, hub, manager, referent, other_referent):
    pending = ReferentUserFactory(hub=hub, last_name="Invitee")
    pending.set_unusable_password()
    pending.save()

    response = as_manager.get("/manage/staff/")

    assert response.status_code == 200
    assert set(response.context["staff"]) == {manager, referent, pending}
    assert response.context["viewers"] is None


class TestWhoManagesWhom:
    def test_another_hubs_person_is_not_found_for_a_manager(self, as_manager, other_referent, other_manager):
        for person in (other_referent, other_manager):
            assert as_manager.get(person_url(person)).status_code == 404
            assert edit(as_manager, person).status_code == 404
            assert as_manager.post(f"{person_url(person)}deactivate/").status_code == 404
            assert as_manager.post(f"{person_url(person)}reactivate/").status_code == 404
            assert as_manager.post(f"{person_url(person)}invite/").status_code == 404
        other_referent.refresh_from_db()
        assert other_referent.is_active and other_referent.get_full_name() != "Issa Coulibaly"

    def test_a_manager_does_not_manage_viewers_nor_sme_users(self, as_manager, hub, enterprise):
        for person in (ViewerFactory(), SmeUserFactory(enterprise=enterprise)):
            assert as_manager.get(person_url(person)).status_code == 404
        assert as_manager.get("/manage/staff/viewers/new/").status_code == 403

    @pytest.mark.parametrize("fixture", ["referent", "sme_user", "viewer"])
    def test_referents_sme_users_and_viewers_are_refused(self, client, request, fixture, manager):
        client.force_login(request.getfixturevalue(fixture))
        for url in ("/manage/staff/", "/manage/staff/new/", person_url(manager), f"{person_url(manager)}deactivate/"):
            assert client.get(url).status_code == 403, url
        assert client.post(f"{person_url(manager)}deactivate/").status_code == 403
        manager.refresh_from_db()
        assert manager.is_active

    def test_an_administrator_manages_any_hubs_staff(self, client, admin_user, other_hub, other_referent):
        client.force_login(admin_user)

        assert client.get("/manage/staff/?hub=ML2").context["staff"].get() == other_referent
        assert edit(client, other_referent, phone="66 44 55 67").status_code == 302
        other_referent.refresh_from_db()
        assert str(other_referent.phone) == "+22366445567"
        assert other_referent.history.latest().history_user == admin_user

    def test_an_administrator_chooses_the_hub_of_a_new_person(self, client, admin_user, other_hub):
        client.force_login(admin_user)

        assert client.get("/manage/staff/new/").context["chooser"] is not None
        response = client.post(
            "/manage/staff/new/?hub=ML2", {"role": "manager", "name": "Awa Sangaré", "phone": "65 99 88 77"}
        )

        assert response.status_code == 302
        assert User.objects.get(phone="+22365998877").hub == other_hub

    def test_a_manager_adds_people_to_their_own_hub_whatever_the_address_says(self, as_manager, hub, other_hub):
        as_manager.post("/manage/staff/new/?hub=ML2", {"role": "manager", "name": "Awa", "phone": "65 99 88 77"})
        assert User.objects.get(phone="+22365998877").hub == hub


def test_a_manager_cannot_deactivate_themselves(as_manager, manager):
    response = as_manager.post(f"{person_url(manager)}deactivate/")
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.is_active


def test_the_management_home_leads_managers_to_their_team_and_administrators_to_the_hubs(client, manager, admin_user):
    client.force_login(manager)
    page = client.get("/manage/").content.decode()
    assert 'href="/manage/staff/"' in page
    assert 'href="/manage/hubs/"' not in page
    client.force_login(admin_user)
    page = client.get("/manage/").content.decode()
    assert 'href="/manage/staff/"' in page and 'href="/manage/hubs/"' in page
