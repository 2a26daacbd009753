"""`manage.py check --deploy` refuses a cache that each worker keeps alone."""

import pytest

from hub.checks import check_shared_cache


@pytest.mark.parametrize(
    "backend", ["django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache"]
)
def test_a_cache_kept_in_one_process_is_refused(settings, backend):
    settings.CACHES = {"default": {"BACKEND": backend}}
    assert [error.id for error in check_shared_cache(None)] == ["hub.E001"]


@pytest.mark.parametrize(
    "backend", ["django.core.cache.backends.db.DatabaseCache", "django.core.cache.backends.redis.RedisCache"]
)
def test_the_database_cache_and_redis_are_shared(settings, backend):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "hub_shared_cache"}}
    assert check_shared_cache(None) == []
