"""Processing of stored webhook events (queue "default").

`process_events` takes the event ids of one webhook request and handles them in
order (a photo sent right after a postback follows it). Each event is claimed
with a conditional update (pending → processing), so a redelivered or doubly
queued event is processed once. Failures are recorded on the row (status
failed, error text) for supervisors, who can re-process it in the admin.
A periodic sweep re-queues events left pending (e.g. the broker was down).
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import threading
import time
import traceback

from celery import shared_task
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

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


@shared_task(name="line_oa.tasks_webhook.process_event", ignore_result=True)
def process_event(event_id: str) -> str:
    from . import handlers

    row = claim(event_id)
    if row is None:
        return "skipped"
    try:
        handled = handlers.handle_event(row.payload)
    except Exception as exc:  # noqa: BLE001 - recorded on the row, shown in the admin
        log.exception("LINE event %s (%s) failed", row.webhook_event_id, row.event_type)
        # Only while our claim holds: a worker whose lease ran out must not overwrite the one that took over.
        WebhookEvent.objects.filter(pk=row.pk, claimed_at=row.claimed_at).update(
            status=S.FAILED,
            error=f"{exc.__class__.__name__}: {exc}\n\n{traceback.format_exc()}"[-8000:],
            processed_at=timezone.now(),
        )
        return "failed"
    status = S.DONE if handled else S.IGNORED
    WebhookEvent.objects.filter(pk=row.pk, claimed_at=row.claimed_at).update(
        status=status, error="", processed_at=timezone.now()
    )
    return status


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
    stale = Q(status=S.PENDING, received_at__lt=now - PENDING_GRACE) | Q(
        status=S.PROCESSING, claimed_at__lt=now - PROCESSING_LEASE
    )
    ids = list(
        WebhookEvent.objects.filter(stale).order_by("received_at").values_list("webhook_event_id", flat=True)[:500]
    )
    for start in range(0, len(ids), 50):
        publish(ids[start : start + 50])
    return len(ids)
