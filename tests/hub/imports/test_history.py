"""The records an import stores carry it in their history: the importing manager as the author (of a visit
too, whose referent is the one named in the file) and the file in the change reason."""

import pytest

from cases.models import Case
from hub.imports import services
from hub.models import Enterprise, FollowUp
from tests.hub.imports.conftest import enterprise_row, xlsx
from visits.models import Visit

pytestmark = pytest.mark.django_db

REASON = "Import fichier.xlsx"


def imported(hub, manager, kind, rows) -> None:
    batch = services.batch_upload(hub=hub, kind=kind, upload=xlsx(kind, rows), by=manager)
    run = services.batch_import(batch=batch, by=manager)
    assert not run.refused, run.refused


def test_enterprises_cases_and_visits_name_the_manager_and_the_file(hub, manager, referent, media):
    imported(hub, manager, "enterprises", [enterprise_row()])
    enterprise = Enterprise.objects.get()
    received = {"enterprise": enterprise.name, "received_at": "03/02/2025", "channel": "walk_in", "domain": "ict"}
    imported(
        hub, manager, "cases", [{**received, "title": "Site web", "status": "assigned", "assigned_to": "referent"}]
    )
    visit = {"referent": "referent", "enterprise": enterprise.name, "started_at": "04/02/2025 10:30"}
    imported(hub, manager, "visits", [{**visit, "duration_minutes": 45, "purpose": "diagnostic"}])

    for model in (Enterprise, Case, Visit, FollowUp):
        versions = list(model.history.all())
        assert versions, model
        assert {(version.history_user, version.history_change_reason) for version in versions} == {(manager, REASON)}
    assert Visit.objects.get().referent == referent


def test_an_update_is_a_new_version_naming_the_import(hub, manager, media):
    imported(hub, manager, "enterprises", [enterprise_row()])
    batch = services.batch_upload(
        hub=hub,
        kind="enterprises",
        upload=xlsx("enterprises", [enterprise_row(employees_total=20)], name="mise-a-jour.xlsx"),
        by=manager,
        on_duplicate="update",
    )
    services.batch_import(batch=batch, by=manager)

    latest = Enterprise.objects.get().history.latest()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "~",
        manager,
        "Import mise-a-jour.xlsx",
    )
    assert latest.employees_total == 20


def test_changes_outside_an_import_give_no_reason(hub, manager, enterprise):
    enterprise.activity = "Savon"
    enterprise.save()
    assert enterprise.history.latest().history_change_reason is None
