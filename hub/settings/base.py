"""Settings shared by every mode; each value that differs between machines comes from the environment."""

import json
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "phonenumber_field",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "hub",
    "cases",
    "visits",
    "api",
]

MIDDLEWARE = [
    "hub.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "hub.security.SecurityHeadersMiddleware",
    "api.middleware.FieldGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hub.middleware.FrenchFirstLocaleMiddleware",
    "hub.middleware.UndecodableFormMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hub.security.SessionTimeoutMiddleware",
    "hub.middleware.HubTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hub" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "hub.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTH_USER_MODEL = "hub.User"
AUTHENTICATION_BACKENDS = [
    "hub.security.SignInGuardBackend",
    "django.contrib.auth.backends.ModelBackend",
    "hub.backends.PhoneNumberBackend",
]
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES", "127.0.0.1,::1")
"""Addresses or networks (CIDR) of the proxies whose X-Forwarded-For is believed, as gunicorn's
`forwarded_allow_ips`: by default the nginx on the same machine. The header from anyone else is ignored."""

# django-axes counts failed sign-ins in the database, so every app server and worker shares them without
# a cache. A name is locked from one address at a time: a stranger cannot lock the real user out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
"""Hours: a locked (name, address) pair may try again after 15 minutes."""
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
"""Sign-ins are logged to `hub.security`; axes keeps only the failures it counts."""
AXES_CLIENT_IP_CALLABLE = "hub.security.client_address"
AXES_USERNAME_CALLABLE = "hub.security.sign_in_name"
AXES_SENSITIVE_PARAMETERS = ["username", "password", "ip_address"]
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS = ["axes.W002"]
"""AxesMiddleware is left out: the sign-in form and the token endpoint answer a lock themselves, in French."""

PASSWORD_RESET_TIMEOUT = 2 * 3600
"""A reset link sent by text message is valid two hours, and only until the password changes."""
SESSION_COOKIE_AGE = 7 * 24 * 3600
"""The absolute limit; `hub.security.SessionTimeoutMiddleware` also ends sessions idle for 8 hours."""
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English")), ("pt", _("Portuguese"))]
LOCALE_PATHS = [BASE_DIR / "hub" / "locale"]
USE_I18N = True
TIME_ZONE = "Africa/Bamako"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "hub.uploads.AtomicFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

PHONENUMBER_DEFAULT_REGION = "ML"
PHONENUMBER_DB_FORMAT = "E164"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.HubTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "api.parsers.FormParser",
        "api.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "api.filters.FilterBackend",
        "api.filters.StableOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StablePagination",
    "EXCEPTION_HANDLER": "api.exception_handlers.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": "10/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HUB IIT API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.CaseStatus",
        "TechnologyDomainEnum": "hub.classifications.TechnologyDomain",
        "IsicSectionEnum": "hub.classifications.IsicSection",
    },
}

SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
"""Scheme and host put in front of the links in e-mails and text messages."""
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "hub-iit@localhost")
FIELD_DIRECTORY_SIZE = 280
"""Enterprises at most in the directory a referent's phone keeps offline (visits.selectors.field_directory):
what keeps the visit form's first load within 14 KB compressed; the picker searches the rest online."""
SMS_GATEWAYS = json.loads(
    os.environ.get("DJANGO_SMS_GATEWAYS", '{"default": {"BACKEND": "hub.messaging.gateways.console.ConsoleGateway"}}')
)
"""The text-message gateways by alias: {"alias": {"BACKEND": dotted path, "HUBS": [hub codes], "SENDER": sender
id, "CALLBACK_TOKEN": secret of the callback URLs, "OPTIONS": {...}}}. A hub sends through the gateway that
lists its code, else through "default". See hub/messaging/gateways/ and docs/NOTIFICATIONS.md."""
MESSAGE_MAX_ATTEMPTS = 5
"""Attempts at sending one message before it is marked failed; the waits between them double from a minute."""
SMS_MAX_PARTS = 3
"""Text messages one message may take at most (459 characters in the GSM alphabet, 201 with ê, ç or ô); a longer
one is shortened (hub.messaging.encoding)."""

TASKS_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
TASKS = {"default": TASKS_BACKENDS[os.environ.get("DJANGO_TASKS_BACKEND", "database")]}
"""Background tasks (e-mails, text messages, long exports): in the database by default, run by
`manage.py db_worker`; with DJANGO_TASKS_BACKEND=rq, in Redis (REDIS_URL), run by `manage.py rqworker`."""
RQ_QUEUES = {
    "default": {
        "URL": os.environ.get("DJANGO_TASKS_REDIS_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    }
}
"""The RQ queue's Redis: not the cache's, whose eviction policy would drop queued tasks (docs/DEPLOY.md)."""
if TASKS["default"] is TASKS_BACKENDS["rq"]:
    INSTALLED_APPS.append("django_rq")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "hub.observability.RequestContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s [request %(request_id)s user %(user_id)s]"},
        "json": {"()": "hub.observability.JsonFormatter"},
        "mail": {"format": "%(message)s\n\nRequest id: %(request_id)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_context"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "reporter_class": "hub.observability.MailExceptionReporter",
            "level": "ERROR",
            "formatter": "mail",
            "filters": ["require_debug_false", "request_context"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "NOTSET"},
        "django.request": {"handlers": ["mail_admins"]},
    },
}
"""Every line through the console (the journal on servers), with the request's id and user id; the
production settings write it as JSON. `django` loses Django's default handlers (its own console, and a
mail for every error of any django.* logger) and goes to the root's level and console; 500s are mailed
to ADMINS, if any, unless the production settings report them to the error tracker instead."""
