"""HTTP Digest authentication (RFC 7616, as ODK Collect speaks it: qop=auth, algorithm MD5) on the server
side. No maintained package does it for Django: django-digest and python-digest were last released in 2011,
djangorestframework-digestauth in 2014, and the first stores a digest of each account password. This
module is small: the challenge, the parsing of the client's answer and its check.

The password of Digest is the referent's ODK Collect key, never the account password: Digest needs
HA1 = MD5(user name:realm:password) on the server, which Django's password hashes cannot give, and which,
stored for a password, would be an unsalted MD5 of it. The HA1 of a 256-bit random key reveals neither the
key nor the password; it is written when the key is made (`field_app_token_issue`).

Nonces are not stored: each is a random value signed with SECRET_KEY and the time it was made
(`TimestampSigner`), valid for NONCE_MAX_AGE. An expired nonce with an otherwise right answer gets a new
challenge with stale=true, which ODK Collect answers without asking anything. Each (nonce, nc) pair is
taken once in the shared cache: a replayed request is refused, and the client, told stale=true, starts
again with a new nonce (which only the holder of the key can answer)."""

import dataclasses
import datetime
import hashlib
import hmac
import secrets
import urllib.request

from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac

NONCE_MAX_AGE = datetime.timedelta(minutes=10)
"""How long a nonce is answered: ODK Collect sends every request of a session with the last nonce it got
(counting them in nc), so it must outlive a few requests; a nonce past it is stale, not wrong."""
_SALT = "visits.openrosa.digest"
_signer = signing.TimestampSigner(salt=_SALT, sep=".")


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()  # nosec B324 - RFC 7616's MD5


def ha1(*, username: str, realm: str, password: str) -> str:
    """What the server keeps of a Digest password: MD5(user name:realm:password), in UTF-8 (the challenge's
    charset)."""
    return md5(f"{username}:{realm}:{password}")


def opaque(realm: str) -> str:
    """Constant for the server, returned unchanged by the client."""
    return salted_hmac(_SALT, f"opaque:{realm}").hexdigest()[:32]


def new_nonce() -> str:
    """A random value, the time it was made and their signature, in URL-safe characters (no quote, comma
    or colon that a client could mangle)."""
    return _signer.sign(secrets.token_urlsafe(16))


def challenge(*, realm: str, stale: bool = False) -> str:
    """The Digest challenge of a 401: its parameters as ODK Collect (okhttp-digest) and Enketo read them."""
    parts = [
        f'Digest realm="{realm}"',
        'qop="auth"',
        f'nonce="{new_nonce()}"',
        f'opaque="{opaque(realm)}"',
        "algorithm=MD5",
        'charset="UTF-8"',
    ]
    if stale:
        parts.append("stale=true")
    return ", ".join(parts)


@dataclasses.dataclass(frozen=True)
class Answer:
    """The parameters of an Authorization: Digest header."""

    username: str
    realm: str
    nonce: str
    uri: str
    response: str
    qop: str
    nc: str
    cnonce: str
    algorithm: str
    opaque: str | None


REQUIRED = ("username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce")


def parse(header: str) -> Answer | None:
    """The Digest answer of an Authorization header, or None when the header is not Digest, or lacks a
    parameter qop=auth needs (RFC 2069's answers without qop are not taken: nothing counts their uses)."""
    scheme, _space, rest = header.partition(" ")
    if scheme.lower() != "digest":
        return None
    try:
        values = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
    except ValueError:
        return None
    values = {name.lower(): value for name, value in values.items()}
    if any(not values.get(name) for name in REQUIRED):
        return None
    return Answer(
        username=values["username"],
        realm=values["realm"],
        nonce=values["nonce"],
        uri=values["uri"],
        response=values["response"].lower(),
        qop=values["qop"],
        nc=values["nc"],
        cnonce=values["cnonce"],
        algorithm=values.get("algorithm", "MD5"),
        opaque=values.get("opaque"),
    )


def expected_response(answer: Answer, *, ha1: str, method: str) -> str:
    """RFC 7616 3.4.1 with qop=auth: KD(HA1, nonce:nc:cnonce:qop:HA2), HA2 = MD5(method:uri)."""
    ha2 = md5(f"{method}:{answer.uri}")
    return md5(f"{ha1}:{answer.nonce}:{answer.nc}:{answer.cnonce}:{answer.qop}:{ha2}")


class Invalid(Exception):
    """The answer is refused; `stale` when only its nonce is too old or already used with its nc, so that
    the client may answer a new nonce without asking the referent anything."""

    def __init__(self, *, stale: bool = False):
        super().__init__("stale" if stale else "invalid")
        self.stale = stale


def well_formed(answer: Answer, *, realm: str, uri: str) -> None:
    """Raises Invalid unless the answer is for this realm, this request's URI, qop=auth and MD5, with our
    opaque and a nonce we signed (expired or not: `check` tells)."""
    if (
        answer.realm != realm
        or answer.uri != uri
        or answer.qop != "auth"
        or answer.algorithm.upper() != "MD5"
        or (answer.opaque is not None and not hmac.compare_digest(answer.opaque, opaque(realm)))
        or len(answer.nc) != 8
        or any(char not in "0123456789abcdefABCDEF" for char in answer.nc)
    ):
        raise Invalid
    try:
        _signer.unsign(answer.nonce)
    except signing.BadSignature:
        raise Invalid from None


def check(answer: Answer, *, ha1: str, method: str) -> None:
    """Raises Invalid unless the answer proves the password behind `ha1`, with a fresh nonce used for the
    first time with its nc. Call `well_formed` first."""
    if not ha1 or not hmac.compare_digest(answer.response, expected_response(answer, ha1=ha1, method=method)):
        raise Invalid
    try:
        _signer.unsign(answer.nonce, max_age=NONCE_MAX_AGE)
    except signing.SignatureExpired:
        raise Invalid(stale=True) from None
    taken = hashlib.sha256(f"{answer.nonce}:{int(answer.nc, 16)}".encode()).hexdigest()
    if not cache.add(f"openrosa-digest-nc:{taken}", 1, timeout=int(NONCE_MAX_AGE.total_seconds()) + 60):
        raise Invalid(stale=True)
