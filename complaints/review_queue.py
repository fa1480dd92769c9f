"""What the review of a result reads: the queue's rows and count, this round's photos, and
the review page's facts (photos side by side, the map, flags, who reported). The admin views
(complaints/admin_review.py) render them; nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms as django_forms
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from bkk1555.thaidate import thai_datetime

from . import rules
from .models import Assignment, Complaint, Photo, TimelineEntry
from .photos import FLAG_TEXT, distance_metres

A = Assignment.Status
K = TimelineEntry.Kind
REVIEW = rules.OVERDUE[rules.Stage.REVIEW]
DECISIONS = ("verify", "send_back", "plan")
PERMISSION = "complaints.verify_complaint"
MEDIA = django_forms.Media(css={"all": ("admin-console/console.css", "admin-console/review.css")})


def flag_text(code: str) -> str:
    return str(FLAG_TEXT.get(code, code))


def duration_text(start: dt.datetime | None, end: dt.datetime | None) -> str:
    if start is None or end is None:
        return ""
    minutes = max(0, int((end - start).total_seconds() // 60))
    if minutes < 60:
        return _("%(m)d นาที") % {"m": minutes}
    if minutes < 48 * 60:
        return _("%(h)d ชม. %(m)d นาที") % {"h": minutes // 60, "m": minutes % 60}
    return _("%(d)d วัน") % {"d": minutes // (24 * 60)}


# --- the count on the console's home -----------------------------------------------------


@dataclass(frozen=True)
class QueueCount:
    waiting: int
    overdue: int
    capped: bool  # more than `cap` wait: the numbers are "at least"

    def __str__(self) -> str:
        plus = "+" if self.capped else ""
        return _("รอตรวจสอบผล %(n)s%(plus)s เรื่อง (เกินกำหนด %(o)s%(plus)s)") % {
            "n": f"{self.waiting:,}",
            "o": f"{self.overdue:,}",
            "plus": plus,
        }


def review_queue_count(now: dt.datetime | None = None, cap: int = 1000) -> QueueCount:
    """Results awaiting the centre's review and those past their review deadline, for the
    console's home. Two index-only counts over the queue's partial indexes, each stopped at
    `cap` rows, so a backlog never turns the home page into a scan."""
    now = now or timezone.now()
    waiting = Assignment.objects.filter(status__in=REVIEW.statuses).values("pk")[: cap + 1].count()
    overdue = Assignment.objects.overdue(now, rules.Stage.REVIEW).values("pk")[: cap + 1].count()
    return QueueCount(min(waiting, cap), min(overdue, cap), waiting > cap)


# --- the queue ----------------------------------------------------------------------------


def round_start(assignment: Assignment) -> dt.datetime:
    """When the work under review began: the last send-back or reopen, else the dispatch."""
    return assignment.rework_since or assignment.dispatched_at


def queue_queryset():
    # Prefetched by the page's assignment ids (their foreign-key indexes), not EXISTS per row:
    # a per-row subquery on the timeline may be planned on the (kind, created_at) index and
    # then walks every location shared since the dispatch, of every case.
    results = Photo.objects.filter(stage=Photo.Stage.AFTER).only("assignment_id", "flags", "lat", "created_at")
    shared = TimelineEntry.objects.filter(kind=K.LOCATION).only("assignment_id", "created_at")
    return Assignment.objects.filter(status__in=REVIEW.statuses).prefetch_related(
        Prefetch("photos", queryset=results.order_by("created_at", "id"), to_attr="result_list"),
        Prefetch("timeline", queryset=shared, to_attr="shared_locations"),
    )


def this_round(assignment: Assignment) -> list[Photo]:
    """The prefetched result photos of the round under review (`workflow.result_photos`' rule)."""
    if not hasattr(assignment, "_this_round"):
        since = assignment.rework_since
        assignment._this_round = [p for p in assignment.result_list if since is None or p.created_at >= since]
    return assignment._this_round


def location_shared(assignment: Assignment) -> bool:
    """A location shared in this round, or a result photo of this round with its position."""
    since = round_start(assignment)
    return any(e.created_at >= since for e in assignment.shared_locations) or any(
        p.lat is not None for p in this_round(assignment)
    )


class ReviewPage:
    """What the review page shows of one assignment, read in a fixed handful of queries."""

    def __init__(self, assignment: Assignment):
        complaint = assignment.complaint
        since = round_start(assignment)
        photos = list(
            Photo.objects.filter(complaint=complaint).select_related("assignment__agency").order_by("created_at", "id")
        )
        self.case_photos = [p for p in photos if p.stage != Photo.Stage.AFTER]
        mine = [p for p in photos if p.stage == Photo.Stage.AFTER and p.assignment_id == assignment.pk]
        self.result_photos = [p for p in mine if p.created_at >= since]
        self.earlier_results = [p for p in mine if p.created_at < since]
        for p in self.result_photos:
            p.flag_texts = [flag_text(f) for f in p.flags or []]
            p.metres_from_site = self._metres(complaint, p.lat, p.lng)
        self.flags = [
            (code, flag_text(code)) for code in dict.fromkeys(f for p in self.result_photos for f in p.flags or [])
        ]
        entries = list(
            TimelineEntry.objects.filter(
                assignment=assignment, kind__in=[K.LOCATION, K.RESOLVED, K.SENT_BACK, K.VERIFIED, K.PLANNED]
            )
            .select_related("actor_user", "actor_coordinator")
            .order_by("created_at", "id")
        )
        self.shared_locations = [
            e for e in entries if e.kind == K.LOCATION and e.created_at >= since and "lat" in e.data and "lng" in e.data
        ]
        reports = [e for e in entries if e.kind == K.RESOLVED]
        self.report = reports[-1] if reports else None
        self.history = [e for e in entries if e.kind in (K.SENT_BACK, K.VERIFIED, K.PLANNED)]
        self.others = list(complaint.assignments.exclude(pk=assignment.pk).select_related("agency"))
        self.overdue = REVIEW.is_overdue(assignment, timezone.now())
        self.dispatch_to_result = duration_text(assignment.dispatched_at, assignment.resolved_at)
        self.map = self._map(complaint)

    @staticmethod
    def _metres(complaint: Complaint, lat, lng) -> int | None:
        if None in (lat, lng, complaint.lat, complaint.lng):
            return None
        return round(distance_metres(lat, lng, complaint.lat, complaint.lng))

    def _map(self, complaint: Complaint) -> dict:
        def point(lat, lng, label, **extra):
            return {"lat": float(lat), "lng": float(lng), "label": label, **extra}

        site = (
            point(complaint.lat, complaint.lng, _("จุดที่แจ้ง"))
            if complaint.lat is not None and complaint.lng is not None
            else None
        )
        photos = [
            point(
                p.lat,
                p.lng,
                _("รูปผลงาน %(n)d · %(t)s") % {"n": i, "t": thai_datetime(p.created_at)},
                flagged=bool(p.flags),
            )
            for i, p in enumerate(self.result_photos, 1)
            if p.lat is not None and p.lng is not None
        ]
        shared = [
            point(e.data["lat"], e.data["lng"], _("ตำแหน่งที่แชร์ · %(t)s") % {"t": thai_datetime(e.created_at)})
            for e in self.shared_locations
        ]
        return {"site": site, "photos": photos, "shared": shared}


# --- the outcome and the plan in the complaint list and on the case page -------------------
