"""Deliver notices exactly once: claim, send through the notice's channel, finish under the claim.

A row is claimed with a conditional update (pending and due → sending, or sending whose lease
ran out), sent, and finished with another conditional update on the claim's timestamp, so a
worker that lost its lease cannot overwrite the outcome of the one that took over (the pattern
of line_oa/delivery.py). LINE pushes carry the row's UUID as X-Line-Retry-Key (LINE refuses a
second delivery); PNP carries it as the delivery tag; SMS gateways have no such key, so a send
whose answer never came is marked `unknown` and not retried (see notices/sms.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import random

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from line_oa import client

from . import fallback, routing, sms
from .models import Notice
from .outbox import enqueue_send

log = logging.getLogger(__name__)

S = Notice.Status
Ch = Notice.Channel
MAX_BACKOFF_SECONDS = 3600


def backoff_seconds(attempts: int) -> float:
    base = settings.NOTICES_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return min(base, MAX_BACKOFF_SECONDS) * random.uniform(0.5, 1.5)  # noqa: S311 - jitter, not crypto


def claim(notice_id: int, *, now: dt.datetime | None = None) -> Notice | None:
    now = now or timezone.now()
    lease_over = now - dt.timedelta(seconds=settings.NOTICES_LEASE_SECONDS)
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + dt.timedelta(seconds=1))
    taken = (
        Notice.objects.filter(pk=notice_id)
        .filter((Q(status=S.PENDING) & due) | Q(status=S.SENDING, claimed_at__lt=lease_over))
        .update(status=S.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    return Notice.objects.get(pk=notice_id) if taken else None


def _finish(notice: Notice, **fields) -> bool:
    return bool(Notice.objects.filter(pk=notice.pk, status=S.SENDING, claimed_at=notice.claimed_at).update(**fields))


def _send(notice: Notice) -> tuple[str, int]:
    """Send one notice; returns (provider reference, SMS credits). Raises on failure."""
    message = [{"type": "text", "text": notice.text}]
    if notice.channel == Ch.LINE:
        try:
            return client.push(to=notice.to, messages=message, retry_key=str(notice.retry_key)) or "", 0
        except client.LineConflict as exc:  # LINE already accepted this key: it went out before
            return exc.request_id or "", 0
    if notice.channel == Ch.PNP:
        ref = client.push_messages_by_phone(
            phone_hash=routing.pnp_hash(notice.to), messages=message, delivery_tag=str(notice.retry_key)
        )
        return ref or "", 0
    if notice.channel == Ch.SMS:
        result = sms.backend().send(to=notice.to, text=notice.text, ref=str(notice.retry_key))
        return result.provider_ref, result.credits
    raise ValueError(f"notice {notice.pk} has nothing to send ({notice.channel})")


def deliver(notice_id: int) -> str:
    """Claim one notice and send it. Returns sent / retry / failed / fallback (a refused LINE-by-phone
    notice replaced by an SMS: notices/fallback.py) / unknown / skipped."""
    notice = claim(notice_id)
    if notice is None:
        return "skipped"
    try:
        ref, credits = _send(notice)
    except client.LineError as exc:
        return _failed_or_retry(notice, exc, exc.status, exc.retryable, ambiguous=False)
    except sms.SmsError as exc:
        return _failed_or_retry(notice, exc, exc.status, exc.retryable, ambiguous=exc.ambiguous)
    except Exception as exc:  # noqa: BLE001 - e.g. the soft time limit: keep the row, try again
        log.warning("Notice %s: unexpected error while sending", notice.pk, exc_info=True)
        return _failed_or_retry(notice, exc, None, True, ambiguous=False)
    _finish(
        notice,
        status=S.SENT,
        sent_at=timezone.now(),
        provider_ref=ref[:100],
        credits=credits,
        cost_satang=credits * settings.NOTICES_SMS_COST_SATANG,
        next_attempt_at=None,
        last_error="",
    )
    return "sent"


def _failed_or_retry(notice: Notice, exc: Exception, status, retryable: bool, *, ambiguous: bool) -> str:
    error = str(exc)[:2000]
    if ambiguous:
        # It may have gone out; not retried blindly (SMS has no idempotency key). Supervisors see it.
        _finish(notice, status=S.UNKNOWN, last_error=error, error_status=status)
        log.warning("Notice %s: outcome unknown (%s)", notice.pk, error)
        return "unknown"
    if retryable and notice.attempts < settings.NOTICES_MAX_ATTEMPTS:
        delay = backoff_seconds(notice.attempts)
        _finish(
            notice,
            status=S.PENDING,
            last_error=error,
            error_status=status,
            next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
        )
        return "retry"
    if not _finish(notice, status=S.FAILED, last_error=error, error_status=status):
        return "skipped"
    log.warning("Notice %s failed after %s attempt(s): %s", notice.pk, notice.attempts, error)
    if fallback.permanent_pnp_refusal(notice, status):
        fallback.to_sms(notice)
        return "fallback"
    return "failed"


def overdue(now: dt.datetime | None = None):
    """Rows nobody is working on: pending and due (or past a minute's grace), or sending past the lease."""
    now = now or timezone.now()
    grace = now - dt.timedelta(seconds=60)
    lease_over = now - dt.timedelta(seconds=settings.NOTICES_LEASE_SECONDS)
    pending = Q(status=S.PENDING) & (
        Q(next_attempt_at__isnull=True, created_at__lt=grace) | Q(next_attempt_at__lte=now)
    )
    return Notice.objects.filter(status__in=(S.PENDING, S.SENDING)).filter(
        pending | Q(status=S.SENDING, claimed_at__lt=lease_over)
    )


def sweep(*, limit: int = 1000) -> int:
    ids = list(overdue().order_by("created_at").values_list("pk", flat=True)[:limit])
    for pk in ids:
        enqueue_send(pk)
    return len(ids)


def resend(notice_ids: list[int]) -> int:
    """Put failed or unknown notices back in the queue (a supervisor's decision)."""
    qs = Notice.objects.filter(pk__in=notice_ids, status__in=(S.FAILED, S.UNKNOWN))
    ids = list(qs.values_list("pk", flat=True))
    Notice.objects.filter(pk__in=ids).update(status=S.PENDING, attempts=0, next_attempt_at=None, claimed_at=None)
    for pk in ids:
        enqueue_send(pk)
    return len(ids)
