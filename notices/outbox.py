"""Write notices in the workflow's transaction; a Celery task delivers them after commit.

The same pattern as line_oa's outbox: the row exists exactly when the decision that caused it
was committed; the task is queued on commit by name; a row the broker lost is re-queued by
the sweep (notices.tasks.sweep_notices).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from bkk1555 import publisher
from complaints import notify
from complaints.models import Complaint

from . import routing
from .models import Notice
from .texts import sms_credits

log = logging.getLogger(__name__)

SEND_TASK = "notices.tasks.send_notice"
S = Notice.Status


def enqueue_send(notice_id: int) -> None:
    """Queue delivery of one notice. Never raises: a row that cannot be queued is swept later."""
    from bkk1555.celery import app

    try:
        if app.conf.task_always_eager:
            app.loader.import_default_modules()
            task = app.tasks.get(SEND_TASK)
            if task is not None:
                task.apply(args=[notice_id])
            return
        publisher.later(SEND_TASK, [notice_id], "default")  # off the request path (bkk1555/publisher.py)
    except Exception:  # noqa: BLE001 - broker down: the sweep re-sends pending rows
        log.warning("Could not queue notice %s; the sweep will send it", notice_id, exc_info=True)


def write(
    *, complaint: Complaint, event: str, text: str, event_at: dt.datetime, agency=None, outcome: str = ""
) -> Notice:
    """One notice for the complainant of `complaint`, by whatever way reaches them (or a skipped
    row saying why none does)."""
    route = routing.route(complaint)
    row = Notice(
        complaint=complaint,
        agency=agency,
        event=event,
        outcome=outcome,
        channel=route.channel,
        to=route.to,
        text=text,
        reason=route.reason,
        event_at=event_at,
    )
    if route.channel == Notice.Channel.NONE:
        row.status = S.SKIPPED
    elif notify.is_replaying():
        # History being loaded (demo data): the notice went out when the thing happened.
        row.status, row.sent_at = S.SENT, event_at
        if route.channel == Notice.Channel.SMS:
            row.credits = sms_credits(text)
            row.cost_satang = row.credits * _cost_per_credit()
    row.save()
    if row.status == S.PENDING:
        after_commit(lambda: enqueue_send(row.pk))
    return row


def after_commit(fn) -> None:
    """Run `fn` once the workflow's transaction commits (tests run it at once)."""
    transaction.on_commit(fn)


def _cost_per_credit() -> int:
    from django.conf import settings

    return settings.NOTICES_SMS_COST_SATANG


def now() -> dt.datetime:
    return timezone.now()
