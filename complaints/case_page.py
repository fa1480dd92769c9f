"""The console's case page: what an officer reads about one case, from one template and a fixed
handful of queries, without the admin's change form.

The admin's form is the slow part of a page (a widget per field, the admin's fieldset and
read-only helpers, the map picker's data) and a case page is read far more often than it is
corrected, so the page reads and the form edits: "แก้ไขรายละเอียด" opens the admin's form at
`?edit=1` (with the map picker), whose save comes back here. Queries: the case with its live
assignments (prefetched), the timeline, the photos, the extra callers and the channels'
panels, whatever the length of the case's history (complaints/tests/test_case_page.py)."""

from __future__ import annotations

from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from bkk1555.admin_utils import page_context
from bkk1555.localized import localized_name
from bkk1555.thaidate import thai_datetime

from . import rules, workflow
from .admin_columns import case_overdue
from .admin_views import timeline
from .models import Assignment, Complaint, ExtraComplainant, Photo, TimelineEntry
from .pii import can_see_pii, mask_name, mask_phone
from .review_queue import DECISIONS

K = TimelineEntry.Kind


def _label(name: str) -> str:
    return Complaint._meta.get_field(name).verbose_name


def _phone(number: str, ext: str, pii: bool) -> str:
    shown = number if pii else mask_phone(number)
    return _("%(phone)s ต่อ %(ext)s") % {"phone": shown, "ext": ext} if shown and ext else shown


class CaseReadMixin:
    """Mixed into ComplaintAdmin: the read-only case page its change view shows on GET."""

    def case_page(self, request, complaint: Complaint) -> TemplateResponse:
        now = timezone.now()
        pii = can_see_pii(request.user)
        assignments = list(complaint.assignments.all())  # prefetched with their agencies, in dispatch order
        for a in assignments:
            a.complaint = complaint
        entries = list(timeline(complaint.pk))
        photos = list(
            Photo.objects.filter(complaint_id=complaint.pk)
            .select_related("assignment__agency")
            .order_by("created_at", "id")
        )
        statuses = {a.status for a in assignments}
        ended = complaint.status in rules.ENDED_COMPLAINT
        can_dispatch = self.has_dispatch_permission(request)
        can_change = self.has_change_permission(request, complaint)
        context = {
            **page_context(self.admin_site, request),  # no sidebar: the page's width is the case's
            "opts": self.model._meta,
            "title": _("เรื่อง %(ref)s") % {"ref": complaint.reference},
            "original": complaint,
            "complaint": complaint,
            "overdue": case_overdue(complaint, assignments, now),
            "details": self._details(complaint),
            "people": self._people(complaint, pii),
            "case_assignments": assignments,
            "entries": entries,
            "photos": photos,
            "outcome_rows": self._outcome_rows(assignments, now),
            "map": self._case_map(complaint, photos, entries),
            "edit_url": reverse("admin:complaints_complaint_change", args=[complaint.pk]) + "?edit=1",
            # Only the actions the transition table allows in the case's state.
            "can_dispatch": can_dispatch,
            "can_dispatch_case": can_dispatch and not ended,
            "can_verify": self.has_verify_permission(request) and bool(statuses & set(rules.TRANSITIONS["verify"])),
            "can_reopen": self.has_reopen_permission(request)
            and bool(statuses & set(rules.TRANSITIONS["reopen"]) or complaint.status == "closed"),
            "can_cancel": self.has_cancel_permission(request) and not ended,
            "can_edit": can_change,
            "can_note": can_change,
            # A refused upload's note comes back (admin_views.note_view keeps it in the session).
            "note_draft": request.session.pop("note_draft", None) or {"text": "", "stage": Photo.Stage.BEFORE},
            "photo_stages": Photo.Stage.choices,
            **self.public_link_context(request, complaint),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/complaints/case_page.html", context)

    @staticmethod
    def _details(c: Complaint) -> list[tuple[str, object]]:
        place = ", ".join(x for x in (c.address, localized_name(c.subdistrict), localized_name(c.district)) if x)
        rows = [
            (_label("category"), localized_name(c.category)),
            (_label("channel"), c.get_channel_display()),
            (_label("received_at"), thai_datetime(c.received_at)),
            (_label("description"), linebreaksbr(c.description, autoescape=True)),
            (_("สถานที่"), place or "-"),
        ]
        if c.landmark:
            rows.append((_label("landmark"), c.landmark))
        if c.lat is not None and c.lng is not None:
            rows.append(
                (
                    _("พิกัด"),
                    format_html(
                        '{0}, {1} · <a href="https://www.openstreetmap.org/?mlat={0}&amp;mlon={1}#map=18/{0}/{1}" '
                        'target="_blank" rel="noopener">OpenStreetMap</a> · '
                        '<a href="https://www.google.com/maps?q={0},{1}" target="_blank" rel="noopener">Google Maps</a>',
                        c.lat,
                        c.lng,
                    ),
                )
            )
        else:
            rows.append((_("พิกัด"), _("ไม่มีพิกัด")))
        if c.first_dispatched_at:
            rows.append((_label("first_dispatched_at"), thai_datetime(c.first_dispatched_at)))
        elif c.dispatch_due_at:
            rows.append((_label("dispatch_due_at"), thai_datetime(c.dispatch_due_at)))
        if c.closed_at:
            rows.append((_label("closed_at"), thai_datetime(c.closed_at)))
        if c.duplicate_of_id:
            url = reverse("admin:complaints_complaint_change", args=[c.duplicate_of_id])
            rows.append(
                (
                    _label("duplicate_of"),
                    format_html(
                        '<a href="{}">{}</a>', url, getattr(c, "duplicate_of_reference", "") or c.duplicate_of.reference
                    ),
                )
            )
        if c.external_ref:
            rows.append((_label("external_ref"), c.external_ref))
        rows.append(
            (_label("created_by"), c.created_by.get_full_name() or c.created_by.username if c.created_by else "-")
        )
        rows.append(
            (_label("public_description"), linebreaksbr(c.public_description, autoescape=True) or _("(อัตโนมัติ)"))
        )
        return rows

    @staticmethod
    def _people(c: Complaint, pii: bool) -> list[dict]:
        first = {
            "name": c.complainant_name if pii else mask_name(c.complainant_name),
            "phone": _phone(c.complainant_phone, c.complainant_phone_ext, pii),
            "channel": c.get_channel_display(),
            "when": thai_datetime(c.received_at),
            "line": bool(c.complainant_line_user_id),
            "no_contact": c.no_contact,
        }
        others = [
            {
                "name": x.name if pii else mask_name(x.name),
                "phone": _phone(x.phone, x.phone_ext, pii),
                "channel": x.get_channel_display(),
                "when": thai_datetime(x.received_at),
                "description": x.description,
            }
            for x in (
                ExtraComplainant.objects.filter(complaint_id=c.pk).order_by("received_at", "id")
                if getattr(c, "has_extra_complainants", True)  # known from the case's own query
                else ()
            )
        ]
        return [first, *others]

    @staticmethod
    def _outcome_rows(assignments: list[Assignment], now) -> list[dict]:
        today = timezone.localdate(now)
        return [
            {
                "assignment": a,
                "plan_late": a.planned_for is not None and a.planned_for < today and a.status in rules.OPEN,
                "reviewable": any(workflow.allowed(d, a) for d in DECISIONS),
            }
            for a in assignments
        ]

    @staticmethod
    def _case_map(c: Complaint, photos: list[Photo], entries: list[TimelineEntry]) -> dict | None:
        """The site, where result photos were taken and the locations coordinators shared
        (the review page's map script draws it)."""

        def point(lat, lng, label, **extra):
            return {"lat": float(lat), "lng": float(lng), "label": label, **extra}

        site = point(c.lat, c.lng, _("จุดที่แจ้ง")) if c.lat is not None and c.lng is not None else None
        shot = [
            point(p.lat, p.lng, f"{p.get_stage_display()} · {thai_datetime(p.created_at)}", flagged=bool(p.flags))
            for p in photos
            if p.stage == Photo.Stage.AFTER and p.lat is not None and p.lng is not None
        ]
        shared = [
            point(e.data["lat"], e.data["lng"], _("ตำแหน่งที่แชร์ · %(t)s") % {"t": thai_datetime(e.created_at)})
            for e in entries
            if e.kind == K.LOCATION and isinstance(e.data, dict) and "lat" in e.data and "lng" in e.data
        ]
        if site is None and not shot and not shared:
            return None
        return {"site": site, "photos": shot, "shared": shared}
