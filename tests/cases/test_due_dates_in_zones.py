"""Due dates, reminders and pages count each hub's days in its own zone: Bamako is at UTC, Niamey an hour
ahead, so a case received at 23:30 UTC is received the next day in Niger."""

import datetime

import pytest
from django.contrib.sessions.backends.cache import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from cases.models import CaseStatus
from cases.services import case_create, reminders_send
from hub.middleware import HubTimeZoneMiddleware
from hub.models import AdministrativeUnit, HubHoliday
from tests.factories import (
    AdminFactory,
    CaseFactory,
    EnterpriseFactory,
    HubFactory,
    ManagerFactory,
    ReferentUserFactory,
    SmeUserFactory,
)

pytestmark = pytest.mark.django_db

S = CaseStatus
UTC = datetime.UTC
THURSDAY = datetime.date(2026, 3, 5)
THURSDAY_LATE = datetime.datetime(2026, 3, 5, 23, 30, tzinfo=UTC)
"""Thursday in Bamako, already Friday in Niamey."""
THURSDAY_NOON = datetime.datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def mali():
    hub = HubFactory(country="ML", code="ML", acknowledge_days=1, resolve_days=3)
    hub.holidays.all().delete()
    return hub


@pytest.fixture
def niger():
    hub = HubFactory(country="NE", code="NE", acknowledge_days=1, resolve_days=3)
    hub.holidays.all().delete()
    return hub


@pytest.fixture
def niamey_region(db):
    region, _created = AdministrativeUnit.objects.get_or_create(
        code="NE-8", defaults={"country": "NE", "name": "Niamey", "iso_code": "NE-8"}
    )
    return region


@pytest.fixture
def clock(monkeypatch):
    """`timezone.now()` frozen; set `clock.now` to move it."""

    class Clock:
        now = THURSDAY_NOON

    frozen = Clock()
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen


def submitted(hub, region=None):
    """A case submitted by the hub's manager at the clock's time."""
    enterprise = EnterpriseFactory(hub=hub, **({"region": region} if region else {}))
    return case_create(
        enterprise=enterprise, domain="energy", title="Séchoir", description="Plus vite.", by=ManagerFactory(hub=hub)
    )


class TestDueDates:
    def test_at_noon_both_hubs_count_from_thursday_across_the_weekend(self, clock, mali, niger, niamey_region):
        for case in (submitted(mali), submitted(niger, niamey_region)):
            assert case.acknowledge_due == datetime.date(2026, 3, 6)
            assert case.resolve_due == datetime.date(2026, 3, 10)

    def test_at_half_past_eleven_utc_niger_counts_from_friday(self, clock, mali, niger, niamey_region):
        clock.now = THURSDAY_LATE
        in_mali, in_niger = submitted(mali), submitted(niger, niamey_region)
        assert (in_mali.acknowledge_due, in_mali.resolve_due) == (datetime.date(2026, 3, 6), datetime.date(2026, 3, 10))
        # Friday in Niamey: the next working day is Monday, three of them Wednesday.
        assert (in_niger.acknowledge_due, in_niger.resolve_due) == (
            datetime.date(2026, 3, 9),
            datetime.date(2026, 3, 11),
        )

    def test_each_hub_skips_its_own_holidays(self, clock, mali, niger, niamey_region):
        HubHoliday.objects.create(hub=niger, date=datetime.date(2026, 3, 9), name="Fête au Niger")
        HubHoliday.objects.create(hub=mali, date=datetime.date(2026, 3, 6), name="Fête au Mali")
        clock.now = THURSDAY_LATE
        in_mali, in_niger = submitted(mali), submitted(niger, niamey_region)
        assert (in_mali.acknowledge_due, in_mali.resolve_due) == (datetime.date(2026, 3, 9), datetime.date(2026, 3, 11))
        assert (in_niger.acknowledge_due, in_niger.resolve_due) == (
            datetime.date(2026, 3, 10),
            datetime.date(2026, 3, 12),
        )


class TestReminders:
    """At 23:30 UTC on Thursday it is Friday in Niger: a case due on Thursday is overdue there, not in Mali."""

    @pytest.fixture
    def due_thursday(self, mali, niger):
        cases = {}
        for hub in (mali, niger):
            referent = ReferentUserFactory(hub=hub)
            cases[hub.code] = CaseFactory(
                hub=hub, status=S.IN_PROGRESS, assigned_to=referent, resolve_due=THURSDAY, received_at=THURSDAY_NOON
            )
        return cases

    def test_each_hub_counts_from_its_own_today(self, due_thursday, mali, niger):
        reminders = reminders_send(now=THURSDAY_LATE, dry_run=True)
        by_hub = {digest.user.hub_id: digest for digest in reminders.digests}
        assert by_hub[mali.pk].overdue == [] and by_hub[mali.pk].due_soon == [due_thursday["ML"]]
        assert by_hub[niger.pk].overdue == [due_thursday["NE"]] and by_hub[niger.pk].due_soon == []

    def test_a_given_day_is_the_same_day_in_every_hub(self, due_thursday, mali, niger):
        reminders = reminders_send(today=datetime.date(2026, 3, 6), dry_run=True)
        assert all(digest.overdue and not digest.due_soon for digest in reminders.digests)
        assert {digest.user.hub_id for digest in reminders.digests} == {mali.pk, niger.pk}

    def test_the_satisfaction_reminder_counts_days_since_the_local_day_of_resolution(self, mali, niger):
        # Resolved at 23:30 UTC on 2 March: the 2nd in Bamako, the 3rd in Niamey. Three days later (the 5th
        # in Mali, the 6th in Niger) the SME is asked to rate it.
        resolved_at = datetime.datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
        for hub in (mali, niger):
            CaseFactory(hub=hub, status=S.RESOLVED, resolved_at=resolved_at, received_at=resolved_at)

        def asked(now: datetime.datetime) -> set[str]:
            requests = reminders_send(now=now, dry_run=True).rating_requests
            return {case.hub.code for request in requests for case in request.cases}

        assert asked(THURSDAY_NOON) == {"ML"}
        assert asked(datetime.datetime(2026, 3, 6, 12, tzinfo=UTC)) == {"ML", "NE"}


class TestPagesInTheHubsZone:
    def test_a_niger_managers_case_page_shows_niamey_time(self, client, clock, niger, niamey_region):
        clock.now = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
        case = submitted(niger, niamey_region)
        client.force_login(ManagerFactory(hub=niger))
        page = client.get(f"/manage/cases/{case.pk}/").content.decode()
        assert "01/01/2026 00:30" in page
        assert "31/12/2025 23:30" not in page

    def test_an_administrator_reads_a_niger_case_in_niamey_time_too(self, client, clock, niger, niamey_region):
        clock.now = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
        case = submitted(niger, niamey_region)
        client.force_login(AdminFactory())
        assert "01/01/2026 00:30" in client.get(f"/manage/cases/{case.pk}/").content.decode()

    def test_an_sme_in_niger_reads_its_dates_in_niamey_time(self, client, niger, niamey_region):
        sme = SmeUserFactory(hub=niger, enterprise=EnterpriseFactory(hub=niger, region=niamey_region))
        received = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
        CaseFactory(enterprise=sme.enterprise, received_at=received, title="Séchoir de Niamey")
        client.force_login(sme)
        page = client.get("/portal/").content.decode()
        assert "Séchoir de Niamey" in page
        assert "01/01/2026" in page and "31/12/2025" not in page

    @pytest.mark.parametrize(("user_of", "zone"), [("niger", "Africa/Niamey"), ("admin", "Africa/Bamako")])
    def test_the_middleware_activates_the_hubs_zone_for_the_request_only(self, niger, user_of, zone):
        user = ManagerFactory(hub=niger) if user_of == "niger" else AdminFactory()
        request = RequestFactory().get("/")
        request.user = user
        request.session = SessionStore()
        seen = []
        HubTimeZoneMiddleware(lambda request: seen.append(timezone.get_current_timezone_name()))(request)
        assert seen == [zone]
        assert timezone.get_current_timezone_name() == "Africa/Bamako"
