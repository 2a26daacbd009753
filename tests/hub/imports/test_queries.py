"""An import's cost per line (docs/IMPORTS.md, *How long it takes*): the queries of each line are pinned, so
that a change bringing back a query per line is seen; and what the records' services leave aside for an
import (`hub.imports.bulk`) is pinned too: each check constraint they do not query is one the model's own
validation refuses on a field the constraint reads."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, CaseStatus
from hub.calendar import HubCalendar
from hub.imports import services
from hub.imports.bulk import CONSTRAINTS_IN_CLEAN, Bulk, constraints_in_clean, full_clean
from hub.models import Enterprise, FollowUp, Hub, Role
from tests.factories import EnterpriseFactory, ReferentUserFactory
from tests.hub.imports.conftest import enterprise_row, xlsx
from visits.models import Visit

pytestmark = pytest.mark.django_db

QUERIES_PER_LINE = {"enterprises": 5, "cases": 6, "visits": 8}
"""A savepoint and its release around each line (django-import-export), and in it:
- an enterprise: a savepoint of `enterprise_save`, its insert, the release;
- a past case: a savepoint of `case_import`, its insert and its event, the release;
- a past visit: a savepoint of `visit_record`, its insert, its baseline (a savepoint, the insert, the
  release), the release.
The history rows are written by blocks at the end (`hub.imports.bulk.Bulk.write_history`)."""

START = datetime.datetime(2025, 3, 3, 9, 0)  # noqa: DTZ001 - as typed in a sheet


def enterprises(count: int, first: int = 0) -> list[dict]:
    return [
        enterprise_row(name=f"Entreprise {number}", owner_phone=f"76 00 {number:04d}", commune="", consent_given="oui")
        | {"consent_date": "01/01/2024", "employees_total": 9, "employees_women": number % 10}
        for number in range(first, first + count)
    ]


def cases(count: int, first: int = 0) -> list[dict]:
    statuses = ["resolved", "closed", "rejected", "new", "in_progress"]
    rows = []
    for number in range(first, first + count):
        status = statuses[number % len(statuses)]
        row = {
            "enterprise": f"Entreprise {number}",
            "received_at": START + datetime.timedelta(hours=number),
            "channel": "phone",
            "domain": "agro",
            "title": f"Demande {number}",
            "status": status,
        }
        if status in ("resolved", "closed"):
            row |= {"resolved_at": START + datetime.timedelta(days=20), "resolution_summary": "Fait"}
            row |= {"assigned_to": f"referent-{number % 3}", "satisfaction_rating": 4}
        if status == "in_progress":
            row["assigned_to"] = f"referent-{number % 3}"
        if status == "rejected":
            row["rejection_reason"] = "Hors du champ"
        rows.append(row)
    return rows


def visits(count: int, first: int = 0, *, later: int = 0) -> list[dict]:
    return [
        {
            "referent": f"referent-{number % 3}",
            "enterprise": f"Entreprise {number}",
            "started_at": START + datetime.timedelta(days=later, hours=number),
            "duration_minutes": 60,
            "purpose": "diagnostic",
            "latitude": 12.6,
            "longitude": -8.0,
            "people_reached_total": 3,
            "people_reached_women": number % 4,
        }
        for number in range(first, first + count)
    ]


ROWS = {"enterprises": enterprises, "cases": cases, "visits": visits}


@pytest.fixture
def directory(hub, manager, media):
    """40 enterprises of the hub, 3 referents."""
    for number in range(3):
        ReferentUserFactory(hub=hub, username=f"referent-{number}")
    for number in range(40):
        EnterpriseFactory(hub=hub, name=f"Entreprise {number}", owner_phone=f"+2237600{number:04d}", commune="")


def queries_of(hub, manager, kind: str, rows: list[dict]) -> int:
    with CaptureQueriesContext(connection) as queries:
        run, _batch = services.records_import(hub=hub, kind=kind, upload=xlsx(kind, rows), by=manager)
    assert not run.refused, run.refused
    assert run.counts["create"] == len(rows)
    return len(queries)


@pytest.mark.parametrize("kind", ["enterprises", "cases", "visits"])
def test_the_queries_of_a_line_are_those_of_its_record(kind, hub, manager, directory):
    first = 100 if kind == "enterprises" else 0
    queries_of(hub, manager, kind, ROWS[kind](1, first))  # the year's counter of references made, for cases
    ten = queries_of(hub, manager, kind, ROWS[kind](10, first + 1))
    twenty = queries_of(hub, manager, kind, ROWS[kind](20, first + 11))

    assert (twenty - ten) / 10 == QUERIES_PER_LINE[kind]


def test_an_import_stores_what_the_pages_store(hub, manager, directory):
    """The same records and history, the same baselines, whatever the services left aside."""
    services.records_import(hub=hub, kind="cases", upload=xlsx("cases", cases(5)), by=manager)
    services.records_import(hub=hub, kind="visits", upload=xlsx("visits", visits(5)), by=manager)
    run, _batch = services.records_import(
        hub=hub, kind="visits", upload=xlsx("visits", visits(2) + visits(3, 3, later=30)), by=manager
    )

    assert dict(run.counts) == {"skip": 2, "create": 3}

    resolved = Case.objects.get(title="Demande 0")
    assert (resolved.status, resolved.assigned_to.username, resolved.satisfaction_rating) == (
        "resolved",
        "referent-0",
        4,
    )
    assert Case.history.count() == 5 and Visit.history.count() == Visit.objects.count() == 8
    baselines = FollowUp.objects.filter(kind=FollowUp.Kind.BASELINE).order_by("enterprise__name")
    assert [baseline.enterprise.name for baseline in baselines] == [f"Entreprise {n}" for n in range(6)]
    calendar = HubCalendar.of(hub)
    first_visits = [datetime.date(2025, 3, 3), datetime.date(2025, 4, 2)]  # of Entreprise 4, then of Entreprise 5
    expected = [calendar.add_working_days(day, hub.first_contact_days) for day in first_visits]
    assert [baseline.due_date for baseline in baselines][4:] == expected
    assert FollowUp.history.count() == 6


def test_the_history_written_by_blocks_is_the_records_as_saved(hub, manager, directory):
    began = timezone.now()
    services.records_import(hub=hub, kind="enterprises", upload=xlsx("enterprises", enterprises(3, 100)), by=manager)
    services.records_import(hub=hub, kind="cases", upload=xlsx("cases", cases(3)), by=manager)
    services.records_import(hub=hub, kind="visits", upload=xlsx("visits", visits(3)), by=manager)

    records = [
        *Enterprise.objects.filter(name__in=["Entreprise 100", "Entreprise 101", "Entreprise 102"]),
        *Case.objects.all(),
    ]
    records += [*Visit.objects.all(), *FollowUp.objects.all()]
    assert len(records) == 12
    for record in records:
        version = record.history.get()
        assert (version.history_type, version.history_user, version.history_change_reason) == (
            "+",
            manager,
            "Import fichier.xlsx",
        )
        assert began <= version.history_date <= timezone.now()
        fields = type(record).history.model.tracked_fields
        assert {f.attname: getattr(version, f.attname) for f in fields} == {
            f.attname: getattr(record, f.attname) for f in fields
        }


class TestBulkValidation:
    """What `hub.imports.bulk` leaves aside changes no refusal."""

    @pytest.mark.parametrize("label", sorted(CONSTRAINTS_IN_CLEAN))
    def test_each_constraint_left_aside_is_refused_by_the_model_on_a_field_it_reads(self, label, hub):
        model = {"hub.Enterprise": Enterprise, "cases.Case": Case, "visits.Visit": Visit}[label]
        constraints = {constraint.name: constraint for constraint in model._meta.constraints}
        assert set(constraints) == CONSTRAINTS_IN_CLEAN[label] and constraints_in_clean(model)
        for name in CONSTRAINTS_IN_CLEAN[label]:
            record = broken(model, name, hub)
            with pytest.raises(ValidationError) as refused:
                record.full_clean(validate_constraints=False)
            assert set(refused.value.message_dict) & constraints[name].condition.referenced_base_fields, name

    def test_a_model_with_another_constraint_is_validated_in_full(self):
        assert not constraints_in_clean(FollowUp)

    def test_a_key_not_read_or_of_another_role_is_looked_up(self, hub, manager, referent, enterprise):
        case = Case(
            hub=hub,
            enterprise=enterprise,
            title="T",
            description="T",
            domain="agro",
            status=CaseStatus.NEW,
            received_at=START.replace(tzinfo=datetime.UTC),
            assigned_to=manager,
            reference="pending",
        )
        bulk = Bulk()
        bulk.add(Hub, [hub])
        bulk.add(type(manager), [manager, referent])
        assert not bulk.known(case, Case._meta.get_field("enterprise"))
        assert bulk.known(case, Case._meta.get_field("hub"))
        assert manager.role == Role.MANAGER and not bulk.known(case, Case._meta.get_field("assigned_to"))
        with pytest.raises(ValidationError) as refused:
            full_clean(case, bulk=bulk)
        assert "assigned_to" in refused.value.message_dict
        case.assigned_to = referent
        assert bulk.known(case, Case._meta.get_field("assigned_to"))
        full_clean(case, bulk=bulk)


def broken(model, constraint: str, hub):
    """A record of `model` breaking `constraint`, valid otherwise."""
    enterprise = EnterpriseFactory(hub=hub)
    at = START.replace(tzinfo=datetime.UTC)
    if model is Enterprise:
        enterprise.consent_given, enterprise.consent_date = True, datetime.date(2024, 1, 1)
        if constraint == "enterprise_women_within_employees":
            enterprise.employees_total, enterprise.employees_women = 2, 3
        else:
            enterprise.consent_date = None
        return enterprise
    if model is Case:
        return Case(
            hub=hub,
            enterprise=enterprise,
            reference="ML-2025-99999",
            title="T",
            description="T",
            domain="agro",
            received_at=at,
            satisfaction_rating=6,
        )
    visit = Visit(
        hub=hub,
        referent=ReferentUserFactory(hub=hub),
        enterprise=enterprise,
        client_uuid="6f1d2c3e-0000-4000-8000-000000000001",
        started_at=at,
        duration_minutes=30,
        purpose="diagnostic",
    )
    if constraint == "visit_women_within_people_reached":
        visit.people_reached_total, visit.people_reached_women = 1, 2
    else:
        visit.latitude = 12
    return visit


def test_the_history_of_a_long_file_is_written_by_blocks_as_the_import_goes(hub, manager, media, monkeypatch):
    monkeypatch.setattr(Bulk, "HISTORY_BLOCK", 7)
    written = []
    bulk_write = Bulk.write_history

    def write_history(bulk):
        written.append(len(bulk.history))
        bulk_write(bulk)

    monkeypatch.setattr(Bulk, "write_history", write_history)
    services.records_import(hub=hub, kind="enterprises", upload=xlsx("enterprises", enterprises(30)), by=manager)

    assert written == [7, 7, 7, 7, 2]
    assert Enterprise.history.filter(history_type="+", history_user=manager).count() == Enterprise.objects.count() == 30
