from rest_framework.pagination import CursorPagination, PageNumberPagination


class ComplaintCursorPagination(CursorPagination):
    """Keyset pagination: page N costs the same as page 1 on a million rows, and a
    case received while a client pages does not shift the pages."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-received_at", "-id")


class ReferencePagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
