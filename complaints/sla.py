"""The SLA clock.

BEST categories run 24/7. Non-urgent categories count working hours only:
Monday to Friday 08:30–16:30 Asia/Bangkok, skipping Thai public holidays (the
`holidays` package's Thailand calendar) and the extra closure days supervisors
enter in the admin.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from .models import Category, ClosureDay

BANGKOK = ZoneInfo("Asia/Bangkok")
DAY_START = dt.time(8, 30)
DAY_END = dt.time(16, 30)
WORKING_MINUTES_PER_DAY = 8 * 60


@lru_cache(maxsize=32)
def _thai_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("TH", years=year).keys())


class WorkingCalendar:
    """Which days the working-hours clock runs on. Loads closure days once per use."""

    def __init__(self, closures: set[dt.date] | None = None):
        if closures is None:
            closures = set(ClosureDay.objects.values_list("date", flat=True))
        self.closures = closures

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in _thai_holidays(day.year) and day not in self.closures

    def add(self, start: dt.datetime, minutes: int) -> dt.datetime:
        """The moment `minutes` working minutes after `start`."""
        local = start.astimezone(BANGKOK)
        day = local.date()
        cursor = local
        remaining = minutes
        # Bounded: a year of calendar days is far beyond any SLA we configure.
        for _ in range(400):
            if self.is_working_day(day):
                open_at = dt.datetime.combine(day, DAY_START, BANGKOK)
                close_at = dt.datetime.combine(day, DAY_END, BANGKOK)
                begin = max(cursor, open_at)
                if begin < close_at:
                    available = (close_at - begin).total_seconds() / 60
                    if remaining <= available:
                        return begin + dt.timedelta(minutes=remaining)
                    remaining -= available
            day += dt.timedelta(days=1)
            cursor = dt.datetime.combine(day, dt.time(0, 0), BANGKOK)
        raise ValueError("SLA beyond the working calendar's reach")

    def elapsed_minutes(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working minutes between two moments (0 if end is before start)."""
        if end <= start:
            return 0.0
        a, b = start.astimezone(BANGKOK), end.astimezone(BANGKOK)
        total = 0.0
        day = a.date()
        while day <= b.date():
            if self.is_working_day(day):
                open_at = max(dt.datetime.combine(day, DAY_START, BANGKOK), a)
                close_at = min(dt.datetime.combine(day, DAY_END, BANGKOK), b)
                if close_at > open_at:
                    total += (close_at - open_at).total_seconds() / 60
            day += dt.timedelta(days=1)
        return total


def deadline(
    category: Category, start: dt.datetime, minutes: int, calendar: WorkingCalendar | None = None
) -> dt.datetime:
    """When a stage of `minutes` on the category's clock, started at `start`, is due."""
    if category.is_best:
        return start + dt.timedelta(minutes=minutes)
    return (calendar or WorkingCalendar()).add(start, minutes)


def dispatch_deadline(category: Category, received_at: dt.datetime) -> dt.datetime:
    """The centre's own deadline (rules.DISPATCH): from receipt to the first dispatch."""
    return deadline(category, received_at, category.dispatch_minutes)


def stage_deadlines(category: Category, start: dt.datetime) -> dict[str, dt.datetime | None]:
    """The three SLA deadlines (acknowledge, make safe, resolve) for work dispatched at `start`."""
    calendar = None if category.is_best else WorkingCalendar()
    due = {"ack_due_at": deadline(category, start, category.sla_ack_minutes, calendar)}
    due["safe_due_at"] = (
        deadline(category, start, category.sla_make_safe_hours * 60, calendar)
        if category.is_best and category.sla_make_safe_hours
        else None
    )
    due["resolve_due_at"] = (
        deadline(category, start, category.sla_resolve_hours * 60, calendar) if category.sla_resolve_hours else None
    )
    return due
