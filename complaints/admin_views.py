"""The console's own pages beside the admin's list and form: dispatch, a note or photo,
acknowledgement taken by phone, reject and re-route. Each checks its permission and
calls the workflow; a refusal comes back as the workflow's Thai message."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, Coordinator
from privacy.access import record as record_pii

from . import workflow
from .errors import WorkflowError
from .forms import AcknowledgeByPhoneForm, DispatchForm, NoteForm, RerouteForm
from .models import Assignment, Complaint, ExtraComplainant, TimelineEntry
from .pii import can_see_pii

A = Assignment.Status
PHONE_FALLBACK = gettext_lazy("ต้องประสานทางโทรศัพท์/วิทยุ")

PII_FIELDS = ("complainant_name", "complainant_phone")
PHONE_SEARCH_RE = re.compile(r"^[\d\s+-]{3,}$")  # the console searches phones for these terms


def agencies_with_reachability():
    """Every active agency with `reachable` (a bound LINE group or a reachable
    coordinator), in one query however many agencies the page lists."""
    reachable = Exists(Coordinator.objects.reachable().filter(agency=OuterRef("pk")))
    return (
        Agency.objects.filter(is_active=True)
        .annotate(
            reachable=ExpressionWrapper(Q(line_group_id__isnull=False) | Q(reachable), output_field=BooleanField())
        )
        .order_by("kind", "code")
    )


def timeline(complaint_id: int):
    """A case's timeline, oldest first, with what its rows name (one query)."""
    return (
        TimelineEntry.objects.filter(complaint_id=complaint_id)
        .select_related("actor_user", "actor_coordinator", "assignment__agency")
        .order_by("created_at", "id")
    )


class ComplaintViewsMixin:
    """Mixed into ComplaintAdmin."""

    def console_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("dispatch/", wrap(self.dispatch_view), name="complaints_complaint_dispatch"),
            path("<int:pk>/note/", wrap(self.note_view), name="complaints_complaint_note"),
            path("<int:pk>/live/", wrap(self.live_view), name="complaints_complaint_live"),
            path(
                "<int:pk>/assignment/<int:assignment_pk>/acknowledge/",
                wrap(self.acknowledge_view),
                name="complaints_complaint_acknowledge",
            ),
            path(
                "<int:pk>/assignment/<int:assignment_pk>/reroute/",
                wrap(self.reroute_view),
                name="complaints_complaint_reroute",
            ),
        ]

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def _case_url(self, complaint) -> str:
        return reverse("admin:complaints_complaint_change", args=[complaint.pk])

    def _live(self, request, complaint_id: int) -> dict:
        """What changes while the page is open: the assignments' states and the timeline,
        two queries however long the case's history (refreshed every 15 s by live.js)."""
        assignments = list(
            Assignment.objects.filter(complaint_id=complaint_id)
            .select_related("agency")
            .order_by("dispatched_at", "id")
        )
        return {
            "case_assignments": assignments,
            "entries": timeline(complaint_id),
            "can_dispatch": self.has_dispatch_permission(request),
        }

    # --- personal data: who may filter by it, and every read on record ----------------------

    def lookup_allowed(self, lookup, value, request=None):
        # `?complainant_phone__startswith=08` would be a digit-by-digit oracle for a role that
        # only sees masked phones: URL filters on the complainant need the PII permission.
        if lookup.split("__")[0] in PII_FIELDS and not can_see_pii(getattr(request, "user", None)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        if can_see_pii(request.user):
            term = request.GET.get("q", "").strip()
            lookups = [f"{k}={v}" for k, v in request.GET.items() if k.split("__")[0] in PII_FIELDS]
            if lookups or (term and PHONE_SEARCH_RE.match(term)):
                record_pii(request, action="search", channel="admin", query="; ".join([term, *lookups]).strip("; "))
            elif request.method == "GET":
                # The list shows this role names and phones: one row per page seen.
                record_pii(
                    request, action="view", channel="admin", query=_("รายการ") + " " + request.GET.urlencode()[:180]
                )
        return super().changelist_view(request, extra_context)

    def get_object(self, request, object_id, from_field=None):
        """The case read once per request (change_view's panels and the admin's form share it)."""
        cached = getattr(request, "_case_page_complaint", None)
        if cached is not None and str(cached.pk) == str(object_id) and from_field is None:
            return cached
        return super().get_object(request, object_id, from_field)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """GET: the read-only case page (case_page.py). `?edit=1` and POST: the admin's form,
        to correct the case's details through workflow.edit_details."""
        complaint = None
        if object_id and str(object_id).isdigit():
            complaint = (
                self.get_queryset(request)
                .select_related("category", "district", "subdistrict", "created_by")
                .annotate(
                    duplicate_of_reference=F("duplicate_of__reference"),
                    has_extra_complainants=Exists(ExtraComplainant.objects.filter(complaint=OuterRef("pk"))),
                )
                .filter(pk=int(object_id))
                .first()
            )
            request._case_page_complaint = complaint
        if request.method == "GET" and can_see_pii(request.user) and complaint is not None:
            record_pii(request, action="view", channel="admin", complaint=complaint)
        if complaint is not None and request.method == "GET" and "edit" not in request.GET:
            if not self.has_view_or_change_permission(request, complaint):
                raise PermissionDenied
            return self.case_page(request, complaint)
        extra = {"case_url": self._case_url(complaint)} if complaint is not None else {}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def response_post_save_change(self, request, obj):
        """Saved corrections → back to the case page, not the list."""
        return HttpResponseRedirect(self._case_url(obj))

    def live_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return TemplateResponse(
            request, "admin/complaints/case_live.html", {"original": {"pk": pk}, **self._live(request, pk)}
        )

    # --- dispatch ------------------------------------------------------------------------

    def dispatch_view(self, request):
        if not self.has_dispatch_permission(request):
            raise PermissionDenied
        ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.isdigit()][:20]
        complaints = list(
            Complaint.objects.filter(pk__in=ids)
            .select_related("category", "district", "category__responsible_agency")
            .prefetch_related("assignments", "category__escalation_agencies")
        )
        if not complaints:
            raise Http404
        agencies = list(agencies_with_reachability())
        by_pk = {a.pk: a for a in agencies}
        form = DispatchForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            channel = form.cleaned_data["channel"]
            for complaint in complaints:
                chosen = [
                    by_pk[int(i)]
                    for i in request.POST.getlist(f"agencies_{complaint.pk}")
                    if i.isdigit() and int(i) in by_pk
                ]
                try:
                    created = workflow.dispatch(
                        complaint=complaint,
                        agencies=chosen,
                        by=request.user,
                        channel=channel,
                        note=form.cleaned_data["note"],
                    )
                except WorkflowError as exc:
                    self.message_user(request, f"{complaint.reference}: {exc.message}", messages.ERROR)
                    continue
                names = ", ".join(str(a.agency) for a in created)
                self.message_user(
                    request,
                    _("ส่งต่อเรื่อง %(ref)s ให้ %(names)s แล้ว (%(channel)s)")
                    % {"ref": complaint.reference, "names": names, "channel": created[0].get_channel_display()},
                    messages.SUCCESS,
                )
                unreachable = [str(a.agency) for a in created if not by_pk[a.agency_id].reachable]
                if channel == Assignment.Channel.LINE and unreachable:
                    self.message_user(
                        request,
                        _("%(names)s ไม่มีผู้ประสานงานที่ติดต่อทาง LINE ได้ — %(fallback)s")
                        % {"names": ", ".join(unreachable), "fallback": PHONE_FALLBACK},
                        messages.WARNING,
                    )
            if len(complaints) == 1:
                return HttpResponseRedirect(self._case_url(complaints[0]))
            return HttpResponseRedirect(reverse("admin:complaints_complaint_changelist"))
        rows = []
        for complaint in complaints:
            suggested = list(dict.fromkeys(a.pk for a in workflow.suggested_agencies(complaint)))
            held = {a.agency_id for a in complaint.assignments.all() if a.status not in (A.REJECTED, A.CANCELLED)}
            # The category's escalation agencies (a fallen tree: สสล., สปภ., กฟน., บก.จร.): ticked
            # for BEST, where they must come at once; offered for the rest.
            escalation = [
                by_pk[a.pk]
                for a in complaint.category.escalation_agencies.all()
                if a.pk in by_pk and a.pk not in suggested
            ]
            rows.append(
                {
                    "complaint": complaint,
                    "suggested": [by_pk[pk] for pk in suggested if pk in by_pk],
                    "suggested_ids": [*suggested, *(a.pk for a in escalation)],
                    "escalation": escalation,
                    "tick_escalation": complaint.is_best,
                    "held": held,
                }
            )
        to_send = [by_pk[pk] for row in rows for pk in row["suggested_ids"] if pk in by_pk and pk not in row["held"]]
        if to_send and not any(a.reachable for a in to_send):
            # Nobody there reads LINE: start from the radio, the officer may still change it.
            form = DispatchForm(initial={"channel": Assignment.Channel.RADIO})
        context = self._context(
            request,
            title=_("ส่งต่อเรื่องให้หน่วยงาน"),
            rows=rows,
            agencies=agencies,
            form=form,
            fallback=PHONE_FALLBACK,
        )
        return TemplateResponse(request, "admin/complaints/dispatch.html", context)

    # --- a note and/or a photo -------------------------------------------------------------

    def note_view(self, request, pk):
        complaint = get_object_or_404(Complaint, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, complaint):
            raise PermissionDenied
        form = NoteForm(request.POST, request.FILES)
        if not form.is_valid():
            for error in form.errors.get("__all__", []) + [
                e for f, es in form.errors.items() if f != "__all__" for e in es
            ]:
                self.message_user(request, error, messages.ERROR)
            return HttpResponseRedirect(self._case_url(complaint))
        try:
            # A broken photo stores neither the photo nor the note.
            workflow.add_note_with_photo(
                complaint=complaint,
                by=request.user,
                text=form.cleaned_data["text"],
                content=form.cleaned_data["photo"].read() if form.cleaned_data["photo"] else None,
                stage=form.cleaned_data["stage"],
            )
        except WorkflowError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            # A refused photo must not cost the officer the note they typed.
            request.session["note_draft"] = {"text": form.cleaned_data["text"], "stage": form.cleaned_data["stage"]}
        else:
            self.message_user(request, _("บันทึกลงประวัติเรื่องแล้ว"), messages.SUCCESS)
        return HttpResponseRedirect(self._case_url(complaint))

    # --- one assignment ---------------------------------------------------------------------

    def _assignment(self, request, pk, assignment_pk) -> Assignment:
        if not self.has_dispatch_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            Assignment.objects.select_related("agency", "complaint"), pk=assignment_pk, complaint_id=pk
        )

    def _assignment_page(self, request, assignment, form, title):
        context = self._context(request, title=title, form=form, assignment=assignment, complaint=assignment.complaint)
        return TemplateResponse(request, "admin/complaints/assignment_form.html", context)

    def acknowledge_view(self, request, pk, assignment_pk):
        """The agency said รับเรื่อง by phone or radio: the officer records it for them."""
        assignment = self._assignment(request, pk, assignment_pk)
        form = AcknowledgeByPhoneForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                workflow.acknowledge(assignment=assignment, by=request.user, name=form.cleaned_data["name"])
            except WorkflowError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("บันทึกว่า %(agency)s รับเรื่องแล้ว") % {"agency": str(assignment.agency)},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(self._case_url(assignment.complaint))
        return self._assignment_page(request, assignment, form, _("บันทึกการรับเรื่องทางโทรศัพท์/วิทยุ"))

    def reroute_view(self, request, pk, assignment_pk):
        """The agency says "not ours" (by phone): record the rejection and send the case on."""
        assignment = self._assignment(request, pk, assignment_pk)
        given = assignment.reject_reason if assignment.status == A.REJECTED else ""
        form = RerouteForm(request.POST or None, initial={"channel": assignment.channel}, given_reason=given)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                new = workflow.reroute(
                    assignment=assignment,
                    to_agency=data["to_agency"],
                    by=request.user,
                    reason=data["reason"],
                    channel=data["channel"],
                    declined=True,
                )
            except WorkflowError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("ส่งต่อเรื่องใหม่ให้ %(agency)s แล้ว") % {"agency": str(new.agency)},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(self._case_url(assignment.complaint))
        return self._assignment_page(request, assignment, form, _("ไม่ใช่หน่วยงานนี้ — ส่งต่อหน่วยงานใหม่"))
