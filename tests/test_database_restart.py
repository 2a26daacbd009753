"""A PostgreSQL restart between two requests (`make test-postgres`): a gunicorn server keeps its database
connection between requests (DJANGO_CONN_MAX_AGE, as in docs/DEPLOY.md); every server-side connection
to the database is then ended, as a restart or a fail-over ends them. The next request, a read and then
a write, succeeds: the dead connection is noticed (CONN_HEALTH_CHECKS) and replaced, and the visit sent
after the restart is stored once.
"""

import uuid

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils.crypto import get_random_string

from tests.factories import EnterpriseFactory, HubFactory, ReferentUserFactory
from tests.factories.hub import PASSWORD
from tests.test_app_servers import Server
from visits.models import Visit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def server(tmp_path):
    server = Server(log_dir=tmp_path, secret_key=get_random_string(60), extra_env={"DJANGO_CONN_MAX_AGE": "600"})
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


def end_other_connections() -> int:
    """Ends every connection to the test database but this test's own; returns how many there were."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_the_first_request_after_a_database_restart_succeeds_and_stores_its_visit(server):
    hub = HubFactory(code="DR")
    referent = ReferentUserFactory(hub=hub)
    referent.password = make_password(PASSWORD, hasher="pbkdf2_sha256")  # a hasher the server knows
    referent.save(update_fields=["password"])
    enterprise = EnterpriseFactory(hub=hub)
    status, body = server.api("POST", "/api/v1/auth/token/", data={"username": referent.username, "password": PASSWORD})
    assert status == 200, body
    token = {"Authorization": f"Token {body['token']}"}
    assert server.api("GET", "/api/v1/visits/", auth=token)[0] == 200

    assert end_other_connections() >= 1, "the server should have kept its connection open"

    status, listed = server.api("GET", "/api/v1/visits/", auth=token)
    assert status == 200, listed
    visit = {
        "client_uuid": str(uuid.uuid4()),
        "enterprise": enterprise.pk,
        "started_at": "2026-11-20T09:30:00Z",
        "duration_minutes": 45,
        "purpose": "diagnostic",
        "observations": "Après la coupure",
    }
    end_other_connections()
    status, created = server.api("POST", "/api/v1/visits/", data=visit, auth=token)
    assert status == 201, created
    assert Visit.objects.filter(client_uuid=visit["client_uuid"]).count() == 1
    assert Visit.history.filter(client_uuid=visit["client_uuid"]).count() == 1
