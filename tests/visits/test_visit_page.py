"""A visit's page for hub staff (/manage/visits/<id>/): what was seen, found and recommended, the cases it
worked on, its photos (served after a permission check), and its history for those who may read it."""

import datetime
import json
import re
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.html import escape

from cases.models import CaseStatus
from tests.access_matrix_data import jpeg
from tests.factories import CaseFactory, ManagerFactory, VisitFactory
from visits.models import Purpose, Visit
from visits.services import visit_add_photo

pytestmark = pytest.mark.django_db


def page(visit) -> str:
    return f"/manage/visits/{visit.pk}/"


def html(response) -> str:
    return response.content.decode()


def record_from_phone(client, referent, enterprise, **fields) -> Visit:
    """A visit the referent sends from the phone (POST /api/v1/visits/), as the outbox does."""
    client.force_login(referent)
    response = client.post(
        "/api/v1/visits/",
        json.dumps(
            {
                "client_uuid": str(uuid.uuid4()),
                "enterprise": enterprise.pk,
                "started_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
                "duration_minutes": 45,
                "purpose": "diagnostic",
                "observations": "Séchage au sol",
                "people_reached_total": 3,
                "people_reached_women": 2,
                **fields,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    client.logout()
    return Visit.objects.get(pk=response.json()["id"])


@pytest.fixture
def visit(referent, enterprise):
    referent.first_name, referent.last_name = "Issa", "Traoré"
    referent.save()
    return VisitFactory(
        referent=referent,
        enterprise=enterprise,
        purpose=Purpose.INSTALLATION,
        duration_minutes=75,
        observations="Séchage au sol, pertes importantes.",
        needs_found="Séchoir solaire.",
        recommendations="Installer un séchoir coquillage.",
        next_step="Devis du soudeur",
        follow_up_date=timezone.localdate() + datetime.timedelta(days=10),
        latitude=Decimal("12.639232"),
        longitude=Decimal("-8.002889"),
        gps_accuracy_m=12,
        people_reached_total=6,
        people_reached_women=4,
    )


class TestAccess:
    @pytest.mark.parametrize("role", ["manager", "referent"])
    def test_hub_staff_open_it(self, client, request, role, visit):
        client.force_login(request.getfixturevalue(role))
        response = client.get(page(visit))
        assert response.status_code == 200
        assert response.context["visit"] == visit

    @pytest.mark.parametrize("role", ["sme_user", "viewer"])
    def test_smes_and_viewers_are_refused(self, client, request, role, visit):
        client.force_login(request.getfixturevalue(role))
        assert client.get(page(visit)).status_code == 403

    def test_anonymous_visitors_are_sent_to_the_login_page(self, client, visit):
        response = client.get(page(visit))
        assert response.status_code == 302
        assert response["Location"].startswith(f"/login/?next={page(visit)}")

    @pytest.mark.parametrize("role", ["manager", "referent"])
    def test_another_hubs_visit_is_not_found(self, client, request, role, other_enterprise):
        elsewhere = VisitFactory(enterprise=other_enterprise)
        client.force_login(request.getfixturevalue(role))
        assert client.get(page(elsewhere)).status_code == 404
        assert client.get("/manage/visits/987654/").status_code == 404


class TestFacts:
    def test_shows_what_was_seen_found_and_recommended(self, as_manager, visit, enterprise):
        text = html(as_manager.get(page(visit)))
        assert f'href="/manage/enterprises/{enterprise.pk}/"' in text
        for expected in [
            escape(enterprise.name),
            "Bamako",
            "Issa Traoré",
            "Séchage au sol, pertes importantes.",
            "Séchoir solaire.",
            "Installer un séchoir coquillage.",
            "Devis du soudeur",
            "12.639232, -8.002889",
        ]:
            assert expected in text, expected
        with_numbers = text.split('class="facts"')[1].split("</dl>")[0]
        for number in ["75", "6", "4", "12"]:
            assert re.search(rf"\b{number}\b", with_numbers), number
        assert visit.follow_up_date.strftime("%d/%m/%Y") in text

    def test_a_visit_without_position_says_so_and_shows_no_coordinates(self, client, enterprise, referent, visit):
        client.force_login(ManagerFactory(hub=enterprise.hub))
        client.cookies["django_language"] = "en"
        Visit.objects.filter(pk=visit.pk).update(latitude=None, longitude=None, gps_accuracy_m=None)
        text = html(client.get(page(visit)))
        assert "12.639232" not in text and "12,639232" not in text
        assert "not recorded" in text


class TestLinkedCases:
    def test_a_manager_opens_the_linked_cases_by_reference(self, client, manager, referent, enterprise):
        """The referent links two of the enterprise's cases when sending the visit from the phone."""
        second = CaseFactory(enterprise=enterprise, reference="T-900002", title="Four amélioré", assigned_to=referent)
        first = CaseFactory(enterprise=enterprise, reference="T-900001", title="Séchoir solaire", assigned_to=referent)
        CaseFactory(enterprise=enterprise, reference="T-900003", title="Pas liée à la visite")
        for case in (first, second):
            CaseFactory._meta.model.objects.filter(pk=case.pk).update(status=CaseStatus.IN_PROGRESS)
        visit = record_from_phone(client, referent, enterprise, cases=[second.pk, first.pk])
        client.force_login(manager)
        response = client.get(page(visit))
        assert response.status_code == 200
        assert list(response.context["cases"]) == [first, second]
        text = html(response)
        for case in (first, second):
            assert f'<a class="ref" href="/manage/cases/{case.pk}/">{case.reference}</a>' in text
        assert "Pas liée à la visite" not in text
        assert text.index("T-900001") < text.index("T-900002")

    def test_a_visit_whose_needs_became_cases_opens_with_its_history(self, client, manager, referent, enterprise):
        """Needs found at the visit become cases linked to it: the manager's page (which shows the history)
        still opens and lists them."""
        visit = record_from_phone(
            client, referent, enterprise, new_cases=[{"domain": "energy", "title": "Pompe solaire"}]
        )
        client.force_login(manager)
        response = client.get(page(visit))
        assert response.status_code == 200
        assert [case.title for case in response.context["cases"]] == ["Pompe solaire"]

    def test_a_referent_reads_the_references_without_the_managers_link(self, as_referent, visit, enterprise):
        case = CaseFactory(enterprise=enterprise, status=CaseStatus.IN_PROGRESS, reference="T-900001")
        visit.cases.set([case])
        text = html(as_referent.get(page(visit)))
        assert f'<span class="ref">{case.reference}</span>' in text
        assert f"/manage/cases/{case.pk}/" not in text


class TestPhotos:
    def test_each_photo_links_to_its_checked_address_in_the_order_taken(self, as_manager, visit, referent):
        photos = [visit_add_photo(visit=visit, by=referent, upload=jpeg(), caption=f"Vue {n}")[0] for n in range(2)]
        text = html(as_manager.get(page(visit)))
        links = re.findall(r'<a href="(/m/photos/[0-9a-f-]+/)"><img src="\1" alt="([^"]*)"', text)
        assert links == [(f"/m/photos/{photo.token}/", f"Vue {n}") for n, photo in enumerate(photos)]
        served = as_manager.get(links[0][0])
        assert served.status_code == 200
        assert served["Content-Type"] == "image/jpeg"

    def test_another_hubs_manager_gets_neither_the_page_nor_the_photos(self, client, visit, referent, other_manager):
        photo, _created = visit_add_photo(visit=visit, by=referent, upload=jpeg())
        client.force_login(other_manager)
        assert client.get(page(visit)).status_code == 404
        assert client.get(f"/m/photos/{photo.token}/").status_code == 404

    def test_a_visit_without_photos_has_no_photo_section(self, as_manager, visit):
        response = as_manager.get(page(visit))
        assert list(response.context["photos"]) == []
        assert "/m/photos/" not in html(response)


class TestHistory:
    @pytest.fixture
    def recorded(self, client, referent, enterprise):
        """A visit the referent recorded from the phone, later corrected by the manager."""
        referent.first_name, referent.last_name = "Issa", "Traoré"
        referent.save()
        return record_from_phone(client, referent, enterprise)

    def test_managers_read_who_recorded_and_who_changed_what(self, client, manager, referent, recorded):
        manager.first_name, manager.last_name = "Mariam", "Sangaré"
        manager.save()
        recorded.observations = "Séchage sur claies"
        recorded._history_user = manager
        recorded.save()
        client.force_login(manager)
        response = client.get(page(recorded))
        changes = response.context["changes"]
        assert [change.by for change in changes] == [manager, referent]
        assert changes[-1].fields == []
        assert [(field.before, field.after) for field in changes[0].fields] == [
            ("Séchage au sol", "Séchage sur claies")
        ]
        history = html(response).split('class="list changes"')[1]
        assert "<del>Séchage au sol</del> → Séchage sur claies" in history
        assert history.index("Mariam Sangaré") < history.index("Issa Traoré")

    def test_the_client_identifier_is_not_shown_in_the_history(self, client, manager, recorded):
        before = recorded.client_uuid
        recorded.client_uuid = uuid.uuid4()
        recorded._history_user = manager
        recorded.save()
        client.force_login(manager)
        text = html(client.get(page(recorded)))
        assert str(before) not in text and str(recorded.client_uuid) not in text

    def test_referents_do_not_read_the_history(self, client, referent, recorded):
        client.force_login(referent)
        response = client.get(page(recorded))
        assert response.status_code == 200
        assert response.context["changes"] is None
        assert 'class="list changes"' not in html(response)
