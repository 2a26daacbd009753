"""How far an import has gone, for the page that polls it while the import runs in another request: the
lines done and the total, kept in the cache under the batch. The cache must be shared by the workers and
written outside the import's transaction (Redis, or a process's memory in development); with the database
cache the figures only appear once the import has ended."""

from collections.abc import Callable

from django.core.cache import cache

from hub.models import ImportBatch

KEPT_SECONDS = 3600


def _key(batch: ImportBatch) -> str:
    return f"imports:progress:{batch.pk}"


def progress_recorder(batch: ImportBatch) -> Callable[[int, int], None]:
    """Records the progress of a run starting now over the batch's lines."""

    def record(done: int, total: int) -> None:
        cache.set(_key(batch), {"done": done, "total": total}, KEPT_SECONDS)

    record(0, batch.rows)
    return record


def progress_of(batch: ImportBatch) -> dict | None:
    """{"done": lines, "total": lines} of the run going on or last ended, None before any."""
    return cache.get(_key(batch))
