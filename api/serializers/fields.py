import decimal
import functools
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id the requesting user may see: another hub's id is refused exactly like an unknown one.

    `selector(user=...)` returns the visible queryset; `queryset` only tells the schema the model.
    """

    default_error_messages = {
        "does_not_exist": _("No record {pk_value} is within your reach: it does not exist or is not yours."),
    }

    def __init__(self, *, selector, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.selector(user=self.context["request"].user)


class CoordinateField(serializers.DecimalField):
    """Phones report more decimals than the 6 stored (about 0.1 m): round them instead of refusing."""

    STEP = decimal.Decimal("0.000001")

    def __init__(self, *, limit: int, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(max_digits=9, decimal_places=6, min_value=-limit, max_value=limit, **kwargs)

    def validate_precision(self, value):
        try:
            value = value.quantize(self.STEP, rounding=decimal.ROUND_HALF_UP)
        except decimal.InvalidOperation:
            self.fail("invalid")
        return super().validate_precision(value)


class SelectableFieldsMixin:
    """`fields=[names]` keeps only those of the serializer's fields: the API's `?fields=`."""

    def __init__(self, *args, fields=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fields is not None:
            for name in set(self.fields) - set(fields):
                self.fields.pop(name)

    @classmethod
    def readable_fields(cls) -> list[str]:
        return [name for name, field in cls().fields.items() if not field.write_only]


class RowSerializer(serializers.Serializer):
    """A read-only representation of the dicts of `values(*columns())`: a list reads its rows without
    building model instances, and each value goes straight to its field's `to_representation` (a method
    field gets the whole row)."""

    @classmethod
    def columns(cls) -> list[str]:
        return [field.source for field in cls().fields.values() if field.source != "*"]

    @functools.cached_property
    def _readers(self) -> list[tuple[str, str, Callable]]:
        return [(name, field.source, field.to_representation) for name, field in self.fields.items()]

    def to_representation(self, row: dict) -> dict:
        return {
            name: represent(row) if source == "*" else (None if (value := row[source]) is None else represent(value))
            for name, source, represent in self._readers
        }
