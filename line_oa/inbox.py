"""The officers' LINE inbox: messages in from coordinators, answers out from officers.
The only code that writes InboxMessage rows."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .conversation.replies import officer_answer
from .models import InboxMessage, OutboxMessage
from .outbox import enqueue


def record_incoming(sender, text: str) -> InboxMessage:
    """Free text (or a file we do not keep) from a coordinator or a bound group, for the officers."""
    return InboxMessage.objects.create(
        chat_id=sender.chat_id,
        source_type=sender.source_type or "user",
        coordinator=sender.coordinator,
        agency=sender.agency,
        sender_name=sender.display_name(),
        text=text,
    )


@transaction.atomic
def answer(*, chat_id: str, by, text: str) -> InboxMessage:
    """An officer's answer: pushed through the outbox and kept in the thread, both or neither.
    The thread's earlier messages count as read."""
    first = InboxMessage.objects.filter(chat_id=chat_id).order_by("created_at", "id").first()
    if first is None:
        raise InboxMessage.DoesNotExist(chat_id)
    row = enqueue(
        to=[chat_id],
        messages=[{"type": "text", "text": officer_answer(text)}],
        purpose=OutboxMessage.Purpose.OFFICER_MESSAGE,
        agency=first.agency,
    )
    now = timezone.now()
    InboxMessage.objects.filter(chat_id=chat_id, direction=InboxMessage.Direction.IN, read_at__isnull=True).update(
        read_at=now
    )
    return InboxMessage.objects.create(
        chat_id=chat_id,
        source_type=first.source_type,
        direction=InboxMessage.Direction.OUT,
        coordinator=first.coordinator,
        agency=first.agency,
        sender_name=by.get_full_name() or by.get_username(),
        text=text,
        answered_by=by,
        read_at=now,
        outbox=row,
    )
