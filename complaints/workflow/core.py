"""What every workflow step shares: the lock order, the transition check, the timeline
and the complaint's derived status. Nothing outside the workflow package writes a
timeline entry or changes a status; it calls a service that does."""

from __future__ import annotations

import datetime as dt
import secrets

import phonenumbers
from django.db import transaction
from django.utils import timezone

from bkk1555.thaidate import be_year

from .. import errors, notify, rules
from ..actor import Actor, as_actor
from ..models import Assignment, Complaint, ReferenceCounter, Reminder, TimelineEntry

atomic = transaction.atomic

A = Assignment.Status
C = Complaint.Status
K = TimelineEntry.Kind

_RANK = {A.DISPATCHED: 0, A.ACKNOWLEDGED: 1, A.IN_PROGRESS: 1, A.MADE_SAFE: 2, A.RESOLVED: 3, A.VERIFIED: 4}
_STATUS_BY_RANK = {0: C.DISPATCHED, 1: C.IN_PROGRESS, 2: C.MADE_SAFE, 3: C.RESOLVED, 4: C.CLOSED}


def now_or(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def log(
    *,
    complaint: Complaint,
    kind: str,
    by=None,
    text: str = "",
    assignment: Assignment | None = None,
    data: dict | None = None,
    at: dt.datetime | None = None,
) -> TimelineEntry:
    """Append one entry to the case's history, with who acted in its own fields."""
    return TimelineEntry.objects.create(
        complaint=complaint,
        assignment=assignment,
        kind=kind,
        text=text,
        data=data or {},
        created_at=now_or(at),
        **as_actor(by).timeline_fields(),
    )


def lock_complaint(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("category").get(pk=complaint.pk)


def lock_assignment(assignment: Assignment) -> Assignment:
    """Lock the case then the assignment (always in that order) and return fresh rows."""
    complaint = lock_complaint(assignment.complaint)
    locked = Assignment.objects.select_for_update().select_related("agency").get(pk=assignment.pk)
    locked.complaint = complaint
    return locked


def allowed(action: str, assignment: Assignment, actor=None) -> bool:
    """May `actor` take `action` on this assignment now? (What buttons to show.)"""
    if not rules.status_allows(action, assignment.status):
        return False
    if assignment.complaint.status in rules.FINAL_COMPLAINT:
        return False
    if actor is None:
        return True
    actor = as_actor(actor)
    if actor.is_agency:
        return action in rules.AGENCY_ACTIONS and actor.agency.pk == assignment.agency_id
    return action in rules.CENTRE_ACTIONS


def allowed_actions(assignment: Assignment, actor=None) -> list[str]:
    return [action for action in rules.TRANSITIONS if allowed(action, assignment, actor)]


def check(action: str, assignment: Assignment, actor: Actor) -> None:
    """Refuse `action` unless the table allows it from the assignment's state and the actor
    acts for the assignment's agency (when the actor is an agency's)."""
    if actor.is_agency and actor.agency.pk != assignment.agency_id:
        raise errors.WrongAgency(ref=assignment.complaint.reference, agency=errors.agency_name(actor.agency))
    if not rules.status_allows(action, assignment.status):
        raise errors.refused(action, assignment)


def check_case_open(action: str, complaint: Complaint, *, closed_too: bool = True) -> None:
    ended = rules.ENDED_COMPLAINT if closed_too else rules.FINAL_COMPLAINT
    if complaint.status in ended:
        raise errors.case_ended(action, complaint)


def require_reason(action: str, reason: str) -> None:
    if not (reason or "").strip():
        raise errors.reason_required(action)


def refresh_status(complaint: Complaint, *, at: dt.datetime | None = None) -> Complaint:
    """Derive the complaint's status from its live assignments and save it if it changed."""
    if complaint.status in rules.FINAL_COMPLAINT:
        return complaint
    statuses = list(complaint.assignments.live().values_list("status", flat=True))
    new = _STATUS_BY_RANK[min(_RANK[s] for s in statuses)] if statuses else C.NEW
    fields = []
    if new != complaint.status:
        complaint.status = new
        fields.append("status")
    closed_at = now_or(at) if new == C.CLOSED else None
    if (complaint.closed_at is None) != (closed_at is None):
        complaint.closed_at = closed_at
        fields.append("closed_at")
    if fields:
        complaint.save(update_fields=[*fields, "updated_at"])
    return complaint


def normalise_phone(phone: str) -> str:
    """A Thai number as its national digits (0812345678), so the console's phone search is one
    index prefix match. Parsed with `phonenumbers` (+66, spaces, dashes, Thai digits);
    what it cannot parse keeps its digits."""
    raw = (phone or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, "TH")
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and number.country_code == 66 and phonenumbers.is_possible_number(number):
        return "0" + str(number.national_number)
    return "".join(ch for ch in raw if ch.isdigit() and ch.isascii())


def new_public_token() -> str:
    """The secret half of a public case page's address: 128 random bits, URL-safe (22 chars)."""
    return secrets.token_urlsafe(16)


def next_reference(received_at: dt.datetime) -> str:
    """Allocate `<BE year>-<6 digits>`: gapless, because the counter row is locked
    until the complaint's transaction commits (a rollback gives the number back)."""
    year = be_year(timezone.localtime(received_at))
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year_be=year)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(year_be=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{year}-{counter.last_number:06d}"


def finish_case(
    complaint: Complaint,
    *,
    status: str,
    outcome: str,
    by,
    reason: str,
    kind: str,
    data: dict | None = None,
    at: dt.datetime | None = None,
) -> None:
    """End the case with `status` and its one `outcome`: open work is called off and its
    agencies told."""
    now = now_or(at)
    for a in complaint.assignments.select_for_update().open().select_related("agency"):
        a.complaint = complaint
        a.status = A.CANCELLED
        a.closed_at = now
        a.save(update_fields=["status", "closed_at", "updated_at"])
        notify.assignment_changed(a, notify.CASE_ENDED, reason)
    complaint.status = status
    complaint.closed_at = now
    complaint.outcome = outcome
    complaint.outcome_note = reason
    complaint.save(update_fields=["status", "closed_at", "duplicate_of", "outcome", "outcome_note", "updated_at"])
    log(complaint=complaint, kind=kind, by=by, text=reason, data={"outcome": outcome, **(data or {})}, at=now)
    notify.case_ended(complaint)  # end_case, cancel, mark_duplicate: the complainant hears the outcome


def back_to_work(assignment: Assignment, **fields) -> None:
    """Resolved (or verified) work goes back to the agency — a send-back, a reopen, a plan: made
    safe stays made safe, only the repair is open again; the review is off; the ladder of the
    resolve and review stages may run again (what was sent stays on the timeline)."""
    assignment.status = A.MADE_SAFE if (fields.get("made_safe_at") or assignment.made_safe_at) else A.IN_PROGRESS
    assignment.resolved_at = None
    assignment.verified_at = None
    assignment.review_due_at = None
    assignment.escalation_level = 0
    for name, value in fields.items():
        setattr(assignment, name, value)
    assignment.save(
        update_fields=[
            "status",
            "resolved_at",
            "verified_at",
            "review_due_at",
            "escalation_level",
            *fields,
            "updated_at",
        ]
    )
    Reminder.objects.filter(assignment=assignment, stage__in=[rules.Stage.RESOLVE, rules.Stage.REVIEW]).delete()
