"""Every create, change and delete of enterprises, cases, visits and follow-ups is kept in the history."""

import pytest

from tests.factories import CaseFactory, EnterpriseFactory, FollowUpFactory, VisitFactory

pytestmark = pytest.mark.django_db

RECORDS = {
    "enterprise": (EnterpriseFactory, "name", "Nouveau nom SARL"),
    "case": (CaseFactory, "title", "Presse à huile"),
    "visit": (VisitFactory, "observations", "Machine réparée"),
    "followup": (FollowUpFactory, "jobs_created", 3),
}


@pytest.mark.parametrize("record", list(RECORDS))
def test_create_change_and_delete_are_kept(record):
    factory, field, new_value = RECORDS[record]
    instance = factory()
    model = type(instance)
    pk = instance.pk

    created = instance.history.get()
    assert created.history_type == "+"

    old_value = getattr(instance, field)
    setattr(instance, field, new_value)
    instance.save()
    changed = instance.history.latest()
    assert changed.history_type == "~"
    delta = changed.diff_against(changed.prev_record)
    assert delta.changed_fields == [field]
    assert [(change.old, change.new) for change in delta.changes] == [(old_value, new_value)]

    instance.delete()
    rows = list(model.history.filter(id=pk).order_by("history_date", "history_id"))
    assert [row.history_type for row in rows] == ["+", "~", "-"]
    assert getattr(rows[-1], field) == new_value
