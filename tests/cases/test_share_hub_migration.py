"""The data migrations that give the shares recorded before they carried a hub the hub of their case or
visit. The live tables refuse a share without a hub, so the history, which keeps entries without one, is
where the copy shows."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from cases.models import CaseShare
from tests.factories import CaseFactory, SheetFactory, VisitFactory
from visits.models import VisitShare

pytestmark = pytest.mark.django_db
case_migration = importlib.import_module("cases.migrations.0007_share_hub")
visit_migration = importlib.import_module("visits.migrations.0004_share_hub")


def test_each_share_and_its_history_take_the_hub_of_their_case_or_visit(
    hub, other_hub, enterprise, other_enterprise, referent, other_referent
):
    here = CaseShare.objects.create(
        case=CaseFactory(enterprise=enterprise), sheet=SheetFactory(hub=hub), shared_by=referent,
        shared_at=timezone.now(),
    )  # fmt: skip
    there = VisitShare.objects.create(
        visit=VisitFactory(enterprise=other_enterprise, referent=other_referent),
        partner_name="Centre de formation",
        shared_by=other_referent,
        shared_at=timezone.now(),
    )
    CaseShare.history.update(hub=None)
    VisitShare.history.update(hub=None)

    case_migration.copy_the_hub_of_the_case(apps, None)
    visit_migration.copy_the_hub_of_the_visit(apps, None)

    assert list(CaseShare.objects.values_list("id", "hub")) == [(here.pk, hub.pk)]
    assert list(CaseShare.history.values_list("id", "hub")) == [(here.pk, hub.pk)]
    assert list(VisitShare.objects.values_list("id", "hub")) == [(there.pk, other_hub.pk)]
    assert list(VisitShare.history.values_list("id", "hub")) == [(there.pk, other_hub.pk)]
