"""The same ODK Collect submission, with its photo, posted from several threads at once, each with its own
PostgreSQL connection (`make test-postgres`), as a phone that retries while its first POST is still being
stored: one visit with one photo and one history entry, one 201 and 202 for the others.

Left out on SQLite, whose in-memory test database is not shared between threads."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from tests.factories import EnterpriseFactory, HubFactory, ReferentUserFactory
from tests.threads import race
from tests.visits.openrosa.conftest import instance, jpeg, submit
from visits.models import Visit, VisitPhoto
from visits.openrosa.services import field_app_token_issue

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: make test-postgres"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
REPLAYS = 4


def test_concurrent_resends_store_one_visit_with_its_photo():
    referent = ReferentUserFactory(hub=HubFactory(code="OR"))
    key = field_app_token_issue(referent=referent)
    photo = jpeg(name="1733570000001.jpg")
    xml = instance(
        enterprise=EnterpriseFactory(hub=referent.hub),
        instance_id=uuid.uuid4(),
        needs=[("agro", "Séchoir solaire", "")],
        photos=[photo.name],
    )

    def post():
        return submit(Client(), xml, key=key, photos=[jpeg(name=photo.name)]).status_code

    statuses = race(lambda index: post(), count=REPLAYS)

    assert sorted(statuses) == [201] + [202] * (REPLAYS - 1), statuses
    visit = Visit.objects.get()
    assert VisitPhoto.objects.get().visit == visit
    assert visit.cases.count() == 1
    assert Visit.history.filter(id=visit.pk, history_type="+").count() == 1


def test_concurrent_submissions_of_one_instance_id_with_other_content_store_one():
    referent = ReferentUserFactory(hub=HubFactory(code="OS"))
    key = field_app_token_issue(referent=referent)
    enterprise = EnterpriseFactory(hub=referent.hub)
    instance_id = uuid.uuid4()
    versions = iter(range(REPLAYS))
    lock = threading.Lock()

    def post():
        with lock:
            version = next(versions)
        xml = instance(enterprise=enterprise, instance_id=instance_id, observations=f"Version {version}")
        return submit(Client(), xml, key=key).status_code

    statuses = race(lambda index: post(), count=REPLAYS)

    assert sorted(statuses) == [201] + [409] * (REPLAYS - 1), statuses
    assert Visit.objects.count() == 1
