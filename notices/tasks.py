"""Celery tasks of the complainant notices. Thin: they take ids and call notices.delivery."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import delivery
from .models import Notice


@shared_task(name="notices.tasks.send_notice", acks_late=True, ignore_result=True, bind=True)
def send_notice(self, notice_id: int) -> str:
    """Deliver one notice; on a retryable error queue itself again after the backoff.
    Idempotent: a duplicate task finds the row claimed or finished and does nothing."""
    outcome = delivery.deliver(notice_id)
    if outcome == "retry" and not self.request.is_eager:
        due = Notice.objects.filter(pk=notice_id).values_list("next_attempt_at", flat=True).first()
        countdown = max((due - timezone.now()).total_seconds(), 0) if due else 0
        try:
            self.apply_async(args=[notice_id], countdown=countdown)
        except Exception:  # noqa: BLE001 - broker down: the row is pending, the sweep will send it
            pass
    return outcome


@shared_task(name="notices.tasks.sweep_notices", ignore_result=True)
def sweep_notices() -> int:
    """Re-queue notices the broker lost, a dead worker left in 'sending', or whose retry is due."""
    return delivery.sweep()
