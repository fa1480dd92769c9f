"""The console's list filters and paginator, built to stay fast on a million complaints.

Every filter is one indexed condition: overdue stages are EXISTS subqueries whose
conditions match the partial deadline indexes on Assignment exactly, the agency
filter is an EXISTS on (agency, status), the date range is a range on the
received_at index. Lookup lists come from the small reference tables, never from
a DISTINCT over complaints.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Zone
from bkk1555.dateinput import PLACEHOLDER, parse_date_or_none

from . import queues, rules
from .models import Assignment

A = Assignment.Status


def overdue_exists(stage: str, now: dt.datetime) -> Exists:
    """Cases with work past one stage's deadline (rules.OVERDUE; each stage has its partial index)."""
    return Exists(Assignment.objects.overdue(now, stage).filter(complaint=OuterRef("pk")))


class OverdueFilter(admin.SimpleListFilter):
    title = _("เกินกำหนด")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [
            ("any", _("เกินกำหนดขั้นใดขั้นหนึ่ง")),
            ("dispatch", _("เกินกำหนดส่งต่อ (ศูนย์ฯ)")),
            ("ack", _("เกินกำหนดรับเรื่อง")),
            ("safe", _("เกินกำหนดทำให้ปลอดภัย")),
            ("resolve", _("เกินกำหนดแก้ไขเสร็จ")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "dispatch":
            return queryset.filter(rules.DISPATCH.q(now))
        if self.value() in ("ack", "safe", "resolve"):
            return queryset.filter(overdue_exists(self.value(), now))
        if self.value() == "any":
            # One EXISTS with the stages OR'ed inside (a BitmapOr of the three partial
            # indexes), not three OR'ed EXISTS, which PostgreSQL cannot turn into a semi-join.
            return queryset.filter(Exists(Assignment.objects.overdue(now).filter(complaint=OuterRef("pk"))))
        return queryset


class QueueFilter(admin.SimpleListFilter):
    """The home's queues as full lists (complaints/queues.py: one definition for both)."""

    title = _("งานค้างของเวร")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(key, q.title) for key, q in queues.QUEUES.items()]

    def queryset(self, request, queryset):
        queue = queues.QUEUES.get(self.value() or "")
        if queue is None:
            return queryset
        return queryset.filter(queue.complaint_q(timezone.now()))


class AgencyFilter(admin.SimpleListFilter):
    title = _("หน่วยงาน")
    parameter_name = "agency"

    def lookups(self, request, model_admin):
        return [(str(a.pk), a.short_name) for a in Agency.objects.filter(is_active=True).order_by("kind", "code")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(
                Exists(Assignment.objects.filter(complaint=OuterRef("pk"), agency_id=int(self.value())))
            )
        return queryset


class ZoneFilter(admin.SimpleListFilter):
    title = _("กลุ่มเขต")
    parameter_name = "zone"

    def lookups(self, request, model_admin):
        return [(str(z.pk), str(z)) for z in Zone.objects.all()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(district__zone_id=int(self.value()))
        return queryset


class ReceivedRangeFilter(admin.ListFilter):
    """Received between two dates (inclusive, Bangkok days). Not date_hierarchy, which
    scans the whole table for its DISTINCT list of years and months."""

    title = _("วันที่รับเรื่อง")
    template = "admin/complaints/received_range_filter.html"
    params = ("received_from", "received_to")

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name in self.params:
            if name in params:
                value = params.pop(name)
                self.used_parameters[name] = value[-1] if isinstance(value, list) else value

    def _date(self, name: str) -> dt.date | None:
        # As typed in the filter: `02/12/2569` (BE), a CE year, or ISO from an old link.
        return parse_date_or_none(self.used_parameters.get(name, ""))

    def has_output(self):
        return True

    def expected_parameters(self):
        return list(self.params)

    def queryset(self, request, queryset):
        tz = timezone.get_current_timezone()
        start, end = self._date("received_from"), self._date("received_to")
        if start:
            queryset = queryset.filter(received_at__gte=dt.datetime.combine(start, dt.time.min, tz))
        if end:
            queryset = queryset.filter(received_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz))
        return queryset

    def choices(self, changelist):
        keep = [(k, v) for k, v in changelist.get_filters_params().items() if k not in self.params]
        yield {
            "hidden": [(k, item) for k, v in keep for item in (v if isinstance(v, list) else [v])],
            "received_from": self.used_parameters.get("received_from", ""),
            "received_to": self.used_parameters.get("received_to", ""),
            "placeholder": PLACEHOLDER,
            "clear_url": changelist.get_query_string(remove=list(self.params)),
            "action": changelist.get_query_string(remove=list(self.params)),
        }


class ConsolePaginator(Paginator):
    """Never counts a big table.

    Unfiltered on PostgreSQL: the planner's row estimate from pg_class (about 1 ms
    instead of a sequential COUNT(*)). Filtered: no count at all — it looks ahead one
    row past the requested page with the page's own ordering (the same cheap
    index-ordered LIMIT as the page itself, and keeps those rows for the page) and
    reports "this page plus maybe one more". A full count of a filter matching a few percent of a million rows costs
    hundreds of milliseconds (a hash of every match); the lookahead costs a few.
    """

    EXACT_BELOW = 100_000
    # Deeper pages are OFFSET scans of hundreds of thousands of rows (seconds); past
    # this officers filter instead. 200 pages of 50 = the newest 10,000 cases.
    MAX_PAGES = 200

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, page_hint: int = 1):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.page_hint = max(1, page_hint)

    estimated = False
    open_ended = False

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        connection = connections[qs.db]
        if not qs.query.where:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [qs.model._meta.db_table]
                    )
                    row = cursor.fetchone()
                if row and row[0] >= self.EXACT_BELOW:
                    self.estimated = True
                    return int(row[0])
            return qs.count()
        offset = (self.page_hint - 1) * self.per_page
        # The look-ahead fetches the page itself (plus one row); page() hands it out,
        # so a filtered list runs its one expensive query once.
        rows = list(qs[offset : offset + self.per_page + 1])
        self._ahead = (offset, rows[: self.per_page])
        self.open_ended = len(rows) > self.per_page
        return offset + len(rows)

    _ahead: tuple[int, list] | None = None

    @cached_property
    def num_pages(self) -> int:
        return min(super().num_pages, self.MAX_PAGES)

    def page(self, number):
        number = self.validate_number(number)
        if self._ahead is not None and self._ahead[0] == (number - 1) * self.per_page:
            return self._get_page(self._ahead[1], number, self)
        return super().page(number)
