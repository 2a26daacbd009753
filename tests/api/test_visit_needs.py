"""Needs found at a visit become the referent's cases, stored once with the visit however often the phone
resends it; photos resent with their token are stored once too."""

import datetime
import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cases.models import Case, CaseEvent, CaseStatus, Channel, ReferenceCounter
from tests.factories import VisitFactory
from visits.models import Purpose, Visit, VisitPhoto
from visits.services import NeedInput, VisitInput, visit_record

VISITS = "/api/v1/visits/"


@pytest.fixture
def payload(enterprise):
    return {
        "client_uuid": str(uuid.uuid4()),
        "enterprise": enterprise.pk,
        "started_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "duration_minutes": 45,
        "purpose": "diagnostic",
        "observations": "Séchage au sol",
        "needs_found": "Séchoir solaire, emballage",
        "people_reached_total": 5,
        "people_reached_women": 4,
        "new_cases": [
            {"domain": "agro", "title": "Séchoir solaire pour mangues", "description": "Pertes au séchage."},
            {"domain": "quality", "title": "Emballage sous vide"},
        ],
    }


def need(n: int) -> dict:
    return {"domain": "energy", "title": f"Besoin {n}"}


def nothing_stored() -> bool:
    return not Visit.objects.exists() and not Case.objects.exists()


class TestNeedsBecomeCases:
    def test_each_need_is_a_case_of_the_referent_linked_to_the_visit(self, api, referent, enterprise, payload):
        response = api(referent).post(VISITS, payload, format="json")

        assert response.status_code == 201, response.json()
        assert "new_cases" not in response.json()
        visit = Visit.objects.get()
        cases = list(Case.objects.order_by("reference"))
        year = timezone.localdate().year
        assert [case.reference for case in cases] == [f"ML-{year}-00001", f"ML-{year}-00002"]
        assert [(case.title, case.domain) for case in cases] == [
            ("Séchoir solaire pour mangues", "agro"),
            ("Emballage sous vide", "quality"),
        ]
        assert [case.description for case in cases] == ["Pertes au séchage.", "Emballage sous vide"]
        for case in cases:
            assert (case.enterprise, case.hub, case.assigned_to, case.created_by) == (
                enterprise,
                referent.hub,
                referent,
                referent,
            )
            assert (case.status, case.channel) == (CaseStatus.ASSIGNED, Channel.VISIT)
            assert case.acknowledged_at and case.assigned_at and case.first_contact_at
            assert list(case.visits.all()) == [visit]
        assert sorted(response.json()["cases"]) == [case.pk for case in cases]
        assert CaseEvent.objects.filter(case__in=cases, to_status=CaseStatus.ASSIGNED, actor=referent).count() == 2

    def test_resending_the_visit_creates_no_more_cases(self, api, referent, payload):
        client = api(referent)
        first = client.post(VISITS, payload, format="json")

        again = client.post(VISITS, payload, format="json")

        assert again.status_code == 200
        assert again.json() == first.json()
        assert Visit.objects.count() == 1
        assert Case.objects.count() == 2

    def test_the_same_uuid_with_another_need_is_a_conflict(self, api, referent, payload):
        client = api(referent)
        client.post(VISITS, payload, format="json")
        changed = {**payload, "new_cases": [payload["new_cases"][0], {"domain": "quality", "title": "Étiquettes"}]}

        response = client.post(VISITS, changed, format="json")

        assert response.status_code == 409
        assert Visit.objects.count() == 1
        assert Case.objects.count() == 2
        assert not Case.objects.filter(title="Étiquettes").exists()


class TestRefusedVisits:
    def test_at_most_five_needs_a_visit(self, api, referent, payload):
        response = api(referent).post(VISITS, {**payload, "new_cases": [need(n) for n in range(6)]}, format="json")

        assert response.status_code == 400
        assert response.json()["new_cases"] == {
            "non_field_errors": ["Assurez-vous que ce champ n'a pas plus de 5 éléments."]
        }
        assert nothing_stored()

    def test_five_needs_are_accepted(self, api, referent, payload):
        response = api(referent).post(VISITS, {**payload, "new_cases": [need(n) for n in range(5)]}, format="json")

        assert response.status_code == 201, response.json()
        assert Case.objects.count() == 5

    def test_a_need_of_an_unknown_domain_is_refused(self, api, referent, payload):
        needs = [{"domain": "astrology", "title": "Horoscope"}]

        response = api(referent).post(VISITS, {**payload, "new_cases": needs}, format="json")

        assert response.status_code == 400
        assert response.json()["new_cases"] == {"0": {"domain": ["«\xa0astrology\xa0» n'est pas un choix valide."]}}
        assert nothing_stored()

    def test_a_visit_starting_tomorrow_is_refused(self, api, referent, payload):
        tomorrow = (timezone.now() + datetime.timedelta(days=1)).isoformat()

        response = api(referent).post(VISITS, {**payload, "started_at": tomorrow}, format="json")

        assert response.status_code == 400
        assert response.json()["started_at"] == ["La visite ne peut pas commencer dans le futur."]
        assert nothing_stored()

    @pytest.mark.parametrize(("minutes_ahead", "status"), [(5, 201), (20, 400)])
    def test_a_phone_clock_a_few_minutes_ahead_is_tolerated(self, api, referent, payload, minutes_ahead, status):
        started_at = (timezone.now() + datetime.timedelta(minutes=minutes_ahead)).isoformat()
        response = api(referent).post(VISITS, {**payload, "started_at": started_at}, format="json")
        assert response.status_code == status

    def test_an_invalid_need_in_the_middle_leaves_nothing_half_saved(self, api, referent, payload):
        needs = [need(1), {"domain": "energy", "title": "x" * 201}, need(3)]

        response = api(referent).post(VISITS, {**payload, "new_cases": needs}, format="json")

        assert response.status_code == 400
        assert list(response.json()["new_cases"]) == ["1"]
        assert list(response.json()["new_cases"]["1"]) == ["title"]
        assert nothing_stored()

    def test_a_need_refused_once_the_visit_is_being_saved_rolls_it_all_back(self, referent, enterprise):
        """The service's own guard, under the serializer: the visit and the first case are written before
        the second need is checked, and must go with it; the reference it took is given back."""
        data = VisitInput(
            client_uuid=uuid.uuid4(),
            enterprise=enterprise,
            started_at=timezone.now() - datetime.timedelta(hours=1),
            duration_minutes=30,
            purpose=Purpose.DIAGNOSTIC,
            new_cases=[NeedInput(domain="energy", title="Besoin 1"), NeedInput(domain="energy", title="x" * 201)],
        )

        with pytest.raises(ValidationError):
            visit_record(data=data, by=referent)

        assert nothing_stored()
        assert not CaseEvent.objects.exists()
        assert not ReferenceCounter.objects.filter(last_number__gt=0).exists()


def small_jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")


class TestPhotoToken:
    @pytest.fixture
    def visit(self, referent, enterprise):
        return VisitFactory(referent=referent, enterprise=enterprise)

    def upload(self, client, visit, token):
        return client.post(
            f"{VISITS}{visit.pk}/photos/", {"image": small_jpeg(), "token": str(token)}, format="multipart"
        )

    def test_a_photo_resent_with_its_token_is_stored_once(self, api, referent, visit):
        client, token = api(referent), uuid.uuid4()

        first = self.upload(client, visit, token)
        again = self.upload(client, visit, token)

        assert first.status_code == 201, first.json()
        assert again.status_code == 200
        assert again.json()["id"] == first.json()["id"]
        assert visit.photos.count() == 1
        assert VisitPhoto.objects.get().token == token

    def test_a_token_of_another_visits_photo_is_refused(self, api, referent, enterprise, visit):
        client, token = api(referent), uuid.uuid4()
        self.upload(client, visit, token)
        later = VisitFactory(referent=referent, enterprise=enterprise)

        response = self.upload(client, later, token)

        assert response.status_code == 400
        assert response.json()["token"] == ["Cet identifiant est déjà utilisé par une autre photo."]
        assert not later.photos.exists()
        assert visit.photos.count() == 1
