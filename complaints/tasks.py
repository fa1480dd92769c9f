"""Celery tasks of the case side. Thin: they call the services."""

from __future__ import annotations

from celery import shared_task

from . import intake_staging, reminders


@shared_task(name="complaints.tasks.sweep_reminders", ignore_result=True)
def sweep_reminders() -> int:
    """Every minute (beat): send reminder levels that came due. Idempotent and safe to overlap."""
    return reminders.sweep().reminders


@shared_task(name="complaints.tasks.sweep_intake_photos", ignore_result=True)
def sweep_intake_photos() -> int:
    """Hourly (beat): delete photos an add form kept for over a day (a form left mid-call)."""
    return intake_staging.sweep()
