"""Sign-in defences and the security log.

- Lockout: after LOCKOUT_ATTEMPTS failed sign-ins with one user name (or phone number) within
  LOCKOUT_WINDOW, that name is refused until the window has passed, whether the account exists or not,
  and from whatever address. The count is kept per name, never per forwarded address, so a forged
  X-Forwarded-For does not reset it; one client address (REMOTE_ADDR) is also refused after
  ADDRESS_ATTEMPTS failures, against password spraying. Counts live in the cache (Redis when several
  app servers share it).
- Sessions end after SESSION_IDLE of inactivity and SESSION_ABSOLUTE after sign-in; signing out or
  being deactivated also ends the person's other sessions and API tokens.
- Sign-ins, sign-outs, failures and refusals (403) are logged to "hub.security", without passwords,
  tokens or session keys.
"""

import datetime
import logging

from django.contrib.auth import logout, user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from hub.backends import phone_in_e164
from hub.models import User

logger = logging.getLogger("hub.security")

LOCKOUT_ATTEMPTS = 5
ADDRESS_ATTEMPTS = 30
LOCKOUT_WINDOW = datetime.timedelta(minutes=15)
RESET_REQUESTS = 3
"""Password-reset links sent for one name within RESET_WINDOW; further requests are answered alike and
send nothing, so nobody can flood a person's phone."""
RESET_ADDRESS_REQUESTS = 20
RESET_WINDOW = datetime.timedelta(hours=1)
SESSION_IDLE = datetime.timedelta(hours=8)
SESSION_ABSOLUTE = datetime.timedelta(days=7)
SEEN_EVERY = datetime.timedelta(minutes=5)
"""The idle clock is written to the session at most this often, not on every request."""


def client_address(request) -> str:
    """The address the connection came from. Behind the proxy, nginx sets REMOTE_ADDR from the real
    client (docs/DEPLOY.md); X-Forwarded-For, which any client can write, is never read here."""
    return (request.META.get("REMOTE_ADDR") or "unknown") if request is not None else "unknown"


def _name(username: str) -> str:
    """One key per person whatever the spelling: phone numbers in E.164, names in lower case."""
    text = (username or "").strip()
    return phone_in_e164(text) or text.casefold()


def _key(kind: str, value: str) -> str:
    return "lockout:" + salted_hmac(f"lockout-{kind}", value).hexdigest()


def _failures(kind: str, value: str) -> int:
    return cache.get(_key(kind, value), 0)


def is_locked(*, username: str, request) -> bool:
    return (
        _failures("name", _name(username)) >= LOCKOUT_ATTEMPTS
        or _failures("address", client_address(request)) >= ADDRESS_ATTEMPTS
    )


def _count(key: str, window: datetime.timedelta) -> int:
    """One more in the count at `key`, which starts at the first and lasts `window`; returns the count."""
    if cache.add(key, 1, timeout=int(window.total_seconds())):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=int(window.total_seconds()))
        return 1


def _count_failure(kind: str, value: str) -> None:
    _count(_key(kind, value), LOCKOUT_WINDOW)


def clear_failures(user: User) -> None:
    """The failed sign-ins counted against the person's user name and phone number are forgotten."""
    cache.delete_many([_key("name", _name(name)) for name in (user.get_username(), str(user.phone or "")) if name])


def reset_allowed(*, identifier: str, request) -> bool:
    """Counts a password-reset request for `identifier` and the client address; False once either went
    past its limit within RESET_WINDOW."""
    by_name = _count(_key("reset-name", _name(identifier)), RESET_WINDOW)
    by_address = _count(_key("reset-address", client_address(request)), RESET_WINDOW)
    return by_name <= RESET_REQUESTS and by_address <= RESET_ADDRESS_REQUESTS


class LockoutBackend(ModelBackend):
    """First of AUTHENTICATION_BACKENDS: refuses a locked name or address before any password is
    checked (raising PermissionDenied stops Django from trying the other backends), and otherwise leaves
    the sign-in to them. Sessions opened without a backend named (`force_login`) come back through its
    `get_user`, which is ModelBackend's."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and is_locked(username=username, request=request):
            raise PermissionDenied
        return None


class LockoutAuthenticationForm(AuthenticationForm):
    """The sign-in form says the same thing for every locked name, existing or not."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed attempts with this name or number: wait %(minutes)d minutes and try again."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and is_locked(username=username, request=self.request):
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": int(LOCKOUT_WINDOW.total_seconds() // 60)},
            )
        return super().clean()


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    _count_failure("name", _name(username))
    _count_failure("address", client_address(request))
    logger.warning("sign-in failed for %r from %s", username, client_address(request))


@receiver(user_logged_in)
def _on_logged_in(sender, request, user, **kwargs):
    clear_failures(user)
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session["signed_in_at"] = request.session["seen_at"] = now
    logger.info("signed in: user %s (%s) from %s", user.pk, user.role, client_address(request))


@receiver(user_logged_out)
def _on_logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    end_sessions_and_tokens(user=user)
    logger.info("signed out: user %s from %s", user.pk, client_address(request))


@receiver(post_save, sender=User)
def _on_user_saved(sender, instance: User, raw=False, **kwargs):
    """Not for rows loaded raw (loaddata, restore): they end nobody's session."""
    if not raw and not instance.is_active:
        end_sessions_and_tokens(user=instance)


def end_sessions_and_tokens(*, user: User) -> None:
    """Every session and API token of `user` ends: the next request from them is anonymous. Sessions
    are stored in the database (the default), so every app server sees the change at once."""
    Token.objects.filter(user=user).delete()
    user_id = str(user.pk)
    stale = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(session_key__in=stale).delete()


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware: signs out a session idle for SESSION_IDLE or older than
    SESSION_ABSOLUTE; the request goes on as anonymous (pages then ask to sign in, the API answers 401)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "_auth_user_id" in request.session:
            now = timezone.now().timestamp()
            signed_in = request.session.get("signed_in_at", now)
            seen = request.session.get("seen_at", now)
            if now - seen > SESSION_IDLE.total_seconds() or now - signed_in > SESSION_ABSOLUTE.total_seconds():
                logger.info("session ended by timeout: user %s", user.pk)
                logout(request)
            elif now - seen > SEEN_EVERY.total_seconds() or "seen_at" not in request.session:
                request.session["seen_at"] = now
                request.session.setdefault("signed_in_at", now)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A Content Security Policy that allows no inline script and nothing from another host, and logs
    every refusal (403) with who and where, never with the request's secrets."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.POLICY)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.status_code == 403:
            user = getattr(request, "user", None)
            logger.warning(
                "refused: %s %s for user %s from %s",
                request.method,
                request.path,
                user.pk if user is not None and user.is_authenticated else "anonymous",
                client_address(request),
            )
        return response
