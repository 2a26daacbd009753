"""Who made the history rows an import writes, and why.

The services that store the rows (`enterprise_save`, `case_import`, `visit_record`) create the records and
their history themselves; a visit's is even saved by the referent it names. Within `attributed`, every
history row created in this thread names the importing person and the file instead."""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from hub.models import User

REASON_LENGTH = 100
"""django-simple-history's change reason column."""

_attribution: ContextVar[tuple[User, str] | None] = ContextVar("import_attribution", default=None)


@contextlib.contextmanager
def attributed(*, user: User, reason: str) -> Iterator[None]:
    token = _attribution.set((user, reason[:REASON_LENGTH]))
    try:
        yield
    finally:
        _attribution.reset(token)


def attribution() -> tuple[User, str] | None:
    """The importing person and the change reason, within `attributed`."""
    return _attribution.get()


@receiver(pre_create_historical_record, dispatch_uid="hub.imports.history.attribute")
def _attribute(sender, history_instance, **kwargs) -> None:
    attribution = _attribution.get()
    if attribution is not None:
        history_instance.history_user, history_instance.history_change_reason = attribution
