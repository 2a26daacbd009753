"""The data migration that gives the cases visited before `case_visited` existed their first contact."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from tests.factories import CaseFactory, VisitFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("cases.migrations.0005_first_contact_from_visits")
NOW = timezone.now().replace(microsecond=0)


def days_ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def test_each_case_gets_its_earliest_visit_since_received_unless_contacted_earlier(enterprise):
    never = CaseFactory(enterprise=enterprise, received_at=days_ago(30))
    later = CaseFactory(enterprise=enterprise, received_at=days_ago(30), first_contact_at=days_ago(2))
    earlier = CaseFactory(enterprise=enterprise, received_at=days_ago(30), first_contact_at=days_ago(25))
    before_receipt = CaseFactory(enterprise=enterprise, received_at=days_ago(5))
    untouched = CaseFactory(enterprise=enterprise, received_at=days_ago(30))
    for started, cases in [(days_ago(20), [never, later, earlier, before_receipt]), (days_ago(10), [never, later])]:
        VisitFactory(enterprise=enterprise, started_at=started).cases.set(cases)

    migration.first_contact_from_visits(apps, None)

    found = {case.pk: case.first_contact_at for case in type(never).objects.all()}
    assert found == {
        never.pk: days_ago(20),
        later.pk: days_ago(20),
        earlier.pk: days_ago(25),
        before_receipt.pk: None,
        untouched.pk: None,
    }
