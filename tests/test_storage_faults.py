"""Storage faults met by a visit with photos, as the phone sends it (the visit as JSON, then each photo with
the token the phone gave it):

- the media disk fills up during a photo: a real 1 MB tmpfs is mounted as the media folder (this needs
  root, as CI runs; the test fails otherwise, it is never skipped). The photo answers 503 with a clear
  message, no photo row and no file, whole or partial, are left; the visit keeps what it was sent with;
  once there is room the phone's resend stores each photo once;
- the worker is killed (SIGKILL) after it wrote a photo's file and before it committed the row
  (`make test-postgres`: a real gunicorn with the production settings, patched by a gunicorn config file of
  this test, not by the application). The visit and the photos committed before are whole, the photo
  that was in flight is not stored, and its resend writes over the file left behind: one file per photo
  and nothing for `remove_orphan_files` to find.
"""

import datetime
import errno
import http.client
import io
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.utils import translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext
from PIL import Image
from rest_framework.test import APIClient

from hub.uploads import orphan_files
from tests.factories import EnterpriseFactory, HubFactory, ReferentUserFactory
from tests.factories.hub import PASSWORD
from tests.test_app_servers import Server
from visits.models import Visit, VisitPhoto

DISK_SIZE = "1m"
LEFT_FREE = 32 * 1024
STORAGE_FAILURE = "The file could not be stored on the server. Nothing was saved: try again later."


def noisy_jpeg(seed: int) -> bytes:
    """A photo as the phone shrinks it, noisy enough to stay over 100 KB once the server re-encodes it."""
    buffer = io.BytesIO()
    Image.effect_noise((800, 600), 60 + seed).convert("RGB").save(buffer, format="JPEG", quality=72)
    return buffer.getvalue()


def visit_payload(enterprise) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "enterprise": enterprise.pk,
        "started_at": "2026-11-20T09:30:00Z",
        "duration_minutes": 45,
        "purpose": "diagnostic",
        "observations": "Séchoir à claies, pertes à la pluie",
    }


def files_under(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


# The disk fills up


@pytest.fixture
def small_disk(tmp_path, settings):
    """A tmpfs of DISK_SIZE mounted as the media folder for the length of the test."""
    root = tmp_path / "media"
    root.mkdir()
    mount = [shutil.which("mount") or "mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0700", "tmpfs", str(root)]
    mounted = subprocess.run(mount, capture_output=True, text=True)  # noqa: S603
    if mounted.returncode != 0:
        pytest.fail(
            "This test mounts a small tmpfs as the media folder, which needs root (CAP_SYS_ADMIN), as CI runs "
            f"the suite; run it as root. mount said: {mounted.stderr.strip()}"
        )
    settings.MEDIA_ROOT = root
    try:
        yield root
    finally:
        subprocess.run([shutil.which("umount") or "umount", str(root)], check=True)  # noqa: S603


def fill(root: Path, *, leave: int) -> Path:
    """Fill the disk at `root` with one file, then free `leave` bytes of it."""
    filler = root / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC
        out.truncate(out.tell() - leave if out.tell() > leave else 0)
    return filler


@pytest.mark.root
def test_a_full_disk_during_a_photo_keeps_the_visit_whole_and_the_resend_stores_the_photo_once(
    small_disk, referent, enterprise
):
    phone = APIClient()
    phone.force_authenticate(referent)
    visit = visit_payload(enterprise)
    photo = {"token": str(uuid.uuid4())}
    content = noisy_jpeg(0)
    assert len(content) > 3 * LEFT_FREE
    filler = fill(small_disk, leave=LEFT_FREE)

    created = phone.post("/api/v1/visits/", visit, format="json")
    assert created.status_code == 201, created.json()
    refused = phone.post(
        f"/api/v1/visits/{created.json()['id']}/photos/",
        {**photo, "image": io.BytesIO(content)},
        format="multipart",
    )

    assert refused.status_code == 503
    with translation.override("fr"):
        assert refused.json() == {"detail": gettext(STORAGE_FAILURE)}
    assert files_under(small_disk) == ["filler"]
    assert not VisitPhoto.objects.exists()
    stored = Visit.objects.get(client_uuid=visit["client_uuid"])
    assert (stored.observations, stored.duration_minutes) == (visit["observations"], 45)

    filler.unlink()
    again = phone.post("/api/v1/visits/", visit, format="json")
    assert (again.status_code, again.json()["id"]) == (200, created.json()["id"])
    sent = phone.post(
        f"/api/v1/visits/{created.json()['id']}/photos/",
        {**photo, "image": io.BytesIO(content)},
        format="multipart",
    )
    assert sent.status_code == 201, sent.json()
    resent = phone.post(
        f"/api/v1/visits/{created.json()['id']}/photos/",
        {**photo, "image": io.BytesIO(content)},
        format="multipart",
    )
    assert (resent.status_code, resent.json()["id"]) == (200, sent.json()["id"])

    [photo_row] = VisitPhoto.objects.all()
    assert str(photo_row.token) == photo["token"]
    assert files_under(small_disk) == [photo_row.image.name]
    assert list(orphan_files(older_than=datetime.timedelta(0))) == []


# The worker is killed


DIE_AFTER_WRITE = '''
"""gunicorn configuration of tests/test_storage_faults.py: a request with the header X-Die-After-Write kills
its worker (SIGKILL) as soon as the media storage has written a file, before the view commits its row."""

import os
import signal

dying = False


def post_worker_init(worker):
    from hub.uploads import AtomicFileSystemStorage

    save = AtomicFileSystemStorage._save

    def save_then_die(self, name, content):
        written = save(self, name, content)
        if dying:
            os.kill(os.getpid(), signal.SIGKILL)
        return written

    AtomicFileSystemStorage._save = save_then_die


def pre_request(worker, req):
    global dying
    dying = any(name == "X-DIE-AFTER-WRITE" for name, _value in req.headers)
'''


@pytest.fixture
def dying_server(tmp_path, settings):
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    config = tmp_path / "die_after_write.py"
    config.write_text(DIE_AFTER_WRITE)
    server = Server(
        log_dir=tmp_path,
        secret_key=get_random_string(60),
        extra_env={"DJANGO_MEDIA_ROOT": str(media), "GUNICORN_CMD_ARGS": f"--config {config}"},
    )
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


def send_photo(server: Server, visit_id: int, *, token: str, content: bytes, auth: dict, die: bool = False):
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="photo.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {**auth, "Accept": "application/json", "Content-Type": f"multipart/form-data; boundary={boundary}"}
    if die:
        headers["X-Die-After-Write"] = "1"
    return server.request("POST", f"/api/v1/visits/{visit_id}/photos/", body=body, headers=headers)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_between_the_file_and_the_commit_leaves_nothing_once_the_phone_resends(dying_server, settings):
    hub = HubFactory(code="SF")
    referent = ReferentUserFactory(hub=hub)
    referent.password = make_password(PASSWORD, hasher="pbkdf2_sha256")  # a hasher the server knows
    referent.save(update_fields=["password"])
    enterprise = EnterpriseFactory(hub=hub)
    status, body = dying_server.api(
        "POST", "/api/v1/auth/token/", data={"username": referent.username, "password": PASSWORD}
    )
    assert status == 200, body
    auth = {"Authorization": f"Token {body['token']}"}
    visit = visit_payload(enterprise)
    photos = [{"token": str(uuid.uuid4()), "content": noisy_jpeg(seed)} for seed in range(2)]

    status, created = dying_server.api("POST", "/api/v1/visits/", data=visit, auth=auth)
    assert status == 201, created
    status, _headers, answer = send_photo(dying_server, created["id"], **photos[0], auth=auth)
    assert status == 201, answer
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        send_photo(dying_server, created["id"], **photos[1], auth=auth, die=True)

    media = Path(settings.MEDIA_ROOT)
    folder = f"visits/{hub.pk}/{created['id']}"
    left_behind = f"{folder}/{photos[1]['token']}.jpg"
    assert files_under(media) == sorted([f"{folder}/{photos[0]['token']}.jpg", left_behind])
    assert [name for _storage, name in orphan_files(older_than=datetime.timedelta(0))] == [left_behind]
    assert list(VisitPhoto.objects.values_list("token", flat=True)) == [uuid.UUID(photos[0]["token"])]
    assert Visit.objects.get(client_uuid=visit["client_uuid"]).observations == visit["observations"]

    dying_server.wait_until_ready()  # gunicorn has started a new worker
    status, again = dying_server.api("POST", "/api/v1/visits/", data=visit, auth=auth)
    assert (status, again["id"]) == (200, created["id"])
    status, _headers, answer = send_photo(dying_server, created["id"], **photos[1], auth=auth)
    assert status == 201, answer

    stored = {str(token): name for token, name in VisitPhoto.objects.values_list("token", "image")}
    assert stored == {photo["token"]: f"{folder}/{photo['token']}.jpg" for photo in photos}
    assert files_under(media) == sorted(stored.values())
    output = io.StringIO()
    call_command("remove_orphan_files", "--dry-run", "--older-than", "0", stdout=output)
    assert output.getvalue() == "0 files that no row names (0 bytes) would be removed.\n"
