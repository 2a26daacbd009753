"""/healthz and /readyz for the proxy and the monitoring, and a database that does not answer: a 503 with
Retry-After, which the phone's outbox retries, instead of a 500."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client

from hub import views

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


def test_healthz_answers_without_signing_in_and_says_nothing_else(anonymous, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = anonymous.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_answers_when_the_database_and_the_cache_do(anonymous):
    response = anonymous.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize("failing", ["_database_answers", "_cache_answers"])
def test_readyz_is_503_without_saying_which_part_failed(anonymous, failing):
    with mock.patch.object(views, failing, side_effect=OperationalError("connection refused at 10.0.0.5")):
        response = anonymous.get("/readyz")
    assert (response.status_code, response.json()) == (503, {"status": "unavailable"})
    assert response["Retry-After"] == str(views.DATABASE_RETRY_SECONDS)
    assert b"10.0.0.5" not in response.content


def test_readyz_is_503_when_the_cache_keeps_nothing(anonymous):
    with mock.patch.object(cache, "get", return_value=None):
        response = anonymous.get("/readyz")
    assert response.status_code == 503


@pytest.mark.parametrize(
    ("path", "selector", "json"),
    [
        ("/api/v1/cases/", "api.viewsets.cases.cases_visible_to", True),
        ("/manage/cases/", "cases.manage_views.cases_visible_to", False),
    ],
)
def test_a_database_that_does_not_answer_is_a_503_to_retry(manager, path, selector, json):
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    with mock.patch(selector, side_effect=OperationalError("server closed the connection unexpectedly")):
        response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == str(views.DATABASE_RETRY_SECONDS)
    assert b"server closed" not in response.content
    if json:
        assert response.json() == {"detail": "Le service est brièvement indisponible : réessayez dans un instant."}


def test_another_server_error_stays_a_500(manager):
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    with mock.patch("cases.manage_views.cases_visible_to", side_effect=RuntimeError("bug")):
        response = client.get("/manage/cases/")
    assert response.status_code == 500
    assert "Retry-After" not in response
