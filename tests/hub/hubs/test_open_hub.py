"""Opening a hub, from the command line or the administrators' page: the hub with its country's regions, its
public holidays of this year and the next and the model's service standards, and its first manager invited;
all of it, or nothing."""

import io
import re
from unittest import mock

import pytest
from django.contrib.auth import get_user
from django.core.management import CommandError, call_command
from django.utils import timezone

from hub.hubs import services
from hub.models import AdministrativeUnit, Hub, HubHoliday, Role, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Karite-Solaire-2026"


def open_hub(committed, *args):
    with committed(execute=True):
        call_command("open_hub", *args, stdout=io.StringIO())


class TestCommand:
    def test_a_senegal_hub_is_opened_with_its_regions_holidays_standards_and_manager(
        self, django_capture_on_commit_callbacks, sms_outbox, client
    ):
        open_hub(
            django_capture_on_commit_callbacks,
            "--country", "SN", "--code", "sn", "--name", "HUB IIT Sénégal",
            "--manager-phone", "77 123 45 67", "--manager-name", "Aïssatou Ndiaye",
        )  # fmt: skip

        hub = Hub.objects.get(code="SN")
        assert (hub.country, hub.time_zone, hub.language) == ("SN", "Africa/Dakar", "fr")
        assert (hub.acknowledge_days, hub.resolve_days) == (1, 20)
        assert AdministrativeUnit.objects.filter(country="SN").count() >= 14
        year = timezone.localdate(timezone=hub.zone).year
        years = set(HubHoliday.objects.filter(hub=hub).values_list("date__year", flat=True))
        assert years == {year, year + 1}
        assert HubHoliday.objects.filter(hub=hub, date__year=year, date__month=4, date__day=4).exists()
        manager = User.objects.get(hub=hub)
        assert (manager.role, str(manager.phone), manager.get_full_name()) == (
            Role.MANAGER,
            "+221771234567",
            "Aïssatou Ndiaye",
        )
        assert [message.to for message in sms_outbox] == ["+221771234567"]
        link = re.search(r"https://hub\.example\.org(\S+)", sms_outbox[0].body).group(1)
        client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert get_user(client) == manager

    def test_a_guinea_bissau_hub_speaks_portuguese_and_a_given_zone_is_kept(self, django_capture_on_commit_callbacks):
        open_hub(
            django_capture_on_commit_callbacks,
            "--country", "GW", "--code", "GW", "--name", "HUB IIT Guiné-Bissau", "--manager-email", "gw@example.org",
        )  # fmt: skip
        open_hub(
            django_capture_on_commit_callbacks,
            "--country", "NE", "--code", "NE2", "--name", "Antenne de Zinder", "--time-zone", "Africa/Lagos",
        )  # fmt: skip

        assert Hub.objects.get(code="GW").language == "pt"
        assert User.objects.get(hub__code="GW").username == "gw@example.org"
        assert Hub.objects.get(code="NE2").time_zone == "Africa/Lagos"
        assert not User.objects.filter(hub__code="NE2").exists()

    @pytest.mark.parametrize(
        ("args", "option"),
        [
            (["--country", "SN", "--code", "ML", "--name", "Doublon"], "--code"),
            (["--country", "FR", "--code", "FR", "--name", "Hors programme"], "--country"),
            (["--country", "SN", "--code", "SN", "--name", "HUB", "--manager-phone", "76 12 34 56"], "--manager-phone"),
            (["--country", "SN", "--code", "SN", "--name", "HUB", "--time-zone", "Mars/Olympus"], "--time-zone"),
            (["--country", "SN", "--code", "SN", "--name", "HUB", "--manager-name", "Awa Ndiaye"], "--manager-phone"),
        ],
        ids=[
            "duplicate-code",
            "unknown-country",
            "malian-phone-for-senegal",
            "unknown-time-zone",
            "manager-unreachable",
        ],
    )
    def test_a_refusal_names_its_option_and_saves_nothing(
        self, hub, django_capture_on_commit_callbacks, sms_outbox, args, option
    ):
        before = (Hub.objects.count(), User.objects.count(), HubHoliday.objects.count())

        with pytest.raises(CommandError, match=f"^{option} : "):
            open_hub(django_capture_on_commit_callbacks, *args)

        assert (Hub.objects.count(), User.objects.count(), HubHoliday.objects.count()) == before
        assert sms_outbox == []

    def test_a_failure_after_the_units_and_holidays_leaves_nothing_behind(
        self, django_capture_on_commit_callbacks, sms_outbox
    ):
        AdministrativeUnit.objects.filter(country="SN").delete()
        with (
            mock.patch.object(services, "staff_create", side_effect=RuntimeError("SMS gateway down")),
            pytest.raises(RuntimeError),
        ):
            open_hub(
                django_capture_on_commit_callbacks,
                "--country", "SN", "--code", "SN", "--name", "HUB", "--manager-phone", "77 123 45 67",
            )  # fmt: skip

        assert not Hub.objects.filter(code="SN").exists()
        assert not AdministrativeUnit.objects.filter(country="SN").exists()
        assert not HubHoliday.objects.exists()
        assert sms_outbox == []


class TestPage:
    def test_an_administrator_opens_a_hub_from_the_page(self, client, admin_user, django_capture_on_commit_callbacks):
        client.force_login(admin_user)
        assert client.get("/manage/hubs/new/").status_code == 200

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/manage/hubs/new/",
                {"country": "NE", "code": "NE", "name": "HUB IIT Niger", "manager_email": "niamey@example.org"},
            )

        assert response.status_code == 302
        hub = Hub.objects.get(code="NE")
        assert (hub.time_zone, hub.history.get().history_user) == ("Africa/Niamey", admin_user)
        assert hub.holidays.exists()
        assert User.objects.get(hub=hub).history.latest().history_user == admin_user
        assert [hub.code for hub in client.get("/manage/hubs/").context["hubs"]] == ["NE"]

    def test_a_duplicate_code_is_a_form_error_and_nothing_is_saved(self, client, admin_user, hub):
        client.force_login(admin_user)

        response = client.post("/manage/hubs/new/", {"country": "SN", "code": "ml", "name": "Doublon"})

        assert response.status_code == 200
        assert list(response.context["form"].errors) == ["code"]
        assert Hub.objects.count() == 1

    def test_a_bad_manager_phone_is_a_form_error_and_nothing_is_saved(self, client, admin_user):
        client.force_login(admin_user)

        response = client.post(
            "/manage/hubs/new/", {"country": "SN", "code": "SN", "name": "HUB", "manager_phone": "+223 76 12 34 56"}
        )

        assert list(response.context["form"].errors) == ["manager_phone"]
        assert not Hub.objects.exists()

    @pytest.mark.parametrize("fixture", ["manager", "referent", "sme_user", "viewer"])
    def test_only_administrators_open_hubs(self, client, request, fixture):
        client.force_login(request.getfixturevalue(fixture))
        assert client.get("/manage/hubs/").status_code == 403
        assert client.post("/manage/hubs/new/", {"country": "SN", "code": "SN", "name": "HUB"}).status_code == 403
        assert not Hub.objects.filter(code="SN").exists()
