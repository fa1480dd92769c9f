"""Agencies, coordinators and the geography, in the Thai admin.

Supervisors manage agencies and coordinators; the geography is reference data
(loaded by `manage.py load_reference`) and read-only for everyone.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bkk1555.admin_utils import ReadOnlyMixin

from .models import Agency, Coordinator, District, Subdistrict, Zone
from .visibility import can_see_line_ids, mask_line_id


class ReachableFilter(admin.SimpleListFilter):
    title = _("ติดต่อทาง LINE")
    parameter_name = "line"

    def lookups(self, request, model_admin):
        return [("yes", _("ติดต่อทาง LINE ได้")), ("no", _("ไม่มีผู้ประสานที่ติดต่อทาง LINE ได้"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(Q(line_group_id__isnull=False) | Q(has_reachable=True))
        if self.value() == "no":
            return queryset.filter(line_group_id__isnull=True, has_reachable=False)
        return queryset


class CoordinatorInline(admin.TabularInline):
    model = Coordinator
    extra = 0
    fields = ("name", "position", "phone", "line_display_name", "is_active", "is_lead", "last_seen_at")
    readonly_fields = ("line_display_name", "last_seen_at")
    show_change_link = True


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name_th", "code", "kind", "district", "coordinators", "line_status", "is_active")
    list_filter = ("kind", ReachableFilter, "is_active")
    search_fields = ("code", "name_th", "name_en", "abbr_th")
    list_select_related = ("district",)
    autocomplete_fields = ("district",)
    inlines = [CoordinatorInline]
    readonly_fields = ("line_group_id", "line_group_name")
    fieldsets = (
        (None, {"fields": ("code", "kind", "name_th", "name_en", "abbr_th", "district", "is_active")}),
        (_("การติดต่อ"), {"fields": ("hotline", "handles_th", "handles_en")}),
        (_("กลุ่ม LINE ที่ผูกไว้ (ผูกด้วยรหัสเชื่อมโยง)"), {"fields": ("line_group_id", "line_group_name")}),
    )

    def get_queryset(self, request):
        reachable = Coordinator.objects.reachable().filter(agency=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                has_reachable=Exists(reachable),
                n_coordinators=Count("coordinators", filter=Q(coordinators__is_active=True)),
            )
            .order_by("kind", "code")  # Meta.ordering is dropped from GROUP BY queries
        )

    @admin.display(description=_("ผู้ประสานงาน"), ordering="n_coordinators")
    def coordinators(self, obj):
        return obj.n_coordinators

    @admin.display(description=_("ช่องทาง LINE"))
    def line_status(self, obj):
        if obj.line_group_id:
            return format_html('<span class="flag-line">{}</span>', _("กลุ่ม LINE"))
        if obj.has_reachable:
            return format_html('<span class="flag-line">{}</span>', _("LINE"))
        return format_html(
            '<span class="flag-phone">{}</span>', _("ไม่มีผู้ประสานที่ติดต่อทาง LINE ได้ — ต้องประสานทางโทรศัพท์/วิทยุ")
        )

    def has_delete_permission(self, request, obj=None):
        return False  # assignments point at agencies; deactivate instead

    class Media:
        css = {"all": ("admin-console/console.css",)}


@admin.register(Coordinator)
class CoordinatorAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "position", "phone", "line_bound", "is_active", "is_lead", "last_seen_at")
    list_filter = ("is_active", "is_lead", "agency__kind")
    search_fields = ("name", "phone", "agency__name_th", "agency__code", "line_display_name")
    list_select_related = ("agency",)
    autocomplete_fields = ("agency",)
    readonly_fields = ("line_user_id", "line_display_name", "line_unreachable_at", "last_seen_at", "created_at")

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not can_see_line_ids(request.user):
            fields = ["masked_line_user_id" if f == "line_user_id" else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "masked_line_user_id")

    @admin.display(description=_("รหัสผู้ใช้ LINE"))
    def masked_line_user_id(self, obj):
        return mask_line_id(obj.line_user_id)

    @admin.display(description=_("ผูก LINE แล้ว"), boolean=True)
    def line_bound(self, obj):
        return obj.is_reachable


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Reference data: loaded from the reference files, never edited by hand."""


@admin.register(Zone)
class ZoneAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_th", "name_en")
    search_fields = ("name_th", "name_en")


@admin.register(District)
class DistrictAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_th", "name_en", "zone")
    list_filter = ("zone",)
    search_fields = ("code", "name_th", "name_en")
    list_select_related = ("zone",)


@admin.register(Subdistrict)
class SubdistrictAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_th", "name_en", "district", "postal_codes")
    list_filter = ("district__zone",)
    search_fields = ("code", "name_th", "name_en", "district__name_th")
    list_select_related = ("district",)
