"""A chat's open context: "report" (photos, text and location attach to one assignment)
or "not ours" (the next text is the reason). Contexts expire after two hours."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from complaints.models import Assignment

from .. import messages
from ..models import Conversation
from . import replies

CONTEXT_TTL = dt.timedelta(hours=2)
Mode = Conversation.Mode


def conversation(sender) -> Conversation:
    conv, _ = Conversation.objects.get_or_create(line_user_id=sender.user_id or sender.chat_id, chat_id=sender.chat_id)
    if conv.mode != Mode.IDLE and conv.expires_at and conv.expires_at <= timezone.now():
        conv.mode, conv.assignment = Mode.IDLE, None
        conv.save(update_fields=["mode", "assignment"])
    return conv


def open_context(conv: Conversation, mode: str, assignment: Assignment) -> None:
    now = timezone.now()
    if conv.assignment_id != assignment.pk or conv.mode != mode:
        conv.started_at = now
        if conv.assignment_id != assignment.pk:
            conv.lat = conv.lng = None
    conv.mode, conv.assignment, conv.expires_at = mode, assignment, now + CONTEXT_TTL
    conv.save()


def touch(conv: Conversation) -> None:
    conv.expires_at = timezone.now() + CONTEXT_TTL
    conv.save(update_fields=["expires_at"])


def close_context(conv: Conversation) -> None:
    conv.mode, conv.assignment, conv.expires_at = Mode.IDLE, None, None
    conv.lat = conv.lng = None
    conv.save()


def active_assignment(conv: Conversation, mode: str, sender=None) -> Assignment | None:
    """The assignment of the open context — re-authorised at every message: a coordinator moved
    to another agency (or a group unbound) since it opened can no longer finish the old action."""
    if conv.mode != mode or conv.assignment_id is None:
        return None
    assignment = Assignment.objects.select_related("complaint__category", "agency").get(pk=conv.assignment_id)
    if sender is not None and not sender.may_act_on(assignment):
        close_context(conv)
        return None
    return assignment


def open_assignments(sender) -> list[Assignment]:
    agency = sender.agency
    if agency is None:
        return []
    return list(
        Assignment.objects.filter(agency=agency)
        .open()
        .select_related("complaint__category")
        .order_by("-dispatched_at", "-id")[: messages.QUICK_REPLY_MAX]
    )


def choose_case(sender, lead: str) -> list[dict]:
    items = open_assignments(sender)
    if not items:
        return replies.t(f"{lead}\n{replies.NO_OPEN_WORK}")
    return replies.t(f"{lead}\n{replies.CHOOSE_CASE}", messages.open_assignments_quick_replies(items))
