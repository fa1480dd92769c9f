"""Processing of stored webhook events (queue "default").

`process_events` takes the event ids of one webhook request and handles them in
order (a photo sent right after a postback follows it). Each event is claimed
with a conditional update (pending → processing), so a redelivered or doubly
queued event is processed once. A retryable failure (LINE 429/5xx or unreachable,
a database deadlock, serialization failure or lost connection) puts the event back
to pending and re-queues it with a backoff, up to WEBHOOK_MAX_ATTEMPTS
(line_oa/retrying.py); other failures, and the last attempt, are recorded on the row
(status failed, error text) for supervisors, who can re-process it in the admin.
A periodic sweep re-queues events left pending (e.g. the broker was down).
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import threading
import time

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import retrying
from .models import WebhookEvent

log = logging.getLogger(__name__)
S = WebhookEvent.Status

# A row still pending this long after it was stored lost its task (broker down, or the task sat
# in a killed worker's prefetch until the visibility timeout): the sweep queues it again.
PENDING_GRACE = dt.timedelta(seconds=settings.WEBHOOK_PENDING_GRACE_SECONDS)
# A row claimed longer ago than this belongs to a worker that died (tasks are killed
# after CELERY_TASK_TIME_LIMIT, 90 s, shorter): it may be claimed again. Short, so a
# coordinator's tap is taken over within about two minutes of its worker's death.
PROCESSING_LEASE = dt.timedelta(seconds=settings.WEBHOOK_PROCESSING_LEASE_SECONDS)


def publish(event_ids: list[str]) -> None:
    """Queue one processing task for these events; if the broker is down the sweep picks them up."""
    try:
        # The anonymous exchange routes straight to the "default" queue's list: one Redis
        # round trip per publish instead of two (no binding-table lookup).
        process_events.apply_async(args=[list(event_ids)], exchange="", routing_key="default")
    except Exception:  # noqa: BLE001 - broker down: the rows stay pending for the sweep
        log.warning("Could not queue webhook events %s; the sweep will", event_ids, exc_info=True)


class _Batcher:
    """Collects event ids from the web process's requests and publishes them in batches.

    Under load one task carries the events of many webhook requests, so the broker
    is asked once per `window` seconds instead of once per request. The rows are
    already committed: if the process dies before a flush, the sweep re-queues them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: list[str] = []
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def add(self, event_ids: list[str], window: float) -> None:
        with self._lock:
            if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
                self._pid, self._ids = os.getpid(), []  # after a fork: a fresh thread of our own
                self._thread = threading.Thread(target=self._run, args=(window,), name="webhook-publisher", daemon=True)
                self._thread.start()
            self._ids.extend(event_ids)
        self._wake.set()

    def _take(self) -> list[str]:
        with self._lock:
            ids, self._ids = self._ids, []
            self._wake.clear()
        return ids

    def _run(self, window: float) -> None:
        while True:
            self._wake.wait()
            time.sleep(window)
            self.flush()

    def flush(self) -> None:
        ids = self._take()
        for start in range(0, len(ids), 100):
            publish(ids[start : start + 100])


_batcher = _Batcher()
atexit.register(_batcher.flush)


def enqueue_processing(event_ids: list[str]) -> None:
    """Queue processing of stored events (called on commit, after the answer went out).

    With LINE_WEBHOOK_PUBLISH_WINDOW > 0 (the default, 0.05 s) the web process
    batches publishes; eager mode (tests) and a window of 0 publish at once."""
    if not event_ids:
        return
    window = settings.LINE_WEBHOOK_PUBLISH_WINDOW
    if window <= 0 or process_events.app.conf.task_always_eager:
        publish(event_ids)
    else:
        _batcher.add(list(event_ids), window)


def claim(event_id: str) -> WebhookEvent | None:
    now = timezone.now()
    claimable = Q(status=S.PENDING) | Q(status=S.PROCESSING, claimed_at__lt=now - PROCESSING_LEASE)
    claimed = WebhookEvent.objects.filter(claimable, webhook_event_id=event_id).update(
        status=S.PROCESSING, attempts=F("attempts") + 1, claimed_at=now
    )
    if not claimed:
        return None
    return WebhookEvent.objects.get(webhook_event_id=event_id)


class _LostClaim(Exception):
    """Another worker took the event over (our lease ran out): our decision is rolled back."""


def _ours(row: WebhookEvent):
    # Only while our claim holds: a worker whose lease ran out must not overwrite the one that took over.
    return WebhookEvent.objects.filter(pk=row.pk, claimed_at=row.claimed_at)


@shared_task(name="line_oa.tasks_webhook.process_event", ignore_result=True)
def process_event(event_id: str) -> str:
    """Process one stored event: the workflow change, the answer and "done" are one transaction.

    The answer is sent after the commit (reply token, else an outbox push). If the worker dies
    after the commit the event is done and is never processed or answered again; before it,
    nothing of it happened and the event is taken over after the lease."""
    from . import handlers
    from .conversation import replies

    row = claim(event_id)
    if row is None:
        return "skipped"
    found = None
    try:
        found = handlers.route(row.payload)
        with transaction.atomic():
            with replies.collecting(row.payload) as answer:
                handled = found.run() if found is not None else False
            status = S.DONE if handled else S.IGNORED
            done = _ours(row).update(
                status=status, error="", processed_at=timezone.now(), answer=answer.messages or None
            )
            if not done:
                raise _LostClaim
    except _LostClaim:
        log.warning("LINE event %s was taken over by another worker; our attempt is undone", event_id)
        return "skipped"
    except Exception as exc:  # noqa: BLE001 - recorded on the row, shown in the admin
        return retrying.failed(row, exc, _ours(row), requeue=_requeue)
    try:
        replies.deliver(answer, record=lambda via: WebhookEvent.objects.filter(pk=row.pk).update(answered_via=via))
    except Exception:  # noqa: BLE001 - the decision stands; the admin shows an answer with no "answered via"
        log.exception("The answer to LINE event %s could not be sent", event_id)
    if found is not None:
        found.finish(handled)
    return status


def _requeue(event_id: str, countdown: float) -> None:
    if process_events.app.conf.task_always_eager:
        return  # tests: the sweep (or the test) processes it again
    try:
        process_events.apply_async(args=[[event_id]], countdown=countdown, exchange="", routing_key="default")
    except Exception:  # noqa: BLE001 - broker down: the sweep re-queues pending rows
        log.warning("Could not re-queue webhook event %s; the sweep will", event_id, exc_info=True)


@shared_task(name="line_oa.tasks_webhook.process_events", ignore_result=True)
def process_events(event_ids: list[str]) -> None:
    for event_id in event_ids:
        process_event(event_id)


def reprocess(rows) -> int:
    """Admin action: put failed (or stuck) events back to pending and queue them."""
    # Never take an event from a worker that is processing it now: only failed, pending,
    # or processing rows whose lease ran out (their worker died).
    lease_over = timezone.now() - PROCESSING_LEASE
    resettable = Q(status__in=(S.FAILED, S.PENDING)) | Q(status=S.PROCESSING, claimed_at__lt=lease_over)
    wanted = [r.webhook_event_id for r in rows]
    ids = list(
        WebhookEvent.objects.filter(resettable, webhook_event_id__in=wanted).values_list("webhook_event_id", flat=True)
    )
    WebhookEvent.objects.filter(resettable, webhook_event_id__in=ids).update(status=S.PENDING, error="")
    for event_id in ids:
        publish([event_id])
    return len(ids)


@shared_task(name="line_oa.tasks_webhook.sweep_pending_events", ignore_result=True)
def sweep_pending_events() -> int:
    """Re-queue events still pending a while after they arrived (broker was down) or
    claimed by a worker that died (lease expired)."""
    now = timezone.now()
    # A row put back for a retry waits for its own delayed task (backoff below the grace) first.
    waited = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - PENDING_GRACE)
    stale = Q(waited, status=S.PENDING, received_at__lt=now - PENDING_GRACE) | Q(
        status=S.PROCESSING, claimed_at__lt=now - PROCESSING_LEASE
    )
    ids = list(
        WebhookEvent.objects.filter(stale).order_by("received_at").values_list("webhook_event_id", flat=True)[:500]
    )
    for start in range(0, len(ids), 50):
        publish(ids[start : start + 50])
    return len(ids)
