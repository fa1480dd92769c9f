"""The agency's side: acknowledge, progress, made safe, resolved, not ours."""

from __future__ import annotations

import datetime as dt

from bkk1555.thaidate import thai_datetime

from .. import errors, guard
from ..actor import Actor, as_actor
from ..models import Assignment, TimelineEntry
from ..sla import deadline
from .core import A, K, atomic, check, lock_assignment, log, now_or, refresh_status, require_reason
from .dispatch import _reject

# What taking the case changes (acknowledge, or a first progress report).
TAKEN_FIELDS = [
    "status",
    "acknowledged_at",
    "acknowledged_by",
    "acknowledged_by_name",
    "escalation_level",
    "updated_at",
]


def _take(assignment: Assignment, actor: Actor, name: str, now: dt.datetime) -> None:
    """Record who took the case for the agency (acknowledge, or a first progress report)."""
    assignment.acknowledged_at = now
    assignment.acknowledged_by = actor.coordinator
    assignment.acknowledged_by_name = (name or actor.name)[:200]
    log(
        complaint=assignment.complaint,
        kind=K.ACKNOWLEDGED,
        by=actor,
        assignment=assignment,
        text=assignment.acknowledged_by_name,
        at=now,
    )


@atomic
def acknowledge(*, assignment: Assignment, by, name: str = "", at: dt.datetime | None = None) -> Assignment:
    """The agency takes the case (รับเรื่อง). The first acknowledgement wins; a later one
    raises AlreadyAcknowledged naming who was first and when."""
    actor = as_actor(by)
    assignment = lock_assignment(assignment)
    if actor.is_agency and actor.agency.pk != assignment.agency_id:
        check("acknowledge", assignment, actor)  # raises WrongAgency
    if assignment.acknowledged_at and assignment.is_live and assignment.status != A.DISPATCHED:
        first = assignment.acknowledged_by_name or "-"
        raise errors.AlreadyAcknowledged(
            ref=assignment.complaint.reference,
            by_name=first,
            when=thai_datetime(assignment.acknowledged_at),
            at=assignment.acknowledged_at,
        )
    check("acknowledge", assignment, actor)
    now = now_or(at)
    assignment.status = A.ACKNOWLEDGED
    assignment.escalation_level = 0  # the stage that was late is done; the next one starts unescalated
    _take(assignment, actor, name, now)
    assignment.save(update_fields=TAKEN_FIELDS)
    refresh_status(assignment.complaint, at=now)
    return assignment


@atomic
def report_progress(*, assignment: Assignment, by, text: str, at: dt.datetime | None = None) -> TimelineEntry:
    """A progress note from the agency; an acknowledged case moves to in progress.
    A progress report on a case nobody acknowledged yet acknowledges it first."""
    actor = as_actor(by)
    assignment = lock_assignment(assignment)
    check("progress", assignment, actor)
    now = now_or(at)
    if assignment.status == A.DISPATCHED:
        _take(assignment, actor, "", now)
    if assignment.status in (A.DISPATCHED, A.ACKNOWLEDGED):
        assignment.status = A.IN_PROGRESS
        assignment.escalation_level = 0
        assignment.save(update_fields=TAKEN_FIELDS)
        refresh_status(assignment.complaint, at=now)
    return log(complaint=assignment.complaint, kind=K.PROGRESS, by=actor, assignment=assignment, text=text, at=now)


@atomic
def mark_made_safe(*, assignment: Assignment, by, note: str = "", at: dt.datetime | None = None) -> Assignment:
    """The hazard is contained (BEST's second SLA stage), the repair may follow later."""
    actor = as_actor(by)
    assignment = lock_assignment(assignment)
    check("made_safe", assignment, actor)
    now = now_or(at)
    assignment.status = A.MADE_SAFE
    assignment.made_safe_at = now
    assignment.escalation_level = 0
    assignment.save(update_fields=["status", "made_safe_at", "escalation_level", "updated_at"])
    log(complaint=assignment.complaint, kind=K.MADE_SAFE, by=actor, assignment=assignment, text=note, at=now)
    refresh_status(assignment.complaint, at=now)
    return assignment


@atomic
def resolve(*, assignment: Assignment, by, note: str = "", at: dt.datetime | None = None) -> Assignment:
    """The agency reports the work done. A BEST case needs at least one result photo.
    The fake-fix guard judges the report itself here ("too fast" for the category) and keeps
    its flags on the assignment, where `result_flags` finds them with the photos' flags."""
    actor = as_actor(by)
    assignment = lock_assignment(assignment)
    check("resolve", assignment, actor)
    # This round's photo: after a send-back or reopen the refused photos do not count.
    if assignment.complaint.is_best and not guard.current_round_results(assignment).exists():
        raise errors.PhotoRequired(ref=assignment.complaint.reference)
    now = now_or(at)
    assignment.status = A.RESOLVED
    assignment.resolved_at = now
    assignment.first_resolved_at = assignment.first_resolved_at or now
    category = assignment.complaint.category
    assignment.review_due_at = deadline(category, now, category.review_minutes)  # the centre's own clock
    if note:
        assignment.result_note = note
    assignment.report_flags = guard.report_flags(assignment=assignment, resolved_at=now)
    assignment.escalation_level = 0
    assignment.save(
        update_fields=[
            "status",
            "resolved_at",
            "first_resolved_at",
            "review_due_at",
            "result_note",
            "report_flags",
            "escalation_level",
            "updated_at",
        ]
    )
    data = {"flags": assignment.report_flags} if assignment.report_flags else None
    log(complaint=assignment.complaint, kind=K.RESOLVED, by=actor, assignment=assignment, text=note, data=data, at=now)
    if assignment.report_flags:
        log(
            complaint=assignment.complaint,
            kind=K.NOTE,
            assignment=assignment,
            text="; ".join(guard.flag_text(f) for f in assignment.report_flags),
            data={"flags": assignment.report_flags, "min_work_minutes": assignment.complaint.category.min_work_minutes},
            at=now,
        )
    refresh_status(assignment.complaint, at=now)
    return assignment


@atomic
def reject(*, assignment: Assignment, by, reason: str, at: dt.datetime | None = None) -> Assignment:
    """The agency says the case is not theirs (ไม่ใช่หน่วยงานนี้), with a reason."""
    require_reason("reject", reason)
    actor = as_actor(by)
    assignment = lock_assignment(assignment)
    check("reject", assignment, actor)
    now = now_or(at)
    _reject(assignment, actor, reason, now)
    refresh_status(assignment.complaint, at=now)
    return assignment
