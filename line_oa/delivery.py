"""Deliver outbox rows to LINE exactly once.

A row is claimed with a conditional update (pending → sending, or a sending
row whose lease ran out because its worker died), so two workers holding the
same task never both send it. Every request carries an X-Line-Retry-Key derived
from the row's UUID, so a retry after a crash or a timeout that LINE did accept
is answered 409 and not delivered twice. The row is finished with another
conditional update on the claim's timestamp: a worker that lost its lease
cannot overwrite the outcome of the one that took over.

Recipients: user ids go out by multicast in batches of at most 500 (a single
user by push); groups and rooms cannot be multicast to, so each gets a push.
Each request has its own retry key: the row's UUID when the row is a single
request, else uuid5(row UUID, "unit-<i>") — stable across retries because the
row's recipient list never changes.

Billing (LINE counts pushed messages per recipient): a multicast counts its
user ids, a push to a user counts 1, a push to a group counts its members (asked
from LINE after the push; 1 when LINE cannot say).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from . import client, quota, refused
from .models import OutboxMessage
from .outbox import enqueue_send

log = logging.getLogger(__name__)

S = OutboxMessage.Status
MAX_BACKOFF_SECONDS = 3600


@dataclass(frozen=True)
class Outcome:
    status: str  # "sent", "failed", "retry", "paused" (quota spent) or "skipped" (someone else has it, or it is done)
    retry_in: float | None = None


@dataclass(frozen=True)
class Unit:
    """One HTTP request to LINE for a row."""

    kind: str  # "push" or "multicast"
    to: list[str]
    retry_key: str


def units(message: OutboxMessage) -> list[Unit]:
    """Split the row's recipients into LINE requests, each with a stable retry key."""
    recipients = list(message.to)
    users = [r for r in recipients if r.startswith("U")]
    others = [r for r in recipients if not r.startswith("U")]  # groups (C…) and rooms (R…)
    plan: list[tuple[str, list[str]]] = [("push", [r]) for r in others]
    if len(users) == 1:
        plan.append(("push", users))
    else:
        step = client.MAX_MULTICAST
        plan += [("multicast", users[i : i + step]) for i in range(0, len(users), step)]
    if len(plan) == 1:
        return [Unit(plan[0][0], plan[0][1], str(message.retry_key))]
    return [Unit(kind, to, str(uuid.uuid5(message.retry_key, f"unit-{i}"))) for i, (kind, to) in enumerate(plan)]


def billed(unit: Unit) -> int:
    """Messages LINE bills for a delivered unit: one per user; a group push once per member.

    The member count is asked after the push succeeded and only for billing: if LINE
    cannot say (bot left the group, LINE busy), the group counts 1 and delivery is unaffected.
    """
    if unit.kind == "push" and unit.to[0][:1] in ("C", "R"):
        try:
            return max(client.get_group_member_count(unit.to[0]), 1)
        except client.LineError:
            log.info("Member count of %s unknown; billing it as 1", unit.to[0])
            return 1
    return len(unit.to)


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with full-range jitter (0.5×–1.5×), capped at an hour."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return min(base, MAX_BACKOFF_SECONDS) * random.uniform(0.5, 1.5)  # noqa: S311 - jitter, not crypto


def claim(message_id: int, *, now: dt.datetime | None = None) -> OutboxMessage | None:
    """Take the row for sending, or None if it is not ours to send (done, taken, or not due)."""
    now = now or timezone.now()
    lease_over = now - dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + dt.timedelta(seconds=1))
    taken = (
        OutboxMessage.objects.filter(pk=message_id)
        .filter((Q(status=S.PENDING) & due) | Q(status=S.SENDING, claimed_at__lt=lease_over))
        .update(status=S.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not taken:
        return None
    return OutboxMessage.objects.get(pk=message_id)


def _finish(message: OutboxMessage, **fields) -> bool:
    """Write the outcome only if our claim still holds."""
    return bool(
        OutboxMessage.objects.filter(pk=message.pk, status=S.SENDING, claimed_at=message.claimed_at).update(**fields)
    )


def deliver(message_id: int) -> Outcome:
    """Claim one row and send it; decide sent, failed or retry later."""
    message = claim(message_id)
    if message is None:
        return Outcome("skipped")
    if not quota.is_essential(message) and quota.paused():
        return _hold_for_quota(message)
    request_ids: list[str] = []
    delivered = 0
    plan = units(message)
    for index, unit in enumerate(plan):
        try:
            if unit.kind == "push":
                request_id = client.push(to=unit.to[0], messages=message.messages, retry_key=unit.retry_key)
            else:
                request_id = client.multicast(to=unit.to, messages=message.messages, retry_key=unit.retry_key)
        except client.LineConflict as exc:
            # LINE already accepted this retry key: the message went out on an earlier attempt.
            request_id = exc.request_id
        except client.LineError as exc:
            outcome = _failed_or_retry(message, exc, exc.status, exc.retryable, delivered)
            if outcome.status == "failed" and refused.is_refusal(exc):
                # The units before this one were delivered; only the rest need the fallback.
                not_reached = [r for u in plan[index:] for r in u.to]
                refused.card_refused(message, to=not_reached, error=str(exc))
            return outcome
        except Exception as exc:  # noqa: BLE001 - e.g. the soft time limit: keep the row, try again
            log.warning("Outbox %s: unexpected error while sending", message.pk, exc_info=True)
            return _failed_or_retry(message, exc, None, True, delivered)
        delivered += billed(unit)
        if request_id:
            request_ids.append(request_id)
    now = timezone.now()
    _finish(
        message,
        status=S.SENT,
        sent_at=now,
        line_request_id=(request_ids[0] if request_ids else "")[:64],
        recipients_count=delivered,
        next_attempt_at=None,
    )
    return Outcome("sent")


def _hold_for_quota(message: OutboxMessage) -> Outcome:
    """The month's quota is spent: keep a row that can wait pending until the quota resets
    (the attempt does not count), so dispatches and escalations keep what LINE still allows."""
    resume = quota.next_month_start()
    _finish(message, status=S.PENDING, attempts=F("attempts") - 1, next_attempt_at=resume, last_error="quota")
    log.info("Outbox %s (%s) held until %s: LINE quota spent", message.pk, message.purpose, resume)
    return Outcome("paused")


def _failed_or_retry(message: OutboxMessage, exc: Exception, status: int | None, retryable: bool, delivered: int):
    error = f"{exc}"[:2000]
    body = getattr(exc, "body", "")
    if body and body not in error:
        error = f"{error}\n{body}"[:4000]
    if retryable and message.attempts < settings.OUTBOX_MAX_ATTEMPTS:
        delay = backoff_seconds(message.attempts)
        _finish(
            message,
            status=S.PENDING,
            last_error=error,
            error_status=status,
            next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
        )
        log.info("Outbox %s: attempt %s failed (%s), retrying in %.1fs", message.pk, message.attempts, status, delay)
        return Outcome("retry", delay)
    if not _finish(message, status=S.FAILED, last_error=error, error_status=status, recipients_count=delivered):
        return Outcome("skipped")  # our lease ran out: the worker that took over decides
    log.warning("Outbox %s failed after %s attempt(s): %s", message.pk, message.attempts, error)
    return Outcome("failed")


# --- the sweep and the resend action --------------------------------------------------------


def overdue(now: dt.datetime | None = None):
    """Rows nobody is working on: pending past the grace period, or sending past the lease."""
    now = now or timezone.now()
    grace = now - dt.timedelta(seconds=settings.OUTBOX_PENDING_GRACE_SECONDS)
    lease_over = now - dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    pending = Q(status=S.PENDING, created_at__lt=grace) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=grace)
    )
    stuck = Q(status=S.SENDING, claimed_at__lt=lease_over)
    return OutboxMessage.objects.filter(status__in=(S.PENDING, S.SENDING)).filter(pending | stuck)


def sweep(*, limit: int = 1000) -> int:
    """Queue again what the broker lost or a dead worker left behind. Returns how many."""
    ids = list(overdue().order_by("created_at").values_list("pk", flat=True)[:limit])
    for pk in ids:
        enqueue_send(pk)
    if ids:
        log.info("Outbox sweep re-queued %s message(s)", len(ids))
    return len(ids)


def resend(message_ids: list[int]) -> int:
    """Put failed (or stuck) rows back in the queue with the same retry key. Sent rows are left alone."""
    ids = list(OutboxMessage.objects.filter(pk__in=message_ids).exclude(status=S.SENT).values_list("pk", flat=True))
    OutboxMessage.objects.filter(pk__in=ids).exclude(status=S.SENT).update(
        status=S.PENDING, attempts=0, next_attempt_at=None, claimed_at=None
    )
    for pk in ids:
        enqueue_send(pk)
    return len(ids)


def billed_by_agency_month(*, since: dt.datetime | None = None) -> list[dict]:
    """LINE messages billed (pushes × recipients) per agency and month, newest month first."""
    # A row that failed half-way (one batch out, the next refused) still billed its delivered part.
    qs = OutboxMessage.objects.filter(recipients_count__gt=0).annotate(at=Coalesce("sent_at", "claimed_at"))
    if since is not None:
        qs = qs.filter(at__gte=since)
    return list(
        qs.annotate(month=TruncMonth("at"))
        .values("month", "agency__code", "agency__name_th")
        .annotate(messages=Sum("recipients_count"))
        .order_by("-month", "-messages", "agency__code")
    )
