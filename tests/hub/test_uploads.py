"""A full disk, or a database error after the write, while a file is stored: a clear error, no row, and
no file (whole or partial) left on the disk."""

import errno
import io
import os
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from PIL import Image
from rest_framework.test import APIClient

from cases.models import Case, CaseAttachment
from hub.uploads import AtomicFileSystemStorage, StorageFailure
from tests.factories import VisitFactory
from visits.models import VisitPhoto
from visits.services import visit_add_photo

WRITTEN_BEFORE_FULL = 1000


class FullDisk:
    """`os.fdopen` for Django's file storage on a disk that fills up: the first WRITTEN_BEFORE_FULL bytes
    of a file reach the disk, then every write fails with ENOSPC."""

    def __init__(self):
        self.real_fdopen = os.fdopen

    def __call__(self, fd, mode="r", *args, **kwargs):
        real = self.real_fdopen(fd, mode, *args, **kwargs)

        class Writer:
            def write(self, data):
                room = WRITTEN_BEFORE_FULL - real.tell()
                if len(data) > room:
                    real.write(data[: max(room, 0)])
                    real.flush()
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                return real.write(data)

            def close(self):
                real.close()

        return Writer()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """A media folder of this test's own: ids, and so file names, are reused from one test to the next."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def full_disk():
    with mock.patch("django.core.files.storage.filesystem.os.fdopen", FullDisk()):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def photo(width: int = 800, height: int = 600) -> SimpleUploadedFile:
    """A noisy picture: its JPEG stays far larger than what reaches the full disk."""
    buffer = io.BytesIO()
    Image.effect_noise((width, height), 80).convert("RGB").save(buffer, format="JPEG")
    return SimpleUploadedFile("IMG_0002.jpg", buffer.getvalue(), content_type="image/jpeg")


class TestStorage:
    def test_a_file_is_stored_whole_under_its_name(self, tmp_path):
        storage = AtomicFileSystemStorage(location=tmp_path)

        name = storage.save("visits/1/2/photo.jpg", ContentFile(b"x" * 200_000))

        assert name == "visits/1/2/photo.jpg"
        assert files_under(tmp_path) == [tmp_path / name]
        assert (tmp_path / name).stat().st_size == 200_000

    def test_a_full_disk_leaves_no_partial_file(self, tmp_path, full_disk):
        storage = AtomicFileSystemStorage(location=tmp_path)

        with pytest.raises(StorageFailure):
            storage.save("visits/1/2/photo.jpg", ContentFile(b"x" * 200_000))

        assert files_under(tmp_path) == []


class TestVisitPhoto:
    @pytest.fixture
    def visit(self, referent, enterprise):
        return VisitFactory(referent=referent, enterprise=enterprise)

    def folder(self, settings, visit) -> Path:
        return Path(settings.MEDIA_ROOT) / "visits" / str(visit.hub_id) / str(visit.pk)

    def test_a_full_disk_answers_503_in_french_and_stores_nothing(self, referent, visit, settings, full_disk):
        response = api(referent).post(f"/api/v1/visits/{visit.pk}/photos/", {"image": photo()}, format="multipart")

        assert response.status_code == 503
        assert response.json()["detail"].startswith("Le fichier n’a pas pu être enregistré")
        assert not VisitPhoto.objects.exists()
        assert files_under(self.folder(settings, visit)) == []

    def test_the_same_photo_sent_again_once_there_is_room_is_stored_once(self, referent, visit, settings):
        upload = {"image": photo(), "token": "5b0c2f1e-9d1a-4c8e-b9a4-0e6f3f1d2a10"}
        with mock.patch("django.core.files.storage.filesystem.os.fdopen", FullDisk()):
            refused = api(referent).post(f"/api/v1/visits/{visit.pk}/photos/", upload, format="multipart")
        assert refused.status_code == 503

        upload["image"].seek(0)
        response = api(referent).post(f"/api/v1/visits/{visit.pk}/photos/", upload, format="multipart")

        assert response.status_code == 201
        assert VisitPhoto.objects.get().token.hex == upload["token"].replace("-", "")
        assert len(files_under(self.folder(settings, visit))) == 1

    def test_a_database_error_after_the_write_removes_the_file(self, referent, visit, settings):
        with (
            mock.patch.object(VisitPhoto, "save", side_effect=DatabaseError("connection lost")),
            pytest.raises(DatabaseError),
        ):
            visit_add_photo(visit=visit, by=referent, upload=photo())

        assert files_under(self.folder(settings, visit)) == []


class TestCaseAttachments:
    def test_a_full_disk_during_a_portal_request_is_a_form_error_and_nothing_is_saved(
        self, client, sme_user, settings, full_disk
    ):
        client.force_login(sme_user)
        before = files_under(Path(settings.MEDIA_ROOT) / "cases")
        big = SimpleUploadedFile("devis.pdf", b"%PDF-1.4 " + b"0" * 50_000, content_type="application/pdf")

        response = client.post(
            "/portal/requests/new/",
            {"domain": "agro", "title": "Presse", "description": "Lente.", "attachments": [big]},
        )

        assert response.status_code == 200
        assert "Le fichier n’a pas pu être enregistré" in response.content.decode()
        assert not Case.objects.exists() and not CaseAttachment.objects.exists()
        assert files_under(Path(settings.MEDIA_ROOT) / "cases") == before

    def test_when_the_second_file_fails_the_first_is_removed_too(self, client, sme_user, settings):
        client.force_login(sme_user)
        before = files_under(Path(settings.MEDIA_ROOT) / "cases")
        small = SimpleUploadedFile("devis.pdf", b"%PDF-1.4 court", content_type="application/pdf")
        big = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 " + b"0" * 50_000, content_type="application/pdf")

        with mock.patch("django.core.files.storage.filesystem.os.fdopen", FullDisk()):
            response = client.post(
                "/portal/requests/new/",
                {"domain": "agro", "title": "Presse", "description": "Lente.", "attachments": [small, big]},
            )

        assert response.status_code == 200
        assert not Case.objects.exists() and not CaseAttachment.objects.exists()
        assert files_under(Path(settings.MEDIA_ROOT) / "cases") == before
