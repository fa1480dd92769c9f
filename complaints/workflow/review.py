"""The centre's review of a result, and how a case ends: accept (with a written reason when
the fake-fix guard flagged the result), send back for rework, record a plan for a permanent
fix, or end the case with one outcome."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .. import errors, guard, notify, rules
from ..actor import as_actor
from ..models import Assignment, Complaint
from ..photos import FLAG_TEXT
from ..sla import deadline
from .core import (
    A,
    C,
    K,
    atomic,
    back_to_work,
    check,
    check_case_open,
    finish_case,
    lock_assignment,
    lock_complaint,
    log,
    now_or,
    refresh_status,
    require_reason,
)

Outcome = rules.Outcome


def result_photos(assignment: Assignment):
    """The result photos of the latest round of work (after the last send-back or reopen)."""
    return guard.current_round_results(assignment)


def result_flags(assignment: Assignment) -> list[str]:
    """Every fake-fix flag of the result under review — its photos' and the report's own
    ("too fast", kept on the assignment at resolve) — each once, in the registry's order."""
    seen: set[str] = set(assignment.report_flags or [])
    for flags in result_photos(assignment).values_list("flags", flat=True):
        seen.update(flags or [])
    return [f for f in FLAG_TEXT if f in seen] + sorted(seen - FLAG_TEXT.keys())


def review_due(assignment: Assignment, at: dt.datetime) -> dt.datetime:
    category = assignment.complaint.category
    return deadline(category, at, category.review_minutes)


@atomic
def accept(*, assignment: Assignment, by, note: str = "", justification: str = "", at=None) -> Assignment:
    """Accept the agency's result (→ verified). A result the guard flagged needs a written
    justification, kept on the timeline and counted in the reports. The case closes, with
    the outcome "fixed", when its last live work is verified."""
    actor = as_actor(by)
    assignment = lock_assignment(assignment)
    check("verify", assignment, actor)
    flags = result_flags(assignment)
    if flags and not justification.strip():
        raise errors.JustificationRequired(
            ref=assignment.complaint.reference,
            agency=errors.agency_name(assignment.agency),
            flags=", ".join(str(FLAG_TEXT.get(f, f)) for f in flags),
        )
    now = now_or(at)
    assignment.status = A.VERIFIED
    assignment.verified_at = now
    assignment.save(update_fields=["status", "verified_at", "updated_at"])
    data = {"accepted_flags": flags, "justification": justification} if flags else {}
    log(
        complaint=assignment.complaint,
        kind=K.VERIFIED,
        by=actor,
        assignment=assignment,
        text="\n".join(p for p in (note, justification) if p),
        data=data,
        at=now,
    )
    complaint = _refresh(assignment.complaint, now)
    if complaint.status == C.CLOSED:
        _set_outcome(complaint, Outcome.FIXED, "")
        log(complaint=complaint, kind=K.CLOSED, by=actor, data={"outcome": Outcome.FIXED}, at=now)
        notify.case_ended(complaint)  # issue 11: the complainant hears "fixed"; the audit sampler draws
    return assignment


verify = accept  # the transition table's name for it


def _refresh(complaint: Complaint, now) -> Complaint:
    return refresh_status(complaint, at=now)


def _set_outcome(complaint: Complaint, outcome: str, note: str) -> None:
    complaint.outcome = outcome
    complaint.outcome_note = note
    complaint.save(update_fields=["outcome", "outcome_note", "updated_at"])


@atomic
def send_back(*, assignment: Assignment, by, reason: str, at=None) -> Assignment:
    """The result is not good enough (ส่งกลับแก้ไข): the work goes back to the agency with the
    reason. The resolve deadline is NOT reset — rework does not buy time — so the case may be
    overdue at once, and the reminder ladder starts again for it."""
    require_reason("send_back", reason)
    actor = as_actor(by)
    assignment = lock_assignment(assignment)
    check("send_back", assignment, actor)
    now = now_or(at)
    refused = list(result_photos(assignment).order_by("-created_at").values_list("pk", flat=True)[:1])
    flags = result_flags(assignment)  # before rework_since moves past the refused photos
    back_to_work(assignment, sent_back_count=assignment.sent_back_count + 1, rework_since=now)
    log(
        complaint=assignment.complaint,
        kind=K.SENT_BACK,
        by=actor,
        assignment=assignment,
        text=reason,
        data={"refused_photo": refused[0] if refused else None, "flags": flags},
        at=now,
    )
    notify.assignment_changed(assignment, notify.SENT_BACK, reason)
    _refresh(assignment.complaint, now)
    return assignment


@atomic
def plan_permanent_fix(
    *, assignment: Assignment, by, planned_for: dt.date, reason: str, note: str = "", at=None
) -> Assignment:
    """Made safe, permanent fix planned: the case is not closed. The work stays made safe with
    the planned date as its resolve deadline, so the reminder ladder wakes the agency and then
    the centre when the date passes; a new result is expected then."""
    actor = as_actor(by)
    assignment = lock_assignment(assignment)
    check("plan", assignment, actor)
    now = now_or(at)
    if planned_for is None or planned_for < timezone.localdate(now):
        raise errors.WorkflowError(errors.PLAN_DATE_REQUIRED)
    if reason not in rules.PlanReason.values:
        raise errors.reason_required("plan")
    back_to_work(
        assignment,
        made_safe_at=assignment.made_safe_at or now,
        planned_for=planned_for,
        plan_reason=reason,
        plan_note=note,
        # The planned date is the new resolve deadline: the ladder wakes everyone when it passes.
        resolve_due_at=dt.datetime.combine(planned_for, dt.time(23, 59), tzinfo=timezone.get_current_timezone()),
    )
    log(
        complaint=assignment.complaint,
        kind=K.PLANNED,
        by=actor,
        assignment=assignment,
        text=note,
        data={"planned_for": planned_for.isoformat(), "reason": reason},
        at=now,
    )
    complaint = _refresh(assignment.complaint, now)
    _set_outcome(complaint, Outcome.PLANNED, note)
    notify.case_ended(complaint)  # issue 11: the complainant hears the planned date
    return assignment


# How each ending outcome leaves the case (status); FIXED comes only from accepting results,
# PLANNED from plan_permanent_fix, DUPLICATE from mark_duplicate.
ENDINGS = {
    Outcome.OUTSIDE: C.CLOSED,
    Outcome.NO_ACTION: C.CLOSED,
    Outcome.WITHDRAWN: C.CANCELLED,
    Outcome.CANCELLED: C.CANCELLED,
}


@atomic
def end_case(*, complaint: Complaint, by, outcome: str, reason: str, at=None) -> Complaint:
    """End a case without a fix: outside BMA's authority (to which body, and how it was passed
    on), no action needed (why), withdrawn by the complainant, or cancelled by the centre.
    Open work is called off and the agencies are told."""
    if outcome not in ENDINGS:
        raise errors.WorkflowError(errors.OUTCOME_NOT_ALLOWED)
    if outcome == Outcome.OUTSIDE and not (reason or "").strip():
        raise errors.WorkflowError(errors.OUTSIDE_BODY_REQUIRED)
    require_reason("cancel", reason)
    actor = as_actor(by)
    complaint = lock_complaint(complaint)
    check_case_open("end", complaint)
    kind = K.CANCELLED if ENDINGS[outcome] == C.CANCELLED else K.CLOSED
    finish_case(complaint, status=ENDINGS[outcome], outcome=outcome, by=actor, reason=reason, kind=kind, at=at)
    return complaint
