"""The pages of a country's set-up: a manager keeps their hub's public holidays, administrators any hub's and
the administrative units; nobody reaches another hub's holiday, and hub-bound staff change no unit."""

import datetime

import pytest
from django.utils import translation
from django.utils.html import escape

from hub.country.holidays import refresh_holidays
from hub.models import AdministrativeUnit, HubHoliday
from tests.factories import HubFactory, ManagerFactory, ReferentUserFactory

D = datetime.date
HOLIDAYS = "/manage/country/holidays/"
UNITS = "/manage/country/units/"
TABASKI = D(2027, 5, 16)


def fr(msgid: str) -> str:
    """The French text of one of our messages (the English msgid until the catalogue is compiled)."""
    with translation.override("fr"):
        return translation.gettext(msgid)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def mali(hub):
    refresh_holidays(hub, years=[2027])
    return hub


@pytest.fixture
def niger(db):
    hub = HubFactory(code="NE", country="NE", name="HUB IIT Niger")
    refresh_holidays(hub, years=[2027])
    return hub


def tabaski(hub) -> HubHoliday:
    return hub.holidays.get(date=TABASKI)


class TestHolidaysPage:
    def test_a_manager_sees_their_hubs_holidays_of_a_year_estimated_or_corrected(self, as_manager, mali, niger):
        HubHoliday.objects.create(hub=mali, date=D(2027, 2, 15), name="Journée décrétée", corrected=True)

        page = text(as_manager.get(HOLIDAYS, {"year": 2027, "hub": "NE"}))

        assert "Journée de la Tabaski (estimé)" in page and "Journée décrétée" in page
        assert f'<span class="status">{fr("from the calendar")}</span>' in page
        assert fr("added by the hub") in page
        assert "Fête nationale de la Concorde" not in page
        assert 'href="?hub=ML&amp;year=2028"' in page

    def test_an_administrator_before_any_hub_is_sent_to_open_the_first(self, client, admin_user):
        client.force_login(admin_user)

        response = client.get(HOLIDAYS)

        assert response.status_code == 302 and response["Location"] == "/manage/hubs/new/"
        assert client.post(f"{HOLIDAYS}refresh/").status_code == 404

    def test_an_administrator_chooses_the_hub(self, client, admin_user, mali, niger):
        client.force_login(admin_user)
        page = text(client.get(HOLIDAYS, {"year": 2027, "hub": "NE"}))
        assert "Fête nationale de la Concorde" in page and '<option value="ML"' in page

    @pytest.mark.parametrize("user", ["sme_user", "referent", "viewer"])
    def test_others_are_refused(self, client, request, mali, user):
        client.force_login(request.getfixturevalue(user))
        assert client.get(HOLIDAYS).status_code == 403
        assert client.post(f"{HOLIDAYS}{tabaski(mali).pk}/remove/").status_code == 403

    def test_a_year_out_of_range_is_not_found(self, as_manager):
        assert as_manager.get(HOLIDAYS, {"year": "1789"}).status_code == 404

    def test_another_hubs_holiday_is_not_found(self, as_manager, niger):
        concorde = niger.holidays.get(date=D(2027, 4, 24))
        assert as_manager.post(f"{HOLIDAYS}{concorde.pk}/remove/").status_code == 404
        assert as_manager.post(f"{HOLIDAYS}{concorde.pk}/", {f"h{concorde.pk}-name": "x"}).status_code == 404
        assert niger.holidays.filter(pk=concorde.pk, name="Fête nationale de la Concorde").exists()

    def test_a_manager_moves_tabaski_to_its_announced_date(self, as_manager, mali, manager):
        holiday = tabaski(mali)
        data = {f"h{holiday.pk}-date": "2027-05-17", f"h{holiday.pk}-name": "Tabaski"}

        response = as_manager.post(f"{HOLIDAYS}{holiday.pk}/", data)

        assert response.status_code == 302
        assert response["Location"] == f"{HOLIDAYS}?hub=ML&year=2027"
        holiday.refresh_from_db()
        assert (holiday.date, holiday.corrected, holiday.library_date) == (D(2027, 5, 17), True, TABASKI)
        assert holiday.history.latest().history_user == manager
        assert "Tabaski" in text(as_manager.get(response["Location"]))

    def test_a_correction_onto_a_taken_day_is_explained_and_saves_nothing(self, as_manager, mali):
        holiday = tabaski(mali)
        data = {f"h{holiday.pk}-date": "2027-05-25", f"h{holiday.pk}-name": "Tabaski"}

        response = as_manager.post(f"{HOLIDAYS}{holiday.pk}/", data)

        assert response.status_code == 400
        assert f'id="id_h{holiday.pk}-date-error"' in text(response)
        assert escape(fr("%(name)s is already on that day.") % {"name": "Journée de l'Afrique"}) in text(response)
        assert tabaski(mali).corrected is False

    def test_a_manager_adds_a_holiday(self, as_manager, mali):
        response = as_manager.post(
            f"{HOLIDAYS}add/?hub=ML&year=2027", {"new-date": "2027-02-15", "new-name": "Journée décrétée"}
        )
        assert response.status_code == 302
        assert mali.holidays.get(date=D(2027, 2, 15)).corrected

    def test_a_holiday_without_a_name_or_date_is_refused_field_by_field(self, as_manager, mali):
        response = as_manager.post(f"{HOLIDAYS}add/?hub=ML&year=2027", {"new-date": "15/02", "new-name": ""})
        page = text(response)
        assert response.status_code == 400
        assert 'id="id_new-date-error"' in page and 'id="id_new-name-error"' in page
        assert fr("Nothing was saved: correct the fields marked below.") in page
        assert not mali.holidays.filter(date__month=2).exists()

    def test_a_holiday_removed_does_not_come_back_with_the_refresh(self, as_manager, mali):
        africa = mali.holidays.get(date=D(2027, 5, 25))
        assert as_manager.post(f"{HOLIDAYS}{africa.pk}/remove/").status_code == 302

        response = as_manager.post(f"{HOLIDAYS}refresh/?hub=ML&year=2027")

        assert response.status_code == 302
        assert not mali.holidays.filter(date=D(2027, 5, 25)).exists()

    def test_the_refresh_button_loads_the_year(self, as_manager, hub):
        response = as_manager.post(f"{HOLIDAYS}refresh/?hub=ML&year=2028", follow=True)
        assert hub.holidays.filter(date__year=2028).count() == 12
        message = fr(
            "Calendar refreshed: %(added)s added, %(renamed)s renamed, %(removed)s removed; "
            "%(kept)s corrections of the hub kept."
        ) % {"added": 12, "renamed": 0, "removed": 0, "kept": 0}
        assert message in text(response)

    def test_a_manager_cannot_refresh_another_hub_by_naming_it(self, as_manager, hub, niger):
        as_manager.post(f"{HOLIDAYS}refresh/?hub=NE&year=2028")
        assert not niger.holidays.filter(date__year=2028).exists()
        assert hub.holidays.filter(date__year=2028).exists()


class TestUnitsPages:
    def test_an_administrator_lists_a_countrys_units(self, client, admin_user):
        client.force_login(admin_user)
        page = text(client.get(UNITS, {"country": "SN"}))
        assert "Dakar" in page and "SN-DK" in page and "Bamako" not in page
        assert '<option value="NE"' in page

    def test_a_manager_reads_their_own_countrys_units_only(self, as_manager):
        page = text(as_manager.get(UNITS))
        assert "Bamako" in page and "Kita" in page
        assert as_manager.get(UNITS, {"country": "SN"}).status_code == 404
        assert as_manager.get(f"{UNITS}SN-DK/").status_code == 404
        assert as_manager.get(f"{UNITS}ML-KIT/").status_code == 200

    @pytest.mark.parametrize("user", ["sme_user", "referent", "viewer"])
    def test_others_are_refused(self, client, request, user):
        client.force_login(request.getfixturevalue(user))
        assert client.get(UNITS).status_code == 403
        assert client.get(f"{UNITS}ML-BKO/").status_code == 403

    def test_an_administrator_corrects_a_unit_and_the_history_says_who(self, client, admin_user):
        client.force_login(admin_user)
        data = {"name": "Agadez", "kind": "region", "iso_code": "NE-1"}

        response = client.post(f"{UNITS}NE-1/", data)

        assert response.status_code == 302
        assert AdministrativeUnit.objects.get(code="NE-1").name == "Agadez"
        page = text(client.get(f"{UNITS}NE-1/"))
        assert "<del>Agadès</del> → Agadez" in page and admin_user.get_full_name() in page

    def test_an_iso_code_of_another_country_is_refused(self, client, admin_user):
        client.force_login(admin_user)
        response = client.post(f"{UNITS}NE-1/", {"name": "Agadès", "kind": "region", "iso_code": "ML-1"})
        assert response.status_code == 400
        assert 'id="id_iso_code-error"' in text(response)
        assert AdministrativeUnit.objects.get(code="NE-1").iso_code == "NE-1"

    def test_hub_staff_change_no_unit(self, as_manager):
        response = as_manager.post(f"{UNITS}ML-KIT/", {"name": "Kita", "kind": "district", "iso_code": ""})
        assert response.status_code == 403
        assert as_manager.post(f"{UNITS}load/", {"country": "ML"}).status_code == 403
        assert AdministrativeUnit.objects.get(code="ML-KIT").kind == "region"

    def test_an_administrator_loads_the_missing_units_of_a_country(self, client, admin_user):
        AdministrativeUnit.objects.filter(code="TG-K").delete()
        client.force_login(admin_user)
        response = client.post(f"{UNITS}load/", {"country": "TG"})
        assert response["Location"] == f"{UNITS}?country=TG"
        assert AdministrativeUnit.objects.get(code="TG-K").name == "Kara"


def test_a_manager_of_another_hub_gets_only_their_own(client, mali, niger):
    client.force_login(ManagerFactory(hub=niger))
    page = text(client.get(HOLIDAYS, {"year": 2027, "hub": "ML"}))
    assert "Fête nationale de la Concorde" in page and "Journée de l'Afrique" not in page


def test_a_referent_of_the_hub_cannot_correct_its_holidays(client, mali):
    client.force_login(ReferentUserFactory(hub=mali))
    holiday = tabaski(mali)
    assert client.post(f"{HOLIDAYS}{holiday.pk}/", {f"h{holiday.pk}-date": "2027-05-17"}).status_code == 403
