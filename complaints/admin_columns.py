"""The complaint list's columns and search: computed from the prefetched assignments,
never a query per row (see admin_filters.py for the filters and the paginator)."""

from __future__ import annotations

import re

from django.contrib import admin
from django.contrib.admin.views.main import PAGE_VAR
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from bkk1555.thaidate import thai_datetime

from . import rules, workflow
from .models import Assignment
from .pii import can_see_pii, mask_name, mask_phone

A = Assignment.Status
REFERENCE_RE = re.compile(r"^(\d{4})-(\d{1,6})$")
PHONE_RE = re.compile(r"^[\d\s+-]{3,}$")
STATE_CLASS = {
    A.DISPATCHED: "st-wait",
    A.ACKNOWLEDGED: "st-ack",
    A.IN_PROGRESS: "st-ack",
    A.MADE_SAFE: "st-safe",
    A.RESOLVED: "st-done",
    A.VERIFIED: "st-ok",
    A.REJECTED: "st-off",
    A.CANCELLED: "st-off",
}
OVERDUE_TEXT = {
    "dispatch": _("เกินกำหนดส่งต่อ"),
    "ack": _("เกินกำหนดรับเรื่อง"),
    "safe": _("เกินกำหนดทำให้ปลอดภัย"),
    "resolve": _("เกินกำหนดแก้ไข"),
    "review": _("เกินกำหนดตรวจสอบผล"),
}


overdue_stages = rules.overdue_stages


def case_overdue(complaint, assignments, now) -> list[tuple[str, str]]:
    """(stage, Thai label) of every stage the case is past, the centre's dispatch clock first:
    the list's column and the case page's heading."""
    stages = {s for a in assignments for s in overdue_stages(a, now)}
    if rules.DISPATCH.is_overdue(complaint, now):
        stages.add("dispatch")
    return [(s, OVERDUE_TEXT[s]) for s in ("dispatch", "ack", "safe", "resolve") if s in stages]


def age_text(since, now) -> str:
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 60:
        return _("%(m)d นาที") % {"m": minutes}
    if minutes < 48 * 60:
        return _("%(h)d ชม. %(m)d นาที") % {"h": minutes // 60, "m": minutes % 60}
    return _("%(d)d วัน") % {"d": minutes // (24 * 60)}


class ComplaintColumnsMixin:
    """Mixed into ComplaintAdmin: the list's queryset, columns and search."""

    # --- the list ------------------------------------------------------------------------

    def get_queryset(self, request):
        live = Assignment.objects.select_related("agency").order_by("dispatched_at", "id")
        return super().get_queryset(request).prefetch_related(Prefetch("assignments", queryset=live))

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        page = request.GET.get(PAGE_VAR, "1")
        return self.paginator(
            queryset, per_page, orphans, allow_empty_first_page, page_hint=int(page) if page.isdigit() else 1
        )

    def get_list_display(self, request):
        person = "complainant_full" if can_see_pii(request.user) else "complainant_masked"
        return (
            "reference",
            "best_badge",
            "category",
            "district",
            "agencies",
            "age",
            "overdue",
            "status",
            "outcome_badge",
            person,
        )

    def get_search_results(self, request, queryset, search_term):
        """A reference is an exact unique-index lookup, digits a phone prefix on its index,
        anything else a substring of description/address (a trigram index on PostgreSQL)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        match = REFERENCE_RE.match(term)
        if match:
            return queryset.filter(reference=f"{match[1]}-{int(match[2]):06d}"), False
        if PHONE_RE.match(term) and can_see_pii(request.user):
            return queryset.filter(complainant_phone__startswith=workflow.normalise_phone(term)), False
        # Without the PII permission a phone search would tell whose case it is: text only.
        return queryset.filter(Q(description__icontains=term) | Q(address__icontains=term)), False

    @admin.display(description="BEST", ordering="is_best")
    def best_badge(self, obj):
        return mark_safe('<span class="badge-best">BEST</span>') if obj.is_best else ""

    @admin.display(description=_("หน่วยงาน / สถานะ"))
    def agencies(self, obj):
        rows = obj.assignments.all()  # prefetched with their agencies
        return format_html_join(
            mark_safe("<br>"),
            '<span class="{}">{}: {}</span>',
            ((STATE_CLASS.get(a.status, ""), a.agency.short_name, a.get_status_display()) for a in rows),
        )

    @admin.display(description=_("อายุเรื่อง"), ordering="received_at")
    def age(self, obj):
        return format_html(
            '<span title="{}">{}</span>', thai_datetime(obj.received_at), age_text(obj.received_at, self._now())
        )

    @admin.display(description=_("เกินกำหนด"))
    def overdue(self, obj):
        return format_html_join(
            " ", '<span class="overdue overdue-{}">{}</span>', case_overdue(obj, obj.assignments.all(), self._now())
        )

    @admin.display(description=_("ผู้ร้อง"))
    def complainant_full(self, obj):
        return format_html("{}<br>{}", obj.complainant_name, obj.complainant_phone)

    @admin.display(description=_("ผู้ร้อง"))
    def complainant_masked(self, obj):
        return format_html("{}<br>{}", mask_name(obj.complainant_name), mask_phone(obj.complainant_phone))

    def _now(self):
        return timezone.now()
