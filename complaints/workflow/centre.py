"""The centre's decisions: verify, close, reopen, cancel, duplicate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from .. import errors, notify, rules
from ..actor import as_actor
from ..models import Assignment, Complaint
from ..sla import stage_deadlines
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
from .review import accept


@atomic
def close(*, complaint: Complaint, by, note: str = "", at: dt.datetime | None = None) -> Complaint:
    """Verify every resolved assignment and close the case. Refused while work is open."""
    complaint = lock_complaint(complaint)
    check_case_open("close", complaint)
    live = list(complaint.assignments.live().select_related("agency"))
    open_ = [a for a in live if a.is_open]
    if not live or open_:
        raise errors.TransitionRefused(
            errors.NOT_YET_RESOLVED,
            ref=complaint.reference,
            waiting=errors.Localized(
                ", ".join(a.agency.name_th for a in open_) or "-",
                ", ".join(a.agency.code for a in open_) or "any agency",
            ),
        )
    # A flagged result is never closed in bulk: accept() refuses it without a justification,
    # and the whole close with it (the caller names the case it skipped).
    for a in live:
        if a.status == A.RESOLVED:
            a.complaint = complaint
            accept(assignment=a, by=by, note=note, at=at)
    complaint.refresh_from_db()
    return complaint


@atomic
def reopen(
    *,
    complaint: Complaint,
    by,
    reason: str,
    assignments: Iterable[Assignment] | None = None,
    at: dt.datetime | None = None,
) -> list[Assignment]:
    """Send resolved or verified work back to the agency (e.g. the complainant says it is not fixed).
    The resolve deadline starts again from now."""
    require_reason("reopen", reason)
    actor = as_actor(by)
    complaint = lock_complaint(complaint)
    check_case_open("reopen", complaint, closed_too=False)
    qs = complaint.assignments.select_for_update().filter(status__in=rules.TRANSITIONS["reopen"])
    if assignments is not None:
        qs = qs.filter(pk__in=[a.pk for a in assignments])
    targets = list(qs.select_related("agency"))
    if not targets:
        raise errors.TransitionRefused(errors.NOTHING_TO_REOPEN, ref=complaint.reference)
    now = now_or(at)
    deadlines = stage_deadlines(complaint.category, now)
    for a in targets:
        a.complaint = complaint
        # Unlike a send-back, a reopen starts the resolve deadline again.
        back_to_work(a, resolve_due_at=deadlines["resolve_due_at"], reopen_count=a.reopen_count + 1, rework_since=now)
        log(complaint=complaint, kind=K.REOPENED, by=actor, assignment=a, text=reason, at=now)
        notify.assignment_changed(a, notify.REOPENED, reason)
    refresh_status(complaint, at=now)
    if complaint.outcome == rules.Outcome.FIXED:
        complaint.outcome, complaint.outcome_note = "", ""  # not fixed after all: no outcome until it ends again
        complaint.save(update_fields=["outcome", "outcome_note", "updated_at"])
    return targets


@atomic
def cancel_assignment(*, assignment: Assignment, by, reason: str, at: dt.datetime | None = None) -> Assignment:
    actor = as_actor(by)
    assignment = lock_assignment(assignment)
    if not rules.status_allows("cancel", assignment.status):
        raise errors.refused("cancel_assignment", assignment)
    check("cancel", assignment, actor)
    now = now_or(at)
    assignment.status = A.CANCELLED
    assignment.closed_at = now
    assignment.save(update_fields=["status", "closed_at", "updated_at"])
    log(complaint=assignment.complaint, kind=K.CANCELLED, by=actor, assignment=assignment, text=reason, at=now)
    notify.assignment_changed(assignment, notify.ASSIGNMENT_CANCELLED, reason)
    refresh_status(assignment.complaint, at=now)
    return assignment


@atomic
def cancel(*, complaint: Complaint, by, reason: str, at: dt.datetime | None = None) -> Complaint:
    """Cancel the whole case (e.g. the complainant withdrew it); open work is called off."""
    require_reason("cancel", reason)
    complaint = lock_complaint(complaint)
    check_case_open("cancel", complaint)
    finish_case(
        complaint,
        status=C.CANCELLED,
        outcome=rules.Outcome.CANCELLED,
        by=as_actor(by),
        reason=reason,
        kind=K.CANCELLED,
        at=at,
    )
    return complaint


@atomic
def mark_duplicate(*, complaint: Complaint, of: Complaint, by, at: dt.datetime | None = None) -> Complaint:
    """Close a case as a duplicate of another; its open work is called off."""
    if complaint.pk == of.pk:
        raise errors.WorkflowError(errors.DUPLICATE_SELF)
    actor = as_actor(by)
    # Lock both cases in id order, so "A duplicates B" and "B duplicates A" at once cannot both pass.
    locked = {
        c.pk: c for c in Complaint.objects.select_for_update().filter(pk__in=[complaint.pk, of.pk]).order_by("pk")
    }
    complaint, of = locked[complaint.pk], locked[of.pk]
    if of.status == C.CANCELLED:
        raise errors.WorkflowError(errors.DUPLICATE_OF_CANCELLED, ref=of.reference)
    check_case_open("duplicate", complaint)
    if of.duplicate_of_id == complaint.pk or of.status == C.DUPLICATE:
        raise errors.WorkflowError(errors.DUPLICATE_OF_DUPLICATE, ref=of.reference)
    complaint.duplicate_of = of
    finish_case(
        complaint,
        status=C.DUPLICATE,
        outcome=rules.Outcome.DUPLICATE,
        by=actor,
        reason=_("ซ้ำกับเรื่อง %(ref)s") % {"ref": of.reference},
        kind=K.DUPLICATE,
        data={"duplicate_of": of.reference},
        at=at,
    )
    log(
        complaint=of,
        kind=K.NOTE,
        by=actor,
        text=_("เรื่อง %(ref)s ถูกรวมเป็นเรื่องซ้ำของเรื่องนี้") % {"ref": complaint.reference},
        at=at,
    )
    return complaint
