"""The dispatch console: the Thai Django admin for complaints, categories and closure days.

The list is built to stay fast on a million complaints (see admin_filters.py and
docs/benchmarks.md); every state change goes through complaints.workflow, from the
actions here and the case pages in admin_views.py.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from bkk1555.admin_utils import ReadOnlyMixin

from . import workflow
from .admin_case import CasePageMixin
from .admin_columns import ComplaintColumnsMixin
from .admin_filters import (
    AgencyFilter,
    ConsolePaginator,
    OverdueFilter,
    QueueFilter,
    ReceivedRangeFilter,
    ZoneFilter,
)
from .admin_map import IntakeMapMixin
from .admin_public import PublicLinkMixin
from .admin_review import OutcomeColumnsMixin  # also registers the review queue (รอตรวจสอบผล)
from .admin_views import ComplaintViewsMixin
from .case_page import CaseReadMixin
from .errors import WorkflowError
from .forms import ComplaintForm, DuplicateForm, ReasonForm
from .models import Category, ClosureDay, Complaint, Reminder


@admin.register(Complaint)
class ComplaintAdmin(
    OutcomeColumnsMixin,
    ComplaintColumnsMixin,
    CasePageMixin,
    CaseReadMixin,
    ComplaintViewsMixin,
    IntakeMapMixin,
    PublicLinkMixin,
    admin.ModelAdmin,
):
    form = ComplaintForm
    list_display_links = ("reference",)
    list_filter = (
        QueueFilter,
        "status",
        "is_best",
        ("category", admin.RelatedFieldListFilter),
        ("district", admin.RelatedFieldListFilter),
        ZoneFilter,
        AgencyFilter,
        OverdueFilter,
        "channel",
        ReceivedRangeFilter,
    )
    # Only to show the search box: get_search_results decides what a term means.
    search_fields = ("reference",)
    search_help_text = _("เลขที่เรื่อง (2569-000123), เบอร์โทรผู้ร้อง (ขึ้นต้น) หรือข้อความในรายละเอียด/สถานที่")
    list_select_related = ("category", "district")
    list_per_page = 50
    list_max_show_all = 0  # "show all" on a big filter would load every matching row
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a facet count per filter choice would COUNT a million rows each
    paginator = ConsolePaginator
    sortable_by = ("reference", "received_at")
    autocomplete_fields = ("category", "district", "subdistrict")
    actions = ("dispatch_selected", "close_selected", "reopen_selected", "cancel_selected", "mark_duplicate_selected")

    class Media:
        css = {"all": ("admin-console/console.css",)}

    # --- permissions (custom ones from Complaint.Meta) -------------------------------------

    def has_dispatch_permission(self, request):
        return request.user.has_perm("complaints.dispatch_complaint")

    def has_verify_permission(self, request):
        return request.user.has_perm("complaints.verify_complaint")

    def has_reopen_permission(self, request):
        return request.user.has_perm("complaints.reopen_complaint")

    def has_cancel_permission(self, request):
        return request.user.has_perm("complaints.cancel_complaint")

    def has_delete_permission(self, request, obj=None):
        return False  # cases are cancelled or marked duplicate, never deleted

    def get_urls(self):
        return self.console_urls() + self.map_urls() + self.public_link_urls() + super().get_urls()

    # --- actions: thin loops over the workflow -------------------------------------------

    def _next(self, request):
        target = request.POST.get("_next", "")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(target)
        return None

    def _each(self, request, queryset, step, done) -> int:
        ok = 0
        for complaint in queryset:
            try:
                step(complaint)
                ok += 1
            except WorkflowError as exc:
                self.message_user(request, f"{complaint.reference}: {exc.message}", messages.ERROR)
        if ok:
            text = done(ok) if callable(done) else done % {"n": ok}
            self.message_user(request, text, messages.SUCCESS)
        return ok

    def _ask(self, request, queryset, form, title, action):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "complaints": queryset,
            "action": action,
            "opts": self.model._meta,
            "next": request.POST.get("_next", ""),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/complaints/action_form.html", context)

    @admin.action(description=_("ส่งต่อหน่วยงาน"), permissions=["dispatch"])
    def dispatch_selected(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:20])
        return HttpResponseRedirect(reverse("admin:complaints_complaint_dispatch") + f"?ids={ids}")

    @admin.action(description=_("ตรวจสอบผลและปิดเรื่อง"), permissions=["verify"])
    def close_selected(self, request, queryset):
        self._each(request, queryset, lambda c: workflow.close(complaint=c, by=request.user), _("ปิดเรื่องแล้ว %(n)d เรื่อง"))
        return self._next(request)

    @admin.action(description=_("เปิดเรื่องใหม่ (ระบุเหตุผล)"), permissions=["reopen"])
    def reopen_selected(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._ask(request, queryset, form, _("เปิดเรื่องใหม่"), "reopen_selected")
        reason = form.cleaned_data["reason"]
        self._each(
            request,
            queryset,
            lambda c: workflow.reopen(complaint=c, by=request.user, reason=reason),
            _("เปิดเรื่องใหม่แล้ว %(n)d เรื่อง"),
        )
        return self._next(request)

    @admin.action(description=_("ยกเลิกเรื่อง (ระบุเหตุผล)"), permissions=["cancel"])
    def cancel_selected(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._ask(request, queryset, form, _("ยกเลิกเรื่อง"), "cancel_selected")
        reason = form.cleaned_data["reason"]
        self._each(
            request,
            queryset,
            lambda c: workflow.cancel(complaint=c, by=request.user, reason=reason),
            _("ยกเลิกแล้ว %(n)d เรื่อง"),
        )
        return self._next(request)

    @admin.action(description=_("ทำเครื่องหมายเรื่องซ้ำ"), permissions=["cancel"])
    def mark_duplicate_selected(self, request, queryset):
        form = DuplicateForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._ask(request, queryset, form, _("ทำเครื่องหมายเรื่องซ้ำ"), "mark_duplicate_selected")
        original = form.cleaned_data["original"]
        self._each(
            request,
            queryset,
            lambda c: workflow.mark_duplicate(complaint=c, of=original, by=request.user),
            lambda n: _("ทำเครื่องหมาย %(n)d เรื่องเป็นเรื่องซ้ำของ %(ref)s") % {"n": n, "ref": original.reference},
        )
        return self._next(request)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """SLA values are proposals: supervisors (change_category) edit them here; officers only read."""

    list_display = (
        "name_th",
        "code",
        "is_best",
        "priority",
        "sla_ack_minutes",
        "sla_make_safe_hours",
        "sla_resolve_hours",
        "responsible_agency",
        "is_active",
    )
    list_filter = ("is_best", "priority", "is_active")
    search_fields = ("code", "name_th", "name_en")
    list_select_related = ("responsible_agency",)
    autocomplete_fields = ("responsible_agency",)
    filter_horizontal = ("escalation_agencies",)
    fieldsets = (
        (None, {"fields": ("code", "name_th", "name_en", "is_best", "priority", "is_active", "traffy_type")}),
        (
            _("การส่งต่อ"),
            {
                "fields": (
                    "responsible_is_district_office",
                    "responsible_agency",
                    "responsible_unit_th",
                    "escalate_to_district_office",
                    "escalation_agencies",
                )
            },
        ),
        (
            _("SLA สามขั้น"),
            {"fields": ("sla_ack_minutes", "sla_make_safe_hours", "sla_resolve_hours", "reminder_offsets_minutes")},
        ),
        (_("คำแนะนำการส่งต่อ"), {"fields": ("advice_th", "advice_en")}),
    )

    def has_delete_permission(self, request, obj=None):
        return False  # complaints point at their category; deactivate instead


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ("date", "reason")
    search_fields = ("reason",)
    ordering = ("-date",)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only record of overdue reminders: written by the sweep only."""

    list_display = ("case", "agency", "stage", "level", "due_at", "created_at")
    list_filter = ("stage", "level")
    list_select_related = ("assignment__agency",)
    show_full_result_count = False
    # Cases by their reference (the dispatch clock's rows have no assignment), never internal ids.
    fields = ("case", "agency", "stage", "level", "due_at", "created_at", "recipients")
    readonly_fields = fields
    search_fields = ("=complaint__reference", "=assignment__complaint__reference")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _reference=Coalesce("assignment__complaint__reference", "complaint__reference"),
                _case_id=Coalesce("assignment__complaint_id", "complaint_id"),
            )
        )

    @admin.display(description=_("เลขที่เรื่อง"), ordering="_reference")
    def case(self, obj):
        url = reverse("admin:complaints_complaint_change", args=[obj._case_id])
        return format_html('<a href="{}">{}</a>', url, obj._reference)

    @admin.display(description=_("หน่วยงาน"))
    def agency(self, obj):
        return str(obj.assignment.agency) if obj.assignment_id else _("ศูนย์รับแจ้งทุกข์ 1555 (รอส่งต่อ)")
