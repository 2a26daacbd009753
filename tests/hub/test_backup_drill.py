"""The restore drill, run as production runs the backup: docs/deploy/backup.sh end to end
(`manage.py backup`, encrypted with age to a key made for the test, copied with rsync to a folder that
stands in for the remote machine, the retention rule applied on both sides), then the remote copy
decrypted and restored by `manage.py restore` into an empty database of the suite's vendor (a new SQLite
file, or a new PostgreSQL database), and the row count of every table and the SHA-256 of every media file
compared with the source. `make test` runs it on SQLite, `make test-postgres` on PostgreSQL.

The script reads the database from a process of its own, so the rows are committed (a transactional
test); on SQLite the in-memory test database is first copied to a file."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from hub.backup import row_counts
from tests.hub.test_privacy import build_enterprise_records

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docs" / "deploy" / "backup.sh"
PACKAGES = {"age": "age", "age-keygen": "age", "rsync": "rsync"}
"""The commands the drill runs, and the Debian package of each."""


def run(*args: str | Path, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 - our own script and manage.py, age and rsync
        [str(arg) for arg in args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"{args[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result


def app_env(*, database_url: str, media_root: Path, **extra: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hub.settings.local",
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
        **extra,
    }


def postgres_url(name: str) -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(name, safe='')}"


def source_database_url(tmp_path: Path) -> str:
    if connection.vendor == "sqlite":
        copy = tmp_path / "source.sqlite3"
        connection.ensure_connection()
        with closing(sqlite3.connect(copy)) as target:
            connection.connection.backup(target)
        return f"sqlite:///{copy}"
    return postgres_url(connection.settings_dict["NAME"])


@pytest.fixture
def empty_database_url(tmp_path):
    """A new SQLite file, or a new PostgreSQL database on the suite's server (dropped afterwards)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = connection.ops.quote_name(f"{connection.settings_dict['NAME']}_drill"[:63])
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    yield postgres_url(name.strip('"'))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def checksums(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def archive(stamp: str) -> str:
    return f"hub-iit-backup-{stamp}.tar.gz.age"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_nightly_backup_restores_into_an_empty_database(
    hub, other_hub, admin_user, settings, tmp_path, empty_database_url
):
    missing = sorted({package for command, package in PACKAGES.items() if shutil.which(command) is None})
    if missing:
        pytest.fail(
            f"The restore drill needs the Debian packages {' '.join(missing)}: apt-get install {' '.join(missing)}",
            pytrace=False,
        )
    media = settings.MEDIA_ROOT = tmp_path / "media"
    build_enterprise_records(hub=hub, other_hub=other_hub, admin=admin_user)
    source_counts, source_files = row_counts(), checksums(media)
    assert source_counts["cases.historicalcase"] >= 6 and source_counts["visits.visit_cases"] >= 1
    assert len(source_files) == 3

    # Earlier archives on this machine and on the remote; the rule keeps the 3 newest and the first of
    # each of the 2 latest months, whatever each side holds.
    local, remote = tmp_path / "local", tmp_path / "remote"
    old = ["20200101T020000Z", "20200102T020000Z", "20200201T020000Z", "20200202T020000Z", "20200203T020000Z"]
    for folder, stamps in ((local, old[1:]), (remote, ["20191201T020000Z", *old])):
        folder.mkdir()
        (folder / "notes.txt").write_text("not an archive")
        for stamp in stamps:
            (folder / archive(stamp)).write_bytes(b"")
    key = tmp_path / "key.txt"
    run("age-keygen", "--output", key)
    recipient = run("age-keygen", "-y", key).stdout.strip()

    log = run(
        SCRIPT,
        env=app_env(
            database_url=source_database_url(tmp_path),
            media_root=media,
            HUB_IIT_DIR=str(ROOT),
            BACKUP_DIR=str(local),
            BACKUP_REMOTE=str(remote),
            BACKUP_AGE_RECIPIENTS=recipient,
            BACKUP_KEEP_DAILY="3",
            BACKUP_KEEP_MONTHLY="2",
        ),
    ).stdout

    copy = max(remote.glob("hub-iit-backup-*.tar.gz.age"))
    kept = {"notes.txt", copy.name, *(archive(stamp) for stamp in old[2:])}
    assert {path.name for path in remote.iterdir()} == kept, log
    assert {path.name for path in local.iterdir()} == kept, log
    assert copy.read_bytes() == (local / copy.name).read_bytes()
    assert copy.read_bytes().startswith(b"age-encryption.org/v1\n")

    plain = tmp_path / "decrypted.tar.gz"
    run("age", "--decrypt", "--identity", key, "--output", plain, copy)
    restored_media = tmp_path / "restored-media"
    env = app_env(database_url=empty_database_url, media_root=restored_media)
    restored = run(sys.executable, "manage.py", "restore", plain, "--yes", env=env)
    assert "3 media files written" in restored.stdout

    counts = run(
        sys.executable,
        "manage.py",
        "shell",
        "--no-imports",
        "-c",
        "import json; from hub.backup import row_counts; print(json.dumps(row_counts()))",
        env=env,
    )
    assert json.loads(counts.stdout) == source_counts
    assert checksums(restored_media) == source_files


def test_the_nightly_backup_refuses_to_run_unencrypted_or_without_a_remote(tmp_path):
    variables = {
        "BACKUP_DIR": str(tmp_path / "local"),
        "BACKUP_REMOTE": str(tmp_path / "remote"),
        "BACKUP_AGE_RECIPIENTS": "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
    }
    for variable in ("BACKUP_AGE_RECIPIENTS", "BACKUP_REMOTE"):
        env = {**os.environ, **variables, variable: ""}
        result = subprocess.run(  # noqa: S603 - our own script
            [str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 1 and f"FAILED: {variable} is empty" in result.stderr
    assert list(tmp_path.iterdir()) == []
