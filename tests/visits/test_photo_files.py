"""A photo's file is named after the token the phone chose: an upload resent after its worker died between
writing the file and committing the row writes over the file left behind, and no copy is kept. A photo has
the pixel limit of documents (hub.uploads)."""

import datetime
import io
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from hub.uploads import orphan_files
from tests.factories import VisitFactory
from tests.hub.test_uploads_documents import TOO_MANY_PIXELS, png
from visits.models import VisitPhoto
from visits.services import visit_add_photo

LEFT_BEHIND = b"the photo a killed worker wrote"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def visit(referent, enterprise):
    return VisitFactory(referent=referent, enterprise=enterprise)


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 140, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile("IMG_0003.jpg", buffer.getvalue(), content_type="image/jpeg")


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_the_file_is_named_after_the_visit_and_the_photos_token(referent, visit):
    token = uuid.uuid4()

    stored, created = visit_add_photo(visit=visit, by=referent, upload=photo(), token=token)

    assert created
    assert stored.image.name == f"visits/{visit.hub_id}/{visit.pk}/{token}.jpg"


def test_a_resend_after_a_killed_worker_writes_over_the_file_it_left(referent, visit, media_root):
    token = uuid.uuid4()
    name = f"visits/{visit.hub_id}/{visit.pk}/{token}.jpg"
    assert default_storage.save(name, ContentFile(LEFT_BEHIND)) == name

    stored, created = visit_add_photo(visit=visit, by=referent, upload=photo(), token=token)

    assert created
    assert stored.image.name == name
    assert files_in((media_root / name).parent) == [f"{token}.jpg"]
    with stored.image.open("rb") as content:
        assert Image.open(content).size == (640, 480)
    assert list(orphan_files(older_than=datetime.timedelta(0))) == []


def test_the_same_token_sent_again_after_the_commit_keeps_the_stored_photo(referent, visit, media_root):
    token = uuid.uuid4()
    first, _created = visit_add_photo(visit=visit, by=referent, upload=photo(), token=token)
    with first.image.open("rb") as content:
        written = content.read()

    again, created = visit_add_photo(visit=visit, by=referent, upload=photo(), token=token)

    assert not created
    assert again == first
    assert VisitPhoto.objects.count() == 1
    with again.image.open("rb") as content:
        assert content.read() == written


def test_a_photo_of_too_many_pixels_is_refused_with_the_limit_of_documents(referent, visit, media_root):
    upload = SimpleUploadedFile("IMG_0005.png", png(30_000, 30_000), content_type="image/png")

    with translation.override("en"), pytest.raises(ValidationError) as raised:
        visit_add_photo(visit=visit, by=referent, upload=upload)

    assert raised.value.message_dict == {"image": [TOO_MANY_PIXELS]}
    assert not VisitPhoto.objects.exists()
