"""The data stays deterministic for a seed: the demo fixture and the bench's smallest data set hold the rows
they held before the generator moved into `hub.devtools` (issue #19). The checksums are taken over the rows
in (model, primary key) order, so that they do not depend on the order the app registry lists the models
in. A change meant to change the data changes them: rebuild the fixture (`manage.py build_demo_fixture`)
and write the new checksums here."""

import hashlib
import json
import os
import subprocess  # nosec B404 - manage.py with fixed arguments
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from tests.hub.test_generate_data import canonical_dump, empty_database

FIXTURE_CHECKSUM = "2491abf3a53a9982a3b479861d52b506efc42d4ae0441e19f130b26da15dc590"
"""Of the rows of fixtures/demo.json as `manage.py build_demo_fixture` writes it."""
BENCH_CHECKSUM = "519a2ca5a0ba3361e4a6cac22382b0b157297d84fdea8b46cffa6fd0882700d2"
"""Of the rows `generate_data` writes for `bench --sizes 100` (10 enterprises, 100 cases and 100 visits in
hub ML, seed 1) into an empty database: `canonical_dump()`, every table the generator writes."""


def checksum(rows: list[dict]) -> str:
    """SHA-256 of the rows in (model, primary key) order as JSON, the values JSON lacks as their `str()`."""
    ordered = sorted(rows, key=lambda row: (row["model"], row["pk"]))
    return hashlib.sha256(json.dumps(ordered, default=str, ensure_ascii=False).encode()).hexdigest()


def test_the_demo_fixture_is_built_as_before(tmp_path):
    """Built by the command in a process of its own, on SQLite whatever database the tests use."""
    output = tmp_path / "demo.json"
    env = {
        **{key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "hub.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    command = [sys.executable, "manage.py", "build_demo_fixture", "--output", str(output)]
    completed = subprocess.run(  # noqa: S603  # nosec B603
        command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert checksum(json.loads(output.read_text(encoding="utf-8"))) == FIXTURE_CHECKSUM
    committed = settings.BASE_DIR / "fixtures" / "demo.json"
    assert checksum(json.loads(committed.read_text(encoding="utf-8"))) == FIXTURE_CHECKSUM


@pytest.fixture
def empty(db):
    """An empty database but for Mali's units. `flush` recreates the content types inside the test's
    transaction: the rollback restores the rows but not the manager's cache."""
    empty_database()
    yield
    ContentType.objects.clear_cache()


def test_the_bench_data_set_is_generated_as_before(empty):
    call_command("generate_data", enterprises=10, cases=100, visits=100, seed=1, hub="ML", stdout=StringIO())
    assert checksum(canonical_dump()) == BENCH_CHECKSUM
