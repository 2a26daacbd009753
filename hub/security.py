"""Sign-in defences and the security log.

- The client's address: REMOTE_ADDR, or, when the connection comes from a proxy listed in
  settings.TRUSTED_PROXIES, the last address of X-Forwarded-For that is not itself a trusted proxy.
  A forged X-Forwarded-For from anyone else is ignored.
- Lockout (django-axes, counted in the database): after AXES_FAILURE_LIMIT failed sign-ins for one
  account from one address, that pair is refused for AXES_COOLOFF_TIME. The account is one whatever
  the spelling (user name or phone number, known or not). Others sharing the address (an office, a
  mobile operator's gateway) and the account's owner elsewhere are not locked out.
- Slow-down: once an account has ACCOUNT_SLOWDOWN_AFTER failures from every address together within
  the window, it takes one attempt every ACCOUNT_SLOWDOWN_INTERVAL, against guessing from many
  addresses; the real user waits seconds, never the whole window.
- Sessions end after SESSION_IDLE of inactivity and SESSION_ABSOLUTE after sign-in; signing out or
  being deactivated also ends the person's other sessions and API tokens.
- Sign-ins, sign-outs, failures and refusals (403) are logged to "hub.security", without passwords,
  tokens or session keys.
"""

import datetime
import ipaddress
import logging
from functools import cache as cached

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import logout, user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Q, Sum
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from hub.backends import phone_in_e164
from hub.middleware import FrenchFirstLocaleMiddleware, HubTimeZoneMiddleware
from hub.models import User

logger = logging.getLogger("hub.security")

LOCKOUT_WINDOW = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
ACCOUNT_SLOWDOWN_AFTER = 20
ACCOUNT_SLOWDOWN_INTERVAL = datetime.timedelta(seconds=10)
TEXTS_PER_NAME = 3
TEXTS_PER_ADDRESS = 20
TEXTS_WINDOW = datetime.timedelta(hours=1)
SESSION_IDLE = datetime.timedelta(hours=8)
SESSION_ABSOLUTE = datetime.timedelta(days=7)
SEEN_EVERY = datetime.timedelta(minutes=5)
"""The idle clock is written to the session at most this often, not on every request."""


@cached
def _trusted_proxies(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, proxies) -> bool:
    return any(address.version == network.version and address in network for network in proxies)


def client_address(request) -> str | None:
    """The address of the person, as the proxies the settings trust report it (as gunicorn's
    `forwarded_allow_ips` and Werkzeug's ProxyFix read X-Forwarded-For: from the right, skipping trusted
    proxies). A header that is missing or malformed leaves the connection's own address; None without
    one (a request made in code)."""
    remote = _address(request.META.get("REMOTE_ADDR") or "") if request is not None else None
    if remote is None:
        return None
    proxies = _trusted_proxies(tuple(settings.TRUSTED_PROXIES))
    if not _trusted(remote, proxies):
        return str(remote)
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break
        client = address
        if not _trusted(address, proxies):
            break
    return str(client)


def _name(username: str) -> str:
    """One key per spelling: phone numbers in E.164, names in lower case."""
    text = (username or "").strip()
    return phone_in_e164(text) or text.casefold()


def account_name(username: str) -> str:
    """The account a sign-in names, whatever the spelling: the user name of the account with that user
    name or phone number, or the spelling itself when there is none (so a stranger's name is counted
    alike and nothing tells whether it exists)."""
    name = _name(str(username or "")[:150])
    account = (
        User.objects.filter(Q(username__iexact=name) | Q(phone=name)).values_list("username", flat=True).first()
        if name
        else None
    )
    return (account or name).casefold()


def sign_in_name(request, credentials: dict | None) -> str:
    """AXES_USERNAME_CALLABLE: failures are counted per account."""
    return account_name((credentials or {}).get("username", ""))


def _since_window() -> datetime.datetime:
    return timezone.now() - LOCKOUT_WINDOW


def _slowed_down(account: str) -> bool:
    failures = AccessAttempt.objects.filter(username=account, attempt_time__gte=_since_window()).aggregate(
        total=Sum("failures_since_start"), last=Max("attempt_time")
    )
    return (failures["total"] or 0) >= ACCOUNT_SLOWDOWN_AFTER and (
        timezone.now() - failures["last"] < ACCOUNT_SLOWDOWN_INTERVAL
    )


def lockout(*, username: str, request) -> str | None:
    """Why this account may not be tried from this request's address now: "locked" (the pair),
    "slowed" (the account), or None."""
    if not username or request is None:
        return None
    if AxesProxyHandler.is_locked(request, {"username": username}):
        return "locked"
    return "slowed" if _slowed_down(account_name(username)) else None


def clear_failures(user: User) -> None:
    """The failed sign-ins counted against the person's account are forgotten (after a password reset)."""
    AccessAttempt.objects.filter(username=user.get_username().casefold()).delete()


def _key(kind: str, value: str) -> str:
    return "limit:" + salted_hmac(f"limit-{kind}", value).hexdigest()


def _count(key: str, window: datetime.timedelta) -> int:
    """One more in the count at `key`, which starts at the first and lasts `window`; returns the count."""
    if cache.add(key, 1, timeout=int(window.total_seconds())):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=int(window.total_seconds()))
        return 1


def texts_allowed(*, purpose: str, identifier: str, request) -> bool:
    """Counts a request to text someone (a password-reset link, a sign-up code) for `identifier` and the
    client address; False once either went past its limit within TEXTS_WINDOW. Past it, the pages answer
    alike and send nothing, so nobody can flood a person's phone."""
    by_name = _count(_key(f"{purpose}-name", _name(identifier)), TEXTS_WINDOW)
    by_address = _count(_key(f"{purpose}-address", client_address(request) or "unknown"), TEXTS_WINDOW)
    return by_name <= TEXTS_PER_NAME and by_address <= TEXTS_PER_ADDRESS


class SignInGuardBackend(AxesStandaloneBackend):
    """First of AUTHENTICATION_BACKENDS: refuses a locked pair or a slowed-down account before any
    password is checked (PermissionDenied stops Django from trying the other backends), and otherwise
    leaves the sign-in to them."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        if _slowed_down(account_name(username)):
            raise PermissionDenied
        return None


class LockoutAuthenticationForm(AuthenticationForm):
    """The sign-in form says the same thing for every locked name, existing or not."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed attempts with this name or number: wait %(minutes)d minutes and try again."),
        "slowed": _("Too many failed attempts on this account: wait %(seconds)d seconds and try again."),
    }

    @staticmethod
    def lockout_params() -> dict:
        return {
            "minutes": int(LOCKOUT_WINDOW.total_seconds() // 60),
            "seconds": int(ACCOUNT_SLOWDOWN_INTERVAL.total_seconds()),
        }

    def clean(self):
        reason = lockout(username=self.cleaned_data.get("username"), request=self.request)
        if reason is not None:
            raise ValidationError(self.error_messages[reason], code=reason, params=self.lockout_params())
        return super().clean()


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    logger.warning("sign-in failed for %r from %s", username, client_address(request))


@receiver(user_logged_in)
def _on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session["signed_in_at"] = request.session["seen_at"] = now
        request.session[FrenchFirstLocaleMiddleware.SESSION_KEY] = user.language
        if user.hub_id:
            request.session[HubTimeZoneMiddleware.SESSION_KEY] = [user.hub_id, user.hub.zone.key]
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
    """Every session, API token and ODK Collect key of `user` ends: the next request from them is anonymous.
    Sessions are stored in the database (the default), so every app server sees the change at once."""
    from visits.openrosa.services import field_app_token_revoke

    Token.objects.filter(user=user).delete()
    field_app_token_revoke(referent=user)
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
