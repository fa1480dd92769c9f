"""The reports' summary table (`AssignmentFact`): build it and keep it current.

Why a table: the non-urgent SLA clock counts working hours without Thai public
holidays and closure days, which SQL cannot evaluate; so each assignment's
times on that clock are computed here in Python, once per change, and the
pages aggregate the stored figures in the database.

Kept correct when cases change later (a reopen, a late resolution, a
re-route, a corrected received time): every page view first rebuilds the facts
of the cases whose history (TimelineEntry) grew since the last look
(`refresh_recent`, one indexed read); a periodic task (`refresh`, every 5
minutes) compares every fact with the `updated_at` of its assignment and
complaint and rebuilds what differs, which also catches changes that wrote no
history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import F, Max, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from complaints.models import Assignment, TimelineEntry
from complaints.sla import BANGKOK, WorkingCalendar

from .models import AssignmentFact, RefreshState

BATCH = 2000
RECENT_MAX = 20_000
# computed_at is included: it moves on every rewrite and versions the percentile cache.
_UPDATE_FIELDS = [f.name for f in AssignmentFact._meta.concrete_fields if not f.primary_key]


def month_of(moment: dt.datetime) -> dt.date:
    """The first day of the month `moment` falls in, in Asia/Bangkok."""
    return moment.astimezone(BANGKOK).date().replace(day=1)


def _minutes(start: dt.datetime, end: dt.datetime | None) -> float | None:
    if end is None:
        return None
    return max((end - start).total_seconds() / 60, 0.0)


@dataclass
class ReviewHistory:
    results: int = 0
    accepted_flagged: int = 0
    review_minutes: float | None = None


def review_histories(ids: list[int]) -> dict[int, ReviewHistory]:
    """Per assignment, from its timeline (one query for a batch): the results reported, those
    accepted despite a fake-fix flag, and the minutes from the latest decided result to the
    centre's decision on it (accept or send back)."""
    K = TimelineEntry.Kind
    out: dict[int, ReviewHistory] = defaultdict(ReviewHistory)
    waiting: dict[int, dt.datetime] = {}
    rows = (
        TimelineEntry.objects.filter(assignment_id__in=ids, kind__in=[K.RESOLVED, K.VERIFIED, K.SENT_BACK])
        .order_by("assignment_id", "created_at", "id")
        .values_list("assignment_id", "kind", "created_at", "data")
    )
    for assignment_id, kind, at, data in rows:
        history = out[assignment_id]
        if kind == K.RESOLVED:
            history.results += 1
            waiting[assignment_id] = at
            continue
        if kind == K.VERIFIED and (data or {}).get("accepted_flags"):
            history.accepted_flagged += 1
        reported = waiting.pop(assignment_id, None)
        if reported is not None:
            history.review_minutes = _minutes(reported, at)
    return out


def build_fact(
    assignment: Assignment, calendar: WorkingCalendar, history: ReviewHistory | None = None
) -> AssignmentFact:
    """The fact row for one assignment (with complaint, its category and district loaded)."""
    history = history or ReviewHistory()
    complaint = assignment.complaint
    start = assignment.dispatched_at
    on_working_clock = not complaint.category.is_best

    def sla(end: dt.datetime | None) -> float | None:
        if end is None:
            return None
        if on_working_clock:
            return calendar.elapsed_minutes(start, end)
        return _minutes(start, end)

    resolved_at = (
        assignment.resolved_at
        if assignment.status in (Assignment.Status.RESOLVED, Assignment.Status.VERIFIED)
        else None
    )
    # A BEST case reported resolved without a separate "made safe" step was made safe by then.
    safe_at = (assignment.made_safe_at or assignment.first_resolved_at) if complaint.is_best else None
    return AssignmentFact(
        assignment_id=assignment.pk,
        complaint_id=complaint.pk,
        month=month_of(complaint.received_at),
        agency_id=assignment.agency_id,
        category_id=complaint.category_id,
        district_id=complaint.district_id,
        zone_id=complaint.district.zone_id if complaint.district_id else None,
        is_best=complaint.is_best,
        channel=assignment.channel,
        status=assignment.status,
        dispatched_at=start,
        ack_due_at=assignment.ack_due_at,
        safe_due_at=assignment.safe_due_at if complaint.is_best else None,
        resolve_due_at=assignment.resolve_due_at,
        acknowledged_at=assignment.acknowledged_at,
        safe_at=safe_at,
        resolved_at=resolved_at,
        reopen_count=assignment.reopen_count,
        rerouted=assignment.rerouted_to_id is not None,
        ack_minutes=_minutes(start, assignment.acknowledged_at),
        ack_sla_minutes=sla(assignment.acknowledged_at),
        safe_minutes=_minutes(start, safe_at),
        safe_sla_minutes=sla(safe_at),
        resolve_minutes=_minutes(start, resolved_at),
        resolve_sla_minutes=sla(resolved_at),
        outcome=complaint.outcome,
        results_reported=history.results,
        sent_back=assignment.sent_back_count,
        accepted_flagged=history.accepted_flagged,
        review_minutes=history.review_minutes,
        planned_for=assignment.planned_for,
        source_updated_at=max(assignment.updated_at, complaint.updated_at),
    )


def stale_assignments(*, start: dt.datetime | None = None, end: dt.datetime | None = None):
    """Assignments whose fact is missing or was computed from older data
    (optionally only those of complaints received in [start, end))."""
    qs = Assignment.objects.all()
    if start is not None:
        qs = qs.filter(complaint__received_at__gte=start, complaint__received_at__lt=end)
    return qs.annotate(
        _src=Greatest(F("updated_at"), F("complaint__updated_at")), _fact_src=F("report_fact__source_updated_at")
    ).filter(Q(_fact_src__isnull=True) | Q(_fact_src__lt=F("_src")) | Q(_fact_src__gt=F("_src")))


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def recompute(ids: Iterable[int], calendar: WorkingCalendar | None = None) -> int:
    """Rebuild the facts of these assignments (upsert, in batches)."""
    calendar = calendar or WorkingCalendar()
    done = 0
    for chunk in _chunks(list(ids), BATCH):
        rows = Assignment.objects.filter(pk__in=chunk).select_related(
            "complaint", "complaint__category", "complaint__district"
        )
        histories = review_histories(chunk)
        facts = [build_fact(a, calendar, histories.get(a.pk)) for a in rows]
        AssignmentFact.objects.bulk_create(
            facts, update_conflicts=True, unique_fields=["assignment"], update_fields=_UPDATE_FIELDS
        )
        done += len(facts)
    return done


def _last_timeline_id() -> int:
    return TimelineEntry.objects.aggregate(m=Max("pk"))["m"] or 0


def refresh(*, start: dt.datetime | None = None, end: dt.datetime | None = None) -> int:
    """Recompute stale facts (compared row by row with their sources); all of them when no
    range is given (the periodic reconcile). Returns how many were rebuilt."""
    watermark = _last_timeline_id() if start is None else None
    # In the order of the months, so a bulk build lays each month's rows out together.
    ids = list(stale_assignments(start=start, end=end).order_by("complaint__received_at").values_list("pk", flat=True))
    done = recompute(ids) if ids else 0
    if start is None:
        RefreshState.objects.update_or_create(
            pk=1, defaults={"full_refresh_at": timezone.now(), "timeline_watermark": watermark}
        )
    return done


def refresh_recent() -> int:
    """On read: rebuild the facts of every case whose history grew since the last look.

    Every workflow step and every admin edit of a case appends a TimelineEntry, whose
    ids only grow, so following them from a watermark is one indexed range read instead
    of comparing a month of rows. A change that writes no history, or a transaction that
    commits an older id after the watermark passed it, is caught by the periodic
    reconcile (`refresh()`, every 5 minutes). Before the first reconcile, it runs one.
    """
    state = RefreshState.objects.filter(pk=1).first()
    if state is None or state.timeline_watermark is None:
        return refresh()
    rows = list(
        TimelineEntry.objects.filter(pk__gt=state.timeline_watermark).values_list("pk", "complaint_id")[:RECENT_MAX]
    )
    if not rows:
        return 0
    if len(rows) == RECENT_MAX:
        return refresh()  # far behind (a bulk import): the full comparison is cheaper
    complaint_ids = {c for _, c in rows}
    done = recompute(Assignment.objects.filter(complaint_id__in=complaint_ids).values_list("pk", flat=True))
    newest = max(pk for pk, _ in rows)
    RefreshState.objects.filter(pk=1, timeline_watermark__lt=newest).update(timeline_watermark=newest)
    return done


def month_range(first: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a month in Asia/Bangkok as aware datetimes."""
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (
        dt.datetime.combine(first, dt.time(0, 0), BANGKOK),
        dt.datetime.combine(nxt, dt.time(0, 0), BANGKOK),
    )
