import importlib
import re
from collections import defaultdict
from io import StringIO

import phonenumbers
import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.db import connection

from cases.models import Case, ReferenceCounter
from hub.classifications import size_class_for
from hub.models import Enterprise, FollowUp, Partner, Referent, User
from visits.models import Visit

pytestmark = pytest.mark.django_db

COUNTS = {"enterprises": 30, "cases": 60, "visits": 40}


@pytest.fixture(autouse=True)
def forget_flushed_content_types():
    """`flush` recreates the content types inside the test's transaction; the rollback restores the
    rows but not the manager's cache."""
    yield
    ContentType.objects.clear_cache()


def generate(*, seed: int) -> str:
    out = StringIO()
    call_command("generate_data", seed=seed, stdout=out, **COUNTS)
    return out.getvalue()


def empty_database() -> None:
    """Flush (which also restarts the id sequences) and put back the administrative units. The deferred
    foreign-key checks run first: PostgreSQL refuses to truncate tables with checks pending."""
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    importlib.import_module("hub.migrations.0002_mali_administrative_units").add_units(apps, None)


def canonical_dump() -> list[dict]:
    rows = []
    for label in ("hub", "cases", "visits"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
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
    assert Partner.objects.count() == 10
    assert "hub.Enterprise: 30" in output
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
    assert FollowUp.history.count() == FollowUp.objects.count()
    assert Case.history.exclude(created_by=None).filter(history_user=None).count() == 0
    linked = Visit.cases.through.objects.count()
    assert linked > 0
    assert apps.get_model("visits", "HistoricalVisit_cases").objects.count() == linked
