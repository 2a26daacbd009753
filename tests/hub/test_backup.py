"""`manage.py backup` and `restore`: a backup restored into an empty database gives back every record,
its history and the media files, on SQLite and on PostgreSQL (the suite runs on both), including into
a brand-new database without tables, from one vendor to the other."""

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from cases.models import Case, CaseAttachment
from hub.backup import (
    DATA_NAME,
    MANIFEST_NAME,
    BackupError,
    backed_up_models,
    counted_models,
    restore_backup,
    write_backup,
)
from hub.models import AdministrativeUnit, Enterprise, FollowUp, Partner, Referent, User
from tests.factories import EnterpriseFactory, PartnerFactory
from tests.hub.test_privacy import OWNER, PHONE, build_enterprise_records
from visits.models import Visit, VisitPhoto

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def forget_content_types():
    """Restoring (and `flush`) rewrites the content types inside the test's transaction; the rollback
    puts the rows back but not the manager's cache."""
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def data(media, hub, other_hub, admin_user):
    """Cases, visits, follow-ups, files, history from changes and deletions, many-to-many rows (visit
    cases, referent and partner regions), a group with permissions (rows that point at content types and
    permissions) and an admin log."""
    records = build_enterprise_records(hub=hub, other_hub=other_hub, admin=admin_user)
    partner = PartnerFactory(hub=hub)
    partner.regions.add(AdministrativeUnit.objects.get(code="ML-BKO"), AdministrativeUnit.objects.get(code="ML-KKR"))
    Referent.objects.get(user=records.referent).regions.add(AdministrativeUnit.objects.get(code="ML-BKO"))
    group = Group.objects.create(name="Auditeurs")
    group.permissions.set(Permission.objects.filter(codename__in=["view_case", "view_visit", "view_enterprise"]))
    records.manager.user_permissions.add(Permission.objects.get(codename="view_followup"))
    records.enterprise.employees_total = 14
    records.enterprise.save()
    Visit.objects.get(pk=records.visits[1].pk).delete()
    return records


def snapshot() -> dict:
    """Every row of every backed-up table (many-to-many links included, with the rows that hold them)
    and the row count of every table."""
    rows = {
        model._meta.label_lower: serializers.serialize("python", model._base_manager.order_by("pk"))
        for model in backed_up_models()
    }
    counts = {model._meta.label_lower: model._base_manager.count() for model in counted_models()}
    return {"rows": rows, "counts": counts}


def media_files() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def empty_database() -> None:
    """What a new database holds once migrated: no data, only the content types and permissions that
    `flush` writes back. The deferred foreign-key checks run first: PostgreSQL refuses to truncate
    tables with checks pending."""
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()


def test_a_backup_restored_into_an_emptied_database_gives_back_every_record_and_its_history(data, tmp_path, settings):
    before, files = snapshot(), media_files()
    assert before["counts"]["cases.historicalcase"] >= 6 and before["counts"]["visits.visit_cases"] == 1
    assert len(files) == 3
    archive = tmp_path / "backup.tar.gz"
    manifest = write_backup(archive)
    assert manifest["counts"] == before["counts"]
    assert oct(archive.stat().st_mode & 0o777) == "0o600", "the archive holds personal data and password hashes"

    empty_database()
    settings.MEDIA_ROOT = tmp_path / "new-media"
    assert Case.objects.count() == Enterprise.objects.count() == Case.history.count() == 0
    assert AdministrativeUnit.objects.count() == 0

    restored = restore_backup(archive)

    assert restored["restored_counts"] == before["counts"]
    assert restored["media_written"] == 3
    after = snapshot()
    for label, rows in before["rows"].items():
        assert after["rows"][label] == rows, f"{label} differs after the restore"
    assert after["counts"] == before["counts"]
    assert media_files() == files

    case = Case.objects.get(pk=data.cases[0].pk)
    assert [row.history_type for row in case.history.order_by("history_date", "history_id")] == ["+", "~", "~"]
    assert case.history.earliest().title == f"Presse à karité pour {OWNER}"
    enterprise = Enterprise.objects.get(pk=data.enterprise.pk)
    assert [row.employees_total for row in enterprise.history.order_by("history_date", "history_id")] == [12, 12, 14]
    assert str(enterprise.owner_phone) == PHONE
    deleted = Visit.history.filter(id=data.visits[1].pk).latest()
    assert deleted.history_type == "-" and not Visit.objects.filter(pk=data.visits[1].pk).exists()
    assert Group.objects.get(name="Auditeurs").permissions.filter(codename="view_case").exists()
    assert User.objects.get(pk=data.manager.pk).has_perm("hub.view_followup")
    photo = VisitPhoto.objects.get(pk=data.photo.pk)
    assert photo.image.read() == files[data.photo.image.name]
    assert CaseAttachment.objects.get(pk=data.attachment.pk).file.read().startswith(b"%PDF")

    # The id sequences go on after the restored rows.
    new = EnterpriseFactory(hub=data.enterprise.hub)
    assert new.pk > max(row["pk"] for row in before["rows"]["hub.enterprise"])
    assert new.history.get().history_id > max(row["pk"] for row in before["rows"]["hub.historicalenterprise"])
    FollowUp.objects.filter(enterprise=enterprise).update(jobs_kept=11)


def test_restore_refuses_a_database_that_holds_data(data, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    write_backup(archive)
    before = snapshot()
    with pytest.raises(BackupError, match=r"The database is not empty \(rows in .*cases_case"):
        restore_backup(archive)
    assert snapshot() == before


def test_restore_refuses_media_files_that_differ(data, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    write_backup(archive)
    name = data.photo.image.name
    empty_database()
    (Path(settings.MEDIA_ROOT) / name).write_bytes(b"another photo")
    with pytest.raises(BackupError, match="media folder already holds other files"):
        restore_backup(archive)
    assert Case.objects.count() == 0


def rewrite(archive: Path, target: Path, *, manifest=None, data: bytes | None = None) -> Path:
    """A copy of `archive` with another manifest or data."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == MANIFEST_NAME and manifest is not None:
                content = json.dumps(manifest(json.loads(content))).encode()
            if member.name == DATA_NAME and data is not None:
                content = data
            member.size = len(content)
            copy.addfile(member, io.BytesIO(content))
    return target


def test_a_damaged_or_foreign_archive_is_refused_before_anything_changes(data, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    write_backup(archive)
    empty_database()

    damaged = rewrite(archive, tmp_path / "damaged.tar.gz", data=b'{"model": "hub.hub"}\n')
    with pytest.raises(BackupError, match="is damaged: data.jsonl"):
        restore_backup(damaged)

    def newer(manifest):
        manifest["migrations"].append(["hub", "9999_from_the_future"])
        return manifest

    with pytest.raises(BackupError, match=r"newer version .* hub\.9999_from_the_future"):
        restore_backup(rewrite(archive, tmp_path / "newer.tar.gz", manifest=newer))

    def older(manifest):
        manifest["migrations"].remove(["cases", "0004_case_shares"])
        return manifest

    with pytest.raises(BackupError, match=r"older version .* cases\.0004_case_shares"):
        restore_backup(rewrite(archive, tmp_path / "older.tar.gz", manifest=older))

    not_gzip = tmp_path / "notes.tar.gz"
    not_gzip.write_text("not an archive")
    with pytest.raises(BackupError, match="not a backup archive"):
        restore_backup(not_gzip)
    with pytest.raises(BackupError, match="No such file"):
        restore_backup(tmp_path / "missing.tar.gz")
    assert Case.objects.count() == 0


def test_a_count_that_does_not_match_the_manifest_keeps_nothing(data, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    write_backup(archive)
    empty_database()

    def one_more_case(manifest):
        manifest["counts"]["cases.case"] += 1
        return manifest

    with pytest.raises(BackupError, match=r"cases\.case: \d+ rows, \d+ in the backup"):
        restore_backup(rewrite(archive, tmp_path / "wrong.tar.gz", manifest=one_more_case))
    assert Case.objects.count() == Case.history.count() == 0


def test_the_commands(data, tmp_path, monkeypatch):
    out = io.StringIO()
    call_command("backup", output=str(tmp_path) + "/", stdout=out)
    [archive] = tmp_path.glob("hub-iit-backup-*.tar.gz")
    assert f"{archive}: " in out.getvalue() and "3 media files" in out.getvalue()

    call_command("restore", str(archive), check=True, stdout=out)
    assert "a valid backup" in out.getvalue()

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="add --yes"):
        call_command("restore", str(archive))
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(archive), yes=True)
    with pytest.raises(CommandError, match="No such directory"):
        call_command("backup", output=str(tmp_path / "nowhere" / "x.tar.gz"))

    empty_database()
    shutil.rmtree(settings.MEDIA_ROOT)
    call_command("restore", str(archive), yes=True, stdout=out)
    assert "every count as in the manifest; 3 media files written" in out.getvalue()
    assert Enterprise.objects.filter(name=data.enterprise.name).exists()


# Into a brand-new database, by the command, in a process of its own


def manage(*args: str, database_url: str, media_root: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hub.settings.local",
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
    }
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def archive_content(archive: Path) -> tuple[list[dict], dict]:
    """The rows of an archive, parsed (PostgreSQL and SQLite may order the keys of a JSON value
    differently), and its manifest."""
    with tarfile.open(archive, "r:gz") as tar:
        rows = [json.loads(line) for line in tar.extractfile(DATA_NAME).read().decode().splitlines()]
        manifest = json.loads(tar.extractfile(MANIFEST_NAME).read())
    return rows, manifest


@pytest.fixture
def new_databases(tmp_path):
    """Database URLs of brand-new databases without tables: a SQLite file, and when the suite runs on
    PostgreSQL a new database on the same server too, dropped afterwards."""
    urls = {"sqlite": f"sqlite:///{tmp_path / 'restored.sqlite3'}"}
    created = None
    if connection.vendor == "postgresql":
        import psycopg

        own = connection.settings_dict
        params = {
            "host": own["HOST"] or "127.0.0.1",
            "port": own["PORT"] or 5432,
            "user": own["USER"] or None,
            "password": own["PASSWORD"] or None,
            "dbname": "postgres",
        }
        created = f"{connection.settings_dict['NAME']}_restore_{os.getpid()}"[:63]
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{created}"')
            admin.execute(f'CREATE DATABASE "{created}"')
        user = params["user"] or ""
        password = f":{params['password']}" if params["password"] else ""
        urls["postgresql"] = f"postgres://{user}{password}@{params['host']}:{params['port']}/{created}"
    yield urls
    if created:
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


def test_restore_into_a_new_database_without_tables_then_back_up_again_gives_the_same_rows(
    data, tmp_path, new_databases
):
    archive = tmp_path / "backup.tar.gz"
    write_backup(archive)
    rows, manifest = archive_content(archive)
    assert len(rows) == sum(manifest["counts"][model._meta.label_lower] for model in backed_up_models())
    for vendor, url in new_databases.items():
        media_root = tmp_path / f"media-{vendor}"
        restored = manage("restore", str(archive), "--yes", database_url=url, media_root=media_root)
        assert restored.returncode == 0, restored.stderr
        assert "every count as in the manifest; 3 media files written" in restored.stdout

        again = manage("restore", str(archive), "--yes", database_url=url, media_root=media_root)
        assert again.returncode != 0 and "The database is not empty" in again.stderr

        second = tmp_path / f"again-{vendor}.tar.gz"
        backed_up = manage("backup", "--output", str(second), database_url=url, media_root=media_root)
        assert backed_up.returncode == 0, backed_up.stderr
        second_rows, second_manifest = archive_content(second)
        assert second_manifest["database_vendor"] == vendor
        assert second_manifest["counts"] == manifest["counts"]
        assert second_manifest["media"] == manifest["media"]
        assert second_rows == rows, f"the rows restored into {vendor} differ"


def test_every_model_is_in_the_backup():
    """A new model is backed up without anyone remembering to: only sessions are left out."""
    labels = {model._meta.label_lower for model in backed_up_models()}
    expected = {
        model._meta.label_lower
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.label_lower != "sessions.session"
    }
    assert labels == expected
    for model in (Case, Case.history.model, Enterprise.history.model, Partner, VisitPhoto.history.model):
        assert model._meta.label_lower in labels
    assert default_storage is not None
