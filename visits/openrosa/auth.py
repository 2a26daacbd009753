"""Who an OpenRosa request is made for. ODK Collect and Enketo keep no session: each request names its
referent by the key in its address (/openrosa/key/<key>/, as ODK Central's app users), or by credentials
that ODK Collect sends after a 401 challenge: HTTP Digest with the user name and the referent's key as the
password (`visits.openrosa.digest`), or HTTP Basic with the user name and the account password (or the key).
A signed-in browser session is never used here: the submission takes no CSRF token, so a cookie must not be
enough to post a visit.

The challenge offers both schemes, and ODK Collect answers the first it knows: Digest first under
/openrosa/app/ (the address the QR code gives, with the key as password), Basic first under /openrosa/ (the
address a referent types with their password, which Digest cannot check).

Keys and passwords are only accepted over HTTPS (settings.DEBUG aside, for a development server on the
local network). Basic passwords go through the sign-in's defences (hub.security): failures are counted
per name and address by django-axes, a locked pair or a slowed-down account is refused before the
password is checked, and a success forgets the failures, as the sign-in form does. A key cannot be guessed
(256 random bits): a wrong key or Digest answer is refused without counting against the account's sign-in,
which a stranger could otherwise lock."""

import base64
import binascii

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _

from hub.models import User
from hub.permissions import Action, can
from hub.security import LockoutAuthenticationForm, lockout
from visits.openrosa import digest
from visits.openrosa.selectors import field_app_token_for_digest, field_app_token_for_key
from visits.openrosa.services import REALM, field_app_token_used


class Refused(Exception):
    """The request is answered `status` with `message`; `challenge` asks for credentials (401), `stale` tells
    a Digest client that its nonce is too old or used, and that it may answer a new one."""

    def __init__(self, status: int, message: str, *, challenge: bool = False, stale: bool = False):
        super().__init__(message)
        self.status = status
        self.message = message
        self.challenge = challenge
        self.stale = stale


def challenge(*, digest_first: bool, stale: bool = False) -> str:
    """The WWW-Authenticate of a 401: both challenges in one header (RFC 9110 11.6.1; Django sends one
    header of a name), the scheme ODK Collect should use first."""
    basic = f'Basic realm="{REALM}", charset="UTF-8"'
    offered = digest.challenge(realm=REALM, stale=stale)
    return f"{offered}, {basic}" if digest_first else f"{basic}, {offered}"


def _basic_credentials(request) -> tuple[str, str] | None:
    scheme, _space, encoded = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, colon, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (username, password) if colon else None


def _wrong() -> Refused:
    return Refused(401, _("Wrong user name or password."), challenge=True)


def _digest_user(request, answer: digest.Answer) -> User:
    """The referent whose key answers the Digest challenge."""
    try:
        digest.well_formed(answer, realm=REALM, uri=request.get_full_path())
    except digest.Invalid:
        raise _wrong() from None
    token = field_app_token_for_digest(username=answer.username)
    try:
        digest.check(answer, ha1=token.digest_ha1 if token else "", method=request.method)
    except digest.Invalid as invalid:
        if invalid.stale:
            raise Refused(401, _("Sign in again."), challenge=True, stale=True) from None
        raise _wrong() from None
    field_app_token_used(token=token)
    return token.referent


def _credentials_user(request) -> User:
    answer = digest.parse(request.META.get("HTTP_AUTHORIZATION", ""))
    if answer is not None:
        return _digest_user(request, answer)
    credentials = _basic_credentials(request)
    if credentials is None:
        raise Refused(401, _("Sign in with your user name and password."), challenge=True)
    username, password = credentials
    token = field_app_token_for_key(key=password) if password else None
    if token is not None and token.referent.get_username() == username:
        field_app_token_used(token=token)
        return token.referent
    reason = lockout(username=username, request=request)
    if reason is not None:
        message = LockoutAuthenticationForm.error_messages[reason] % LockoutAuthenticationForm.lockout_params()
        raise Refused(403, str(message))
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise _wrong()
    if AxesProxyHandler.get_failures(request, {"username": username}):
        AxesProxyHandler.user_logged_in(None, request, user)
    return user


def openrosa_user(request, *, key: str | None) -> User:
    """The referent of the request, or Refused."""
    if not (request.is_secure() or settings.DEBUG):
        raise Refused(403, _("Use the server's https:// address: keys and passwords travel only over HTTPS."))
    if key is None:
        user = _credentials_user(request)
    else:
        token = field_app_token_for_key(key=key)
        if token is None:
            raise Refused(
                403,
                _("This ODK Collect key is no longer in use: make a new QR code in the mobile app and scan it."),
            )
        field_app_token_used(token=token)
        user = token.referent
    if not can(user, Action.LOG_VISITS):
        raise Refused(403, _("Only referents log visits."))
    return user
