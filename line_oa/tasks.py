"""Celery tasks of the LINE channel. Thin: they take ids and call the services.

Webhook processing (the LINE channel's own task) runs on the "default" queue;
outgoing messages on "line", so a burst of dispatch cards never waits behind
webhook work and the other way round.
"""

from __future__ import annotations

import time

from celery import shared_task

from . import delivery, quota

# Well below the soft time limit (60 s) even if one more request takes LINE's full timeout.
BATCH_BUDGET_SECONDS = 30


@shared_task(name="line_oa.tasks.send_outbox_message", acks_late=True, ignore_result=True, bind=True)
def send_outbox_message(self, message_id: int) -> str:
    """Deliver one outbox row; on a retryable error queue itself again after the backoff.

    Idempotent: a duplicate message (the sweep, a redelivery after a worker died)
    finds the row claimed or sent and does nothing.
    """
    outcome = delivery.deliver(message_id)
    if outcome.status == "retry" and not self.request.is_eager:
        try:
            self.apply_async(args=[message_id], countdown=outcome.retry_in, queue="line")
        except Exception:  # noqa: BLE001 - broker down: the row is pending, the sweep will send it
            pass
    return outcome.status


@shared_task(name="line_oa.tasks.send_outbox_batch", acks_late=True, ignore_result=True)
def send_outbox_batch(message_ids: list[int]) -> dict:
    """Deliver a burst's rows one by one (each claimed on its own); a row that must be
    retried gets its own delayed single task, so one slow row does not hold the batch."""
    counts: dict[str, int] = {}
    started = time.monotonic()
    for i, message_id in enumerate(message_ids):
        if time.monotonic() - started > BATCH_BUDGET_SECONDS and not send_outbox_batch.request.is_eager:
            # LINE is slow right now: hand the rest on rather than run into the time limit.
            send_outbox_batch.apply_async(args=[message_ids[i:]], queue="line")
            counts["handed_on"] = len(message_ids) - i
            break
        outcome = delivery.deliver(message_id)
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        if outcome.status == "retry":
            try:
                send_outbox_message.apply_async(args=[message_id], countdown=outcome.retry_in, queue="line")
            except Exception:  # noqa: BLE001 - broker down: the sweep sends the pending row
                pass
    return counts


@shared_task(name="line_oa.tasks.sweep_outbox", ignore_result=True)
def sweep_outbox() -> int:
    """Every minute: re-queue rows the broker lost or a dead worker left in 'sending'."""
    return delivery.sweep()


@shared_task(name="line_oa.tasks.check_quota", ignore_result=True)
def check_quota() -> str:
    """Daily: read the month's push quota from LINE; warn at 80 %, pause what can wait at 100 %."""
    reading = quota.check()
    return f"{reading.used}/{reading.limit or '-'}"
