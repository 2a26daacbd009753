"""The reports' local dates and months, and the order of delays, are the same as Django's own conversion
in any time zone: a fixed offset (West Africa) and a zone with summer time alike, on both databases."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from cases.models import Case
from hub.reports.expressions import delay_order, fixed_offset, local_date, local_month
from hub.reports.selectors import _month
from tests.factories import CaseFactory

UTC = datetime.UTC
YEAR = {"date_from": datetime.date(2026, 1, 1), "date_to": datetime.date(2026, 12, 31)}
NEAR_MIDNIGHT = [
    datetime.datetime(2026, 1, 31, 23, 30, tzinfo=UTC),
    datetime.datetime(2026, 3, 31, 22, 30, tzinfo=UTC),
    datetime.datetime(2026, 6, 30, 23, 59, tzinfo=UTC),
    datetime.datetime(2026, 7, 1, 0, 15, tzinfo=UTC),
    datetime.datetime(2026, 10, 31, 23, 45, tzinfo=UTC),
]


@pytest.fixture
def cases(enterprise):
    return [CaseFactory(enterprise=enterprise, received_at=moment) for moment in NEAR_MIDNIGHT]


@pytest.mark.parametrize("zone", ["Africa/Bamako", "Africa/Lagos", "Africa/Abidjan", "Europe/Paris", "America/Bogota"])
def test_local_dates_and_months_agree_with_djangos_conversion(cases, zone):
    with timezone.override(zone):
        rows = Case.objects.order_by("received_at").values_list(
            local_date("received_at", **YEAR),
            TruncDate("received_at"),
            local_month("received_at", **YEAR),
            TruncMonth("received_at"),
        )
        expected = [moment.astimezone(timezone.get_current_timezone()) for moment in NEAR_MIDNIGHT]
        assert [(day, _month(month)) for day, _django_day, month, _django_month in rows] == [
            (moment.date(), moment.strftime("%Y-%m")) for moment in expected
        ]
        assert [day for day, django_day, _month_, _django_month in rows] == [row[1] for row in rows]


def test_a_period_across_a_change_of_offset_gets_no_fixed_offset(db):
    winter = {"date_from": datetime.date(2026, 1, 1), "date_to": datetime.date(2026, 2, 28)}
    with timezone.override("Europe/Paris"):
        assert fixed_offset(**YEAR) is None
        assert fixed_offset(**winter) == datetime.timedelta(hours=1)
    with timezone.override("Africa/Lagos"):
        assert fixed_offset(**YEAR) == datetime.timedelta(hours=1)
    with timezone.override("America/Bogota"):
        assert fixed_offset(**YEAR) == datetime.timedelta(hours=-5)


def test_delays_are_ordered_as_their_exact_durations(enterprise):
    """Over delays of years, down to the microsecond on PostgreSQL and to the millisecond on SQLite, whose
    date functions keep no finer time."""
    received = datetime.datetime(2024, 3, 2, 8, 0, tzinfo=UTC)
    years = datetime.timedelta(days=900, hours=23, minutes=59, seconds=59)
    step = datetime.timedelta(milliseconds=1) if connection.vendor == "sqlite" else datetime.timedelta(microseconds=1)
    delays = [
        datetime.timedelta(minutes=600),
        datetime.timedelta(minutes=1),
        years + 2 * step,
        datetime.timedelta(minutes=59),
        years,
        datetime.timedelta(days=9),
        years + step,
        datetime.timedelta(minutes=30),
    ]
    for delay in delays:
        CaseFactory(enterprise=enterprise, received_at=received, acknowledged_at=received + delay)

    ordered = Case.objects.order_by(delay_order("acknowledged_at", "received_at"), "?").values_list(
        F("acknowledged_at") - F("received_at"), flat=True
    )

    assert list(ordered) == sorted(delays)
