"""HTTP Digest as ODK Collect answers it (okhttp-digest: qop=auth, MD5, the last nonce reused with nc
counting up): the user name and the referent's key as password, under /openrosa/app/ where Digest is
offered first; Basic still works beside it. The answers are computed here as a client computes them,
from RFC 7616, and once by another client's code (requests' HTTPDigestAuth)."""

import secrets
import time
import uuid

import pytest
import requests
from defusedxml import ElementTree
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext
from requests.auth import HTTPDigestAuth
from requests.utils import parse_dict_header

from cases.models import Case
from tests.factories import ReferentUserFactory
from tests.visits.openrosa.conftest import (
    OPENROSA,
    DigestClient,
    authorization,
    basic,
    challenge_of,
    instance,
    jpeg,
    md5,
)
from visits.models import FieldAppToken, Visit
from visits.openrosa import digest
from visits.openrosa.services import field_app_token_issue

APP = "/openrosa/app/"
RESPONSE = "{http://openrosa.org/http/response}"


def message(response) -> str:
    return ElementTree.fromstring(response.content).find(f"{RESPONSE}message").text


@pytest.fixture
def key(referent) -> str:
    return field_app_token_issue(referent=referent)


@pytest.fixture
def collect(client, referent, key) -> DigestClient:
    return DigestClient(client, username=referent.username, password=key)


def challenged(client, path: str = f"{APP}formList") -> dict:
    response = client.get(path, secure=True, **OPENROSA)
    assert response.status_code == 401
    return challenge_of(response)


class TestChallenge:
    def test_the_app_address_offers_digest_first_then_basic(self, client):
        response = client.get(f"{APP}formList", secure=True, **OPENROSA)

        assert response.status_code == 401
        assert response["X-OpenRosa-Version"] == "1.0"
        header = response["WWW-Authenticate"]
        assert header.startswith('Digest realm="HUB IIT", qop="auth", nonce="')
        assert header.endswith(', Basic realm="HUB IIT", charset="UTF-8"')
        offered = challenge_of(response)
        assert (offered["realm"], offered["qop"], offered["algorithm"]) == ("HUB IIT", "auth", "MD5")
        assert offered["opaque"] and offered["nonce"]
        assert "stale" not in offered
        assert challenge_of(client.get(f"{APP}formList", secure=True))["nonce"] != offered["nonce"]

    def test_the_password_address_offers_basic_first_then_digest(self, client):
        response = client.head("/openrosa/submission", secure=True, **OPENROSA)

        assert response.status_code == 401
        assert response["X-OpenRosa-Version"] == "1.0"
        assert response["WWW-Authenticate"].startswith('Basic realm="HUB IIT", charset="UTF-8", Digest realm="HUB IIT"')
        assert challenge_of(response)["qop"] == "auth"

    def test_the_nonce_carries_no_character_a_client_could_mangle(self, client):
        nonce = challenged(client)["nonce"]
        assert not set(nonce) & set('"\\:, ')


class TestAccepted:
    def test_odk_collect_lists_downloads_and_sends_with_the_key_as_password(
        self, client, collect, referent, enterprise, key
    ):
        form_list = collect.get(f"{APP}formList")
        assert form_list.status_code == 200
        assert form_list["X-OpenRosa-Version"] == "1.0"
        assert collect.exchanges == [401, 200]
        assert f"https://testserver{APP}forms/hubiit_visit.xml" in form_list.content.decode()
        assert f"https://testserver{APP}forms/hubiit_visit/manifest" in form_list.content.decode()

        assert collect.get(f"{APP}forms/hubiit_visit.xml").status_code == 200
        manifest = collect.get(f"{APP}forms/hubiit_visit/manifest")
        assert f"https://testserver{APP}forms/hubiit_visit/media/enterprises.csv" in manifest.content.decode()
        assert collect.head(f"{APP}submission").status_code == 204
        photo = jpeg(name="1733570000001.jpg")
        xml = instance(enterprise=enterprise, instance_id=uuid.uuid4(), photos=[photo.name])
        sent = collect.post(f"{APP}submission", {"xml_submission_file": _xml_file(xml), photo.name: photo})

        assert sent.status_code == 201, sent.content
        assert sent["X-OpenRosa-Version"] == "1.0"
        assert collect.exchanges == [401, 200, 200, 200, 204, 201]  # one challenge, then the nonce reused
        visit = Visit.objects.get()
        assert visit.referent == referent
        assert visit.photos.count() == 1
        assert FieldAppToken.objects.get(referent=referent).last_used_at is not None

    def test_a_query_string_is_part_of_the_uri_answered(self, collect):
        response = collect.get(f"{APP}formList?formID=hubiit_visit&verbose=true")
        assert response.status_code == 200
        assert "descriptionText" in response.content.decode()

    def test_the_answer_of_another_client_s_code(self, client, referent, key):
        """requests' HTTPDigestAuth, fed the challenge, writes an answer the server takes."""
        response = client.get(f"{APP}formList", secure=True)
        auth = HTTPDigestAuth(referent.username, key)
        auth.init_per_thread_state()
        header = response["WWW-Authenticate"]
        auth._thread_local.chal = parse_dict_header(header.split(", Basic ")[0].removeprefix("Digest "))
        answer = auth.build_digest_header("GET", f"https://testserver{APP}formList")

        assert client.get(f"{APP}formList", secure=True, HTTP_AUTHORIZATION=answer).status_code == 200

    def test_digest_is_answered_under_the_password_address_too(self, client, referent, key):
        offered = challenged(client, "/openrosa/formList")
        header = authorization(
            username=referent.username, password=key, challenge=offered, method="GET", uri="/openrosa/formList"
        )
        response = client.get("/openrosa/formList", secure=True, HTTP_AUTHORIZATION=header)
        assert response.status_code == 200
        assert "https://testserver/openrosa/forms/hubiit_visit.xml" in response.content.decode()

    def test_a_non_ascii_user_name_in_utf_8(self, client, hub):
        referent = ReferentUserFactory(hub=hub, username="aïssata")
        key = field_app_token_issue(referent=referent)
        assert DigestClient(client, username="aïssata", password=key).get(f"{APP}formList").status_code == 200


def _xml_file(xml: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("Visite.xml", xml, content_type="text/xml")


class TestRefused:
    def test_the_account_password_is_not_a_digest_password(self, client, referent, key):
        collect = DigestClient(client, username=referent.username, password="motdepasse-du-compte")
        response = collect.get(f"{APP}formList")

        assert response.status_code == 401
        assert response["X-OpenRosa-Version"] == "1.0"
        assert "stale" not in challenge_of(response)
        assert collect.exchanges == [401, 401]
        with translation.override("fr"):
            assert message(response) == gettext("Wrong user name or password.")

    def test_a_wrong_key_or_user_name(self, client, referent, hub, key):
        other = ReferentUserFactory(hub=hub)
        field_app_token_issue(referent=other)
        assert (
            DigestClient(client, username=referent.username, password=key + "x").get(f"{APP}formList").status_code
            == 401
        )
        assert DigestClient(client, username=other.username, password=key).get(f"{APP}formList").status_code == 401
        assert DigestClient(client, username="nobody", password=key).get(f"{APP}formList").status_code == 401

    def test_a_forged_nonce(self, client, referent, key):
        offered = challenged(client)
        for nonce in (
            secrets.token_urlsafe(16),
            offered["nonce"][:-2] + ("AA" if not offered["nonce"].endswith("AA") else "BB"),
            signing.TimestampSigner(salt="another", sep=".").sign("x"),
        ):
            header = authorization(
                username=referent.username,
                password=key,
                challenge={**offered, "nonce": nonce},
                method="GET",
                uri=f"{APP}formList",
            )
            response = client.get(f"{APP}formList", secure=True, HTTP_AUTHORIZATION=header)
            assert response.status_code == 401
            assert "stale" not in challenge_of(response)

    def test_an_expired_nonce_is_stale_and_a_new_one_works(self, client, referent, key):
        old = signing.TimestampSigner(salt=digest._SALT, sep=".")
        old.timestamp = lambda: signing.b62_encode(int(time.time()) - 11 * 60)
        offered = {**challenged(client), "nonce": old.sign(secrets.token_urlsafe(16))}
        header = authorization(
            username=referent.username, password=key, challenge=offered, method="GET", uri=f"{APP}formList"
        )

        response = client.get(f"{APP}formList", secure=True, HTTP_AUTHORIZATION=header)

        assert response.status_code == 401
        assert response["X-OpenRosa-Version"] == "1.0"
        fresh = challenge_of(response)
        assert fresh["stale"] == "true"
        again = authorization(
            username=referent.username, password=key, challenge=fresh, method="GET", uri=f"{APP}formList"
        )
        assert client.get(f"{APP}formList", secure=True, HTTP_AUTHORIZATION=again).status_code == 200

    def test_an_expired_nonce_with_a_wrong_key_is_not_stale(self, client, referent, key):
        old = signing.TimestampSigner(salt=digest._SALT, sep=".")
        old.timestamp = lambda: signing.b62_encode(int(time.time()) - 11 * 60)
        offered = {**challenged(client), "nonce": old.sign(secrets.token_urlsafe(16))}
        header = authorization(
            username=referent.username, password="wrong", challenge=offered, method="GET", uri=f"{APP}formList"
        )
        response = client.get(f"{APP}formList", secure=True, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert "stale" not in challenge_of(response)

    def test_a_replayed_answer_is_refused_as_stale(self, client, referent, key):
        offered = challenged(client)
        header = authorization(
            username=referent.username, password=key, challenge=offered, method="GET", uri=f"{APP}formList"
        )
        assert client.get(f"{APP}formList", secure=True, HTTP_AUTHORIZATION=header).status_code == 200

        replayed = client.get(f"{APP}formList", secure=True, HTTP_AUTHORIZATION=header)

        assert replayed.status_code == 401
        assert challenge_of(replayed)["stale"] == "true"
        following = authorization(
            username=referent.username, password=key, challenge=offered, method="GET", uri=f"{APP}formList", nc=2
        )
        assert client.get(f"{APP}formList", secure=True, HTTP_AUTHORIZATION=following).status_code == 200

    def test_an_answer_for_another_address_or_method(self, client, referent, key):
        offered = challenged(client)
        for method, uri in (("GET", "/openrosa/app/forms/hubiit_visit.xml"), ("POST", f"{APP}formList")):
            header = authorization(username=referent.username, password=key, challenge=offered, method=method, uri=uri)
            assert client.get(f"{APP}formList", secure=True, HTTP_AUTHORIZATION=header).status_code == 401
        header = authorization(
            username=referent.username, password=key, challenge=offered, method="GET", uri=f"{APP}formList"
        )
        assert (
            client.get(
                f"{APP}formList", secure=True, HTTP_AUTHORIZATION=header.replace("qop=auth", "qop=auth-int")
            ).status_code
            == 401
        )
        assert (
            client.get(
                f"{APP}formList", secure=True, HTTP_AUTHORIZATION=header.replace('realm="HUB IIT"', 'realm="autre"')
            ).status_code
            == 401
        )

    def test_a_malformed_header_is_a_challenge(self, client):
        for header in ("Digest", "Digest username", 'Digest username="x", nc=1', "Bearer abc"):
            response = client.get(f"{APP}formList", secure=True, HTTP_AUTHORIZATION=header)
            assert response.status_code == 401
            assert response["WWW-Authenticate"].startswith("Digest ")

    def test_over_plain_http(self, client, referent, key):
        response = client.get(f"{APP}formList", **OPENROSA)
        assert response.status_code == 403
        assert response["X-OpenRosa-Version"] == "1.0"

    def test_a_key_made_before_digest_has_no_ha1(self, client, collect, referent):
        FieldAppToken.objects.update(digest_ha1="")
        assert collect.get(f"{APP}formList").status_code == 401

    def test_a_revoked_key_or_a_deactivated_referent(self, client, referent, hub):
        key = field_app_token_issue(referent=referent)
        FieldAppToken.objects.update(revoked_at=timezone.now())
        assert DigestClient(client, username=referent.username, password=key).get(f"{APP}formList").status_code == 401

        key = field_app_token_issue(referent=referent)
        referent.is_active = False
        referent.save()  # hub.security revokes the key of a deactivated account
        assert DigestClient(client, username=referent.username, password=key).get(f"{APP}formList").status_code == 401
        referent.is_active = True
        referent.save()
        assert DigestClient(client, username=referent.username, password=key).get(f"{APP}formList").status_code == 401

    def test_a_user_who_does_not_log_visits(self, client, referent, key):
        referent.role = "manager"
        referent.save()
        response = DigestClient(client, username=referent.username, password=key).get(f"{APP}formList")
        assert response.status_code == 403

    def test_failed_answers_do_not_lock_the_account_s_sign_in(self, client, referent, key):
        for _attempt in range(6):
            DigestClient(client, username=referent.username, password="wrong").get(f"{APP}formList")
        assert client.get("/openrosa/formList", secure=True, **basic(referent)).status_code == 200

    def test_a_referent_of_another_hub_cannot_send_a_visit_to_this_hub(
        self, client, other_hub, enterprise, other_enterprise
    ):
        foreign = ReferentUserFactory(hub=other_hub)
        collect = DigestClient(client, username=foreign.username, password=field_app_token_issue(referent=foreign))
        csv = collect.get(f"{APP}forms/hubiit_visit/media/enterprises.csv").content.decode()
        assert str(other_enterprise.pk) in csv
        assert f"\n{enterprise.pk}," not in csv

        xml = instance(enterprise=enterprise, instance_id=uuid.uuid4(), needs=[("agro", "Séchoir", "")])
        response = collect.post(f"{APP}submission", {"xml_submission_file": _xml_file(xml)})

        assert response.status_code == 400
        assert not Visit.objects.exists()
        assert not Case.objects.exists()


class TestBasicBeside:
    def test_basic_with_the_password_under_both_addresses(self, client, referent):
        for path in ("/openrosa/formList", f"{APP}formList"):
            assert client.get(path, secure=True, **OPENROSA, **basic(referent)).status_code == 200

    def test_basic_with_the_key_as_password_for_clients_without_digest(self, client, referent, key):
        assert client.get(f"{APP}formList", secure=True, **basic(referent, key)).status_code == 200
        other = ReferentUserFactory(hub=referent.hub)
        assert client.get(f"{APP}formList", secure=True, **basic(other, key)).status_code == 401

    def test_a_wrong_basic_password_is_challenged_with_both(self, client, referent):
        response = client.get(f"{APP}formList", secure=True, **basic(referent, "wrong"))
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Digest ")
        assert ", Basic realm=" in response["WWW-Authenticate"]


class TestComputation:
    def test_rfc_2617_s_example(self):
        """RFC 2617 3.5: Mufasa, "Circle Of Life", GET /dir/index.html."""
        answer = digest.Answer(
            username="Mufasa",
            realm="testrealm@host.com",
            nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
            uri="/dir/index.html",
            response="6629fae49393a05397450978507c4ef1",
            qop="auth",
            nc="00000001",
            cnonce="0a4f113b",
            algorithm="MD5",
            opaque="5ccc069c403ebaf9f0171e9517f40e41",
        )
        ha1 = digest.ha1(username="Mufasa", realm="testrealm@host.com", password="Circle Of Life")
        assert digest.expected_response(answer, ha1=ha1, method="GET") == answer.response

    def test_the_key_s_ha1_is_stored_not_the_key(self, referent, key):
        token = FieldAppToken.objects.get(referent=referent)
        assert token.digest_ha1 == md5(f"{referent.username}:HUB IIT:{key}")
        assert key not in token.digest_ha1 + token.key_hash

    def test_parse_reads_the_header_okhttp_digest_writes(self):
        header = (
            'Digest username="referent", realm="HUB IIT", nonce="abc.def.ghi", uri="/openrosa/app/formList?a=1,2", '
            'response="0123456789ABCDEF0123456789abcdef", qop=auth, nc=0000000a, cnonce="xyz", algorithm=MD5, '
            'opaque="op"'
        )
        answer = digest.parse(header)
        assert answer.uri == "/openrosa/app/formList?a=1,2"
        assert answer.response == "0123456789abcdef0123456789abcdef"
        assert (answer.nc, answer.qop, answer.opaque) == ("0000000a", "auth", "op")
        assert digest.parse("Basic abc") is None
        assert digest.parse('Digest username="x", realm="HUB IIT"') is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_http_client_signs_in_with_digest(live_server, settings, hub):
    """requests' HTTPDigestAuth over a real connection: the 401, its combined header read, the answer, then the
    next request answered with the same nonce and nc 2. Plain HTTP here, as a development server with DEBUG."""
    settings.DEBUG = True
    referent = ReferentUserFactory(hub=hub, username="awa")
    key = field_app_token_issue(referent=referent)
    session = requests.Session()
    session.auth = HTTPDigestAuth("awa", key)

    first = session.get(f"{live_server.url}{APP}formList", timeout=10)
    second = session.get(f"{live_server.url}{APP}forms/hubiit_visit/manifest", timeout=10)

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.history[0].status_code == 401
    assert first.headers["X-OpenRosa-Version"] == "1.0"
    assert not second.history  # answered at once with the nonce of the first
    assert "nc=00000002" in second.request.headers["Authorization"]
    session.auth = HTTPDigestAuth("awa", "wrong")
    assert session.get(f"{live_server.url}{APP}formList", timeout=10).status_code == 401
