"""Overdue is one rule, written in SQL for lists and in Python for a single case: both must agree."""

import datetime

import pytest
from django.utils import timezone

from cases.models import Case, CaseStatus
from cases.selectors import overdue_condition
from tests.factories import CaseFactory

PAST = datetime.date(2020, 1, 1)
FUTURE = datetime.date(2099, 1, 1)


@pytest.mark.parametrize("status", list(CaseStatus))
@pytest.mark.parametrize(
    "dues",
    [
        {},
        {"acknowledge_due": PAST},
        {"assign_due": PAST, "resolve_due": FUTURE},
        {"first_contact_due": PAST},
        {"resolve_due": PAST},
        {"acknowledge_due": FUTURE, "resolve_due": FUTURE},
    ],
)
def test_python_and_sql_agree(enterprise, status, dues):
    case = CaseFactory(enterprise=enterprise, status=status, **dues)
    today = timezone.localdate()
    in_sql = Case.objects.filter(overdue_condition(today=today), pk=case.pk).exists()
    in_python = case.next_due is not None and case.next_due < today
    assert in_sql == in_python


def test_a_new_case_is_overdue_once_its_acknowledgement_is_late(enterprise):
    case = CaseFactory(enterprise=enterprise, status=CaseStatus.NEW, acknowledge_due=PAST, resolve_due=FUTURE)
    assert case.next_due == PAST


def test_a_closed_case_is_never_due(enterprise):
    assert CaseFactory(enterprise=enterprise, status=CaseStatus.CLOSED, resolve_due=PAST).next_due is None
