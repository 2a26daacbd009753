"""The OpenRosa endpoints as the specification says (docs.getodk.org/openrosa-http, -form-list,
-form-submission): their headers, the form list and the manifest parsed, and who gets through."""

import csv
import gzip
import hashlib
import io

import pytest
from defusedxml import ElementTree
from django.utils import timezone, translation
from django.utils.translation import gettext

from hub.security import LockoutAuthenticationForm
from hub.staff.services import staff_deactivate, staff_reactivate
from tests.factories import EnterpriseFactory, ManagerFactory, ReferentUserFactory
from tests.visits.openrosa.conftest import OPENROSA, basic, prefix
from visits.models import FieldAppToken
from visits.openrosa.form import visit_xform
from visits.openrosa.services import field_app_token_issue, field_app_token_revoke

LIST = "{http://openrosa.org/xforms/xformsList}"
MANIFEST = "{http://openrosa.org/xforms/xformsManifest}"
RESPONSE = "{http://openrosa.org/http/response}"
XML = "text/xml; charset=utf-8"


def md5(content: bytes) -> str:
    return "md5:" + hashlib.md5(content, usedforsecurity=False).hexdigest()


def message(response) -> str:
    document = ElementTree.fromstring(response.content)
    assert document.tag == f"{RESPONSE}OpenRosaResponse"
    return document.find(f"{RESPONSE}message").text


def assert_openrosa_headers(response):
    assert response["X-OpenRosa-Version"] == "1.0"
    assert "Date" not in response  # the server's (gunicorn's): one Date header, not two


def form_entry(response) -> dict[str, str]:
    document = ElementTree.fromstring(response.content)
    assert document.tag == f"{LIST}xforms"
    (xform,) = document.findall(f"{LIST}xform")
    return {child.tag.removeprefix(LIST): child.text for child in xform}


class TestFormList:
    def test_lists_the_visit_form_with_its_hash_and_urls_that_keep_the_key(self, client, key):
        response = client.get(f"{prefix(key)}formList", secure=True, **OPENROSA)

        assert response.status_code == 200
        assert response["Content-Type"] == XML
        assert_openrosa_headers(response)
        entry = form_entry(response)
        assert list(entry) == ["formID", "name", "version", "hash", "downloadUrl", "manifestUrl"]
        assert entry["formID"] == "hubiit_visit"
        assert entry["name"] == "Visite de site"
        assert entry["version"] == visit_xform().version
        assert entry["downloadUrl"] == f"https://testserver/openrosa/key/{key}/forms/hubiit_visit.xml"
        assert entry["manifestUrl"] == f"https://testserver/openrosa/key/{key}/forms/hubiit_visit/manifest"

        download = client.get(entry["downloadUrl"], secure=True, **OPENROSA)
        assert download.status_code == 200
        assert download["Content-Type"] == XML
        assert_openrosa_headers(download)
        assert entry["hash"] == md5(download.content) == visit_xform().md5

    def test_is_answered_without_the_openrosa_header_as_enketo_asks(self, client, referent):
        response = client.get("/openrosa/formList", secure=True, **basic(referent))

        assert response.status_code == 200
        assert_openrosa_headers(response)
        assert form_entry(response)["downloadUrl"] == "https://testserver/openrosa/forms/hubiit_visit.xml"

    def test_form_id_narrows_the_list_and_verbose_adds_the_description(self, client, key):
        other = client.get(f"{prefix(key)}formList?formID=another", secure=True)
        assert ElementTree.fromstring(other.content).findall(f"{LIST}xform") == []
        verbose = client.get(f"{prefix(key)}formList?formID=hubiit_visit&verbose=true", secure=True)
        assert "descriptionText" in form_entry(verbose)

    def test_the_account_language_names_the_form(self, client, referent, key):
        referent.language = "en"
        referent.save()
        response = client.get(f"{prefix(key)}formList", secure=True)
        assert form_entry(response)["name"] == "Site visit"
        assert response["Content-Language"] == "en"

    def test_the_form_is_compressed_for_clients_that_accept_it(self, client, key):
        response = client.get(f"{prefix(key)}forms/hubiit_visit.xml", secure=True, HTTP_ACCEPT_ENCODING="gzip")
        assert response["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.content) == visit_xform().xml

    def test_an_unknown_form_is_404(self, client, key):
        response = client.get(f"{prefix(key)}forms/another.xml", secure=True)
        assert response.status_code == 404
        assert_openrosa_headers(response)
        assert message(response)


class TestManifest:
    def test_lists_the_hubs_enterprises_as_a_csv_whose_hash_is_its_content(
        self, client, key, enterprise, other_enterprise
    ):
        anonymised = EnterpriseFactory(hub=enterprise.hub, name="Ancienne SARL", anonymised_at=timezone.now())
        response = client.get(f"{prefix(key)}forms/hubiit_visit/manifest", secure=True, **OPENROSA)

        assert response.status_code == 200
        assert response["Content-Type"] == XML
        assert_openrosa_headers(response)
        document = ElementTree.fromstring(response.content)
        assert document.tag == f"{MANIFEST}manifest"
        (media,) = document.findall(f"{MANIFEST}mediaFile")
        fields = {child.tag.removeprefix(MANIFEST): child.text for child in media}
        assert fields["filename"] == "enterprises.csv"
        assert (
            fields["downloadUrl"] == f"https://testserver/openrosa/key/{key}/forms/hubiit_visit/media/enterprises.csv"
        )

        download = client.get(fields["downloadUrl"], secure=True, **OPENROSA)
        assert download.status_code == 200
        assert download["Content-Type"] == "text/csv; charset=utf-8"
        assert fields["hash"] == md5(download.content)
        rows = list(csv.DictReader(io.StringIO(download.content.decode())))
        assert rows == [{"name": str(enterprise.pk), "label": "Karité Plus SARL – Commune III"}]
        assert str(other_enterprise.pk) not in {row["name"] for row in rows}
        assert str(anonymised.pk) not in {row["name"] for row in rows}

    def test_its_hash_changes_with_the_directory(self, client, key, enterprise):
        def media_hash():
            response = client.get(f"{prefix(key)}forms/hubiit_visit/manifest", secure=True)
            return ElementTree.fromstring(response.content).find(f"{MANIFEST}mediaFile/{MANIFEST}hash").text

        before = media_hash()
        EnterpriseFactory(hub=enterprise.hub, name="Moulin Neuf")
        assert media_hash() != before

    def test_another_file_is_404(self, client, key):
        assert client.get(f"{prefix(key)}forms/hubiit_visit/media/other.csv", secure=True).status_code == 404


class TestSubmissionHead:
    def test_head_is_204_with_the_accepted_length(self, client, key):
        response = client.head(f"{prefix(key)}submission", secure=True, **OPENROSA)

        assert response.status_code == 204
        assert_openrosa_headers(response)
        assert response["X-OpenRosa-Accept-Content-Length"] == str(10 * 1024 * 1024)

    def test_head_without_credentials_is_challenged_for_basic_first(self, client, referent):
        response = client.head("/openrosa/submission", secure=True, **OPENROSA)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith('Basic realm="HUB IIT", charset="UTF-8", Digest realm="HUB IIT"')
        assert_openrosa_headers(response)
        assert response["X-OpenRosa-Accept-Content-Length"]

        signed_in = client.head("/openrosa/submission", secure=True, **OPENROSA, **basic(referent))
        assert signed_in.status_code == 204

    def test_get_is_405(self, client, key):
        response = client.get(f"{prefix(key)}submission", secure=True)
        assert response.status_code == 405
        assert response["Allow"] == "HEAD, POST"
        assert_openrosa_headers(response)


class TestAuthentication:
    def test_without_credentials_401_with_an_openrosa_message(self, client):
        response = client.get("/openrosa/formList", secure=True, **OPENROSA)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Basic ")
        with translation.override("fr"):
            assert message(response) == gettext("Sign in with your user name and password.")

    def test_a_wrong_password_is_401_again(self, client, referent):
        response = client.get("/openrosa/formList", secure=True, **basic(referent, "wrong"))
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Basic ")

    def test_credentials_over_plain_http_are_refused(self, client, referent, key):
        for url, headers in (("/openrosa/formList", basic(referent)), (f"{prefix(key)}formList", {})):
            response = client.get(url, **headers)
            assert response.status_code == 403
            assert "https://" in message(response)
            assert_openrosa_headers(response)

    def test_repeated_failures_lock_the_name_from_that_address_as_the_sign_in_form_does(self, client, referent):
        for _attempt in range(5):
            assert client.get("/openrosa/formList", secure=True, **basic(referent, "wrong")).status_code == 401
        response = client.get("/openrosa/formList", secure=True, **basic(referent))

        assert response.status_code == 403
        expected = LockoutAuthenticationForm.error_messages["locked"] % LockoutAuthenticationForm.lockout_params()
        assert message(response) == str(expected)
        other_address = client.get("/openrosa/formList", secure=True, REMOTE_ADDR="10.0.0.9", **basic(referent))
        assert other_address.status_code == 200

    def test_a_success_forgets_the_failures(self, client, referent):
        for _attempt in range(4):
            client.get("/openrosa/formList", secure=True, **basic(referent, "wrong"))
        assert client.get("/openrosa/formList", secure=True, **basic(referent)).status_code == 200
        for _attempt in range(4):
            client.get("/openrosa/formList", secure=True, **basic(referent, "wrong"))
        assert client.get("/openrosa/formList", secure=True, **basic(referent)).status_code == 200

    @pytest.mark.parametrize("role", ["manager", "deactivated referent"])
    def test_only_active_referents(self, client, hub, role):
        if role == "manager":
            user = ManagerFactory(hub=hub)
        else:
            user = ReferentUserFactory(hub=hub)
            key = field_app_token_issue(referent=user)
            user.is_active = False
            user.save()
            assert client.get(f"{prefix(key)}formList", secure=True).status_code == 403
        response = client.get("/openrosa/formList", secure=True, **basic(user))
        assert response.status_code == (403 if role == "manager" else 401)

    def test_a_revoked_or_replaced_key_is_refused_and_the_new_one_works(self, client, referent, key):
        newer = field_app_token_issue(referent=referent)
        replaced = client.get(f"{prefix(key)}formList", secure=True)
        assert replaced.status_code == 403
        assert "QR" in message(replaced)
        assert client.get(f"{prefix(newer)}formList", secure=True).status_code == 200

        assert field_app_token_revoke(referent=referent)
        assert client.get(f"{prefix(newer)}formList", secure=True).status_code == 403
        assert client.get(f"{prefix('made-up-key')}formList", secure=True).status_code == 403

    def test_a_deactivated_referent_s_key_stays_refused_after_a_reactivation(self, client, referent, manager, key):
        staff_deactivate(person=referent, by=manager)
        staff_reactivate(person=referent, by=manager)
        assert client.get(f"{prefix(key)}formList", secure=True).status_code == 403

    def test_a_key_is_stored_only_as_its_hash_and_notes_its_use(self, client, referent, key):
        token = FieldAppToken.objects.get(referent=referent)
        assert key not in token.key_hash
        assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert token.last_used_at is None
        client.get(f"{prefix(key)}formList", secure=True)
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_a_session_alone_is_not_enough(self, client, referent):
        client.force_login(referent)
        assert client.get("/openrosa/formList", secure=True).status_code == 401
