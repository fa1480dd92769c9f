"""Field audits in the console: supervisors see pending, done and overdue audits, name auditors
and set rates per category."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bkk1555.admin_utils import ReadOnlyMixin
from complaints.guard import FLAG_TEXT

from .models import AuditDraw, Auditor, AuditRate, FieldAudit


class OverdueFilter(admin.SimpleListFilter):
    title = _("กำหนดตรวจ")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return (("yes", _("เกินกำหนด")), ("no", _("ยังไม่เกินกำหนด")))

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(status=FieldAudit.Status.PENDING, due_at__lt=now)
        if self.value() == "no":
            return queryset.filter(status=FieldAudit.Status.PENDING, due_at__gte=now)
        return queryset


@admin.register(FieldAudit)
class FieldAuditAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "agency",
        "auditor",
        "status",
        "due_at",
        "is_overdue",
        "answered_at",
        "photo_flags",
        "lapsed_reason",
    )
    list_filter = ("status", OverdueFilter, "agency")
    list_select_related = ("complaint", "agency", "auditor__coordinator", "photo")
    search_fields = ("complaint__reference",)
    show_full_result_count = False
    readonly_fields = [f.name for f in FieldAudit._meta.fields if f.name != "token"]
    exclude = ("token",)

    @admin.display(description=_("เรื่อง"), ordering="complaint__reference")
    def reference(self, obj):
        return obj.complaint.reference

    @admin.display(description=_("ข้อสังเกตของรูป"))
    def photo_flags(self, obj):
        if obj.photo is None:
            return ""
        return "; ".join(str(FLAG_TEXT.get(f, f)) for f in obj.photo.flags)

    @admin.display(description=_("เกินกำหนด"), boolean=True)
    def is_overdue(self, obj):
        return obj.status == FieldAudit.Status.PENDING and obj.due_at < timezone.now()


@admin.register(Auditor)
class AuditorAdmin(admin.ModelAdmin):
    list_display = ("coordinator", "is_active")
    list_select_related = ("coordinator",)
    autocomplete_fields = ("coordinator",)


@admin.register(AuditRate)
class AuditRateAdmin(admin.ModelAdmin):
    list_display = ("category", "rate")
    list_select_related = ("category",)
    autocomplete_fields = ("category",)


@admin.register(AuditDraw)
class AuditDrawAdmin(admin.ModelAdmin):
    list_display = ("complaint", "round", "draw", "rate", "selected", "drawn_at")
    list_filter = ("selected",)
    list_select_related = ("complaint",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
