"""Celery tasks of the privacy side. Thin: they call the services."""

from __future__ import annotations

import logging

from celery import shared_task

from . import retention

log = logging.getLogger(__name__)


@shared_task(name="privacy.tasks.apply_retention", ignore_result=True)
def apply_retention() -> str:
    """Daily (beat): anonymise and delete what is past its retention period, in batches."""
    report = retention.apply()
    log.info("retention: %s", report)
    return str(report)
