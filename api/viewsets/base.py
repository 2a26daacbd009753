from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS

from hub.permissions import access


class ScopedObjectMixin:
    """Details are looked up in the scoped queryset only: a record that is not the user's answers the
    same 404 as one that does not exist. Ids are whole numbers, unless a viewset looks its records up by
    another `lookup_field` with its own `lookup_value_regex`; anything else is not a route."""

    lookup_value_regex = "[0-9]+"

    def get_object(self):
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        return access(self.get_queryset(), **{self.lookup_field: value})


class SummaryListMixin:
    """Lists answer `summary_serializer_class`, a summary of each record light enough for slow mobile
    networks; details answer every field. `?fields=a,b` (on lists and details) picks any readable fields of
    the full record instead. `is_summary_list()` lets `get_queryset` load only the summary's columns."""

    summary_serializer_class = None

    def is_summary_list(self) -> bool:
        return self.action == "list" and "fields" not in self.request.query_params

    def summary_rows(self, queryset):
        """`queryset` as the dicts the summary reads, with the columns a list may be ordered by (which the
        cursor reads its position from)."""
        columns = self.summary_serializer_class.columns()
        ordering = [name for name in getattr(self, "ordering_fields", ()) if name not in columns]
        return queryset.select_related(None).values(*columns, *ordering)

    def get_serializer_class(self):
        return self.summary_serializer_class if self.is_summary_list() else super().get_serializer_class()

    def selected_fields(self) -> list[str] | None:
        text = self.request.query_params.get("fields")
        if text is None or self.request.method not in SAFE_METHODS:
            return None
        names = [name.strip() for name in text.split(",") if name.strip()]
        readable = self.serializer_class.readable_fields()
        unknown = [name for name in names if name not in readable]
        if unknown or not names:
            raise ValidationError(
                {
                    "fields": [
                        _("Unknown fields: %(unknown)s. Choose among: %(readable)s.")
                        % {"unknown": ", ".join(unknown) or "-", "readable": ", ".join(readable)}
                    ]
                }
            )
        return names

    def get_serializer(self, *args, **kwargs):
        if not self.is_summary_list():
            kwargs.setdefault("fields", self.selected_fields())
        return super().get_serializer(*args, **kwargs)
