"""On PostgreSQL with real transactions (`make test-postgres`, DATABASE_URL): an import is invisible to other
connections until it commits and leaves nothing when a line is refused; two confirmations of one file at once
import it once."""

import os
import threading

import pytest
from django.db import connection, connections

from hub.imports import services
from hub.models import Enterprise, ImportBatch
from tests.hub.imports.conftest import enterprise_row, xlsx

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs DATABASE_URL on PostgreSQL"
    ),
]


def test_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def rows(count: int, **last) -> list[dict]:
    lines = [enterprise_row(name=f"E{number}", owner_phone=f"76 00 {number:04d}") for number in range(count)]
    lines[-1].update(last)
    return lines


def test_a_refused_last_line_leaves_nothing_committed(hub, manager, media):
    run, batch = services.records_import(
        hub=hub, kind="enterprises", upload=xlsx("enterprises", rows(300, region="Atlantide")), by=manager
    )

    assert batch is None and [line.number for line in run.refused] == [301]
    assert not Enterprise.objects.exists() and not Enterprise.history.exists()


def test_two_confirmations_at_once_import_the_file_once(hub, manager, media):
    batch = services.batch_upload(hub=hub, kind="enterprises", upload=xlsx("enterprises", rows(50)), by=manager)
    barrier = threading.Barrier(2)
    outcomes = []

    def confirm():
        try:
            barrier.wait()
            outcomes.append(services.batch_import(batch=batch, by=manager).counts["create"])
        except Exception as error:  # the refusal of the second is the outcome the test reads
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(map(str, outcomes)) == ["50", "ValidationError"]
    assert Enterprise.objects.count() == 50
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED


def test_other_connections_see_nothing_before_the_commit(hub, manager, media):
    batch = services.batch_upload(hub=hub, kind="enterprises", upload=xlsx("enterprises", rows(150)), by=manager)
    seen = []

    def look(done, total):
        if done == 100:

            def count():
                seen.append(Enterprise.objects.count())
                connections.close_all()

            other = threading.Thread(target=count)
            other.start()
            other.join()

    services.batch_import(batch=batch, by=manager, progress=look)

    assert seen == [0]
    assert Enterprise.objects.count() == 150
