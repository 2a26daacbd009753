"""A manager adds a referent or a manager from the staff page; the person is invited by text message and e-mail
and chooses a password with the link, then signs in with their phone number."""

import re

import pytest
from django.contrib.auth import get_user

from hub.models import Referent, Role, User
from hub.staff.services import staff_invitation_token
from tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Karite-Solaire-2026"


def add_referent(client, committed, **data):
    with committed():
        return client.post(
            "/manage/staff/new/",
            {
                "role": "referent",
                "name": "Issa Coulibaly",
                "phone": "65 11 22 33",
                "email": "issa@example.org",
                "domains": ["energy"],
                **data,
            },
        )


def link_in(text: str) -> str:
    return re.search(r"https://hub\.example\.org(/manage/staff/invitation/\S+/)", text).group(1)


def test_a_manager_adds_a_referent_who_is_invited_by_sms_and_e_mail(
    as_manager, hub, manager, committed, sms_outbox, mailoutbox
):
    response = add_referent(as_manager, committed, domains=["energy", "ict"])

    person = User.objects.get(username="+22365112233")
    assert response.status_code == 302
    assert response["Location"] == f"/manage/staff/{person.pk}/"
    assert (person.role, person.hub, person.get_full_name(), person.email) == (
        Role.REFERENT,
        hub,
        "Issa Coulibaly",
        "issa@example.org",
    )
    assert not person.has_usable_password()
    assert Referent.objects.get(user=person).domains == ["energy", "ict"]
    assert [message.to for message in sms_outbox] == ["+22365112233"]
    assert [message.to for message in mailoutbox] == [["issa@example.org"]]
    assert link_in(sms_outbox[0].body) == link_in(mailoutbox[0].body)
    assert person.history.latest().history_user == manager


def test_the_link_sets_the_password_and_signs_in_then_the_phone_and_password_work(
    as_manager, client, committed, sms_outbox, django_user_model
):
    add_referent(as_manager, committed)
    as_manager.logout()
    link = link_in(sms_outbox[0].body)

    assert client.get(link).status_code == 200
    response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    person = django_user_model.objects.get(username="+22365112233")
    assert response.status_code == 302
    assert get_user(client) == person
    client.logout()
    client.post("/login/", {"username": "65 11 22 33", "password": NEW_PASSWORD})
    assert get_user(client) == person
    client.logout()
    assert client.get(link).status_code == 410, "a link works once"


def test_a_weak_password_is_refused_and_the_link_still_works(as_manager, client, committed, sms_outbox):
    add_referent(as_manager, committed)
    as_manager.logout()
    link = link_in(sms_outbox[0].body)

    response = client.post(link, {"password1": "12345678", "password2": "12345678"})

    assert response.status_code == 200
    assert not User.objects.get(username="+22365112233").has_usable_password()
    assert client.get(link).status_code == 200


def test_an_altered_link_and_a_deactivated_persons_link_cannot_be_used(client, hub, as_manager, committed):
    add_referent(as_manager, committed)
    person = User.objects.get(username="+22365112233")
    token = staff_invitation_token(person)
    assert client.get(f"/manage/staff/invitation/{token}x/").status_code == 410
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert client.get(f"/manage/staff/invitation/{token}/").status_code == 410


def test_a_manager_with_an_e_mail_only_is_invited_by_e_mail_and_signs_in_with_it(
    as_manager, client, hub, committed, sms_outbox, mailoutbox
):
    with committed():
        as_manager.post("/manage/staff/new/", {"role": "manager", "name": "Fanta Keïta", "email": "Fanta@Example.org"})

    person = User.objects.get(role=Role.MANAGER, email="fanta@example.org")
    assert person.username == "fanta@example.org"
    assert not hasattr(person, "referent") or person.referent is None
    assert sms_outbox == []
    link = link_in(mailoutbox[0].body)
    client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()
    client.post("/login/", {"username": "fanta@example.org", "password": NEW_PASSWORD})
    assert get_user(client) == person


def test_the_invitation_is_sent_again_until_a_password_is_chosen(as_manager, client, committed, sms_outbox, mailoutbox):
    add_referent(as_manager, committed)
    person = User.objects.get(username="+22365112233")
    with committed():
        response = as_manager.post(f"/manage/staff/{person.pk}/invite/")
    assert response.status_code == 302
    assert len(sms_outbox) == 2

    person.set_password(NEW_PASSWORD)
    person.save()
    with committed():
        response = as_manager.post(f"/manage/staff/{person.pk}/invite/", follow=True)
    assert len(sms_outbox) == 2
    assert [message.level_tag for message in response.context["messages"]][-1] == "error"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"phone": "+221 77 123 45 67"}, "phone"),
        ({"phone": "66 1"}, "phone"),
        ({"phone": "", "email": ""}, "__all__"),
        ({"domains": []}, "domains"),
    ],
    ids=["senegal-number-in-mali", "not-a-number", "no-contact", "referent-without-domain"],
)
def test_a_phone_of_another_country_a_bad_phone_no_contact_or_no_domain_is_refused(as_manager, committed, data, field):
    response = add_referent(as_manager, committed, **data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not User.objects.filter(role=Role.REFERENT).exists()


def test_a_phone_that_already_has_an_account_is_refused(as_manager, hub, committed, sms_outbox):
    ManagerFactory(hub=hub, phone="+22365112233")

    response = add_referent(as_manager, committed)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["phone"]
    assert sms_outbox == []
