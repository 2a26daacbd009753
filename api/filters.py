"""The API's filter backend."""

from django_filters.rest_framework import DjangoFilterBackend

NOT_FILTERS = frozenset({"cursor", "page_size", "ordering", "fields", "format"})
"""Query parameters of pagination, ordering and representation, which no filter set reads."""


class FilterBackend(DjangoFilterBackend):
    """django-filter, left out when the request asks for no filter: building a filter set and validating
    its form is a good part of the cost of an unfiltered list page."""

    def filter_queryset(self, request, queryset, view):
        if NOT_FILTERS.issuperset(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)
