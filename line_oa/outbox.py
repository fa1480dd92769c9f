"""Write outgoing LINE messages to the outbox; a Celery task delivers them.

Called inside the workflow's transaction, so the message exists if and only if
the decision that caused it was committed. The task is queued on commit by
name (no import of the tasks module, which sits above this one); if the broker
is down the row stays pending and the periodic sweep sends it later.
"""

from __future__ import annotations

import logging

from django.db import transaction

from agencies.models import Agency
from complaints.models import Assignment

from .models import OutboxMessage

log = logging.getLogger(__name__)

SEND_TASK = "line_oa.tasks.send_outbox_message"


def enqueue_send(message_id: int) -> None:
    from bkk1555.celery import app

    try:
        if app.conf.task_always_eager:
            # send_task() ignores eager mode; run the registered task in-process.
            app.loader.import_default_modules()
            task = app.tasks.get(SEND_TASK)
            if task is not None:
                task.apply(args=[message_id])
            return
        app.send_task(SEND_TASK, args=[message_id], queue="line")
    except Exception:  # noqa: BLE001 - broker down: the sweep re-sends pending rows
        log.warning("Could not queue outbox message %s; the sweep will send it", message_id, exc_info=True)


def enqueue(
    *,
    to: list[str],
    messages: list[dict],
    purpose: str,
    agency: Agency | None = None,
    assignment: Assignment | None = None,
) -> OutboxMessage | None:
    """Store one outgoing message for `to` and queue its delivery after commit."""
    recipients = list(dict.fromkeys(r for r in to if r))
    if not recipients or not messages:
        return None
    row = OutboxMessage.objects.create(
        to=recipients, messages=messages, purpose=purpose, agency=agency, assignment=assignment
    )
    transaction.on_commit(lambda: enqueue_send(row.pk))
    return row
