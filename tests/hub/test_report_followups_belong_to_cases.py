"""Every 6- and 12-month follow-up belongs to a case, one of each kind per case, so the impact figures
cannot count a follow-up twice; the migration before the constraint attaches the ones without a case."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from cases.models import CaseStatus
from hub.models import FollowUp
from tests.factories import CaseFactory, EnterpriseFactory, FollowUpFactory

BAMAKO = zoneinfo.ZoneInfo("Africa/Bamako")
BEFORE = [("hub", "0014_shared_cache_table")]
AFTER = [("hub", "0016_followup_of_6_or_12_months_has_case")]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [FollowUp.Kind.MONTH_6, FollowUp.Kind.MONTH_12])
def test_a_second_follow_up_of_the_same_kind_for_one_case_is_refused(kind):
    case = CaseFactory(status=CaseStatus.RESOLVED)
    FollowUpFactory(case=case, kind=kind, collected_on=datetime.date(2026, 3, 1))

    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpFactory(case=case, kind=kind, collected_on=datetime.date(2026, 3, 1))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [FollowUp.Kind.MONTH_6, FollowUp.Kind.MONTH_12])
def test_a_6_or_12_month_follow_up_without_a_case_is_refused(kind):
    enterprise = EnterpriseFactory()
    followup = FollowUp(hub=enterprise.hub, enterprise=enterprise, kind=kind, due_date=datetime.date(2026, 3, 1))

    with translation.override("en"), pytest.raises(ValidationError, match="belongs to a case"):
        followup.validate_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        followup.save()


@pytest.mark.django_db
def test_a_baseline_needs_no_case():
    FollowUpFactory(kind=FollowUp.Kind.BASELINE, case=None)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_attaches_orphans_to_a_free_case_and_deletes_empty_duplicates():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    try:
        old = executor.loader.project_state(BEFORE).apps
        enterprise = EnterpriseFactory()
        taken = CaseFactory(
            enterprise=enterprise,
            status=CaseStatus.RESOLVED,
            resolved_at=datetime.datetime(2025, 9, 1, tzinfo=BAMAKO),
        )
        free = CaseFactory(
            enterprise=enterprise,
            status=CaseStatus.RESOLVED,
            resolved_at=datetime.datetime(2025, 10, 1, tzinfo=BAMAKO),
        )
        OldFollowUp = old.get_model("hub", "FollowUp")
        fields = {"hub_id": enterprise.hub_id, "enterprise_id": enterprise.pk, "kind": "m6"}
        OldFollowUp.objects.create(case_id=taken.pk, due_date=datetime.date(2026, 3, 1), **fields)
        collected = OldFollowUp.objects.create(
            due_date=datetime.date(2026, 4, 1), collected_on=datetime.date(2026, 4, 1), **fields
        )
        empty = OldFollowUp.objects.create(due_date=datetime.date(2026, 4, 1), **fields)

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)

        assert FollowUp.objects.get(pk=collected.pk).case_id == free.pk
        assert not FollowUp.objects.filter(pk=empty.pk).exists()
        assert set(FollowUp.history.filter(id__in=[collected.pk, empty.pk]).values_list("id", "history_type")) == {
            (collected.pk, "~"),
            (empty.pk, "-"),
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_stops_on_a_collected_orphan_that_no_case_can_take():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    try:
        OldFollowUp = executor.loader.project_state(BEFORE).apps.get_model("hub", "FollowUp")
        case = CaseFactory(status=CaseStatus.RESOLVED, resolved_at=datetime.datetime(2025, 9, 1, tzinfo=BAMAKO))
        fields = {"hub_id": case.hub_id, "enterprise_id": case.enterprise_id, "kind": "m12"}
        OldFollowUp.objects.create(case_id=case.pk, due_date=datetime.date(2026, 9, 1), **fields)
        orphan = OldFollowUp.objects.create(
            due_date=datetime.date(2026, 9, 1), collected_on=datetime.date(2026, 9, 1), **fields
        )

        executor = MigrationExecutor(connection)
        with pytest.raises(RuntimeError, match=str(orphan.pk)):
            executor.migrate(AFTER)
        assert OldFollowUp.objects.filter(pk=orphan.pk, case__isnull=True).exists()
        OldFollowUp.objects.filter(pk=orphan.pk).delete()
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
