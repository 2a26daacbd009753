"""Servers: every secret and host from the environment, HTTPS only, compressed long-cached static files."""

import copy
import os
from email.utils import getaddresses

import sentry_sdk
from django.core.exceptions import ImproperlyConfigured

from hub import observability

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = False
if not SECRET_KEY or len(SECRET_KEY) < 50:  # noqa: F405
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of 50 characters or more.")
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the host names this server answers to.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
"""The proxy and the monitoring ask for these over plain HTTP on the machine itself."""
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS") or [f"https://{host}" for host in ALLOWED_HOSTS]  # noqa: F405

STORAGES = {
    "default": {"BACKEND": "hub.uploads.AtomicFileSystemStorage"},
    "staticfiles": {"BACKEND": "hub.static_storage.MinifiedStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
SITE_URL = os.environ.get("DJANGO_SITE_URL", f"https://{ALLOWED_HOSTS[0]}").rstrip("/")  # noqa: F405

# Error reporting and logs (docs/OBSERVABILITY.md) -------------------------------------------------------
ADMINS = [(name, address) for name, address in getaddresses([os.environ.get("DJANGO_ADMINS", "")]) if address]
"""DJANGO_ADMINS="Awa Traoré <awa@example.org>, ops@example.org": who is mailed a 500 when no error tracker
is configured."""
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)  # noqa: F405
EMAIL_SUBJECT_PREFIX = "[HUB IIT] "

LOGGING = copy.deepcopy(LOGGING)  # noqa: F405
LOGGING["handlers"]["console"]["formatter"] = os.environ.get("DJANGO_LOG_FORMAT", "json").strip().lower()
if LOGGING["handlers"]["console"]["formatter"] not in {"json", "plain"}:
    raise ImproperlyConfigured("DJANGO_LOG_FORMAT must be json (the default) or plain.")

if os.environ.get("SENTRY_DSN"):
    sentry_sdk.init(
        **observability.sentry_options(
            dsn=os.environ["SENTRY_DSN"],
            environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
            release=os.environ.get("SENTRY_RELEASE") or observability.git_describe(),
            traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        )
    )
    # The tracker reports each 500 once, grouped; mail would repeat it. ADMINS is mailed only without it.
    LOGGING["loggers"]["django.request"]["handlers"] = []
# End of error reporting and logs ------------------------------------------------------------------------

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "hub_shared_cache"}
    )
}
"""Shared by every worker and app server, and kept across restarts: the throttles and the password-reset
limits count in it. Redis when REDIS_URL is set; otherwise the database's table made by migration
hub.0014. A cache kept in each process's memory is refused by `check --deploy` (hub.checks)."""
