"""The officers' LINE inbox: messages in from coordinators, answers out from officers.
The only code that writes InboxMessage rows."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from complaints.models import Assignment

from .conversation.replies import officer_answer
from .models import Conversation, InboxMessage, OutboxMessage
from .outbox import enqueue


def case_of(sender) -> int | None:
    """The case a free message is about, or None when it cannot be told: the case of the chat's
    open context (report or "not ours"), else the sender's agency's only open case. Two or more
    open cases and no context: None (the officer sees the agency's open cases instead)."""
    last = (
        Conversation.objects.filter(chat_id=sender.chat_id, assignment__isnull=False)
        .values_list("assignment__complaint_id", flat=True)
        .first()
    )
    if last is not None or sender.agency is None:
        return last
    open_cases = list(
        Assignment.objects.filter(agency=sender.agency).open().values_list("complaint_id", flat=True).distinct()[:2]
    )
    return open_cases[0] if len(open_cases) == 1 else None


def record_incoming(sender, text: str) -> InboxMessage:
    """Free text (or a file we do not keep) from a coordinator or a bound group, for the officers."""
    return InboxMessage.objects.create(
        chat_id=sender.chat_id,
        source_type=sender.source_type or "user",
        coordinator=sender.coordinator,
        agency=sender.agency,
        sender_name=sender.display_name(),
        text=text,
        complaint_id=case_of(sender),
    )


@transaction.atomic
def answer(*, chat_id: str, by, text: str) -> InboxMessage:
    """An officer's answer: pushed through the outbox and kept in the thread, both or neither.
    The thread's earlier messages count as read."""
    first = InboxMessage.objects.filter(chat_id=chat_id).order_by("created_at", "id").first()
    if first is None:
        raise InboxMessage.DoesNotExist(chat_id)
    # The answer is about what the last message in was about.
    about = (
        InboxMessage.objects.filter(chat_id=chat_id, direction=InboxMessage.Direction.IN)
        .order_by("-created_at", "-id")
        .values_list("complaint_id", flat=True)
        .first()
    )
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
        complaint_id=about,
    )
