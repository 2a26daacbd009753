import datetime
import importlib
import re
from collections import Counter, defaultdict
from io import StringIO
from unittest import mock

import phonenumbers
import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, CaseShare, ReferenceCounter
from hub.calendar import HubCalendar
from hub.classifications import IsicSection, TechnologyDomain, size_class_for
from hub.country.holidays import library_holidays
from hub.devtools.datagen import hub_create
from hub.devtools.datagen.sheets import SHEETS
from hub.devtools.datagen.tables import LIBRARY_PARTNERS, NIGER_PARTNERS, PARTNERS, TOPICS_BY_KEY
from hub.followups.services import check_collection_date
from hub.library.formatting import LINK
from hub.models import AdministrativeUnit, Enterprise, FollowUp, Hub, Partner, Referent, TechnologySheet, User
from visits.models import Visit, VisitShare

pytestmark = pytest.mark.django_db

COUNTS = {"enterprises": 30, "cases": 60, "visits": 40}


@pytest.fixture(autouse=True)
def forget_flushed_content_types():
    """`flush` recreates the content types inside the test's transaction; the rollback restores the
    rows but not the manager's cache."""
    yield
    ContentType.objects.clear_cache()


def generate(*, seed: int, hub: str = "ML", **counts: int) -> str:
    out = StringIO()
    call_command("generate_data", seed=seed, hub=hub, stdout=out, **(counts or COUNTS))
    return out.getvalue()


def empty_database() -> None:
    """Flush (which also restarts the id sequences) and put back the administrative units. The deferred
    foreign-key checks run first: PostgreSQL refuses to truncate tables with checks pending."""
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    importlib.import_module("hub.migrations.0002_mali_administrative_units").add_units(apps, None)


def canonical_dump() -> list[dict]:
    """Every row the generator may write; the administrative units come from the migrations, their history
    dated by the clock."""
    rows = []
    for label in ("hub", "cases", "visits"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model in (AdministrativeUnit, AdministrativeUnit.history.model):
                continue
            rows += serializers.serialize("python", model._default_manager.order_by("pk"))
    return rows


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows():
    empty_database()
    generate(seed=7)
    first = canonical_dump()
    empty_database()
    generate(seed=7)
    assert canonical_dump() == first
    empty_database()
    generate(seed=8)
    other = canonical_dump()
    assert other != first
    names = {row["fields"]["name"] for row in other if row["model"] == "hub.enterprise"}
    assert names != {row["fields"]["name"] for row in first if row["model"] == "hub.enterprise"}


def test_counts_follow_the_arguments():
    output = generate(seed=1)
    assert Enterprise.objects.count() == COUNTS["enterprises"]
    assert Case.objects.count() == COUNTS["cases"]
    assert Visit.objects.count() == COUNTS["visits"]
    assert Referent.objects.count() == 2
    assert Partner.objects.count() == 15
    assert TechnologySheet.objects.count() == 30
    assert CaseShare.objects.exists() and VisitShare.objects.exists()
    assert "hub.Enterprise: 30" in output
    assert "hub.TechnologySheet: 30" in output
    assert "Done in" in output


def test_rows_are_valid_and_consistent():
    generate(seed=3)
    phones = [*Enterprise.objects.values_list("owner_phone", flat=True)]
    phones += [phone for phone in User.objects.values_list("phone", flat=True) if phone]
    assert phones
    assert all(str(phone).startswith("+223") and phonenumbers.is_valid_number(phone) for phone in phones)
    for enterprise in Enterprise.objects.all():
        expected = size_class_for(employees=enterprise.employees_total, turnover_band=enterprise.turnover_band)
        assert enterprise.size_class == expected
        enterprise.full_clean()
    for visit in Visit.objects.all():
        assert visit.people_reached_women <= visit.people_reached_total


def test_references_are_unique_and_the_counter_holds_the_last_number():
    generate(seed=5)
    numbers = defaultdict(list)
    for reference in Case.objects.values_list("reference", flat=True):
        match = re.fullmatch(r"ML-(\d{4})-(\d{5})", reference)
        assert match, reference
        numbers[int(match[1])].append(int(match[2]))
    counters = dict(ReferenceCounter.objects.values_list("year", "last_number"))
    assert counters.keys() == numbers.keys()
    for year, used in numbers.items():
        assert sorted(used) == list(range(1, len(used) + 1))
        assert counters[year] == len(used)


def test_every_record_has_its_creation_in_the_history():
    generate(seed=4)
    for model, created in ((Enterprise, "created_at"), (Case, "received_at"), (Visit, "created_at")):
        history = model.history.filter(history_type="+")
        assert history.count() == model.objects.count()
        for row in history.iterator():
            assert row.history_date == getattr(row, created)
    planned = FollowUp.history.filter(history_type="+")
    cancelled = FollowUp.history.filter(history_type="-")
    assert planned.count() == FollowUp.objects.count() + cancelled.count()
    assert not FollowUp.objects.filter(pk__in=cancelled.values("id")).exists()
    assert all(row.history_date == row.created_at and row.collected_on is None for row in planned.iterator())
    assert Case.history.exclude(created_by=None).filter(history_user=None).count() == 0
    linked = Visit.cases.through.objects.count()
    assert linked > 0
    assert apps.get_model("visits", "HistoricalVisit_cases").objects.count() == linked
    for model in (CaseShare, VisitShare):
        history = model.history.filter(history_type="+")
        assert history.count() == model.objects.count() > 0
        assert all(row.history_date == row.shared_at and row.history_user_id == row.shared_by_id for row in history)
    sheets = TechnologySheet.history.filter(history_type="+")
    assert sheets.count() == TechnologySheet.objects.count()
    assert all(row.history_date == row.created_at and row.history_user_id == row.author_id for row in sheets)
    assert TechnologySheet.history.filter(history_type="~", status="archived").count() == 2


def test_follow_ups_are_planned_by_the_rules_and_collected_as_the_services_allow():
    """Over the default period (almost three years), in a hub with standards of its own: a baseline per
    enterprise from its first support (case assigned or visit recorded), due within the first-contact
    standard; the 6- and 12-month follow-ups of each resolved or closed case, due the hub's delays after
    the resolution; each collection valid on the generator's last day, the 12-month ones collected too,
    none before its 6-month one."""
    opened = datetime.datetime(2023, 12, 1, 8, tzinfo=datetime.UTC)
    hub = hub_create(
        code="ML", name="HUB IIT Mali", host_organisation="", created_at=opened, years=[2024, 2025, 2026], targets={}
    )
    Hub.objects.filter(pk=hub.pk).update(first_contact_days=3, followup_6_months_days=120, followup_12_months_days=240)
    generate(seed=9, enterprises=40, cases=150, visits=60)
    hub = Hub.objects.get()
    assert (hub.first_contact_days, hub.followup_6_months_days) == (3, 120)
    delays = {"m6": hub.followup_6_months_days, "m12": hub.followup_12_months_days}
    calendar = HubCalendar.of(hub)
    supports = defaultdict(list)
    for case in Case.objects.exclude(assigned_at=None):
        supports[case.enterprise_id].append((case.assigned_at, case.assigned_at, case.assigned_to_id))
    for visit in Visit.objects.all():
        supports[visit.enterprise_id].append((visit.created_at, visit.started_at, visit.referent_id))
    baselines = {followup.enterprise_id: followup for followup in FollowUp.objects.filter(kind="baseline")}
    assert baselines.keys() == supports.keys()
    for enterprise, found in supports.items():
        logged, at, referent = min(found)
        due = calendar.add_working_days(calendar.local_date(at), hub.first_contact_days)
        baseline = baselines[enterprise]
        assert (baseline.due_date, baseline.assigned_to_id, baseline.created_at) == (due, referent, logged)
    for case in Case.objects.prefetch_related("followups"):
        planned = {followup.kind: followup.due_date for followup in case.followups.all()}
        if case.status in ("resolved", "closed"):
            day = calendar.local_date(case.resolved_at)
            assert planned == {kind: day + datetime.timedelta(days=days) for kind, days in delays.items()}
            assert {followup.assigned_to_id for followup in case.followups.all()} == {case.assigned_to_id}
        else:
            assert planned == {}, case.reference
    last_day = datetime.datetime(2026, 11, 20, 23, 59, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=last_day):
        for followup in FollowUp.objects.select_related("case"):
            followup.full_clean()
            check_collection_date(followup=followup, collected_on=followup.collected_on)
    collected = Counter(FollowUp.objects.exclude(collected_on=None).values_list("kind", "self_reported"))
    assert set(collected) == {(kind, reported) for kind in ("m6", "m12") for reported in (False, True)} | {
        ("baseline", False)
    }
    assert FollowUp.objects.filter(kind="m6", collected_on=None, due_date__lt=last_day.date()).exists()


def test_a_niger_hub_is_filled_with_niger_s_regions_and_people_on_its_calendar_at_utc_plus_one():
    """`--hub NE` opens a Niger hub (Africa/Niamey, the library's holidays of Niger) and fills it: regions,
    phone numbers, trade-register numbers and partners of Niger, no technology sheets (they are written for
    Mali); times drawn in Niamey's office hours and due dates counted from the local day on its calendar."""
    output = generate(seed=3, hub="NE")
    hub = Hub.objects.get(code="NE")
    assert (hub.name, hub.country, hub.time_zone, hub.language) == ("HUB IIT Niger", "NE", "Africa/Niamey", "fr")
    assert hub.host_organisation == "Conseil National du Patronat Nigérien (CNPN)"
    expected = [day for year in (2024, 2025, 2026) for day, _ in library_holidays("NE", year, "fr")]
    assert list(hub.holidays.values_list("date", flat=True)) == expected
    assert "Hub NE, seed 3" in output
    enterprises = Enterprise.objects.filter(hub=hub)
    assert enterprises.count() == COUNTS["enterprises"]
    assert all(region.startswith("NE-") for region in enterprises.values_list("region", flat=True))
    assert all(
        re.fullmatch(r"NE-[A-Z]{3}-\d{4}-[AB]-\d+", rccm)
        for rccm in enterprises.exclude(rccm="").values_list("rccm", flat=True)
    )
    phones = [*enterprises.values_list("owner_phone", flat=True)]
    phones += [phone for phone in User.objects.filter(hub=hub).values_list("phone", flat=True) if phone]
    assert all(str(phone).startswith("+227") and phonenumbers.is_valid_number(phone) for phone in phones)
    assert sorted(Partner.objects.filter(hub=hub).values_list("name", flat=True)) == sorted(
        spec.name for spec in NIGER_PARTNERS
    )
    assert not TechnologySheet.objects.exists()
    assert not Case.objects.exclude(reference__startswith="NE-").exists()
    calendar = HubCalendar.of(hub)
    for case in Case.objects.all():
        received = calendar.local_date(case.received_at)
        assert case.resolve_due == calendar.add_working_days(received, hub.resolve_days), case.reference
    office = [timezone.localtime(case.received_at, hub.zone).time() for case in Case.objects.exclude(channel="portal")]
    assert all(datetime.time(7, 30) <= moment <= datetime.time(17, 30) for moment in office)


def test_the_library_is_written_once_per_hub_and_shares_follow_the_cases():
    generate(seed=2)
    sheets = list(TechnologySheet.objects.order_by("pk").values_list("pk", "status"))
    shares = CaseShare.objects.count()
    assert Counter(status for _, status in sheets) == {"published": 26, "draft": 2, "archived": 2}
    generate(seed=2)
    assert list(TechnologySheet.objects.order_by("pk").values_list("pk", "status")) == sheets
    assert Partner.objects.count() == 15
    assert CaseShare.objects.count() > shares
    assert not CaseShare.objects.filter(sheet__status="draft").exists()
    assert not VisitShare.objects.filter(sheet__status="draft").exists()
    for share in CaseShare.objects.exclude(sheet=None).select_related("case", "sheet"):
        assert share.sheet.hub_id == share.case.hub_id
        assert share.case.assigned_at < share.shared_at < share.case.resolved_at
        assert share.sheet.created_at <= share.shared_at


def test_the_number_of_queries_does_not_grow_with_the_volume():
    """Rows go in bulk: twice the enterprises, cases and visits take the same queries besides the inserts
    (SQLite splits a bulk insert into statements of at most 999 parameters)."""
    queries = []
    for factor in (1, 2):
        empty_database()
        with CaptureQueriesContext(connection) as captured:
            generate(seed=6, **{name: number * factor for name, number in COUNTS.items()})
        statements = [re.sub(r'"s\d+_x\d+"', "", query["sql"]) for query in captured.captured_queries]
        queries.append(Counter(sql.split("(")[0] for sql in statements if not sql.startswith("INSERT")))
    assert queries[0] == queries[1]


def test_the_library_texts_are_complete():
    partner_names = {spec.name for spec in [*PARTNERS, *LIBRARY_PARTNERS]}
    assert len(SHEETS) == 30 and len({sheet.title for sheet in SHEETS}) == 30
    assert len({sheet.key for sheet in SHEETS}) == 30
    headings = ["Principe", "Mise en œuvre", "Points de vigilance", "Coûts indicatifs"]
    for sheet in SHEETS:
        assert sheet.domain in TechnologyDomain.values, sheet.key
        assert sheet.sectors and set(sheet.sectors) <= set(IsicSection.values), sheet.key
        assert set(sheet.topics) <= TOPICS_BY_KEY.keys(), sheet.key
        assert 1 <= len(sheet.partners) <= 2 and set(sheet.partners) <= partner_names, sheet.key
        assert re.findall(r"^## (.+)$", sheet.body, flags=re.MULTILINE) == headings, sheet.key
        assert 200 <= len(sheet.body.split()) <= 400, sheet.key
        assert 2 <= len(re.findall(r"[.!?](?:\s|$)", sheet.summary)) <= 3, sheet.key
        assert "<" not in sheet.body and ">" not in sheet.body, sheet.key
        assert all(address.startswith("https://") for _, address in LINK.findall(sheet.body)), sheet.key
        assert 0 < sheet.cost_min_xof <= sheet.cost_max_xof, sheet.key
        assert sheet.equipment and len(sheet.title) <= 200 and len(sheet.summary) <= 1000, sheet.key
    covered = {topic for sheet in SHEETS if sheet.status != "draft" for topic in sheet.topics}
    assert {"mango_drying", "shea_press", "improved_stoves", "milk_pasteurisation", "welding_safety"} <= covered
    assert {"cereal_mill", "solar_pump", "fish_smoking_oven", "rice_parboiling", "oil_press"} <= covered
