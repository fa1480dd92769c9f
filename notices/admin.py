"""Notices in the console: supervisors see what failed (or whose outcome is unknown) and may resend."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bkk1555.admin_utils import ReadOnlyMixin
from complaints.pii import mask_phone

from . import delivery
from .models import Confirmation, Notice


@admin.register(Notice)
class NoticeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "reference", "event", "channel", "recipient", "status", "attempts", "short_error")
    list_filter = ("status", "channel", "event")
    list_select_related = ("complaint",)
    search_fields = ("complaint__reference",)
    show_full_result_count = False
    actions = ("resend",)
    readonly_fields = [f.name for f in Notice._meta.fields if f.name != "to"] + ["recipient"]
    exclude = ("to",)

    @admin.display(description=_("เรื่อง"), ordering="complaint__reference")
    def reference(self, obj):
        return obj.complaint.reference

    @admin.display(description=_("ผู้รับ"))
    def recipient(self, obj):
        if obj.channel == Notice.Channel.LINE:
            return format_html("LINE <code>…{}</code>", obj.to[-4:])  # an id's tail, not a word
        return mask_phone(obj.to)  # always masked here: the case page shows the number to those who may see it

    @admin.display(description=_("ข้อผิดพลาด"))
    def short_error(self, obj):
        return (obj.last_error or "")[:80]

    def changelist_view(self, request, extra_context=None):
        # SMS cost per month, like LINE's billed messages: counted from the rows themselves.
        costs = (
            Notice.objects.filter(status=Notice.Status.SENT)
            .annotate(month=TruncMonth("sent_at"))
            .values("month", "channel")
            .annotate(sent=Count("id"), credits=Sum("credits"), satang=Sum("cost_satang"))
            .order_by("-month", "channel")[:24]
        )
        extra = {"notice_costs": list(costs), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    @admin.action(description=_("ส่งใหม่ (ที่ส่งไม่สำเร็จหรือไม่ทราบผล)"), permissions=["resend"])
    def resend(self, request, queryset):
        n = delivery.resend(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("ส่งใหม่ %(n)s รายการ") % {"n": n}, messages.SUCCESS)

    def has_resend_permission(self, request):
        return request.user.has_perm("notices.change_notice")


@admin.register(Confirmation)
class ConfirmationAdmin(admin.ModelAdmin):
    list_display = ("answered_at", "reference", "answer", "reopened", "changed_count")
    list_filter = ("answer", "reopened")
    list_select_related = ("complaint",)
    search_fields = ("complaint__reference",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("เรื่อง"), ordering="complaint__reference")
    def reference(self, obj):
        return obj.complaint.reference
