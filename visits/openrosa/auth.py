"""Who an OpenRosa request is made for. ODK Collect and Enketo keep no session: each request names its
referent by the key in its address (/openrosa/key/<key>/, as ODK Central's app users), or by HTTP Basic
credentials, which ODK Collect sends after a 401 challenge. A signed-in browser session is never used here:
the submission takes no CSRF token, so a cookie must not be enough to post a visit.

Keys and passwords are only accepted over HTTPS (settings.DEBUG aside, for a development server on the
local network). Basic credentials go through the sign-in's defences (hub.security): failures are counted
per name and address by django-axes, a locked pair or a slowed-down account is refused before the
password is checked, and a success forgets the failures, as the sign-in form does."""

import base64
import binascii

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _

from hub.models import User
from hub.permissions import Action, can
from hub.security import LockoutAuthenticationForm, lockout
from visits.openrosa.selectors import field_app_token_for_key
from visits.openrosa.services import field_app_token_used

REALM = "HUB IIT"


class Refused(Exception):
    """The request is answered `status` with `message`; `challenge` asks for Basic credentials (401)."""

    def __init__(self, status: int, message: str, *, challenge: bool = False):
        super().__init__(message)
        self.status = status
        self.message = message
        self.challenge = challenge


def _basic_credentials(request) -> tuple[str, str] | None:
    scheme, _space, encoded = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, colon, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (username, password) if colon else None


def _basic_user(request) -> User:
    credentials = _basic_credentials(request)
    if credentials is None:
        raise Refused(401, _("Sign in with your user name and password."), challenge=True)
    username, password = credentials
    reason = lockout(username=username, request=request)
    if reason is not None:
        message = LockoutAuthenticationForm.error_messages[reason] % LockoutAuthenticationForm.lockout_params()
        raise Refused(403, str(message))
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise Refused(401, _("Wrong user name or password."), challenge=True)
    if AxesProxyHandler.get_failures(request, {"username": username}):
        AxesProxyHandler.user_logged_in(None, request, user)
    return user


def openrosa_user(request, *, key: str | None) -> User:
    """The referent of the request, or Refused."""
    if not (request.is_secure() or settings.DEBUG):
        raise Refused(403, _("Use the server's https:// address: keys and passwords travel only over HTTPS."))
    if key is None:
        user = _basic_user(request)
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
