"""`make run` loads the demo data once, and never over an existing database."""

from io import StringIO

from django.core.management import call_command

from cases.models import Case
from hub.models import User
from tests.factories import AdminFactory


def run() -> str:
    out = StringIO()
    call_command("ensure_demo_data", stdout=out)
    return out.getvalue()


def test_loads_the_demo_into_an_empty_database_then_leaves_it_alone(db):
    assert "demo-2026" in run()
    assert Case.objects.count() == 300
    run()
    assert Case.objects.count() == 300


def test_leaves_a_database_with_users_untouched(db):
    AdminFactory(username="chief")
    assert "not loaded" in run()
    assert list(User.objects.values_list("username", flat=True)) == ["chief"]
