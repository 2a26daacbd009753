"""The API's filter and ordering backends."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter

NOT_FILTERS = frozenset({"cursor", "page_size", "ordering", "fields", "format"})
"""Query parameters of pagination, ordering and representation, which no filter set reads."""


class FilterBackend(DjangoFilterBackend):
    """django-filter, left out when the request asks for no filter: building a filter set and validating
    its form is a good part of the cost of an unfiltered list page."""

    def filter_queryset(self, request, queryset, view):
        if NOT_FILTERS.issuperset(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class StableOrderingFilter(OrderingFilter):
    """The requested order, then the newest first: rows with equal values (many cases share a due date)
    keep one order, so the cursor pages neither repeat nor skip them."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not any(name.lstrip("-") in ("pk", "id") for name in ordering):
            ordering = [*ordering, "-pk"]
        return ordering
