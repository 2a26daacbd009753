"""Authentication, the OpenAPI schema and docs, JSON errors and compression."""

import gzip
import json

import brotli
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from tests.factories import PASSWORD, CaseFactory


def test_token_authentication(client, manager, enterprise):
    CaseFactory(enterprise=enterprise)
    response = client.post("/api/v1/auth/token/", {"username": "manager", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    listed = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {token}")
    assert listed.status_code == 200
    assert len(listed.json()["results"]) == 1


def test_wrong_credentials_get_a_field_free_json_error(client, manager):
    response = client.post("/api/v1/auth/token/", {"username": "manager", "password": "wrong"})
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert "token" not in response.json()


def test_token_requests_are_throttled(client, manager):
    cache.clear()
    statuses = [
        client.post("/api/v1/auth/token/", {"username": "manager", "password": "wrong"}).status_code for _ in range(11)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429
    cache.clear()


def test_a_bad_token_is_a_401(client, db):
    response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_schema_builds_and_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    schema = (tmp_path / "schema.yml").read_text()
    for path in ["/api/v1/cases/", "/api/v1/visits/", "/api/v1/reports/summary/", "/api/v1/auth/token/"]:
        assert f"{path}:" in schema


def test_docs_are_served_from_the_project(client, manager):
    client.force_login(manager)
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower()
    assert "/static/drf_spectacular_sidecar/" in page


@override_settings(DEBUG=False)
def test_unknown_api_path_is_json(client, manager):
    client.force_login(manager)
    response = client.get("/api/v1/nothing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_wrong_method_and_media_type_are_json(client, manager, enterprise):
    client.force_login(manager)
    case = CaseFactory(enterprise=enterprise)
    assert client.delete(f"/api/v1/cases/{case.pk}/").json()["detail"]
    response = client.post("/api/v1/cases/", "x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["detail"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversized_body_is_a_json_413(client, manager):
    client.force_login(manager)
    response = client.post("/api/v1/cases/", json.dumps({"description": "x" * 5000}), content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detail"]


def test_responses_are_compressed_when_accepted(client, manager, enterprise):
    CaseFactory.create_batch(30, enterprise=enterprise)
    client.force_login(manager)
    response = client.get("/api/v1/cases/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.content))["results"]) == 30


def test_the_mobile_pages_go_out_in_brotli_padded_at_random_to_a_browser_that_accepts_it(client, referent):
    client.force_login(referent)
    pages = [client.get("/m/", HTTP_ACCEPT_ENCODING="gzip, deflate, br, zstd") for _ in range(8)]
    assert {page["Content-Encoding"] for page in pages} == {"br"}
    assert "Accept-Encoding" in pages[0]["Vary"]
    html = brotli.decompress(pages[0].content).decode()
    assert html.rstrip().endswith("-->") and "</html>" in html
    assert len({len(brotli.decompress(page.content)) for page in pages}) > 1
    gzipped = client.get("/m/", HTTP_ACCEPT_ENCODING="gzip")
    assert gzipped["Content-Encoding"] == "gzip"
    assert len(pages[0].content) < len(gzipped.content)


def test_the_api_stays_gzip_even_for_a_browser_that_accepts_brotli(client, manager, enterprise):
    CaseFactory.create_batch(30, enterprise=enterprise)
    client.force_login(manager)
    response = client.get("/api/v1/cases/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"


def test_api_messages_follow_accept_language(client, manager):
    client.force_login(manager)
    english = client.post("/api/v1/cases/", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    french = client.post("/api/v1/cases/", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr")
    assert english.json()["title"] == ["This field is required."]
    assert french.json()["title"] == ["Ce champ est obligatoire."]
