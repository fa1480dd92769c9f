"""Celery tasks of the reports. Thin: they call the services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import facts, queries, tables
from .models import FigureCache


@shared_task(name="reports.tasks.refresh_facts", ignore_result=True)
def refresh_facts() -> int:
    """Every 5 minutes (beat): recompute the summary rows of every changed assignment,
    then renew the figure cache of the pages executives open most, so a page view
    rarely computes a month from scratch."""
    done = facts.refresh()
    warm_cache()
    return done


def warm_cache() -> None:
    now = timezone.now()
    # Entries past half their TTL are rebuilt now rather than expiring under a page view.
    FigureCache.objects.filter(computed_at__lt=now - queries.CACHE_TTL / 2).delete()
    current = timezone.localtime(now).date().replace(day=1)
    for month in (tables.last_full_month(now), current):
        tables.overview_figures(month, now)
        tables.agency_table(month, now)
