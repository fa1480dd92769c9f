"""Celery tasks of the reports. Thin: they call the services."""

from __future__ import annotations

from celery import shared_task

from . import facts


@shared_task(name="reports.tasks.refresh_facts", ignore_result=True)
def refresh_facts() -> int:
    """Every few minutes (beat): recompute the summary rows of every changed assignment,
    so a page only has the last few minutes' changes left to do on read."""
    return facts.refresh()
