"""Lines matching a record of the directory (same phone number, or same name in the same commune, whatever the
accents and the case) are shown for a decision: skip, update or create anyway; for the whole file, and line
by line on the batch's page."""

import datetime

import pytest

from cases.models import Case
from hub.imports import services
from hub.models import Enterprise, ImportBatch
from tests.factories import CaseFactory, EnterpriseFactory, VisitFactory
from tests.hub.imports.conftest import enterprise_row, xlsx
from visits.models import Visit

pytestmark = pytest.mark.django_db

Decision = ImportBatch.Decision


@pytest.fixture
def stored(hub):
    """The directory's Karité Plus in Commune III, whose owner's number is 76 12 34 56."""
    return EnterpriseFactory(
        hub=hub, name="Karité Plus", commune="Commune III", owner_phone="+22376123456", activity="Beurre de karité"
    )


def check(hub, manager, rows, **options) -> ImportBatch:
    return services.batch_upload(hub=hub, kind="enterprises", upload=xlsx("enterprises", rows), by=manager, **options)


def test_a_line_with_the_same_phone_or_the_same_name_in_the_commune_is_a_duplicate(hub, manager, stored, media):
    rows = [
        enterprise_row(name="Autre nom", owner_phone="76 12 34 56"),
        enterprise_row(name="KARITE  plus", commune="commune iii", owner_phone="66 00 00 01"),
        enterprise_row(name="Karité Plus", commune="Commune VI", owner_phone="66 00 00 02"),
    ]

    batch = check(hub, manager, rows)

    duplicates = {line["line"]: line["duplicate"] for line in batch.report["duplicates"]}
    assert duplicates == {
        2: {"record": stored.pk, "label": "Karité Plus", "why": "phone", "line": None},
        3: {"record": stored.pk, "label": "Karité Plus", "why": "name", "line": None},
    }
    assert (batch.created_count, batch.skipped_count) == (1, 2)


def test_skipped_by_default(hub, manager, stored, media):
    batch = check(hub, manager, [enterprise_row(name="Karité Plus", owner_phone="76 12 34 56")])

    services.batch_import(batch=batch, by=manager)

    assert list(Enterprise.objects.all()) == [stored]
    batch.refresh_from_db()
    assert (batch.status, batch.skipped_count, batch.created_count) == (ImportBatch.Status.IMPORTED, 1, 0)


def test_updated_the_empty_cells_keeping_the_stored_values(hub, manager, stored, media):
    row = enterprise_row(name="Karité Plus", owner_phone="76 12 34 56", employees_total=12, activity=None)
    batch = check(hub, manager, [row], on_duplicate=Decision.UPDATE)
    assert batch.updated_count == 1

    services.batch_import(batch=batch, by=manager)

    stored.refresh_from_db()
    assert (stored.employees_total, stored.activity, stored.commune) == (12, "Beurre de karité", "Commune IV")
    assert Enterprise.objects.count() == 1


def test_created_anyway(hub, manager, stored, media):
    batch = check(hub, manager, [enterprise_row(name="Karité Plus", owner_phone="76 12 34 56")])

    services.batch_import(batch=batch, by=manager, on_duplicate=Decision.CREATE)

    assert Enterprise.objects.filter(name="Karité Plus").count() == 2


def test_decided_line_by_line_on_the_page(as_manager, hub, stored, media):
    other = EnterpriseFactory(hub=hub, name="Moulin Fanta", commune="Commune I", owner_phone="+22366000009")
    rows = [
        enterprise_row(name="Karité Plus", owner_phone="76 12 34 56", employees_total=9),
        enterprise_row(name="Moulin Fanta", commune="Commune I", owner_phone="66 00 00 09"),
        enterprise_row(name="Nouvelle", owner_phone="66 00 00 10"),
    ]
    as_manager.post(
        "/manage/imports/", {"kind": "enterprises", "file": xlsx("enterprises", rows), "on_duplicate": "skip"}
    )
    batch = ImportBatch.objects.get()
    page = as_manager.get(f"/manage/imports/{batch.pk}/")
    assert [line["line"] for line, _field in page.context["duplicates"]] == [2, 3]
    assert page.context["duplicates"][0][0]["url"] == f"/manage/enterprises/{stored.pk}/"

    decisions = {"on_duplicate": "skip", "line-2": "update", "line-3": "create"}
    as_manager.post(f"/manage/imports/{batch.pk}/check/", decisions)
    batch.refresh_from_db()
    assert (batch.decisions, batch.updated_count, batch.created_count) == ({"2": "update", "3": "create"}, 1, 2)

    response = as_manager.post(f"/manage/imports/{batch.pk}/import/", decisions)

    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.employees_total == 9
    assert Enterprise.objects.filter(name="Moulin Fanta").count() == 2
    assert Enterprise.objects.filter(name="Nouvelle").exists()
    assert other in Enterprise.objects.all()


def test_a_line_matching_an_earlier_line_by_one_key_only_is_decided_like_a_stored_record(hub, manager, media):
    rows = [enterprise_row(), enterprise_row(name="Deuxième affaire du même promoteur")]

    batch = check(hub, manager, rows, on_duplicate=Decision.CREATE)

    assert batch.report["duplicates"][0]["duplicate"] == {
        "record": None,
        "label": rows[0]["name"],
        "why": "phone",
        "line": 2,
    }
    services.batch_import(batch=batch, by=manager)
    assert Enterprise.objects.count() == 2


def test_past_cases_and_visits_already_stored_are_skipped_or_created_not_updated(hub, manager, referent, stored, media):
    received = datetime.datetime(2025, 2, 3, 10, 0, tzinfo=hub.zone)
    CaseFactory(enterprise=stored, title="Séchoir solaire", received_at=received)
    VisitFactory(enterprise=stored, referent=referent, started_at=received)
    case = {"enterprise": "Karité Plus", "received_at": "03/02/2025 15:00", "channel": "phone", "domain": "energy"}
    cases = services.batch_upload(
        hub=hub,
        kind="cases",
        upload=xlsx("cases", [{**case, "title": "SECHOIR solaire", "status": "new"}]),
        by=manager,
    )
    visit = {"referent": "referent", "enterprise": "Karité Plus", "started_at": "03/02/2025 10:00"}
    visits = services.batch_upload(
        hub=hub,
        kind="visits",
        upload=xlsx("visits", [{**visit, "duration_minutes": 60, "purpose": "follow_up"}]),
        by=manager,
    )

    assert cases.skipped_count == visits.skipped_count == 1
    with pytest.raises(services.ValidationError):
        services.batch_check(batch=cases, by=manager, on_duplicate=Decision.UPDATE)
    services.batch_import(batch=visits, by=manager, on_duplicate=Decision.CREATE)
    services.batch_import(batch=cases, by=manager)
    assert Visit.objects.count() == 2
    assert Case.objects.count() == 1
