"""Visit photos: checked by content, re-encoded without metadata, served only after a permission check."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import ManagerFactory, SmeUserFactory, VisitFactory
from visits.models import VisitPhoto
from visits.services import MAX_PHOTO_BYTES

GPS_IFD = 0x8825


def jpeg_with_gps(width: int = 3000, height: int = 2000) -> SimpleUploadedFile:
    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD)[2] = (12.0, 38.0, 21.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def visit(referent, enterprise):
    return VisitFactory(referent=referent, enterprise=enterprise)


def upload(api, user, visit, file):
    return api(user).post(
        f"/api/v1/visits/{visit.pk}/photos/", {"image": file, "caption": "Séchoir"}, format="multipart"
    )


def test_a_photo_is_shrunk_and_its_location_removed(api, referent, visit):
    response = upload(api, referent, visit, jpeg_with_gps())
    assert response.status_code == 201, response.json()
    photo = VisitPhoto.objects.get()
    with photo.image.open("rb") as stored, Image.open(stored) as image:
        assert max(image.size) == 1600
        assert image.format == "JPEG"
        assert not image.getexif()
    assert (response.json()["width"], response.json()["height"]) == (1600, 1067)
    assert "IMG_0001" not in photo.image.name


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(api, referent, visit):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = upload(api, referent, visit, fake)
    assert response.status_code == 400
    assert "image" in response.json()
    assert not VisitPhoto.objects.exists()


def test_at_most_five_photos_a_visit(api, referent, visit):
    for _ in range(5):
        assert upload(api, referent, visit, jpeg_with_gps(40, 30)).status_code == 201
    response = upload(api, referent, visit, jpeg_with_gps(40, 30))
    assert response.status_code == 400
    assert VisitPhoto.objects.count() == 5


def test_only_the_visits_referent_adds_photos(api, hub, visit):
    colleague = VisitFactory(hub=hub).referent
    assert upload(api, colleague, visit, jpeg_with_gps(40, 30)).status_code == 403


def test_photos_are_served_to_the_hub_and_to_nobody_else(client, api, referent, manager, visit, other_hub):
    url = upload(api, referent, visit, jpeg_with_gps(40, 30)).json()["url"]
    assert client.get(url).status_code == 302
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    for outsider in (ManagerFactory(hub=other_hub), SmeUserFactory(enterprise=visit.enterprise)):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_the_visit_lists_its_photos(api, referent, manager, visit):
    upload(api, referent, visit, jpeg_with_gps(40, 30))
    photos = api(manager).get(f"/api/v1/visits/{visit.pk}/").json()["photos"]
    assert [photo["caption"] for photo in photos] == ["Séchoir"]


def test_a_photo_over_10_mb_is_a_json_413_and_nothing_is_stored(api, referent, visit):
    oversized = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"\0" * MAX_PHOTO_BYTES, content_type="image/jpeg")
    response = api(referent).post(
        f"/api/v1/visits/{visit.pk}/photos/", {"image": oversized}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "A photo can be at most 10 MB."
    assert not VisitPhoto.objects.exists()


def test_a_body_announced_over_the_limit_is_refused_before_it_is_read(api, referent, visit):
    """The payload is shorter than announced: reading it would fail the test client's own check."""
    response = api(referent).post(
        f"/api/v1/visits/{visit.pk}/photos/",
        {"image": jpeg_with_gps(40, 30)},
        format="multipart",
        CONTENT_LENGTH=str(MAX_PHOTO_BYTES * 3),
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "Une photo ne peut pas dépasser 10 Mo."
    assert not VisitPhoto.objects.exists()


def test_a_photo_at_the_limit_is_not_refused_for_its_size(api, referent, visit):
    at_limit = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"\0" * (MAX_PHOTO_BYTES - 2), content_type="image/jpeg")
    response = upload(api, referent, visit, at_limit)
    assert response.status_code == 400
    assert "image" in response.json()
