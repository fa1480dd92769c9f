"""Write outgoing LINE messages to the outbox; a Celery task delivers them.

Called inside the workflow's transaction, so the message exists if and only if
the decision that caused it was committed. The task is queued on commit by
name (no import of the tasks module, which sits above this one); if the broker
is down the row stays pending and the periodic sweep sends it later.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from agencies.models import Agency
from complaints.models import Assignment

from .models import OutboxMessage

log = logging.getLogger(__name__)

SEND_TASK = "line_oa.tasks.send_outbox_message"


def enqueue_send(message_id: int) -> None:
    """Queue delivery of one row. Never raises: a row that cannot be queued is swept later."""
    from bkk1555.celery import app

    try:
        if app.conf.task_always_eager:
            # send_task() ignores eager mode, so run the registered task in-process —
            # but only when a LINE endpoint is configured (tests point it at the stub);
            # otherwise the row stays pending, exactly as with no worker running.
            if not (settings.LINE_API_BASE or settings.LINE_CHANNEL_ACCESS_TOKEN):
                return
            app.loader.import_default_modules()
            task = app.tasks.get(SEND_TASK)
            if task is not None:
                task.apply(args=[message_id])
            return
        app.send_task(SEND_TASK, args=[message_id], queue="line")
    except Exception:  # noqa: BLE001 - broker down: the sweep re-sends pending rows
        log.warning("Could not queue outbox message %s; the sweep will send it", message_id, exc_info=True)


def enqueue_send_many(message_ids: list[int]) -> None:
    """Queue many rows over one broker connection (the reminder sweep's burst)."""
    from bkk1555.celery import app

    if not message_ids:
        return
    if app.conf.task_always_eager:
        for pk in message_ids:
            enqueue_send(pk)
        return
    try:
        with app.producer_or_acquire() as producer:
            for pk in message_ids:
                app.send_task(SEND_TASK, args=[pk], queue="line", producer=producer)
    except Exception:  # noqa: BLE001 - broker down: the sweep re-sends pending rows
        log.warning("Could not queue %s outbox messages; the sweep will send them", len(message_ids), exc_info=True)


def _recipients(to: list[str]) -> list[str]:
    return list(dict.fromkeys(r for r in to if r))


def enqueue(
    *,
    to: list[str],
    messages: list[dict],
    purpose: str,
    agency: Agency | None = None,
    assignment: Assignment | None = None,
) -> OutboxMessage | None:
    """Store one outgoing message for `to` and queue its delivery after commit."""
    recipients = _recipients(to)
    if not recipients or not messages:
        return None
    row = OutboxMessage.objects.create(
        to=recipients, messages=messages, purpose=purpose, agency=agency, assignment=assignment
    )
    transaction.on_commit(lambda: enqueue_send(row.pk))
    return row


@dataclass(frozen=True)
class Outgoing:
    to: list[str]
    messages: list[dict]
    purpose: str
    agency_id: int | None = None
    assignment_id: int | None = None


def enqueue_many(items: list[Outgoing]) -> list[OutboxMessage]:
    """Store many outgoing messages in one INSERT (per 1,000) and queue them after commit."""
    rows = [
        OutboxMessage(
            to=_recipients(i.to),
            messages=i.messages,
            purpose=i.purpose,
            agency_id=i.agency_id,
            assignment_id=i.assignment_id,
        )
        for i in items
        if _recipients(i.to) and i.messages
    ]
    if not rows:
        return []
    created = OutboxMessage.objects.bulk_create(rows, batch_size=1000)
    ids = [r.pk for r in created]
    transaction.on_commit(lambda: enqueue_send_many(ids))
    return created
