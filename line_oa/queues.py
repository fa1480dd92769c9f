"""The channel's queues on the console's home: unread LINE messages and dispatch cards
LINE did not deliver. Each is one short indexed query, oldest first, capped like the
domain's queues (complaints/queues.py)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from complaints import rules
from complaints.models import Assignment
from complaints.queues import CAP

from .models import InboxMessage, OutboxMessage

P = OutboxMessage.Purpose
S = OutboxMessage.Status


def unread_messages():
    """Text from agencies nobody has read (the partial index inbox_unread_idx)."""
    return InboxMessage.objects.filter(direction=InboxMessage.Direction.IN, read_at__isnull=True).order_by(
        "created_at", "id"
    )


def undelivered_cards():
    """Open assignments whose dispatch LINE did not deliver: a failed card and nothing of the
    dispatch sent since (the plain-text fallback reached them otherwise) — the agency was never
    told, so the officer falls back to phone or radio."""
    # From the failed rows (few, on the status index), never from every open assignment.
    failed = OutboxMessage.objects.filter(purpose=P.DISPATCH, status=S.FAILED).values("assignment_id")
    sent = OutboxMessage.objects.filter(assignment=OuterRef("pk"), purpose=P.DISPATCH, status=S.SENT)
    return (
        Assignment.objects.filter(pk__in=failed, status__in=list(rules.OPEN))
        .filter(~Exists(sent))
        .order_by("dispatched_at", "id")
    )


def read_unread(limit: int = CAP + 1) -> list[tuple]:
    return list(unread_messages().values_list("pk", "sender_name", "text", "created_at", "agency__abbr_th")[:limit])


def read_undelivered(limit: int = CAP + 1) -> list[tuple]:
    return list(
        undelivered_cards().values_list(
            "pk", "complaint_id", "complaint__reference", "complaint__is_best", "agency__abbr_th", "dispatched_at"
        )[:limit]
    )
