"""Which failures of a webhook event are worth another attempt, and what is recorded.

Retryable: LINE answering 429/5xx or not answering (``client.LineError.retryable``), a
PostgreSQL deadlock (40P01) or serialization failure (40001), a lost or refused database
connection (Django's OperationalError / InterfaceError), Redis unreachable, the task's soft
time limit. The event goes back to pending with the error kept and the attempt counted, and
is queued again after a backoff (WEBHOOK_RETRY_BASE_SECONDS doubled per attempt, never longer
than the sweep's grace, so the sweep is the safety net). After WEBHOOK_MAX_ATTEMPTS, or at once
for anything else (a bug, a refused message), the event is failed for a supervisor to see.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.utils import timezone

from . import client
from .models import WebhookEvent

log = logging.getLogger(__name__)
S = WebhookEvent.Status
RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def _sqlstate(exc: BaseException) -> str | None:
    seen = 0
    while exc is not None and seen < 5:
        code = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
        if code:
            return str(code)
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, client.LineError):
        return exc.retryable
    if isinstance(exc, OperationalError | InterfaceError | SoftTimeLimitExceeded | ConnectionError | TimeoutError):
        return True
    if _sqlstate(exc) in RETRYABLE_SQLSTATES:
        return True
    try:
        import redis
    except ImportError:  # pragma: no cover - redis is a requirement
        return False
    return isinstance(exc, redis.ConnectionError | redis.TimeoutError)


def backoff(attempts: int) -> float:
    """Seconds before attempt `attempts + 1`: base, 2×base, 4×base … capped below the sweep's grace."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    return float(min(base * 2 ** max(0, attempts - 1), max(1, settings.WEBHOOK_PENDING_GRACE_SECONDS - 5)))


def failed(row: WebhookEvent, exc: BaseException, ours, *, requeue: Callable[[str, float], None]) -> str:
    """Record a failed attempt on the row (`ours`: the row while our claim holds). Returns
    "retry" or "failed"."""
    text = f"{exc.__class__.__name__}: {exc}\n\n{traceback.format_exc()}"[-8000:]
    retry = is_retryable(exc) and row.attempts < settings.WEBHOOK_MAX_ATTEMPTS
    if retry:
        log.warning("LINE event %s (%s) failed, attempt %s; retrying: %s", row.webhook_event_id, row.event_type,
                    row.attempts, exc)  # fmt: skip
    else:
        log.error("LINE event %s (%s) failed for good", row.webhook_event_id, row.event_type, exc_info=exc)
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()  # a broken connection is reopened for the update
    try:
        if retry:
            if ours.update(status=S.PENDING, error=text):
                requeue(row.webhook_event_id, backoff(row.attempts))
            return "retry"
        ours.update(status=S.FAILED, error=text, processed_at=timezone.now())
    except DatabaseError:
        log.exception("Could not record the failure of LINE event %s; the lease lets the sweep retry it",
                      row.webhook_event_id)  # fmt: skip
    return "failed"
