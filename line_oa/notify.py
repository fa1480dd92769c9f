"""The LINE channel of the domain's notification port (`complaints.notify`).

Registered in LineOaConfig.ready(). Called inside the workflow's transaction: each
message is an outbox row written there, queued for delivery when it commits.
"""

from __future__ import annotations

from django.utils import timezone

from agencies.models import Agency, Coordinator
from complaints import notify
from complaints.models import Assignment, Photo

from . import messages
from .models import OutboxMessage
from .outbox import Outgoing, enqueue, enqueue_many

P = OutboxMessage.Purpose


def agency_recipients(agency: Agency) -> list[str]:
    """The agency's bound LINE group, else its reachable coordinators' LINE user ids."""
    if agency.line_group_id:
        return [agency.line_group_id]
    return list(Coordinator.objects.reachable().filter(agency=agency).values_list("line_user_id", flat=True))


def agency_is_reachable(agency: Agency) -> bool:
    return bool(agency.line_group_id) or Coordinator.objects.reachable().filter(agency=agency).exists()


def _push(*, to: list[str], message_list: list[dict], purpose: str, agency, assignment) -> OutboxMessage | None:
    if notify.is_replaying():
        # History being loaded: the message was delivered when it was decided.
        if not to:
            return None
        return OutboxMessage.objects.create(
            to=to,
            messages=message_list,
            purpose=purpose,
            agency=agency,
            assignment=assignment,
            status=OutboxMessage.Status.SENT,
            sent_at=timezone.now(),
        )
    return enqueue(to=to, messages=message_list, purpose=purpose, agency=agency, assignment=assignment)


class LineChannel(notify.Channel):
    def reachable(self, agency) -> bool:
        return agency_is_reachable(agency)

    def dispatched(self, assignment: Assignment) -> None:
        if assignment.channel != Assignment.Channel.LINE:
            return  # dispatched by radio, phone or fax: the officer reaches the agency
        _push(
            to=agency_recipients(assignment.agency),
            message_list=messages.dispatch_card(assignment),
            purpose=P.DISPATCH,
            agency=assignment.agency,
            assignment=assignment,
        )

    def assignment_changed(self, assignment: Assignment, change: str, reason: str = "") -> None:
        if change == notify.SENT_BACK:
            refused = assignment.photos.filter(stage=Photo.Stage.AFTER).order_by("-created_at", "-id").first()
            message_list = messages.sent_back(assignment, reason, refused)
        else:
            message_list = messages.assignment_update(assignment, messages.change_text(change, reason))
        _push(
            to=agency_recipients(assignment.agency),
            message_list=message_list,
            purpose=P.UPDATE,
            agency=assignment.agency,
            assignment=assignment,
        )

    def overdue(self, notices: list[notify.OverdueNotice]) -> None:
        enqueue_many(
            [
                Outgoing(
                    to=list(n.recipients),
                    messages=[messages.overdue_message(n)],
                    purpose=P.ESCALATION if n.escalation else P.REMINDER,
                    agency_id=n.agency_id,
                    assignment_id=n.assignment_id,
                )
                for n in notices
                if n.recipients
            ]
        )
