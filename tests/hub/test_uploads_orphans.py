"""The files no row names: what a worker killed between writing a file and committing its row leaves
behind. `manage.py remove_orphan_files` lists or removes them, leaving alone every file a row names (live
or in the history) and every file young enough to be an upload in flight."""

import datetime
import io
import os
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from PIL import Image

from cases.services import case_attach_files
from hub.library.services import sheet_attach
from hub.uploads import AtomicFileSystemStorage, orphan_files
from tests.factories import CaseFactory, SheetFactory, VisitFactory
from visits.services import visit_add_photo

HOURS = 3600


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf(name: str = "devis.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 devis\n%%EOF\n", content_type="application/pdf")


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 60, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile("IMG_0004.jpg", buffer.getvalue(), content_type="image/jpeg")


def age(media_root: Path, name: str, *, hours: float) -> None:
    """Make `name` look last written `hours` ago."""
    then = time.time() - hours * HOURS
    os.utime(media_root / name, (then, then))


def write(media_root: Path, name: str, *, hours: float) -> str:
    assert default_storage.save(name, ContentFile(b"left behind")) == name
    age(media_root, name, hours=hours)
    return name


def every_file(media_root: Path) -> list[str]:
    return sorted(str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file())


@pytest.fixture
def visit(referent, enterprise):
    return VisitFactory(referent=referent, enterprise=enterprise)


@pytest.fixture
def visit_folder(visit) -> str:
    return f"visits/{visit.hub_id}/{visit.pk}"


@pytest.fixture
def named(hub, manager, referent, enterprise, visit, media_root) -> list[str]:
    """A photo, a case attachment and a sheet attachment, stored a day ago; one more photo deleted since,
    whose history row still names its file."""
    kept, _created = visit_add_photo(visit=visit, by=referent, upload=photo())
    deleted, _created = visit_add_photo(visit=visit, by=referent, upload=photo())
    deleted.delete()
    [attachment] = case_attach_files(case=CaseFactory(enterprise=enterprise), by=manager, uploads=[pdf()])
    sheet_attachment = sheet_attach(sheet=SheetFactory(hub=hub), by=manager, upload=pdf("fiche.pdf"))
    names = [kept.image.name, deleted.image.name, attachment.file.name, sheet_attachment.file.name]
    for name in names:
        age(media_root, name, hours=24)
    return sorted(names)


def test_a_taken_name_is_written_over_not_kept_beside(tmp_path):
    storage = AtomicFileSystemStorage(location=tmp_path)
    storage.save("visits/1/2/token.jpg", ContentFile(b"first"))

    name = storage.save("visits/1/2/token.jpg", ContentFile(b"second"))

    assert name == "visits/1/2/token.jpg"
    assert every_file(tmp_path) == [name]
    assert (tmp_path / name).read_bytes() == b"second"


def test_files_no_row_names_are_found_in_every_folder_and_the_named_ones_kept(named, visit_folder, media_root):
    photo_left = write(media_root, f"{visit_folder}/2f1c9d3e-0000-4000-8000-000000000001.jpg", hours=7)
    attachment_left = write(media_root, "cases/1/1/3a2b1c0d-0000-4000-8000-000000000002.pdf", hours=7)
    partial = write(media_root, f"{visit_folder}/.0a1b2c3d.photo.jpg.part", hours=7)

    found = sorted(name for _storage, name in orphan_files(older_than=datetime.timedelta(hours=6)))

    assert found == sorted([photo_left, attachment_left, partial])
    assert not set(found) & set(named)


def test_a_file_younger_than_the_limit_may_be_an_upload_in_flight(named, visit_folder, media_root):
    write(media_root, f"{visit_folder}/2f1c9d3e-0000-4000-8000-000000000003.jpg", hours=5)

    assert list(orphan_files(older_than=datetime.timedelta(hours=6))) == []


def test_the_command_removes_what_no_row_names_and_nothing_else(named, visit_folder, media_root):
    left = write(media_root, f"{visit_folder}/2f1c9d3e-0000-4000-8000-000000000004.jpg", hours=7)
    young = write(media_root, f"{visit_folder}/2f1c9d3e-0000-4000-8000-000000000005.jpg", hours=1)
    output = io.StringIO()

    call_command("remove_orphan_files", stdout=output)

    assert every_file(media_root) == sorted([*named, young])
    assert output.getvalue().splitlines() == [left, "1 files that no row names (11 bytes) removed."]


def test_a_dry_run_lists_and_removes_nothing(named, visit_folder, media_root):
    left = write(media_root, f"{visit_folder}/2f1c9d3e-0000-4000-8000-000000000006.jpg", hours=7)
    output = io.StringIO()

    call_command("remove_orphan_files", "--dry-run", "--older-than", "0", stdout=output)

    assert every_file(media_root) == sorted([*named, left])
    assert output.getvalue().splitlines() == [left, "1 files that no row names (11 bytes) would be removed."]


def test_a_negative_age_is_refused(db):
    with pytest.raises(CommandError, match="0 or more"):
        call_command("remove_orphan_files", "--older-than", "-1")
