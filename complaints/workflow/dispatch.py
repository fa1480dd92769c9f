"""The centre hands the case to agencies, and sends it on when an agency is the wrong one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from agencies.models import Agency

from .. import errors, notify, rules
from ..actor import as_actor
from ..models import Assignment, Complaint
from ..sla import stage_deadlines
from .core import (
    A,
    K,
    atomic,
    check,
    check_case_open,
    lock_assignment,
    lock_complaint,
    log,
    now_or,
    refresh_status,
    require_reason,
)


@atomic
def dispatch(
    *,
    complaint: Complaint,
    agencies: Iterable[Agency],
    by,
    channel: str = Assignment.Channel.LINE,
    note: str = "",
    at: dt.datetime | None = None,
) -> list[Assignment]:
    """Hand the complaint to one or more agencies. Agencies that already hold a live
    assignment of it are skipped; if none is new, the dispatch is refused."""
    actor = as_actor(by)
    complaint = lock_complaint(complaint)
    check_case_open("dispatch", complaint)
    agencies = list(dict.fromkeys(agencies))
    if not agencies:
        raise errors.WorkflowError(errors.AGENCY_REQUIRED)
    held = set(complaint.assignments.live().values_list("agency_id", flat=True))
    now = now_or(at)
    deadlines = stage_deadlines(complaint.category, now)
    created = []
    for agency in agencies:
        if agency.pk in held:
            continue
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    complaint=complaint,
                    agency=agency,
                    channel=channel,
                    dispatched_at=now,
                    dispatched_by=actor.user,
                    **deadlines,
                )
        except IntegrityError:
            continue  # another officer dispatched it to this agency a moment ago
        assignment.complaint = complaint
        created.append(assignment)
        log(
            complaint=complaint,
            kind=K.DISPATCHED,
            by=actor,
            assignment=assignment,
            text=note or agency.name_th,
            data={
                "note": note,
                "agency": agency.code,
                "channel": channel,
                "line_reachable": notify.agency_is_reachable(agency),
            },
            at=now,
        )
        notify.assignment_dispatched(assignment)
    if not created:
        raise errors.TransitionRefused(
            errors.ALREADY_WITH,
            ref=complaint.reference,
            agencies=errors.Localized(
                ", ".join(a.name_th for a in agencies), ", ".join(a.name_en or a.code for a in agencies)
            ),
        )
    if complaint.first_dispatched_at is None:
        # Stops the centre's dispatch clock (rules.DISPATCH) for good.
        complaint.first_dispatched_at = now
        complaint.save(update_fields=["first_dispatched_at"])
    refresh_status(complaint, at=now)
    notify.case_dispatched(complaint, created)  # the complainant hears which agency has it
    return created


@atomic
def reroute(
    *,
    assignment: Assignment,
    to_agency: Agency,
    by,
    reason: str = "",
    channel: str | None = None,
    declined: bool = False,
    at: dt.datetime | None = None,
) -> Assignment:
    """Send a case on to another agency with fresh deadlines.

    `declined=True` is the agency saying "not ours" (by phone, to an officer): the old work is
    recorded as a rejection with the reason, exactly as if the agency had said it in LINE.
    Otherwise the centre moves the case itself and the old work is cancelled. Work already
    rejected or cancelled stays as it is; resolved or verified work cannot be re-routed."""
    actor = as_actor(by)
    assignment = lock_assignment(assignment)
    check("reroute", assignment, actor)
    if assignment.rerouted_to_id:
        raise errors.TransitionRefused(errors.ALREADY_REROUTED, ref=assignment.complaint.reference)
    now = now_or(at)
    if declined and rules.status_allows("reject", assignment.status):
        require_reason("reject", reason)
        _reject(assignment, actor, reason, now)
    elif assignment.is_open:
        assignment.status = A.CANCELLED
        assignment.closed_at = now
        assignment.save(update_fields=["status", "closed_at", "updated_at"])
        notify.assignment_changed(assignment, notify.REROUTED_AWAY, reason)
    [new] = dispatch(
        complaint=assignment.complaint,
        agencies=[to_agency],
        by=actor,
        channel=channel or assignment.channel,
        note=reason,
        at=now,
    )
    assignment.rerouted_to = new
    assignment.save(update_fields=["rerouted_to", "updated_at"])
    log(
        complaint=assignment.complaint,
        kind=K.REROUTED,
        by=actor,
        assignment=new,
        text=f"{assignment.agency.name_th} → {to_agency.name_th}. {reason}".strip(),
        data={"from": assignment.agency.code, "to": to_agency.code, "declined": declined},
        at=now,
    )
    return new


def _reject(assignment: Assignment, actor, reason: str, now: dt.datetime) -> None:
    """The agency's "not ours" (shared by the agency's own reject and a declined re-route)."""
    assignment.status = A.REJECTED
    assignment.reject_reason = reason
    assignment.closed_at = now
    assignment.save(update_fields=["status", "reject_reason", "closed_at", "updated_at"])
    log(complaint=assignment.complaint, kind=K.REJECTED, by=actor, assignment=assignment, text=reason, at=now)
