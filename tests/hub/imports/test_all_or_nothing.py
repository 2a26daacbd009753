"""A confirmed import is one transaction: a line refused or failing, even the last of 9,999, stores nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hub.imports import resources, services
from hub.models import Enterprise, FollowUp, ImportBatch
from hub.staff.services import staff_deactivate
from tests.factories import ReferentUserFactory
from tests.hub.imports.conftest import csv_file, enterprise_row, headers, xlsx
from visits.models import Visit

pytestmark = pytest.mark.django_db

LINES = 9_999


def many_enterprises(count: int, *, last: dict) -> SimpleUploadedFile:
    """A CSV of `count` lines of distinct enterprises, built in memory, whose last line has `last`."""
    names = list(enterprise_row())
    lines = [";".join(headers("enterprises")[name] for name in names)]
    for number in range(count):
        row = enterprise_row(name=f"Entreprise {number}", owner_phone=f"76 {number // 100:04d} {number % 100:02d}")
        if number == count - 1:
            row.update(last)
        lines.append(";".join(str(row[name]) for name in names))
    return SimpleUploadedFile("annuaire.csv", "\n".join(lines).encode())


def test_a_refusal_in_line_9999_stores_nothing(hub, manager, media):
    upload = many_enterprises(LINES, last={"region": "Atlantide"})

    run, batch = services.records_import(hub=hub, kind="enterprises", upload=upload, by=manager)

    assert batch is None
    assert [(line.number, line.errors) for line in run.refused] == [
        (LINES + 1, [("region", run.refused[0].errors[0][1])])
    ]
    assert run.counts["create"] == LINES - 1
    assert not Enterprise.objects.exists()
    assert not Enterprise.history.exists()
    assert not ImportBatch.objects.exists()


def test_a_failure_in_the_last_line_stores_nothing(hub, manager, media, monkeypatch):
    """An error nobody foresaw (the database, a bug) in the last line rolls the whole file back."""
    store = resources.EnterpriseResource.store

    def failing_last(resource, instance, row):
        if resource.line.number == 4:
            raise RuntimeError("disk full")
        return store(resource, instance, row)

    monkeypatch.setattr(resources.EnterpriseResource, "store", failing_last)
    rows = [enterprise_row(name=f"E{number}", owner_phone=f"76 00 00 0{number}") for number in range(3)]
    batch = services.batch_upload(hub=hub, kind="enterprises", upload=csv_file("enterprises", rows), by=manager)

    run = services.batch_import(batch=batch, by=manager)

    assert [line.number for line in run.refused] == [4]
    assert not Enterprise.objects.exists()
    batch.refresh_from_db()
    assert (batch.status, batch.refused_count) == (ImportBatch.Status.CHECKED, 1)


def test_a_record_changed_between_the_check_and_the_confirmation_stores_nothing(
    hub, manager, referent, enterprise, media
):
    """The last line's referent left the hub after the check: refused at the confirmation, nothing stored."""
    leaving = ReferentUserFactory(hub=hub, username="partant")
    visit = {"enterprise": enterprise.name, "duration_minutes": 60, "purpose": "diagnostic"}
    rows = [
        {**visit, "referent": "referent", "started_at": "03/02/2025 09:00"},
        {**visit, "referent": "partant", "started_at": "04/02/2025 09:00"},
    ]
    batch = services.batch_upload(hub=hub, kind="visits", upload=xlsx("visits", rows), by=manager)
    assert (batch.created_count, batch.refused_count) == (2, 0)
    staff_deactivate(person=leaving, by=manager)

    run = services.batch_import(batch=batch, by=manager)

    assert [(line.number, [column for column, _message in line.errors]) for line in run.refused] == [(3, ["referent"])]
    assert not Visit.objects.exists() and not FollowUp.objects.exists()
    batch.refresh_from_db()
    assert (batch.status, batch.refused_count) == (ImportBatch.Status.CHECKED, 1)
    assert batch.file
