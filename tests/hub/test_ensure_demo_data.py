"""`make run` loads the demo data once, and never over an existing database."""

import json
from collections import Counter
from io import StringIO

from django.conf import settings
from django.core.management import call_command

from cases.models import Case
from hub.models import FollowUp, Hub, User
from tests.factories import AdminFactory


def run() -> str:
    out = StringIO()
    call_command("ensure_demo_data", stdout=out)
    return out.getvalue()


def test_loads_the_demo_into_an_empty_database_then_leaves_it_alone(db):
    output = run()
    assert "demo-2026" in output and "manager-ne" in output
    assert Case.objects.count() == 360
    assert set(Hub.objects.values_list("code", flat=True)) == {"ML", "NE"}
    run()
    assert Case.objects.count() == 360


def test_leaves_a_database_with_users_untouched(db):
    AdminFactory(username="chief")
    assert "not loaded" in run()
    assert list(User.objects.values_list("username", flat=True)) == ["chief"]


def test_the_demo_brings_its_impact_follow_ups_and_their_history_as_written(db):
    """Loading plans nothing and records no history of its own: the follow-ups and their versions are those
    of the fixture, baselines and 6- and 12-month follow-ups, some collected."""
    rows = json.loads((settings.BASE_DIR / "fixtures" / "demo.json").read_text(encoding="utf-8"))
    written = Counter(row["model"] for row in rows)
    run()
    assert FollowUp.objects.count() == written["hub.followup"]
    assert FollowUp.history.count() == written["hub.historicalfollowup"] > written["hub.followup"]
    assert set(FollowUp.objects.values_list("kind", flat=True)) == {"baseline", "m6", "m12"}
    assert FollowUp.objects.exclude(collected_on=None).exists()
