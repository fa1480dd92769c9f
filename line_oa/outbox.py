"""Write outgoing LINE messages to the outbox; a Celery task delivers them.

Called inside the workflow's transaction, so the message exists if and only if
the decision that caused it was committed. The task is queued on commit by
name (no import of the tasks module, which sits above this one) by the process's
publisher thread (bkk1555/publisher.py), so a slow or frozen broker never holds the
request; if the broker is down the row stays pending and the periodic sweep sends it later.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from agencies.models import Agency
from bkk1555 import publisher
from bkk1555.bulk import insert_rows
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
        publisher.later(SEND_TASK, [message_id], "line")  # off the request path: never waits on the broker
    except Exception:  # noqa: BLE001 - broker down: the sweep re-sends pending rows
        log.warning("Could not queue outbox message %s; the sweep will send it", message_id, exc_info=True)


SEND_BATCH_TASK = "line_oa.tasks.send_outbox_batch"
BATCH = 20


def enqueue_send_many(message_ids: list[int]) -> None:
    """Queue a burst (the reminder sweep's) as one task per 20 rows (published together by the thread).

    Publishing costs about a millisecond a message, so 5,000 single tasks would keep the
    sweep's caller busy for seconds; 250 batch tasks spread over the workers just as well."""
    from bkk1555.celery import app

    if not message_ids:
        return
    if app.conf.task_always_eager:
        for pk in message_ids:
            enqueue_send(pk)
        return
    for start in range(0, len(message_ids), BATCH):
        publisher.later(SEND_BATCH_TASK, [message_ids[start : start + BATCH]], "line")


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


def enqueue_many(items: list[Outgoing]) -> list[int]:
    """Store many outgoing messages at once (COPY on PostgreSQL), queue them after commit; return their ids."""
    rows = [
        {
            "to": recipients,
            "messages": i.messages,
            "purpose": i.purpose,
            "agency_id": i.agency_id,
            "assignment_id": i.assignment_id,
        }
        for i in items
        if (recipients := _recipients(i.to)) and i.messages
    ]
    ids = insert_rows(OutboxMessage, rows)
    if ids:
        transaction.on_commit(lambda: enqueue_send_many(ids))
    return ids
