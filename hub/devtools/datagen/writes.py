"""Bulk writes with their simple-history rows, at the times the generator chose."""

import contextlib
from collections.abc import Iterator

from django.db import models

from cases.models import Case, CaseNote
from hub.models import Enterprise, FollowUp, Hub, TechnologySheet
from visits.models import Visit

BATCH_SIZE = 5000


@contextlib.contextmanager
def explicit_timestamps() -> Iterator[None]:
    """Let bulk_create keep the creation and change times the generator chose instead of the clock's."""
    fields = [
        model_field
        for model in (Hub, Enterprise, FollowUp, Case, CaseNote, Visit, TechnologySheet)
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, models.DateField) and (model_field.auto_now or model_field.auto_now_add)
    ]
    saved = [(model_field, model_field.auto_now, model_field.auto_now_add) for model_field in fields]
    for model_field in fields:
        model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in saved:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


def with_history(model, objs: list, *, at, by=lambda _: None) -> list:
    """bulk_create `objs` and their "+" history rows; returns the history rows (with their ids, which
    `bulk_create_with_history` does not give back and the many-to-many history needs)."""
    if not objs:
        return []
    model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    for obj in objs:
        obj._history_date = at(obj)
        obj._history_user = by(obj)
    return model.history.bulk_history_create(objs, batch_size=BATCH_SIZE)


def m2m_with_history(*, through, history_model, history_rows: list, pairs: list[tuple[int, list]]) -> list:
    """Write many-to-many rows (owner index, related ids) and copy them onto the owners' history rows;
    returns the rows written."""
    owner_field, related_field = (f.attname for f in through._meta.concrete_fields if f.is_relation)
    rows, owners = [], []
    for index, related_ids in pairs:
        for related_id in related_ids:
            rows.append(through(**{owner_field: history_rows[index].id, related_field: related_id}))
            owners.append(history_rows[index])
    through.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    history_model.objects.bulk_create(
        [
            history_model(
                id=row.pk,
                history_id=owner.history_id,
                **{owner_field: getattr(row, owner_field), related_field: getattr(row, related_field)},
            )
            for row, owner in zip(rows, owners, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )
    return rows
