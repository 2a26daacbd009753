"""The test suite: fast password hashing, in-memory e-mail and text messages, media in a temporary folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105 - the test settings only  # nosec B105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_GATEWAYS = {"default": {"BACKEND": "hub.messaging.gateways.locmem.LocmemGateway"}}
TASKS = {"default": TASKS_BACKENDS["immediate"]}  # noqa: F405 - each task runs when its transaction commits
SITE_URL = "https://hub.example.org"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="hubiit-media-"))
