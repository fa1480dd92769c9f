"""The dispatch console: the Thai Django admin for complaints, categories and closure days.

The list is built to stay fast on a million complaints (see admin_filters.py and
docs/benchmarks.md); every state change goes through complaints.workflow, from the
actions here and the case pages in admin_views.py.
"""

from __future__ import annotations

import re

from django.contrib import admin, messages
from django.contrib.admin.views.main import PAGE_VAR
from django.db.models import Prefetch, Q
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from bkk1555.admin_utils import ReadOnlyMixin
from bkk1555.thaidate import thai_datetime

from . import rules, workflow
from .admin_filters import AgencyFilter, ConsolePaginator, OverdueFilter, ReceivedRangeFilter, ZoneFilter
from .admin_review import OUTCOME_FIELDS, OutcomeColumnsMixin  # also registers the review queue (รอตรวจสอบผล)
from .admin_views import ComplaintViewsMixin
from .errors import WorkflowError
from .forms import ComplaintForm, DuplicateForm, ReasonForm
from .models import Assignment, Category, ClosureDay, Complaint, Reminder
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
    "ack": _("เกินกำหนดรับเรื่อง"),
    "safe": _("เกินกำหนดทำให้ปลอดภัย"),
    "resolve": _("เกินกำหนดแก้ไข"),
    "review": _("เกินกำหนดตรวจสอบผล"),
}


overdue_stages = rules.overdue_stages


def age_text(since, now) -> str:
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 60:
        return _("%(m)d นาที") % {"m": minutes}
    if minutes < 48 * 60:
        return _("%(h)d ชม. %(m)d นาที") % {"h": minutes // 60, "m": minutes % 60}
    return _("%(d)d วัน") % {"d": minutes // (24 * 60)}


class AssignmentInline(ReadOnlyMixin, admin.TabularInline):
    """Read-only: assignments change only through the workflow (the actions on the case page)."""

    model = Assignment
    extra = 0
    can_delete = False
    show_change_link = False
    fields = (
        "agency",
        "status",
        "channel",
        "dispatched_at",
        "ack_due_at",
        "acknowledged_at",
        "acknowledged_by_name",
        "safe_due_at",
        "made_safe_at",
        "resolve_due_at",
        "resolved_at",
        "reject_reason",
        "reopen_count",
    )
    readonly_fields = fields
    ordering = ("dispatched_at", "id")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency")


@admin.register(Complaint)
class ComplaintAdmin(OutcomeColumnsMixin, ComplaintViewsMixin, admin.ModelAdmin):
    form = ComplaintForm
    inlines = [AssignmentInline]
    list_display_links = ("reference",)
    list_filter = (
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
            (
                (STATE_CLASS.get(a.status, ""), a.agency.abbr_th or a.agency.name_th, a.get_status_display())
                for a in rows
            ),
        )

    @admin.display(description=_("อายุเรื่อง"), ordering="received_at")
    def age(self, obj):
        return format_html(
            '<span title="{}">{}</span>', thai_datetime(obj.received_at), age_text(obj.received_at, self._now())
        )

    @admin.display(description=_("เกินกำหนด"))
    def overdue(self, obj):
        now = self._now()
        stages = {s for a in obj.assignments.all() for s in overdue_stages(a, now)}
        return format_html_join(
            " ",
            '<span class="overdue overdue-{}">{}</span>',
            ((s, OVERDUE_TEXT[s]) for s in ("ack", "safe", "resolve") if s in stages),
        )

    @admin.display(description=_("ผู้ร้อง"))
    def complainant_full(self, obj):
        return format_html("{}<br>{}", obj.complainant_name, obj.complainant_phone)

    @admin.display(description=_("ผู้ร้อง"))
    def complainant_masked(self, obj):
        return format_html("{}<br>{}", mask_name(obj.complainant_name), mask_phone(obj.complainant_phone))

    def _now(self):
        return timezone.now()

    # --- the case page ---------------------------------------------------------------

    DETAILS = ("channel", "category", "description", "address", "landmark", "district", "subdistrict", "lat", "lng")

    def get_fieldsets(self, request, obj=None):
        pii = can_see_pii(request.user)
        person = ("complainant_name", "complainant_phone") if pii or obj is None else ("masked_name", "masked_phone")
        if obj is None:
            return [
                (_("เรื่องร้องทุกข์"), {"fields": (*self.DETAILS, "received_at")}),
                (_("ผู้ร้อง (ข้อมูลส่วนบุคคล)"), {"fields": person}),
            ]
        return [
            (
                None,
                {
                    "fields": (
                        "reference",
                        "status",
                        "is_best",
                        "received_at_th",
                        "created_by",
                        "duplicate_of",
                        "closed_at_th",
                    )
                },
            ),
            (_("เรื่องร้องทุกข์"), {"fields": (*self.DETAILS, "map_link")}),
            (_("ผลการยุติเรื่องและการตรวจสอบผล"), {"fields": OUTCOME_FIELDS}),
            (_("ผู้ร้อง (ข้อมูลส่วนบุคคล)"), {"fields": person}),
            (_("รูปภาพ"), {"fields": ("photo_thumbnails",)}),
            (_("ประวัติเรื่อง (เก่าไปใหม่)"), {"fields": ("timeline",)}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "reference",
            "status",
            "is_best",
            "category",
            "received_at_th",
            "created_by",
            "duplicate_of",
            "closed_at_th",
            "map_link",
            "photo_thumbnails",
            "timeline",
            "masked_name",
            "masked_phone",
            *OUTCOME_FIELDS,
        )

    def get_changeform_initial_data(self, request):
        return {
            "received_at": timezone.localtime().replace(second=0, microsecond=0),
            **super().get_changeform_initial_data(request),
        }

    @admin.display(description=_("รับเรื่องเมื่อ"))
    def received_at_th(self, obj):
        return thai_datetime(obj.received_at)

    @admin.display(description=_("ปิดเรื่องเมื่อ"))
    def closed_at_th(self, obj):
        return thai_datetime(obj.closed_at) or "-"

    @admin.display(description=_("ชื่อผู้ร้อง"))
    def masked_name(self, obj):
        return mask_name(obj.complainant_name)

    @admin.display(description=_("โทรศัพท์ผู้ร้อง"))
    def masked_phone(self, obj):
        return mask_phone(obj.complainant_phone)

    @admin.display(description=_("แผนที่"))
    def map_link(self, obj):
        if obj.lat is None or obj.lng is None:
            return _("ไม่มีพิกัด")
        return format_html(
            '<a href="https://www.openstreetmap.org/?mlat={0}&amp;mlon={1}#map=18/{0}/{1}" target="_blank" rel="noopener">'
            "OpenStreetMap</a> · "
            '<a href="https://www.google.com/maps?q={0},{1}" target="_blank" rel="noopener">Google Maps</a> ({0}, {1})',
            obj.lat,
            obj.lng,
        )

    @admin.display(description=_("รูปภาพ"))
    def photo_thumbnails(self, obj):
        photos = obj.photos.select_related("assignment__agency")
        return render_to_string("admin/complaints/photos.html", {"photos": photos})

    @admin.display(description=_("ประวัติเรื่อง"))
    def timeline(self, obj):
        entries = obj.timeline.select_related("actor_user", "actor_coordinator", "assignment__agency").order_by(
            "created_at", "id"
        )
        return render_to_string("admin/complaints/timeline.html", {"entries": entries})

    def save_model(self, request, obj, form, change):
        if change:
            # Only the descriptive fields the officer changed: status and deadlines
            # belong to the workflow and may have moved since the page was loaded.
            fields = [f for f in form.changed_data if f in workflow.DETAIL_FIELDS]
            if fields:
                workflow.edit_details(complaint=obj, by=request.user, changes={f: form.cleaned_data[f] for f in fields})
            return
        data = form.cleaned_data
        created = workflow.receive(
            by=request.user,
            received_at=data.get("received_at"),
            **{f: data.get(f) for f in workflow.DETAIL_FIELDS if f in data},
        )
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
        obj._state.adding = False
        obj._state.db = created._state.db

    def get_urls(self):
        return self.console_urls() + super().get_urls()

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
        (_("หมายเหตุ"), {"fields": ("notes",)}),
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

    list_display = ("assignment", "stage", "level", "due_at", "created_at")
    list_filter = ("stage", "level")
    list_select_related = ("assignment",)
    show_full_result_count = False
