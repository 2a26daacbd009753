"""A hub's managers keep its settings on a page (administrators any hub's): name, time zone, language, weekend
days and service standards, each change in the hub's history; new standards count for the due dates set from
then on."""

import pytest

from cases.services import case_create
from hub.calendar import HubCalendar
from hub.models import Hub
from tests.factories import HubFactory

pytestmark = pytest.mark.django_db


def settings_of(hub) -> dict:
    return {
        "name": hub.name,
        "host_organisation": hub.host_organisation,
        "time_zone": hub.time_zone,
        "language": hub.language,
        "weekend_days": [str(day) for day in hub.weekend_days],
        "acknowledge_days": hub.acknowledge_days,
        "assign_days": hub.assign_days,
        "first_contact_days": hub.first_contact_days,
        "resolve_days": hub.resolve_days,
        "reopen_days": hub.reopen_days,
        "followup_6_months_days": hub.followup_6_months_days,
        "followup_12_months_days": hub.followup_12_months_days,
    }


def url(hub) -> str:
    return f"/manage/hubs/{hub.code}/settings/"


def test_a_manager_changes_their_hubs_standards_and_new_cases_follow_them(as_manager, manager, hub, sme_user):
    form = settings_of(hub) | {"resolve_days": 10, "weekend_days": ["4", "5"], "time_zone": "Africa/Niamey"}

    response = as_manager.post(url(hub), form)

    assert response.status_code == 302
    hub.refresh_from_db()
    assert (hub.resolve_days, hub.weekend_days, hub.time_zone) == (10, [4, 5], "Africa/Niamey")
    change = hub.history.first()
    assert change.history_user == manager
    assert change.prev_record.resolve_days == 20
    case = case_create(enterprise=sme_user.enterprise, by=sme_user, domain="energy", title="Four", description="…")
    calendar = HubCalendar.of(hub)
    received_on = calendar.local_date(case.received_at)
    assert case.resolve_due == calendar.add_working_days(received_on, 10)
    assert {4, 5} == calendar.weekend


def test_a_refused_value_saves_nothing_and_says_why_in_french(as_manager, hub):
    form = settings_of(hub) | {"resolve_days": 10, "followup_6_months_days": 400, "time_zone": "Afrique/Nulle-part"}

    response = as_manager.post(url(hub), form)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Sélectionnez un choix valide. Afrique/Nulle-part n’en fait pas partie." in errors["time_zone"]
    assert "Le suivi à 12 mois vient après celui à 6 mois." in errors["followup_12_months_days"]
    hub.refresh_from_db()
    assert hub.resolve_days == 20


def test_another_hubs_settings_are_not_found_for_a_manager(as_manager, other_hub):
    assert as_manager.get(url(other_hub)).status_code == 404
    assert as_manager.post(url(other_hub), settings_of(other_hub) | {"resolve_days": 1}).status_code == 404
    other_hub.refresh_from_db()
    assert other_hub.resolve_days == 20


@pytest.mark.parametrize("role", ["referent", "sme_user", "viewer"])
def test_other_roles_are_refused(client, request, hub, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url(hub)).status_code == 403


def test_an_administrator_keeps_any_hubs_settings(client, admin_user):
    niger = HubFactory(code="NE", country="NE")
    client.force_login(admin_user)

    response = client.post(url(niger), settings_of(niger) | {"language": "en"})

    assert response.status_code == 302
    assert Hub.objects.get(pk=niger.pk).language == "en"
    assert f'href="{url(niger)}"' in client.get("/manage/hubs/").content.decode()


def test_the_managers_home_links_to_their_hubs_settings(as_manager, hub):
    assert f'href="{url(hub)}"' in as_manager.get("/manage/").content.decode()


def test_the_time_zone_is_chosen_among_africas_with_its_offset(as_manager, hub):
    page = as_manager.get(url(hub)).content.decode()

    assert '<option value="Africa/Niamey">Africa/Niamey (UTC+01:00)</option>' in page
    assert '<option value="Africa/Bamako" selected>Africa/Bamako (UTC+00:00)</option>' in page
