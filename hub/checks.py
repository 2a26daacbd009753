"""Checks that `manage.py check --deploy` runs on a server's settings."""

from django.conf import settings
from django.core.checks import Error, Tags, register

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """The throttles and the password-reset limits count in the cache: kept in one process (or one
    machine), each worker would count alone and a restart would forget."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            f"The default cache ({backend}) is not shared by the workers and app servers.",
            hint="Set REDIS_URL, or use hub.settings.production, whose cache without Redis is the database's.",
            id="hub.E001",
        )
    ]
