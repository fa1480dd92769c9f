from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination


class ComplaintCursorPagination(CursorPagination):
    """Keyset pagination: page N costs the same as page 1 on a million rows, and a
    case received while a client pages does not shift the pages."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-received_at", "-id")

    def decode_cursor(self, request):
        """A cursor that does not decode to a position is the caller's mistake: 400, not a 404
        or (for a position that is not a time) a database error."""
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({self.cursor_query_param: [_("cursor ไม่ถูกต้อง")]}) from exc
        if cursor is not None and cursor.position is not None:
            try:
                valid = parse_datetime(cursor.position) is not None
            except ValueError:
                valid = False
            if not valid:
                raise ValidationError({self.cursor_query_param: [_("cursor ไม่ถูกต้อง")]})
        return cursor


class ReferencePagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
