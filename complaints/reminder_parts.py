"""The reminder sweep's parts that do not depend on which rule came due: the levels and who
hears each (the agency, its leads, the centre), when a level fires on the category's clock,
inserting reminder rows exactly once, and raising the console's escalation flag."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection

from agencies.models import Agency, Coordinator
from bkk1555.thaidate import thai_datetime

from . import rules
from .models import Assignment, Reminder
from .sla import WorkingCalendar

log = logging.getLogger(__name__)

A = Assignment.Status
ST = Reminder.Stage
CENTRE_CODE = "C1555"
ESCALATION_LEVEL = 3
INSERT_CHUNK = 1000

STAGES = rules.OVERDUE
# What the agency should do, for the message text.
_STAGE_LABEL = {stage.value: str(stage.label) for stage in ST}
_ACTION_TH = {
    ST.DISPATCH: "ส่งต่อหน่วยงาน",
    ST.REVIEW: "ตรวจสอบผลที่หน่วยงานรายงาน (ยอมรับหรือส่งกลับแก้ไข)",
    ST.ACKNOWLEDGE: "กดรับเรื่อง",
    ST.MAKE_SAFE: "ทำให้พื้นที่ปลอดภัย",
    ST.RESOLVE: "แก้ไขให้เสร็จและรายงานผล",
}


@dataclass
class SweepResult:
    reminders: int = 0
    messages: int = 0
    escalated: int = 0
    levels: dict[int, int] = field(default_factory=dict)


def _fire_at(due_at: dt.datetime, minutes: int, *, best: bool, calendar: WorkingCalendar) -> dt.datetime:
    if best:
        return due_at + dt.timedelta(minutes=minutes)
    return calendar.add(due_at, minutes)


def _insert_new(rows: list[Reminder]) -> set[tuple[int, str, int]]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the keys this call really inserted."""
    table = Reminder._meta.db_table
    recipients_field = Reminder._meta.get_field("recipients")
    inserted: set[tuple[int, str, int]] = set()
    if connection.vendor == "postgresql":
        # One statement whatever the number: six array parameters instead of 6 × N placeholders.
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (assignment_id, stage, level, due_at, created_at, recipients) "  # noqa: S608
                "SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::smallint[], %s::timestamptz[], "
                "%s::timestamptz[], %s::jsonb[]) "
                "ON CONFLICT (assignment_id, stage, level) DO NOTHING "
                "RETURNING assignment_id, stage, level",
                [
                    [r.assignment_id for r in rows],
                    [r.stage for r in rows],
                    [r.level for r in rows],
                    [r.due_at for r in rows],
                    [r.created_at for r in rows],
                    [json.dumps(r.recipients) for r in rows],
                ],
            )
            return {(a, s, int(lv)) for a, s, lv in cursor.fetchall()}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[start : start + INSERT_CHUNK]
            values, params = [], []
            for r in chunk:
                values.append("(%s, %s, %s, %s, %s, %s)")
                params += [
                    r.assignment_id,
                    r.stage,
                    r.level,
                    connection.ops.adapt_datetimefield_value(r.due_at),
                    connection.ops.adapt_datetimefield_value(r.created_at),
                    recipients_field.get_db_prep_value(r.recipients, connection),
                ]
            cursor.execute(
                f"INSERT INTO {table} (assignment_id, stage, level, due_at, created_at, recipients) "  # noqa: S608
                f"VALUES {', '.join(values)} "
                "ON CONFLICT (assignment_id, stage, level) DO NOTHING "
                "RETURNING assignment_id, stage, level",
                params,
            )
            inserted |= {(a, s, int(lv)) for a, s, lv in cursor.fetchall()}
    return inserted


class _Audiences:
    """Who hears each level, for every agency of this sweep, from two queries."""

    def __init__(self, agencies: dict[int, str | None]):
        self.agencies = agencies
        self.coordinators: dict[int, list[str]] = defaultdict(list)
        self.leads: dict[int, list[str]] = defaultdict(list)
        rows = (
            Coordinator.objects.reachable()
            .filter(agency_id__in=list(agencies))
            .order_by("agency_id", "name", "id")
            .values_list("agency_id", "line_user_id", "is_lead")
        )
        for agency_id, user_id, is_lead in rows:
            self.coordinators[agency_id].append(user_id)
            if is_lead:
                self.leads[agency_id].append(user_id)
        self.centre = Agency.objects.filter(code=CENTRE_CODE).only("id", "line_group_id").first()

    def agency(self, agency_id: int) -> list[str]:
        group = self.agencies[agency_id]
        return [group] if group else self.coordinators[agency_id]

    def lead(self, agency_id: int) -> list[str]:
        return self.leads[agency_id] or self.agency(agency_id)

    def centre_group(self) -> list[str]:
        return [self.centre.line_group_id] if self.centre and self.centre.line_group_id else []

    def for_stage(self, agency_id: int, stage: str, level: int) -> list[str]:
        """The centre owes its review: every level of it goes to the centre."""
        if STAGES[stage].owner == "centre":
            return self.centre_group()
        return self.for_level(agency_id, level)

    def for_level(self, agency_id: int, level: int) -> list[str]:
        if level >= ESCALATION_LEVEL:
            return self.centre_group()
        return self.lead(agency_id) if level == 2 else self.agency(agency_id)


@lru_cache(maxsize=4096)
def _thai_minute_cached(minute: dt.datetime) -> str:
    return thai_datetime(minute)


def _thai_minute(at: dt.datetime) -> str:
    """thai_datetime (which shows minutes), cached per minute: deadlines of a burst cluster."""
    return _thai_minute_cached(at.replace(second=0, microsecond=0))


def _raise_level(level: int, ids: set[int]) -> None:
    """Set the console's flag; Django's `pk__in` resolves each of thousands of ids in Python."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Assignment._meta.db_table} SET escalation_level = %s "  # noqa: S608
                "WHERE id = ANY(%s) AND escalation_level < %s",
                [level, list(ids), level],
            )
        return
    Assignment.objects.filter(pk__in=ids, escalation_level__lt=level).update(escalation_level=level)
