"""Admin for outgoing LINE messages: failed and stuck ones, resend, billing per agency.

The read-only Reminder list lives in complaints/admin.py (the case console).

Officers see every outgoing message and why it failed; supervisors (who hold
change_outboxmessage) may resend and see what LINE bills per agency and month.
Rows are never edited by hand: resend puts a row back in the queue with the
same retry key, so LINE still refuses to deliver anything twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import admin
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agencies.visibility import can_see_line_ids, mask_line_id
from bkk1555 import roles
from bkk1555.thaidate import thai_month

from . import delivery, quota
from .models import OutboxMessage, QuotaReading

S = OutboxMessage.Status

# Officers (and so supervisors) may read the reminder log; synced to the groups after migrate.
if "complaints.view_reminder" not in roles.EXTRA[roles.OFFICER]:
    roles.EXTRA[roles.OFFICER].append("complaints.view_reminder")


class StuckFilter(admin.SimpleListFilter):
    title = _("ค้างส่ง")
    parameter_name = "stuck"

    def lookups(self, request, model_admin):
        return [("yes", _("ค้างเกินกำหนด (รอส่ง/กำลังส่ง)")), ("problem", _("ส่งไม่สำเร็จหรือค้าง"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=delivery.overdue().values("pk"))
        if self.value() == "problem":
            return queryset.filter(Q(status=S.FAILED) | Q(pk__in=delivery.overdue().values("pk")))
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "purpose",
        "reference",
        "agency",
        "status",
        "attempts",
        "error_status",
        "reason",
        "recipients_count",
        "sent_at",
    )
    list_filter = ("status", StuckFilter, "purpose", "error_status", "created_at")
    list_select_related = ("agency",)
    search_fields = ("=line_request_id", "=retry_key", "last_error", "assignment__complaint__reference")
    show_full_result_count = False
    list_per_page = 50
    actions = ("resend",)
    readonly_fields = (
        "retry_key",
        "purpose",
        "agency",
        "case",
        "to",
        "messages",
        "status",
        "attempts",
        "error_text",
        "error_status",
        "line_request_id",
        "recipients_count",
        "created_at",
        "claimed_at",
        "next_attempt_at",
        "sent_at",
    )
    fields = readonly_fields
    change_list_template = "admin/line_oa/outboxmessage/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_reference=F("assignment__complaint__reference"))

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not can_see_line_ids(request.user):  # the API's rule: LINE ids for supervisors only
            fields = ["masked_to" if f == "to" else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "masked_to")

    @admin.display(description=_("ผู้รับ"))
    def masked_to(self, obj):
        return ", ".join(mask_line_id(t) for t in (obj.to or []))

    @admin.display(description=_("เลขที่เรื่อง"), ordering="_reference")
    def reference(self, obj):
        return obj._reference or "-"

    @admin.display(description=_("เรื่อง"))
    def case(self, obj):
        """The case by its reference, linked (not the assignment's internal ids)."""
        if not obj.assignment_id:
            return "-"
        url = reverse("admin:complaints_complaint_change", args=[obj.assignment.complaint_id])
        return format_html('<a href="{}">{}</a>', url, obj._reference)

    @admin.display(description=_("สาเหตุ"))
    def reason(self, obj):
        # The error as LINE or the network gave it: machine text, shown as code.
        return format_html("<code>{}</code>", obj.last_error.splitlines()[0][:120]) if obj.last_error else ""

    @admin.display(description=_("ข้อผิดพลาดล่าสุด"))
    def error_text(self, obj):
        return format_html('<pre class="machine">{}</pre>', obj.last_error) if obj.last_error else "-"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("ส่งใหม่ (ใช้รหัสกันส่งซ้ำเดิม)"), permissions=["change"])
    def resend(self, request, queryset):
        count = delivery.resend(list(queryset.values_list("pk", flat=True)))
        skipped = queryset.count() - count
        self.message_user(
            request,
            ngettext("ส่งใหม่ %(count)d ข้อความ", "ส่งใหม่ %(count)d ข้อความ", count) % {"count": count}
            + (f" ({_('ข้ามข้อความที่ส่งแล้ว')} {skipped})" if skipped else ""),
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.has_change_permission(request):
            local = timezone.localtime()
            since = (local.replace(day=1, hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=62)).replace(
                day=1
            )
            billing = delivery.billed_by_agency_month(since=since)
            for row in billing:
                month = timezone.localtime(row["month"]) if timezone.is_aware(row["month"]) else row["month"]
                row["month_th"] = thai_month(month.year, month.month)
            extra_context["billing"] = billing
            # Next to what we counted: what LINE says this month's quota is and how much is used,
            # and how many webhook events LINE had to deliver again (our endpoint was slow or down).
            extra_context["quota"] = QuotaReading.objects.filter(month=quota.month_start()).first()
            month_began = timezone.make_aware(dt.datetime.combine(quota.month_start(), dt.time()))
            extra_context["redeliveries"] = quota.redeliveries(since=month_began)
        extra_context["grace_seconds"] = settings.OUTBOX_PENDING_GRACE_SECONDS
        return super().changelist_view(request, extra_context=extra_context)
