"""What the workflow tells agencies over LINE. Called inside workflow transactions."""

from __future__ import annotations

from agencies.models import Agency, Coordinator
from complaints.models import Assignment

from . import messages
from .models import OutboxMessage
from .outbox import enqueue


def agency_recipients(agency: Agency) -> list[str]:
    """The agency's bound LINE group, else its reachable coordinators' LINE user ids."""
    if agency.line_group_id:
        return [agency.line_group_id]
    return list(Coordinator.objects.reachable().filter(agency=agency).values_list("line_user_id", flat=True))


def agency_is_reachable(agency: Agency) -> bool:
    return bool(agency.line_group_id) or Coordinator.objects.reachable().filter(agency=agency).exists()


def assignment_dispatched(assignment: Assignment) -> OutboxMessage | None:
    return enqueue(
        to=agency_recipients(assignment.agency),
        messages=messages.dispatch_card(assignment),
        purpose=OutboxMessage.Purpose.DISPATCH,
        agency=assignment.agency,
        assignment=assignment,
    )


def assignment_changed(assignment: Assignment, text: str) -> OutboxMessage | None:
    """Tell the agency that the centre changed its case (cancelled, reopened, verified …)."""
    return enqueue(
        to=agency_recipients(assignment.agency),
        messages=messages.assignment_update(assignment, text),
        purpose=OutboxMessage.Purpose.UPDATE,
        agency=assignment.agency,
        assignment=assignment,
    )
