"""The production settings pass Django's deployment checks and refuse to start without their secrets."""

import os
import secrets
import string
import subprocess
import sys

import pytest
from django.conf import settings

from hub.settings.base import BASE_DIR


def production_env(**overrides: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "hub.settings.production"
    env.update(overrides)
    return env


def random_secret_key(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_settings_pass_the_deployment_checks():
    env = production_env(DJANGO_SECRET_KEY=random_secret_key(), DJANGO_ALLOWED_HOSTS="hub.example.org")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("redis_url", "backend"),
    [("", "django.core.cache.backends.db.DatabaseCache"), ("redis://10.0.0.10:6379/1", "RedisCache")],
    ids=["database", "redis"],
)
def test_production_shares_its_cache_between_workers_with_or_without_redis(redis_url, backend):
    env = production_env(DJANGO_SECRET_KEY=random_secret_key(), DJANGO_ALLOWED_HOSTS="hub.example.org")
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    code = "import hub.settings.production as s; print(s.CACHES['default']['BACKEND'])"
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    assert backend in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "hub.example.org"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ALLOWED_HOSTS": "hub.example.org", "DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": random_secret_key()}, "DJANGO_ALLOWED_HOSTS"),
    ],
    ids=["no-secret-key", "short-secret-key", "no-allowed-hosts"],
)
def test_production_settings_refuse_to_load_without_their_secrets(overrides, message):
    result = run(["-c", "import hub.settings.production"], production_env(**overrides))
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_french_first_and_bamako_time():
    assert settings.LANGUAGE_CODE == "fr"
    assert [code for code, _ in settings.LANGUAGES] == ["fr", "en", "pt"]
    assert settings.TIME_ZONE == "Africa/Bamako"
    assert settings.USE_TZ is True
