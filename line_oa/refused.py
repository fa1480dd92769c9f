"""A message LINE refuses must never strand a case.

A refusal (LINE answered 400, or our own message did not even build) is final for that
body: retrying it unchanged would be refused again. For a dispatch card — whose loss
leaves the agency unaware while the case shows as dispatched — the delivery calls
``card_refused`` after marking the row failed:

1. the first refusal sends the card again reduced to plain text with the essentials
   (``messages.dispatch_text``), as a new outbox row (linked by ``CardFallback``) to the
   recipients the card did not reach;
2. if that is refused too, the agency is *not reached*: a timeline entry says so on the
   case, the assignment is raised to the centre's escalation level (the console's red
   flag), and the centre's LINE group (agency C1555) is told at once to use phone or radio.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from agencies.models import Agency
from complaints import workflow
from complaints.models import Assignment, TimelineEntry
from complaints.reminders import CENTRE_CODE, ESCALATION_LEVEL

from . import client, messages
from .models import CardFallback, OutboxMessage
from .outbox import enqueue

log = logging.getLogger(__name__)
P = OutboxMessage.Purpose
NOT_REACHED = "agency_not_reached"


def is_refusal(exc: Exception) -> bool:
    """LINE refused the body itself (400), or it never built: sending it again cannot help."""
    return isinstance(exc, client.InvalidMessage) or getattr(exc, "status", None) == 400


def card_refused(message: OutboxMessage, *, to: list[str], error: str = "") -> OutboxMessage | None:
    """React to a refused dispatch card (a failed row). Returns the fallback row, if one was queued."""
    if message.purpose != P.DISPATCH or message.assignment_id is None:
        return None
    assignment = Assignment.objects.select_related("complaint__category", "complaint__district", "agency").get(
        pk=message.assignment_id
    )
    if not assignment.is_open:
        return None  # cancelled or rerouted meanwhile: nobody needs the card any more
    is_replacement = CardFallback.objects.filter(replacement=message).exists()
    if not is_replacement:
        with transaction.atomic():
            if CardFallback.objects.filter(card=message).exists():
                return None  # handled already (a second worker, a resend of the failed card)
            row = enqueue(
                to=to or list(message.to),
                messages=[messages.dispatch_text(assignment)],
                purpose=P.DISPATCH,
                agency=assignment.agency,
                assignment=assignment,
            )
            if row is not None:
                CardFallback.objects.create(card=message, replacement=row)
        log.warning("LINE refused dispatch card %s; sent it again as plain text (%s)", message.pk, row and row.pk)
        return row
    agency_not_reached(assignment=assignment, message=message, error=error)
    return None


def centre_group() -> list[str]:
    centre = Agency.objects.filter(code=CENTRE_CODE).only("line_group_id").first()
    return [centre.line_group_id] if centre and centre.line_group_id else []


@transaction.atomic
def agency_not_reached(*, assignment: Assignment, message: OutboxMessage, error: str = "") -> None:
    """Say on the case that LINE could not carry the card, and hand it to the centre now."""
    complaint = assignment.complaint
    text = _("ส่งเรื่องถึง %(agency)s ทาง LINE ไม่สำเร็จ (LINE ปฏิเสธข้อความ) หน่วยงานยังไม่ได้รับเรื่อง กรุณาประสานทางโทรศัพท์/วิทยุ") % {
        "agency": assignment.agency.name_th
    }
    workflow.log(
        complaint=complaint,
        kind=TimelineEntry.Kind.ESCALATED,
        assignment=assignment,
        text=text,
        data={NOT_REACHED: True, "outbox": message.pk, "error": error[:500]},
    )
    Assignment.objects.filter(pk=assignment.pk, escalation_level__lt=ESCALATION_LEVEL).update(
        escalation_level=ESCALATION_LEVEL
    )
    centre = Agency.objects.filter(code=CENTRE_CODE).first()
    enqueue(
        to=centre_group(),
        messages=[messages.text(_("⚠️ เรื่อง %(ref)s: %(text)s") % {"ref": complaint.reference, "text": text})],
        purpose=P.ESCALATION,
        agency=centre,
        assignment=assignment,
    )
    log.error("Agency %s not reached over LINE for assignment %s", assignment.agency.code, assignment.pk)


def not_reached(queryset=None):
    """Assignments still open whose dispatch LINE refused for good (the console's queue)."""
    qs = queryset if queryset is not None else Assignment.objects.all()
    ids = TimelineEntry.objects.filter(kind=TimelineEntry.Kind.ESCALATED, data__agency_not_reached=True).values(
        "assignment_id"
    )
    return qs.filter(pk__in=ids, status__in=Assignment.OPEN_STATUSES)
