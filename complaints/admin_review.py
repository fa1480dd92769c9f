"""The centre's review of results (รอตรวจสอบผล): the queue, the review page with its three
decisions, the queue's count for the console's home, and how a case's outcome and plan
show in the console.

The queue is a second admin over assignments (the `ReviewQueue` proxy), so it has its own
page, filters and place on the console's home. It is built for 5,000 results in review among
a million complaints: one page read in index order (`assignment_review_queue_idx`) with a
look-ahead instead of a COUNT, "location shared" as an EXISTS inside that same query and
the page's result photos in one prefetch — the query count does not grow with the page.
Every decision goes through `complaints.workflow`; its refusals are shown as they are.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency
from bkk1555.thaidate import thai_date, thai_datetime

from . import rules, workflow
from .admin_filters import ConsolePaginator
from .errors import WorkflowError
from .models import Assignment, Photo, ReviewQueue
from .review_forms import AcceptForm, PlanForm, SendBackForm
from .review_queue import (  # noqa: F401 - review_queue_count and QueueCount are read from here too
    DECISIONS,
    MEDIA,
    PERMISSION,
    REVIEW,
    A,
    K,
    QueueCount,
    ReviewPage,
    duration_text,
    flag_text,
    location_shared,
    queue_queryset,
    review_queue_count,
    round_start,
    this_round,
)


class QueueAgencyFilter(admin.SimpleListFilter):
    title = gettext_lazy("หน่วยงาน")
    parameter_name = "agency"

    def lookups(self, request, model_admin):
        return [(str(a.pk), a.short_name) for a in Agency.objects.filter(is_active=True).order_by("kind", "code")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(agency_id=int(self.value()))
        return queryset


class QueueStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("สถานะการตรวจสอบ")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", gettext_lazy("เกินกำหนดตรวจสอบผล")), ("flagged", gettext_lazy("มีข้อสังเกตในรูปผลงาน"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(REVIEW.q(timezone.now()))
        if self.value() == "flagged":
            since = Coalesce(OuterRef("rework_since"), OuterRef("dispatched_at"))
            flagged = Photo.objects.filter(assignment=OuterRef("pk"), stage=Photo.Stage.AFTER, created_at__gte=since)
            return queryset.filter(Exists(flagged.exclude(flags=[])))
        return queryset


class QueueChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # Django re-reads a list that fits on one page from the queryset; the look-ahead
        # pager already holds those rows, so use them (one query for the page, not two).
        ahead = self.paginator._ahead
        if not self.multi_page and ahead is not None and ahead[0] == 0:
            self.result_list = ahead[1]


@admin.register(ReviewQueue)
class ReviewQueueAdmin(admin.ModelAdmin):
    change_list_template = "admin/complaints/review_queue.html"
    list_display = ("case", "agency_name", "category", "dispatch_to_result", "photo_count", "location", "flags", "due")
    list_display_links = None
    list_select_related = ("agency", "complaint__category")
    list_filter = (
        QueueStateFilter,
        QueueAgencyFilter,
        ("complaint__category", admin.RelatedFieldListFilter),
        "complaint__is_best",
    )
    ordering = ("resolved_at", "id")  # oldest result first: assignment_review_queue_idx
    sortable_by = ()
    search_fields = ("complaint__reference",)
    search_help_text = gettext_lazy("เลขที่เรื่อง เช่น 2569-000123")
    list_per_page = 50
    list_max_show_all = 0
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = ConsolePaginator
    actions = None

    @property
    def media(self):
        return super().media + MEDIA

    # --- who: the centre's reviewers (officers and supervisors); executives see nothing ---------

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(PERMISSION)

    def has_module_permission(self, request):
        return request.user.has_perm(PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # --- the list -------------------------------------------------------------------------

    def get_queryset(self, request):
        return queue_queryset()

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        page = request.GET.get(PAGE_VAR, "1")
        return self.paginator(
            queryset, per_page, orphans, allow_empty_first_page, page_hint=int(page) if page.isdigit() else 1
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        year, _sep, number = term.partition("-")
        if year.isdigit() and number.isdigit():
            return queryset.filter(complaint__reference=f"{year}-{int(number):06d}"), False
        return queryset.filter(complaint__reference__startswith=term), False

    def changelist_view(self, request, extra_context=None):
        extra = {"queue_count": review_queue_count(), "definitions": QUEUE_DEFINITIONS}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    @admin.display(description=gettext_lazy("เรื่อง"))
    def case(self, obj):
        best = mark_safe(' <span class="badge-best">BEST</span>') if obj.complaint.is_best else ""
        again = (
            format_html('<br><span class="sent-back">{}</span>', _("ส่งกลับแล้ว %(n)d ครั้ง") % {"n": obj.sent_back_count})
            if obj.sent_back_count
            else ""
        )
        return format_html(
            '<a href="{}">{}</a>{}{}',
            reverse("admin:complaints_reviewqueue_review", args=[obj.pk]),
            obj.complaint.reference,
            best,
            again,
        )

    @admin.display(description=gettext_lazy("หน่วยงาน"))
    def agency_name(self, obj):
        return obj.agency.short_name

    @admin.display(description=gettext_lazy("ประเภท"))
    def category(self, obj):
        return str(obj.complaint.category)

    @admin.display(description=gettext_lazy("ส่งต่อถึงรายงานผล"))
    def dispatch_to_result(self, obj):
        return format_html(
            '<span title="{}">{}</span>',
            thai_datetime(obj.resolved_at),
            duration_text(obj.dispatched_at, obj.resolved_at),
        )

    @admin.display(description=gettext_lazy("รูปผลงาน"))
    def photo_count(self, obj):
        n = len(this_round(obj))
        return format_html('<span class="{}">{}</span>', "" if n else "review-missing", n)

    @admin.display(description=gettext_lazy("ตำแหน่ง"))
    def location(self, obj):
        if location_shared(obj):
            return format_html('<span class="review-ok">✓ {}</span>', _("แชร์ตำแหน่งแล้ว"))
        return format_html('<span class="review-missing">✗ {}</span>', _("ไม่ได้แชร์ตำแหน่ง"))

    @admin.display(description=gettext_lazy("ข้อสังเกต"))
    def flags(self, obj):
        codes = dict.fromkeys(f for p in this_round(obj) for f in (p.flags or []))
        return format_html_join(
            "", '<span class="fake-fix-flag" data-flag="{}">⚠ {}</span>', ((c, flag_text(c)) for c in codes)
        )

    @admin.display(description=gettext_lazy("กำหนดตรวจสอบ"))
    def due(self, obj):
        if obj.review_due_at is None:
            return ""
        when = thai_datetime(obj.review_due_at)
        if REVIEW.is_overdue(obj, timezone.now()):
            return format_html('<span class="overdue overdue-review">{}</span><br>{}', _("เกินกำหนดตรวจสอบผล"), when)
        return when

    # --- the review page ------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/review/", wrap(self.review_view), name="complaints_reviewqueue_review"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            raise PermissionDenied
        return HttpResponseRedirect(reverse("admin:complaints_reviewqueue_review", args=[int(object_id)]))

    def review_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        assignment = get_object_or_404(
            Assignment.objects.select_related("agency", "complaint__category", "complaint__district"), pk=pk
        )
        review = ReviewPage(assignment)
        offered = [d for d in DECISIONS if workflow.allowed(d, assignment, request.user)]
        forms = {
            "verify": AcceptForm(flagged=bool(review.flags), prefix="accept"),
            "send_back": SendBackForm(prefix="back"),
            "plan": PlanForm(prefix="plan"),
        }
        if request.method == "POST":
            decision = request.POST.get("decision", "")
            if decision not in DECISIONS:
                return HttpResponseBadRequest()
            form = {"verify": AcceptForm, "send_back": SendBackForm, "plan": PlanForm}[decision](
                request.POST,
                prefix=forms[decision].prefix,
                **({"flagged": bool(review.flags)} if decision == "verify" else {}),
            )
            forms[decision] = form
            if form.is_valid():
                try:
                    done = self._decide(request, decision, assignment, form)
                except WorkflowError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                else:
                    self.message_user(request, done, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:complaints_reviewqueue_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("ตรวจสอบผล %(ref)s — %(agency)s")
            % {"ref": assignment.complaint.reference, "agency": str(assignment.agency)},
            "assignment": assignment,
            "complaint": assignment.complaint,
            "review": review,
            "offered": offered,
            "forms": forms,
            "media": self.media,
            "case_url": reverse("admin:complaints_complaint_change", args=[assignment.complaint_id]),
        }
        return TemplateResponse(request, "admin/complaints/review_page.html", context)

    def _decide(self, request, decision: str, assignment: Assignment, form) -> str:
        data = form.cleaned_data
        names = {"ref": assignment.complaint.reference, "agency": str(assignment.agency)}
        if decision == "verify":
            workflow.accept(
                assignment=assignment,
                by=request.user,
                note=data.get("note", ""),
                justification=data.get("justification", ""),
            )
            return _("ยอมรับผลของ %(agency)s เรื่อง %(ref)s แล้ว") % names
        if decision == "send_back":
            workflow.send_back(assignment=assignment, by=request.user, reason=form.reason())
            return _("ส่งกลับให้ %(agency)s แก้ไขเรื่อง %(ref)s แล้ว") % names
        workflow.plan_permanent_fix(
            assignment=assignment,
            by=request.user,
            planned_for=data["planned_for"],
            reason=data["reason"],
            note=data.get("note", ""),
        )
        return _("บันทึกแผนแก้ไขถาวรของเรื่อง %(ref)s กำหนด %(date)s แล้ว") % {
            **names,
            "date": thai_date(data["planned_for"]),
        }


QUEUE_DEFINITIONS = (
    gettext_lazy("ผลที่หน่วยงานรายงานว่าแก้ไขเสร็จ เรียงจากที่ส่งมาก่อน"),
    gettext_lazy("ส่งต่อถึงรายงานผล: เวลาตั้งแต่ส่งต่อหน่วยงานจนหน่วยงานรายงานผลครั้งล่าสุด"),
    gettext_lazy("รูปผลงานและข้อสังเกต: เฉพาะรอบงานปัจจุบัน (หลังการส่งกลับแก้ไขหรือเปิดเรื่องใหม่ครั้งล่าสุด)"),
    gettext_lazy("กำหนดตรวจสอบ: BEST 2 ชั่วโมงหลังรายงานผล เรื่องอื่น 1 วันทำการ (ตั้งได้ตามประเภทเรื่อง)"),
)


class OutcomeColumnsMixin:
    """Mixed into ComplaintAdmin: the outcome as a list column, and the case page's panel
    with the outcome, each agency's plan and the way to its review."""

    @property
    def media(self):
        return super().media + MEDIA

    @admin.display(description=gettext_lazy("ผลการยุติเรื่อง"))
    def outcome_badge(self, obj):
        if not obj.outcome:
            return ""
        planned = ""
        if obj.outcome == rules.Outcome.PLANNED:
            dates = sorted(a.planned_for for a in obj.assignments.all() if a.planned_for and a.is_live)  # prefetched
            if dates:
                planned = format_html("<br>{} {}", _("กำหนด"), thai_date(dates[-1]))
        return format_html(
            '<span class="outcome outcome-{}">{}</span>{}', obj.outcome, obj.get_outcome_display(), planned
        )


__all__ = ["OutcomeColumnsMixin", "QueueCount", "ReviewQueueAdmin", "review_queue_count"]
