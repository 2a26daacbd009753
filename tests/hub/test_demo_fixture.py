"""The demo data set: `loaddata demo` on a migrated database. One Django TestCase, so the fixture is
loaded once for all the checks."""

import datetime
from collections import Counter
from unittest import mock

from django.apps import apps
from django.test import TestCase
from django.utils import timezone

from cases.models import Case, CaseShare, CaseStatus
from cases.services import case_create
from hub.library.services import partner_search_text, sheet_search_text
from hub.models import Enterprise, Hub, Partner, Referent, Role, TechnologySheet, User
from hub.workdays import add_working_days, hub_holidays
from visits.models import Visit, VisitShare

S = CaseStatus
SHEET = TechnologySheet.Status
FIRST_DAY, LAST_DAY = datetime.date(2026, 1, 5), datetime.date(2026, 11, 20)
ASSIGNED_STATUSES = {S.ASSIGNED, S.IN_PROGRESS, S.WAITING_SME, S.RESOLVED, S.CLOSED}
CONTACTED_STATUSES = {S.IN_PROGRESS, S.WAITING_SME, S.RESOLVED, S.CLOSED}


class DemoFixtureTests(TestCase):
    fixtures = ["demo"]

    def test_one_hub_replays_the_2026_pilot(self):
        hub = Hub.objects.get()
        assert (hub.code, hub.name, hub.country, hub.weekend_days) == ("ML", "HUB IIT Mali", "ML", [5, 6])
        assert hub.holidays.filter(date__year=2026).count() >= 11
        assert hub.targets.filter(year=2026).count() == 7
        assert Referent.objects.count() == 8
        assert Enterprise.objects.count() == 150
        assert Case.objects.count() == 300
        assert Visit.objects.count() == 240
        assert not Case.objects.exclude(received_at__date__range=(FIRST_DAY, LAST_DAY)).exists()
        assert not Visit.objects.exclude(started_at__date__range=(FIRST_DAY, LAST_DAY)).exists()

    def test_each_demo_user_signs_in_with_the_published_password(self):
        roles = {"admin": Role.ADMIN, "manager": Role.MANAGER, "referent": Role.REFERENT, "sme": Role.SME}
        roles["viewer"] = Role.VIEWER
        for username, role in roles.items():
            user = User.objects.get(username=username)
            assert user.role == role
            assert user.first_name and user.last_name
            assert (user.hub_id is None) == (role in (Role.ADMIN, Role.VIEWER))
            assert self.client.login(username=username, password="demo-2026"), username
        admin = User.objects.get(username="admin")
        assert admin.is_staff and admin.is_superuser
        sme = User.objects.get(username="sme")
        assert sme.enterprise.cases.filter(status=S.RESOLVED, satisfaction_rating=None).exists()

    def test_each_case_status_agrees_with_its_timestamps(self):
        hub = Hub.objects.get()
        holidays = hub_holidays(hub)
        for case in Case.objects.prefetch_related("events"):
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
            received = timezone.localdate(case.received_at)
            assert case.acknowledge_due == add_working_days(hub=hub, start=received, days=1, holidays=holidays)
            assert case.resolve_due == add_working_days(hub=hub, start=received, days=20, holidays=holidays)
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
        hub = Hub.objects.get()
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
        assert Partner.objects.count() == 15
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
        hub = Hub.objects.get()
        case_shares = list(CaseShare.objects.select_related("case", "sheet", "partner"))
        visit_shares = list(VisitShare.objects.select_related("visit", "sheet"))
        assert any(share.sheet_id for share in case_shares) and any(share.partner_id for share in case_shares)
        assert visit_shares and all(share.sheet_id for share in visit_shares)
        for share in [*case_shares, *visit_shares]:
            share.full_clean()
            if share.sheet_id:
                sheet = share.sheet
                assert sheet.status in (SHEET.PUBLISHED, SHEET.ARCHIVED) and sheet.hub_id == hub.pk, share.pk
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
