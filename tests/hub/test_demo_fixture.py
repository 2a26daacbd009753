"""The demo data set: `loaddata demo` on a migrated database, the Mali hub and a smaller Niger hub. One
Django TestCase, so the fixture is loaded once for all the checks."""

import datetime
import hashlib
import json
import zoneinfo
from collections import Counter, defaultdict
from unittest import mock

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.test import TestCase
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseShare, CaseStatus, Channel
from cases.services import case_create
from hub.calendar import HubCalendar
from hub.country.holidays import library_holidays
from hub.followups.selectors import DUE_SOON_DAYS, followups_due_for_referent
from hub.followups.services import ANSWER_FIELDS, SELF_REPORT_FIELDS, Collection, check_collection_date
from hub.library.services import partner_search_text, sheet_search_text
from hub.models import Enterprise, FollowUp, Hub, Partner, Referent, Role, TechnologySheet, User
from hub.permissions import hubs_readable_in_reports
from hub.reports.programme import full_report
from hub.reports.selectors import ReportFilters
from visits.models import Visit, VisitShare

S = CaseStatus
K = FollowUp.Kind
SHEET = TechnologySheet.Status
FIRST_DAY, LAST_DAY = datetime.date(2026, 1, 5), datetime.date(2026, 11, 20)
END_OF_DEMO = datetime.datetime(2026, 11, 20, 23, 59, tzinfo=datetime.UTC)
COMING_DUE = (LAST_DAY + datetime.timedelta(days=1), LAST_DAY + datetime.timedelta(days=DUE_SOON_DAYS))
ASSIGNED_STATUSES = {S.ASSIGNED, S.IN_PROGRESS, S.WAITING_SME, S.RESOLVED, S.CLOSED}
CONTACTED_STATUSES = {S.IN_PROGRESS, S.WAITING_SME, S.RESOLVED, S.CLOSED}
NIAMEY = zoneinfo.ZoneInfo("Africa/Niamey")

# The Mali manager's report for 2026 as of the demo's last day, recorded from the demo of one hub before the
# Niger hub came: the Niger hub leaves it unchanged.
MALI_ACTIVITY = {
    "cases_received": 300, "cases_answered": 261, "cases_resolved": 237, "cases_rejected": 11, "cases_referred": 17,
    "visits": 240, "people_reached": 1469, "women_reached": 492, "enterprises_reached": 132,
    "women_led_enterprises_reached": 43, "sheets_shared": 141, "partners_shared": 17,
}  # fmt: skip
MALI_SERVICE_QUALITY = {
    "delays": {
        "acknowledge": {
            "count": 297,
            "overdue_open": 0,
            "median_days": 0.28,
            "p90_days": 3.17,
            "within_standard_share": 0.8519,
        },
        "assign": {
            "count": 276,
            "overdue_open": 3,
            "median_days": 2.82,
            "p90_days": 6.76,
            "within_standard_share": 0.7849,
        },
        "first_contact": {
            "count": 261,
            "overdue_open": 3,
            "median_days": 7.93,
            "p90_days": 15.19,
            "within_standard_share": 0.7614,
        },
        "resolve": {
            "count": 237,
            "overdue_open": 8,
            "median_days": 22.14,
            "p90_days": 50.93,
            "within_standard_share": 0.6612,
        },
    },
    "backlog_by_age": [
        {"min_days": 0, "max_days": 7, "open_cases": 12},
        {"min_days": 8, "max_days": 30, "open_cases": 15},
        {"min_days": 31, "max_days": 90, "open_cases": 8},
        {"min_days": 91, "max_days": None, "open_cases": 0},
    ],
    "satisfaction": {"rated": 166, "mean": 4.11, "satisfied_share": 0.7831, "answer_rate": 0.7004},
}
MALI_IMPACT = {
    "followups": 76, "enterprises_followed": 59, "technology_adopted": 53, "jobs_created": 109, "jobs_kept": 1267,
    "new_sales_xof": 470604000, "kept_sales_xof": 4158316000, "investment_xof": 214555000,
    "cost_savings_xof": 86285000, "new_products": 36, "new_processes": 39, "satisfaction_mean": 4.13,
    "net_promoter_score": 26, "recommend_answers": 76,
    "turnover": {
        "enterprises": 55, "baseline_xof": 3587861000, "latest_xof": 4007869000, "change_xof": 420008000,
        "change_share": 0.1171,
    },
}  # fmt: skip
MALI_FOLLOWUPS_DUE = {
    "m6": {
        "due": 80,
        "collected": 72,
        "on_time": 53,
        "late": 19,
        "missing": 8,
        "self_reported": 14,
        "answer_rate": 0.6625,
        "self_reported_share": 0.1944,
    },
    "m12": {
        "due": 0,
        "collected": 0,
        "on_time": 0,
        "late": 0,
        "missing": 0,
        "self_reported": 0,
        "answer_rate": None,
        "self_reported_share": None,
    },
    "total": {
        "due": 80,
        "collected": 72,
        "on_time": 53,
        "late": 19,
        "missing": 8,
        "self_reported": 14,
        "answer_rate": 0.6625,
        "self_reported_share": 0.1944,
    },
    "baseline": {
        "due": 130,
        "collected": 121,
        "on_time": 112,
        "late": 9,
        "missing": 9,
        "self_reported": 0,
        "answer_rate": 0.8615,
        "self_reported_share": 0.0,
    },
}
MALI_MONTHS = [
    ("2026-01", 26, 22, 14), ("2026-02", 21, 19, 19), ("2026-03", 17, 17, 23), ("2026-04", 38, 33, 20),
    ("2026-05", 25, 21, 14), ("2026-06", 35, 32, 30), ("2026-07", 18, 18, 28), ("2026-08", 38, 33, 21),
    ("2026-09", 21, 16, 27), ("2026-10", 34, 23, 27), ("2026-11", 27, 3, 17), ("2026-12", 0, 0, 0),
]  # fmt: skip
"""Month, cases received, cases resolved, visits."""
MALI_REGIONS = [
    ("ML-BKO", 102, 78), ("ML-BDG", 5, 4), ("ML-BGN", 17, 10), ("ML-DIO", 7, 6), ("ML-KAY", 22, 18),
    ("ML-KKR", 28, 29), ("ML-KTL", 35, 23), ("ML-MOP", 29, 16), ("ML-NAR", 1, 1), ("ML-NIO", 1, 1),
    ("ML-SAN", 6, 4), ("ML-SEG", 20, 22), ("ML-SIK", 24, 25), ("ML-TOM", 3, 3),
]  # fmt: skip
"""Region, cases received, visits."""
MALI_TARGETS = [
    ("visits", 260, 240), ("cases_received", 320, 300), ("cases_resolved", 256, 237),
    ("enterprises_reached", 160, 132), ("women_led_reached", 64, 43), ("jobs_created", 128, 109),
    ("satisfied_percent", 80, 72.41379310344827),
]  # fmt: skip
"""Indicator, target, actual."""


def calendars() -> dict[int, HubCalendar]:
    """Each hub's calendar by hub id: its local days and working days."""
    return {hub.pk: HubCalendar.of(hub) for hub in Hub.objects.all()}


def digest(rows: QuerySet, *fields: str) -> tuple[int, str]:
    """How many rows and a hash of their `fields`, in the order of their ids."""
    values = list(rows.order_by("pk").values_list(*fields))
    return len(values), hashlib.sha256(json.dumps(values, cls=DjangoJSONEncoder).encode()).hexdigest()[:16]


def first_support() -> dict[int, tuple[datetime.datetime, datetime.datetime, int]]:
    """Per enterprise id, its first support as the server saw it: (when it was recorded, the moment the
    baseline is due from, the referent). A case assignment is both at once; a visit is recorded when the
    phone sends it and counts from its start."""
    supports = defaultdict(list)
    for enterprise, at, referent in Case.objects.exclude(assigned_at=None).values_list(
        "enterprise", "assigned_at", "assigned_to"
    ):
        supports[enterprise].append((at, at, referent))
    for enterprise, logged, started, referent in Visit.objects.values_list(
        "enterprise", "created_at", "started_at", "referent"
    ):
        supports[enterprise].append((logged, started, referent))
    return {enterprise: min(found) for enterprise, found in supports.items()}


def outcome(followup: FollowUp) -> str:
    """What the report's answer rate makes of a follow-up due: collected by its due date or after it, by
    a referent or by the enterprise itself, or not collected."""
    if followup.collected_on is None:
        return "missing"
    timing = "on time" if followup.collected_on <= followup.due_date else "late"
    return f"self-reported {timing}" if followup.self_reported else timing


class DemoFixtureTests(TestCase):
    fixtures = ["demo"]

    def test_the_mali_hub_replays_the_2026_pilot(self):
        hub = Hub.objects.get(code="ML")
        assert (hub.name, hub.country, hub.weekend_days, hub.time_zone) == (
            "HUB IIT Mali",
            "ML",
            [5, 6],
            "Africa/Bamako",
        )
        assert hub.targets.filter(year=2026).count() == 7
        assert Referent.objects.filter(user__hub=hub).count() == 8
        assert Enterprise.objects.filter(hub=hub).count() == 150
        assert Case.objects.filter(hub=hub).count() == 300
        assert Visit.objects.filter(hub=hub).count() == 240
        assert not Case.objects.exclude(received_at__date__range=(FIRST_DAY, LAST_DAY)).exists()
        assert not Visit.objects.exclude(started_at__date__range=(FIRST_DAY, LAST_DAY)).exists()

    def test_the_mali_holidays_are_the_library_s_with_two_announced_dates_as_the_manager_s_corrections(self):
        """The days off are those of the demo before the library came: the Maouloud and the baptism a day
        after the library's estimates, corrected by the manager a week before."""
        hub = Hub.objects.get(code="ML")
        holidays = {holiday.date: holiday for holiday in hub.holidays.all()}
        library = dict(library_holidays("ML", 2026, "fr"))
        announced = {
            datetime.date(2026, 8, 26): datetime.date(2026, 8, 25),
            datetime.date(2026, 9, 2): datetime.date(2026, 9, 1),
        }
        assert sorted(holidays) == sorted((library.keys() - announced.values()) | announced.keys())
        assert len(holidays) == 12
        for day, holiday in holidays.items():
            assert holiday.corrected == (day in announced) and holiday.library_date == announced.get(day), day
            assert holiday.name == library.get(day, holiday.name), day
        for day, estimate in announced.items():
            change = holidays[day].history.latest()
            assert change.history_type == "~" and change.history_user.username == "manager"
            assert change.history_date.date() == estimate - datetime.timedelta(days=7)
            assert change.prev_record.date == estimate and not change.prev_record.corrected

    def test_the_mali_figures_are_those_of_the_demo_before_the_niger_hub(self):
        """The Mali manager's report for 2026 and the Mali rows, as recorded from the demo of one hub."""
        hub = Hub.objects.get(code="ML")
        manager = User.objects.get(username="manager")
        filters = ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31), hub="ML")
        with mock.patch("django.utils.timezone.now", return_value=END_OF_DEMO):
            report = full_report(user=manager, filters=filters, today=LAST_DAY)
        assert report["activity"] == MALI_ACTIVITY
        assert report["service_quality"] == MALI_SERVICE_QUALITY
        impact = dict(report["impact"])
        due = {
            kind: {k: v for k, v in line.items() if k != "label"} for kind, line in impact.pop("followups_due").items()
        }
        assert impact == MALI_IMPACT
        assert due == MALI_FOLLOWUPS_DUE
        assert [
            (row["key"], row["cases_received"], row["cases_resolved"], row["visits"]) for row in report["monthly"]
        ] == MALI_MONTHS
        assert [
            (row["key"], row["cases_received"], row["visits"]) for row in report["breakdown"]["rows"]
        ] == MALI_REGIONS
        targets = [
            (line["indicator"], line["target"], line["actual"]) for line in report["targets"]["hubs"][0]["indicators"]
        ]
        assert targets == MALI_TARGETS
        case_fields = ("reference", "status", "received_at", "acknowledged_at", "assigned_at", "first_contact_at")
        case_fields += ("resolved_at", "closed_at", "acknowledge_due", "assign_due", "first_contact_due", "resolve_due")
        assert digest(Case.objects.filter(hub=hub), *case_fields, "satisfaction_rating") == (300, "908e7fbc27863a2b")
        assert digest(
            Visit.objects.filter(hub=hub), "client_uuid", "started_at", "enterprise__name", "follow_up_date"
        ) == (240, "1593ccc7f4d962f5")
        assert digest(Enterprise.objects.filter(hub=hub), "name", "region", "commune") == (150, "7b81897d0970e82b")
        assert digest(FollowUp.objects.filter(hub=hub), "kind", "due_date", "collected_on", "turnover_xof") == (
            605,
            "73fae04c5fcc02f4",
        )

    def test_the_niger_hub_is_smaller_at_utc_plus_one_with_its_regions_holidays_and_staff(self):
        hub = Hub.objects.get(code="NE")
        assert (hub.name, hub.country, hub.time_zone, hub.language) == ("HUB IIT Niger", "NE", "Africa/Niamey", "fr")
        assert hub.targets.filter(year=2026).count() == 7
        assert Enterprise.objects.filter(hub=hub).count() == 40
        assert Case.objects.filter(hub=hub).count() == 60
        assert Visit.objects.filter(hub=hub).count() == 40
        regions = set(Enterprise.objects.filter(hub=hub).values_list("region", flat=True))
        assert {"NE-8", "NE-4", "NE-7"} <= regions and all(code.startswith("NE-") for code in regions)
        assert not Enterprise.objects.filter(hub=hub, owner_phone__startswith="+223").exists()
        holidays = list(hub.holidays.values_list("date", "name", "corrected"))
        assert holidays == [(day, name, False) for day, name in library_holidays("NE", 2026, "fr")]
        assert (datetime.date(2026, 4, 24), "Fête nationale de la Concorde", False) in holidays
        assert set(User.objects.filter(hub=hub, role=Role.MANAGER).values_list("username", flat=True)) == {"manager-ne"}
        referents = set(Referent.objects.filter(user__hub=hub).values_list("user__username", flat=True))
        assert "referent-ne" in referents and len(referents) == 3
        assert not TechnologySheet.objects.filter(hub=hub).exists()
        assert Partner.objects.filter(hub=hub).count() == 8

    def test_niger_times_are_drawn_in_niamey(self):
        """Requests by phone, visit, walk-in or partner reach the Niger hub in office hours of Niamey, an hour
        ahead of UTC (7:30 to 17:30 local): some before 8:30 there, which is before 7:30 UTC."""
        received = (
            Case.objects.filter(hub__code="NE").exclude(channel=Channel.PORTAL).values_list("received_at", flat=True)
        )
        local = [timezone.localtime(moment, NIAMEY).time() for moment in received]
        assert all(datetime.time(7, 30) <= moment <= datetime.time(17, 30) for moment in local)
        assert any(moment < datetime.time(8, 30) for moment in local)

    def test_each_demo_user_signs_in_with_the_published_password(self):
        roles = {"admin": Role.ADMIN, "manager": Role.MANAGER, "referent": Role.REFERENT, "sme": Role.SME}
        roles |= {"viewer": Role.VIEWER, "manager-ne": Role.MANAGER, "referent-ne": Role.REFERENT}
        roles["viewer-ne"] = Role.VIEWER
        for username, role in roles.items():
            user = User.objects.get(username=username)
            assert user.role == role
            assert user.first_name and user.last_name
            assert (user.hub_id is None) == (role in (Role.ADMIN, Role.VIEWER))
            assert self.client.login(username=username, password="demo-2026"), username
        assert (
            User.objects.get(username="manager-ne").hub.code
            == User.objects.get(username="referent-ne").hub.code
            == "NE"
        )
        admin = User.objects.get(username="admin")
        assert admin.is_staff and admin.is_superuser
        sme = User.objects.get(username="sme")
        assert sme.enterprise.cases.filter(status=S.RESOLVED, satisfaction_rating=None).exists()

    def test_the_regional_viewer_reads_both_hubs_and_the_niger_viewer_niger_only(self):
        readable = {
            username: set(
                Hub.objects.filter(hubs_readable_in_reports(User.objects.get(username=username))).values_list(
                    "code", flat=True
                )
            )
            for username in ("viewer", "viewer-ne", "manager", "manager-ne")
        }
        assert readable == {"viewer": {"ML", "NE"}, "viewer-ne": {"NE"}, "manager": {"ML"}, "manager-ne": {"NE"}}
        history = User.objects.get(username="viewer-ne").history.get()
        assert [link.hub.code for link in history.report_hubs.all()] == ["NE"]

    def test_each_case_status_agrees_with_its_timestamps(self):
        """Due dates count working days from the local day the case was received, in its hub's zone."""
        hubs = calendars()
        for case in Case.objects.prefetch_related("events"):
            calendar = hubs[case.hub_id]
            status = case.status
            assert (case.acknowledged_at is None) == (status == S.NEW), case.reference
            assert (case.assigned_to_id is not None) == (case.assigned_at is not None), case.reference
            if status in ASSIGNED_STATUSES:
                assert case.assigned_to_id, case.reference
            if status in CONTACTED_STATUSES:
                assert case.first_contact_at, case.reference
            if status in (S.NEW, S.QUALIFIED, S.ASSIGNED):
                assert case.first_contact_at is None, case.reference
            assert (case.resolved_at is not None) == (status in (S.RESOLVED, S.CLOSED)), case.reference
            assert (case.closed_at is not None) == (status == S.CLOSED), case.reference
            assert bool(case.rejection_reason) == (status == S.REJECTED), case.reference
            assert (case.referred_to_id is not None) == (status == S.REFERRED), case.reference
            if case.satisfaction_rating is not None:
                assert status in (S.RESOLVED, S.CLOSED) and case.rated_at >= case.resolved_at, case.reference
            moments = [
                case.received_at,
                case.acknowledged_at,
                case.assigned_at,
                case.first_contact_at,
                case.resolved_at,
                case.closed_at,
            ]
            present = [moment for moment in moments if moment is not None]
            assert present == sorted(present), case.reference
            received = calendar.local_date(case.received_at)
            assert case.acknowledge_due == calendar.add_working_days(received, 1), case.reference
            assert case.resolve_due == calendar.add_working_days(received, 20), case.reference
            events = list(case.events.all())
            assert events[0].to_status == S.NEW and events[-1].to_status == status, case.reference

    def test_a_new_case_takes_the_next_reference(self):
        sme = User.objects.get(username="sme")
        after_the_demo = datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)
        with mock.patch("django.utils.timezone.now", return_value=after_the_demo):
            case = case_create(
                enterprise=sme.enterprise,
                domain="agro",
                title="Nouvelle demande",
                description="Essai après le chargement des données de démonstration.",
                by=sme,
            )
        assert case.reference == "ML-2026-00301"
        assert case.history.count() == 1

    def test_the_library_holds_30_sheets_pointing_to_partners_of_the_hub(self):
        """Mali's library; the Niger hub has partners and no sheets yet."""
        hub = Hub.objects.get(code="ML")
        sheets = list(TechnologySheet.objects.prefetch_related("partners"))
        assert len(sheets) == 30
        assert Counter(sheet.status for sheet in sheets) == {SHEET.PUBLISHED: 26, SHEET.DRAFT: 2, SHEET.ARCHIVED: 2}
        for sheet in sheets:
            sheet.full_clean()
            assert sheet.hub_id == hub.pk and sheet.language == "fr", sheet.title
            assert sheet.author.role in (Role.REFERENT, Role.MANAGER) and sheet.author.hub_id == hub.pk
            assert sheet.search_text == sheet_search_text(sheet), sheet.title
            assert FIRST_DAY <= timezone.localdate(sheet.created_at) <= LAST_DAY, sheet.title
            assert sheet.created_at <= sheet.updated_at
            partners = list(sheet.partners.all())
            assert 1 <= len(partners) <= 2 and all(partner.hub_id == hub.pk for partner in partners), sheet.title
        assert len({sheet.title for sheet in sheets}) == 30
        assert Partner.objects.filter(hub=hub).count() == 15
        for partner in Partner.objects.all():
            assert partner.search_text == partner_search_text(partner), partner.name

    def test_the_library_history_is_as_written_by_the_generator(self):
        """One creation per sheet and one change per archived sheet (published first): loading the fixture
        added no history rows of its own."""
        history = TechnologySheet.history.all()
        assert history.filter(history_type="+").count() == 30
        assert history.filter(history_type="+", status=SHEET.ARCHIVED).count() == 0
        assert list(history.filter(history_type="~").values_list("status", flat=True)) == [SHEET.ARCHIVED] * 2
        links = TechnologySheet.partners.through.objects.count()
        archived_links = TechnologySheet.partners.through.objects.filter(technologysheet__status=SHEET.ARCHIVED)
        historical_links = apps.get_model("hub", "HistoricalTechnologySheet_partners").objects.count()
        assert historical_links == links + archived_links.count()
        assert CaseShare.history.count() == CaseShare.objects.count()
        assert VisitShare.history.count() == VisitShare.objects.count()

    def test_sheets_and_partners_are_shared_in_cases_and_visits(self):
        case_shares = list(CaseShare.objects.select_related("case", "sheet", "partner"))
        visit_shares = list(VisitShare.objects.select_related("visit", "sheet"))
        assert any(share.sheet_id for share in case_shares) and any(share.partner_id for share in case_shares)
        assert visit_shares and all(share.sheet_id for share in visit_shares)
        for share in [*case_shares, *visit_shares]:
            share.full_clean()
            if share.sheet_id:
                sheet = share.sheet
                assert sheet.status in (SHEET.PUBLISHED, SHEET.ARCHIVED) and sheet.hub_id == share.hub_id, share.pk
                assert sheet.created_at <= share.shared_at, share.pk
                if sheet.status == SHEET.ARCHIVED:
                    assert share.shared_at < sheet.updated_at, share.pk
        for share in case_shares:
            case = share.case
            if share.sheet_id:
                assert case.status in (S.RESOLVED, S.CLOSED), case.reference
                assert share.shared_by_id == case.assigned_to_id, case.reference
                assert case.assigned_at < share.shared_at < case.resolved_at, case.reference
            else:
                assert case.status == S.REFERRED and case.referred_to_id == share.partner_id, case.reference
                assert share.partner_name == share.partner.name, case.reference
        referred = Case.objects.filter(status=S.REFERRED)
        assert set(referred.values_list("pk", flat=True)) == {s.case_id for s in case_shares if s.partner_id}
        for share in visit_shares:
            assert share.visit.cases.exists() and share.shared_by_id == share.visit.referent_id
            assert share.visit.created_at <= share.shared_at
        sme = User.objects.get(username="sme")
        assert CaseShare.objects.filter(case__enterprise=sme.enterprise).exists()
        assert CaseShare.objects.filter(shared_by__username="referent").exists()

    def test_every_resolved_or_closed_case_has_its_two_follow_ups_as_planned(self):
        """Due the hub's delays (calendar days) after the local resolution date, for the case's referent,
        planned when it was resolved; no other case has any."""
        hubs = calendars()
        for hub in Hub.objects.all():
            assert (hub.followup_6_months_days, hub.followup_12_months_days) == (182, 365)
        delays = {K.MONTH_6: 182, K.MONTH_12: 365}
        resolved = 0
        for case in Case.objects.prefetch_related("followups"):
            planned = {f.kind: (f.due_date, f.assigned_to_id, f.created_at) for f in case.followups.all()}
            if case.status in (S.RESOLVED, S.CLOSED):
                resolved += 1
                day = hubs[case.hub_id].local_date(case.resolved_at)
                expected = {
                    kind: (day + datetime.timedelta(days=days), case.assigned_to_id, case.resolved_at)
                    for kind, days in delays.items()
                }
                assert planned == expected, case.reference
            else:
                assert planned == {}, case.reference
        assert resolved > 200
        assert FollowUp.objects.filter(kind__in=delays).count() == 2 * resolved

    def test_every_supported_enterprise_has_one_baseline_as_planned(self):
        """One baseline per enterprise with an assigned case or a visit, planned by the first of them, due
        within the first-contact standard (working days) and in the charge of its referent; most are taken
        by the due date, a few were never taken."""
        hubs = calendars()
        first_contact_days = {hub.pk: hub.first_contact_days for hub in Hub.objects.all()}
        hub_of = dict(Enterprise.objects.values_list("pk", "hub"))
        supports = first_support()
        baselines = {followup.enterprise_id: followup for followup in FollowUp.objects.filter(kind=K.BASELINE)}
        assert baselines.keys() == supports.keys()
        assert len(baselines) < Enterprise.objects.count()
        for enterprise, (logged, at, referent) in supports.items():
            baseline = baselines[enterprise]
            calendar = hubs[hub_of[enterprise]]
            due = calendar.add_working_days(calendar.local_date(at), first_contact_days[hub_of[enterprise]])
            assert (baseline.due_date, baseline.assigned_to_id, baseline.created_at) == (due, referent, logged)
            assert baseline.case_id is None
            if baseline.collected_on is not None:
                assert baseline.collected_by_id == referent and not baseline.self_reported, enterprise
                assert calendar.local_date(logged) <= baseline.collected_on <= LAST_DAY, enterprise
                assert baseline.employees_total is not None and baseline.turnover_xof is not None, enterprise
        outcomes = Counter(outcome(baseline) for baseline in baselines.values() if baseline.due_date <= LAST_DAY)
        assert outcomes.keys() == {"on time", "late", "missing"}
        assert outcomes["on time"] > 0.8 * sum(outcomes.values())
        assert outcomes["missing"] < 0.1 * sum(outcomes.values())

    def test_six_month_follow_ups_due_were_collected_on_time_late_by_the_sme_or_not_at_all(self):
        """The answer rate (collected on time / due) of the 6-month follow-ups due in 2026 is neither 0 nor
        100 %; the 12-month ones are all due in 2027, none collected yet."""
        due = list(FollowUp.objects.filter(kind=K.MONTH_6, due_date__lte=LAST_DAY))
        outcomes = Counter(outcome(followup) for followup in due)
        assert set(outcomes) == {"on time", "late", "self-reported on time", "self-reported late", "missing"}
        on_time = outcomes["on time"] + outcomes["self-reported on time"]
        assert 0.5 < on_time / len(due) < 0.8
        assert 0.05 < outcomes["missing"] / len(due) < 0.25
        self_reported = [followup for followup in due if followup.self_reported]
        assert any(followup.confirmed_at for followup in self_reported)
        assert any(followup.confirmed_at is None for followup in self_reported)
        twelve = FollowUp.objects.filter(kind=K.MONTH_12)
        assert not twelve.filter(due_date__lte=LAST_DAY).exists()
        assert not twelve.exclude(collected_on=None).exists()

    def test_each_collection_is_one_the_services_would_accept(self):
        """Collected after it was planned and by the demo's end, by the referent in charge on the phone
        (UUID and content hash) or self-reported (no collector, only the owner's questions answered, some
        confirmed later by the referent in charge); every follow-up passes the model's validation."""
        hubs = calendars()
        with mock.patch("django.utils.timezone.now", return_value=END_OF_DEMO):
            for followup in FollowUp.objects.select_related("case"):
                local_date = hubs[followup.hub_id].local_date
                followup.full_clean()
                check_collection_date(followup=followup, collected_on=followup.collected_on)
                if followup.collected_on is None:
                    assert all(getattr(followup, name) in (None, "") for name in ANSWER_FIELDS), followup.pk
                    assert not (followup.self_reported or followup.client_uuid or followup.confirmed_at)
                    continue
                assert local_date(followup.created_at) <= followup.collected_on <= LAST_DAY
                if followup.self_reported:
                    assert followup.collected_by_id is None and followup.client_uuid is None, followup.pk
                    if followup.confirmed_at is None:
                        assert followup.technology_notes == followup.notes == "", followup.pk
                    else:
                        assert followup.confirmed_by_id == followup.assigned_to_id, followup.pk
                        assert followup.collected_on <= local_date(followup.confirmed_at) <= LAST_DAY
                    if followup.kind != K.BASELINE:
                        assert all(getattr(followup, name) is not None for name in SELF_REPORT_FIELDS)
                else:
                    assert followup.collected_by_id == followup.assigned_to_id, followup.pk
                    answers = {name: getattr(followup, name) for name in ANSWER_FIELDS}
                    content = Collection(collected_on=followup.collected_on, answers=answers)
                    assert followup.client_uuid and followup.content_hash == content.content_hash(), followup.pk

    def test_follow_ups_come_due_for_the_demo_referent_and_the_sme_after_the_demo(self):
        referent = User.objects.get(username="referent")
        listed = list(followups_due_for_referent(user=referent, today=LAST_DAY))
        coming = [followup for followup in listed if COMING_DUE[0] <= followup.due_date <= COMING_DUE[1]]
        assert len(coming) >= 3
        assert {followup.kind for followup in coming} >= {K.MONTH_6}
        assert all(followup.assigned_to_id == referent.pk for followup in coming)
        sme = User.objects.get(username="sme")
        questionnaires = FollowUp.objects.filter(
            enterprise=sme.enterprise, kind=K.MONTH_6, collected_on=None, due_date__range=COMING_DUE
        )
        assert questionnaires.exists()

    def test_the_follow_up_history_replays_the_loop(self):
        """Each follow-up was created planned (nothing collected) when it was planned, then changed when it
        was collected and when it was confirmed, its last version being the row; those a reopening
        cancelled were deleted then, uncollected."""
        hubs = calendars()
        history = FollowUp.history.order_by("history_date", "history_id")
        versions = defaultdict(list)
        for version in history:
            versions[version.id].append(version)
        reopenings = {
            event.case_id: event for event in CaseEvent.objects.filter(from_status=S.RESOLVED, to_status=S.IN_PROGRESS)
        }
        followups = {followup.pk: followup for followup in FollowUp.objects.all()}
        deleted = {pk for pk, rows in versions.items() if rows[-1].history_type == "-"}
        assert deleted and versions.keys() == followups.keys() | deleted
        for pk, rows in versions.items():
            created = rows[0]
            assert created.history_type == "+" and created.history_date == created.created_at, pk
            assert created.collected_on is None and created.turnover_xof is None, pk
            if pk in deleted:
                reopening = reopenings[created.case_id]
                assert [row.history_type for row in rows] == ["+", "-"], pk
                assert rows[1].history_date == reopening.created_at and rows[1].history_user_id == reopening.actor_id
                continue
            followup = followups[pk]
            changes = rows[1:]
            assert {row.history_type for row in changes} <= {"~"}, pk
            expected = int(followup.collected_on is not None) + int(followup.confirmed_at is not None)
            assert len(changes) == expected, pk
            for field in FollowUp._meta.concrete_fields:
                assert getattr(rows[-1], field.attname) == getattr(followup, field.attname), (pk, field.name)
            if followup.collected_on is not None:
                collected = changes[0]
                assert collected.history_user_id == followup.collected_by_id, pk
                assert hubs[followup.hub_id].local_date(collected.history_date) == followup.collected_on, pk
            if followup.confirmed_at is not None:
                assert changes[1].history_date == followup.confirmed_at, pk
                assert changes[1].history_user_id == followup.confirmed_by_id, pk
