"""A submission of ODK Collect becomes a visit through the visit services of the API: stored once per
instanceID (201 new, 202 resent, 409 other content), its photos attached however the POSTs are split, scoped
to the referent's hub, validated with the API's messages, and nothing half-saved."""

import datetime
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from defusedxml import ElementTree
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from cases.models import Case, CaseStatus, Channel
from tests.factories import VisitFactory
from tests.visits.openrosa.conftest import basic, instance, jpeg, submit
from visits.models import Visit, VisitPhoto
from visits.openrosa.services import field_app_token_issue, field_app_token_revoke

RESPONSE = "{http://openrosa.org/http/response}"


def message(response) -> str:
    document = ElementTree.fromstring(response.content)
    assert document.tag == f"{RESPONSE}OpenRosaResponse"
    return document.find(f"{RESPONSE}message").text


def in_french(msgid: str, **params) -> str:
    with translation.override("fr"):
        return gettext(msgid) % params if params else gettext(msgid)


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def nothing_stored() -> bool:
    return not Visit.objects.exists() and not Case.objects.exists() and not VisitPhoto.objects.exists()


class TestNewVisit:
    def test_a_submission_is_a_visit_of_the_referent_keyed_by_its_instance_id(
        self, client, referent, enterprise, key, instance_id
    ):
        started = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)
        xml = instance(
            enterprise=enterprise,
            instance_id=instance_id,
            started_at=started,
            needs=[("agro", "Séchoir solaire pour mangues", "Pertes au séchage"), ("quality", "Emballage", "")],
            follow_up_date=(timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
            next_step="Revenir avec le devis",
        )
        response = submit(client, xml, key=key)

        assert response.status_code == 201, response.content
        assert response["X-OpenRosa-Version"] == "1.0"
        assert response["X-OpenRosa-Accept-Content-Length"] == str(10 * 1024 * 1024)
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        assert message(response) == in_french("The visit to %(enterprise)s is recorded.", enterprise=enterprise.name)
        visit = Visit.objects.get()
        assert response["Location"] == f"https://testserver/m/visits/{visit.pk}/"
        assert visit.client_uuid == instance_id
        assert (visit.referent, visit.hub, visit.enterprise) == (referent, enterprise.hub, enterprise)
        assert visit.started_at == started
        assert (visit.duration_minutes, visit.purpose) == (45, "diagnostic")
        assert visit.observations == "Séchage au sol, pertes importantes"
        assert visit.next_step == "Revenir avec le devis"
        assert visit.follow_up_date == timezone.localdate() + datetime.timedelta(days=14)
        assert (visit.latitude, visit.longitude) == (Decimal("12.639232"), Decimal("-8.002889"))
        assert visit.gps_accuracy_m == 5
        assert (visit.people_reached_total, visit.people_reached_women) == (5, 3)
        cases = list(visit.cases.order_by("reference"))
        assert [(case.title, case.domain, case.description) for case in cases] == [
            ("Séchoir solaire pour mangues", "agro", "Pertes au séchage"),
            ("Emballage", "quality", "Séchoir solaire"),
        ]
        assert all(case.assigned_to == referent and case.channel == Channel.VISIT for case in cases)
        assert all(case.status == CaseStatus.ASSIGNED for case in cases)
        assert {entry.history_user for entry in Visit.history.filter(id=visit.pk)} == {referent}

    def test_with_a_password_instead_of_a_key(self, client, referent, enterprise, instance_id):
        response = submit(client, instance(enterprise=enterprise, instance_id=instance_id), **basic(referent))
        assert response.status_code == 201
        assert Visit.objects.get().referent == referent

    def test_a_visit_without_position_or_needs(self, client, enterprise, key, instance_id):
        blank = {"position": "", "people_reached_total": "", "people_reached_women": ""}
        xml = instance(enterprise=enterprise, instance_id=instance_id, **blank)
        assert submit(client, xml, key=key).status_code == 201
        visit = Visit.objects.get()
        assert (visit.people_reached_total, visit.people_reached_women) == (0, 0)
        assert (visit.latitude, visit.longitude, visit.gps_accuracy_m) == (None, None, None)
        assert not visit.cases.exists()

    def test_photos_come_as_parts_named_after_their_files(self, client, referent, enterprise, key, instance_id):
        photos = [jpeg(3000, 2000, "1733570000001.jpg"), jpeg(name="1733570000002.jpg")]
        xml = instance(enterprise=enterprise, instance_id=instance_id, photos=[photo.name for photo in photos])
        response = submit(client, xml, key=key, photos=photos)

        assert response.status_code == 201, message(response)
        visit = Visit.objects.get()
        stored = list(visit.photos.order_by("uploaded_at", "pk"))
        assert [(photo.width, photo.height) for photo in stored] == [(1600, 1067), (40, 30)]
        assert all(photo.image.name.startswith(f"visits/{visit.hub_id}/{visit.pk}/") for photo in stored)
        assert not any("1733570000" in photo.image.name for photo in stored)


class TestResent:
    def test_the_same_submission_resent_is_stored_once_and_answered_202(self, client, enterprise, key, instance_id):
        photo = jpeg(name="1733570000001.jpg")
        needs = [("agro", "Séchoir", "")]
        xml = instance(enterprise=enterprise, instance_id=instance_id, needs=needs, photos=[photo.name])
        assert submit(client, xml, key=key, photos=[photo]).status_code == 201

        again = submit(client, xml, key=key, photos=[photo])

        assert again.status_code == 202
        assert message(again) == in_french("This visit was already recorded: nothing new was stored.")
        assert again["Location"] == f"https://testserver/m/visits/{Visit.objects.get().pk}/"
        assert (Visit.objects.count(), Case.objects.count(), VisitPhoto.objects.count()) == (1, 1, 1)

    def test_the_same_instance_id_with_other_content_is_409(self, client, enterprise, key, instance_id):
        assert submit(client, instance(enterprise=enterprise, instance_id=instance_id), key=key).status_code == 201

        other = submit(client, instance(enterprise=enterprise, instance_id=instance_id, observations="Autre"), key=key)

        assert other.status_code == 409
        assert message(other) == in_french("Another visit was already recorded with this identifier.")
        assert Visit.objects.get().observations == "Séchage au sol, pertes importantes"

    def test_an_instance_id_another_referent_stored_is_409_and_theirs_is_untouched(
        self, client, hub, enterprise, key, instance_id
    ):
        theirs = VisitFactory(hub=hub, enterprise=enterprise, client_uuid=instance_id)

        response = submit(client, instance(enterprise=enterprise, instance_id=instance_id), key=key)

        assert response.status_code == 409
        assert Visit.objects.get() == theirs
        assert theirs.referent.username not in message(response)


class TestSplitSubmission:
    def test_later_posts_attach_their_photos_to_the_stored_visit(self, client, enterprise, key, instance_id):
        photos = [jpeg(name=f"17335700000{n}.jpg") for n in range(1, 4)]
        xml = instance(enterprise=enterprise, instance_id=instance_id, photos=[photo.name for photo in photos])

        first = submit(client, xml, key=key, photos=photos[:1], incomplete=True)
        assert first.status_code == 201
        assert VisitPhoto.objects.count() == 1

        last = submit(client, xml, key=key, photos=photos[1:])
        assert last.status_code == 201
        visit = Visit.objects.get()
        assert message(last) == gettext_n_fr(2, enterprise.name)
        assert visit.photos.count() == 3

        assert submit(client, xml, key=key, photos=photos[1:]).status_code == 202
        assert visit.photos.count() == 3


def gettext_n_fr(count: int, enterprise: str) -> str:
    with translation.override("fr"):
        return translation.ngettext(
            "%(count)d photo added to the visit to %(enterprise)s.",
            "%(count)d photos added to the visit to %(enterprise)s.",
            count,
        ) % {"count": count, "enterprise": enterprise}


class TestRefused:
    def test_an_enterprise_of_another_hub_is_400_with_the_apis_message(
        self, client, key, other_enterprise, instance_id
    ):
        response = submit(client, instance(enterprise=other_enterprise, instance_id=instance_id), key=key)

        assert response.status_code == 400
        assert response["X-OpenRosa-Accept-Content-Length"]
        refusal = (
            f"Aucun enregistrement {other_enterprise.pk} à votre portée : il n’existe pas ou ne vous concerne pas."
        )
        assert message(response) == in_french("%(field)s: %(message)s", field="Entreprise", message=refusal)
        assert nothing_stored()

    def test_the_key_of_a_referent_of_another_hub_reaches_only_their_hub(
        self, client, other_referent, enterprise, instance_id
    ):
        their_key = field_app_token_issue(referent=other_referent)
        response = submit(client, instance(enterprise=enterprise, instance_id=instance_id), key=their_key)
        assert response.status_code == 400
        assert nothing_stored()

    def test_without_credentials_401(self, client, enterprise, instance_id):
        response = submit(client, instance(enterprise=enterprise, instance_id=instance_id))
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Basic ")
        assert nothing_stored()

    def test_a_revoked_key_403(self, client, referent, enterprise, key, instance_id):
        field_app_token_revoke(referent=referent)
        response = submit(client, instance(enterprise=enterprise, instance_id=instance_id), key=key)
        assert response.status_code == 403
        assert nothing_stored()

    def test_invalid_content_is_400_with_each_message_after_its_question(self, client, enterprise, key, instance_id):
        xml = instance(
            enterprise=enterprise,
            instance_id=instance_id,
            people_reached_total=2,
            people_reached_women=3,
            needs=[("agro", "", "")],
        )
        response = submit(client, xml, key=key)

        assert response.status_code == 400
        need = in_french("Need to follow up as a case")
        assert message(response) == in_french(
            "%(field)s: %(message)s", field=f"{need} 1 – Titre de la demande", message="Ce champ ne peut être vide."
        )
        assert nothing_stored()

        xml = instance(enterprise=enterprise, instance_id=instance_id, people_reached_total=2, people_reached_women=3)
        response = submit(client, xml, key=key)
        assert response.status_code == 400
        women = "Le nombre de femmes touchées ne peut pas dépasser celui des personnes touchées."
        assert message(response) == in_french("%(field)s: %(message)s", field="Dont femmes", message=women)

    def test_messages_follow_the_account_language(self, client, referent, enterprise, key, instance_id):
        referent.language = "en"
        referent.save()
        xml = instance(enterprise=enterprise, instance_id=instance_id, duration_minutes="")
        response = submit(client, xml, key=key)
        assert response.status_code == 400
        assert message(response) == "Duration (minutes): This field is required."

    @pytest.mark.parametrize(
        ("body", "why"),
        [
            (b"not xml at all", "The submission is not XML we can read: nothing was stored."),
            (
                b"<?xml version='1.0' ?><other id='another'><meta><instanceID>uuid:x</instanceID></meta></other>",
                "This is not the visit form of this server: get the blank form again and fill it in.",
            ),
            (
                b"<?xml version='1.0' ?><data id='hubiit_visit'><enterprise>1</enterprise></data>",
                "The submission has no instance identifier (meta/instanceID): nothing was stored.",
            ),
            (
                b"<?xml version='1.0'?><!DOCTYPE data [<!ENTITY a 'aaaa'>]><data id='hubiit_visit'>&a;</data>",
                "The submission is not XML we can read: nothing was stored.",
            ),
            (
                b"<?xml version='1.0' ?><data id='hubiit_visit'><meta><instanceID>uuid:"
                + str(uuid.uuid4()).encode()
                + b"</instanceID><deprecatedID>uuid:"
                + str(uuid.uuid4()).encode()
                + b"</deprecatedID></meta></data>",
                "A visit already sent cannot be edited from ODK: nothing was stored.",
            ),
        ],
    )
    def test_what_is_not_an_instance_of_the_visit_form_is_400(self, client, key, body, why):
        response = submit(client, body, key=key)
        assert response.status_code == 400
        assert message(response) == in_french(why)
        assert nothing_stored()

    def test_a_post_without_the_instance_is_400(self, client, key):
        response = client.post(f"/openrosa/key/{key}/submission", {"photo.jpg": jpeg()}, secure=True)
        assert response.status_code == 400
        assert nothing_stored()

    def test_nothing_is_half_saved_when_a_photo_is_refused(self, client, enterprise, key, instance_id):
        before = media_files()
        good = jpeg(name="1733570000001.jpg")
        bad = SimpleUploadedFile("1733570000002.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
        xml = instance(
            enterprise=enterprise,
            instance_id=instance_id,
            needs=[("agro", "Séchoir", "")],
            photos=[good.name, bad.name],
        )
        response = submit(client, xml, key=key, photos=[good, bad])

        assert response.status_code == 400
        unreadable = "Ce fichier n’est pas une photo lisible (JPEG, PNG ou WebP)."
        assert message(response) == in_french("%(field)s: %(message)s", field="Photos", message=unreadable)
        assert nothing_stored()
        assert media_files() == before

    def test_a_photo_over_10_mb_is_413(self, client, enterprise, key, instance_id):
        big = SimpleUploadedFile("1733570000001.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024), "image/jpeg")
        xml = instance(enterprise=enterprise, instance_id=instance_id, photos=[big.name])
        response = submit(client, xml, key=key, photos=[big])
        assert response.status_code == 413
        assert nothing_stored()


def test_a_photo_of_another_submission_keeps_its_own_token(client, enterprise, key):
    """Collect names photos by the time they were taken: the same name in two visits is two photos."""
    photo = jpeg(name="1733570000001.jpg")
    for _visit in range(2):
        xml = instance(enterprise=enterprise, instance_id=uuid.uuid4(), photos=[photo.name])
        assert submit(client, xml, key=key, photos=[photo]).status_code == 201
    assert VisitPhoto.objects.count() == 2


class TestNeedsAsTheMobileFormTurnsThemIntoCases:
    """The mobile app's visit form (visits/static/visits/mobile.js) posts each need as {title, domain,
    description: the needs found} to the API; ODK's repeat gives the same need, its description left blank."""

    @staticmethod
    def case_as_made(case: Case) -> dict:
        """The case's fields, its times said only as set or not, and its history."""
        fields = {}
        for field in Case._meta.concrete_fields:
            if field.name in ("id", "reference"):
                continue
            value = getattr(case, field.attname)
            fields[field.name] = (value is not None) if isinstance(value, datetime.datetime) else value
        events = [
            (event.from_status, event.to_status, event.actor_id, event.note) for event in case.events.order_by("pk")
        ]
        return {**fields, "events": events}

    def test_a_need_sent_from_odk_is_the_case_the_mobile_form_makes(self, client, referent, enterprise, key):
        started = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)
        web = APIClient()
        web.force_authenticate(referent)
        payload = {
            "client_uuid": str(uuid.uuid4()),
            "enterprise": enterprise.pk,
            "started_at": started.isoformat(),
            "duration_minutes": 45,
            "purpose": "diagnostic",
            "observations": "Séchage au sol, pertes importantes",
            "needs_found": "Séchoir solaire",
            "recommendations": "Claies surélevées",
            "next_step": "",
            "follow_up_date": None,
            "people_reached_total": 5,
            "people_reached_women": 3,
            "latitude": None,
            "longitude": None,
            "gps_accuracy_m": None,
            "cases": [],
            "new_cases": [{"title": "Séchoir pour mangues", "domain": "agro", "description": "Séchoir solaire"}],
        }
        assert web.post("/api/v1/visits/", payload, format="json").status_code == 201
        xml = instance(
            enterprise=enterprise,
            instance_id=uuid.uuid4(),
            started_at=started,
            position="",
            needs=[("agro", "Séchoir pour mangues", "")],
        )
        assert submit(client, xml, key=key).status_code == 201

        from_web, from_odk = (visit.cases.get() for visit in Visit.objects.order_by("pk"))
        assert from_web.pk != from_odk.pk
        assert self.case_as_made(from_odk) == self.case_as_made(from_web)
        assert (from_odk.title, from_odk.domain, from_odk.description) == (
            "Séchoir pour mangues",
            "agro",
            "Séchoir solaire",
        )
        assert (from_odk.assigned_to, from_odk.channel, from_odk.status) == (
            referent,
            Channel.VISIT,
            CaseStatus.ASSIGNED,
        )

    def test_a_need_s_own_description_is_kept(self, client, enterprise, key):
        xml = instance(
            enterprise=enterprise, instance_id=uuid.uuid4(), needs=[("agro", "Séchoir", "Pertes au séchage")]
        )
        assert submit(client, xml, key=key).status_code == 201
        assert Case.objects.get().description == "Pertes au séchage"
