from rest_framework.pagination import CursorPagination


class StablePagination(CursorPagination):
    """Cursor pagination: the cost of a page does not grow with its depth in the list."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-pk"
