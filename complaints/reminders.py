"""The overdue sweep: remind agencies past a deadline, then escalate — each level exactly once.

Every minute (beat) `sweep()` finds open assignments past a deadline through the
partial indexes on Assignment (acknowledge while dispatched, make safe while
acknowledged or in progress, resolve while open). A stage has up to three
levels, each due at the deadline plus the category's offset
(`Category.reminder_offsets`, e.g. BEST 0/15/30 minutes); non-urgent offsets run
on the working-hours clock, BEST ones on the wall clock.

- level 1 → the agency's LINE group, else its reachable coordinators
- level 2 → the agency's reachable lead coordinators (else level 1's audience)
- level 3 → the centre (the LINE group bound to the agency coded C1555, if any)
  and `Assignment.escalation_level = 3`, the console's flag.
An agency nobody can be reached at escalates to the centre at once.

The centre's own stages follow the same ladder with every level to the centre's group:
the review of a reported result (of an assignment) and the dispatch of a new case
(rules.DISPATCH — of the complaint, before any assignment exists; its Reminder rows name
the complaint and no assignment).

Exactly once: each level is a `Reminder` row, unique per assignment, stage and
level, inserted with INSERT … ON CONFLICT DO NOTHING RETURNING, and only the rows
this sweep really inserted get a message — two sweeps racing cannot both win a
row. On PostgreSQL the candidates are also locked FOR UPDATE SKIP LOCKED, so a
second sweep (or an officer acknowledging the case right now) is never waited
for: what is locked is looked at again next minute. Reminders stop the moment
an assignment moves on because the stage's query no longer matches it.
Deadlines older than REMINDER_HORIZON_DAYS (7) are left to the console: after
an outage or a data import the sweep does not flood agencies with stale news.

The query count does not depend on how many assignments are overdue (apart from
inserts in chunks of 1,000 rows): five candidate queries (one per stage), one for reminders
already sent, one for coordinators, one for the centre, one for closure days,
then bulk inserts and one update per level.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from agencies.models import Agency
from bkk1555.bulk import insert_rows

from . import notify, rules
from .models import Assignment, Category, Complaint, Reminder, TimelineEntry
from .reminder_parts import (  # noqa: F401 - CENTRE_CODE, ESCALATION_LEVEL are read by line_oa
    _ACTION_TH,
    _STAGE_LABEL,
    CENTRE_CODE,
    ESCALATION_LEVEL,
    INSERT_CHUNK,
    ST,
    STAGES,
    A,
    SweepResult,
    _Audiences,
    _fire_at,
    _insert_new,
    _raise_level,
    _thai_minute,
    _thai_minute_cached,
)
from .sla import WorkingCalendar

log = logging.getLogger(__name__)


@dataclass
class _Due:
    case: _Case
    stage: str
    due_at: dt.datetime
    levels: list[int]


def _horizon(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=settings.REMINDER_HORIZON_DAYS)


@dataclass(slots=True)
class _Case:
    """What the sweep needs of one overdue assignment (plain values: no model instances)."""

    pk: int
    agency_id: int
    complaint_id: int
    agency_name: str
    agency_group: str | None
    reference: str
    is_best: bool
    category_id: int
    category_name: str
    category_is_best: bool
    offsets_raw: list | None
    address: str
    landmark: str
    district_name: str | None


_CASE_FIELDS = (
    "pk",
    "agency_id",
    "complaint_id",
    "agency__name_th",
    "agency__line_group_id",
    "complaint__reference",
    "complaint__is_best",
    "complaint__category_id",
    "complaint__category__name_th",
    "complaint__category__is_best",
    "complaint__category__reminder_offsets_minutes",
    "complaint__address",
    "complaint__landmark",
    "complaint__district__name_th",
)


def _overdue_query(stage: str, now: dt.datetime):
    """(case, deadline) rows of one stage, read through the stage's partial index."""
    rule = STAGES[stage]
    due_field = rule.due_field
    qs = Assignment.objects.filter(rule.q(now), **{f"{due_field}__gt": _horizon(now)})
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return ((_Case(*row[:-1]), row[-1]) for row in qs.values_list(*_CASE_FIELDS, due_field))


def _already_sent(now: dt.datetime) -> set[tuple[int, str, int]]:
    """Reminder rows of every assignment that is a candidate now, in one query."""
    match = Q()
    for stage, rule in STAGES.items():
        prefixed = rule.q(now, prefix="assignment__") & Q(**{f"assignment__{rule.due_field}__gt": _horizon(now)})
        match |= Q(stage=stage) & prefixed
    return set(Reminder.objects.filter(match).values_list("assignment_id", "stage", "level"))


def _place(c: _Case) -> str:
    return " ".join(p for p in (c.address, c.landmark, c.district_name) if p) or "-"


def _text(item: _Due, level: int, *, unreachable: bool) -> str:
    c = item.case
    stage = _STAGE_LABEL[item.stage]
    badge = "🔴 BEST " if c.is_best else ""
    overdue = f"เลยกำหนด{stage} ({_thai_minute(item.due_at)})"
    if STAGES[item.stage].owner == "centre":
        return (
            f"⏰ ศูนย์ฯ แจ้งเตือนครั้งที่ {level}: {badge}ผลของเรื่อง {c.reference} ({c.category_name}) "
            f"จาก {c.agency_name} {overdue} กรุณา{_ACTION_TH[item.stage]}"
        )[:5000]
    if level >= ESCALATION_LEVEL:
        why = "ติดต่อหน่วยงานทาง LINE ไม่ได้ " if unreachable else ""
        return (
            f"🚨 ยกระดับ: {badge}เรื่อง {c.reference} ({c.category_name}) "
            f"ส่งต่อ {c.agency_name} {overdue} {why}— กรุณาประสานทางโทรศัพท์/วิทยุ\n"
            f"สถานที่: {_place(c)}"
        )[:5000]
    who = "ถึงหัวหน้าหน่วยงาน: " if level == 2 else ""
    return (
        f"⏰ แจ้งเตือนครั้งที่ {level} {who}{badge}เรื่อง {c.reference} ({c.category_name}) "
        f"{overdue} กรุณา{_ACTION_TH[item.stage]}\nสถานที่: {_place(c)}"
    )[:5000]


def _due_items(now: dt.datetime) -> list[_Due]:
    # Lock (PostgreSQL) and read the candidates first, then what was sent: a sweep that
    # committed meanwhile is then visible here (READ COMMITTED reads afresh per statement).
    candidates = [(stage, case, due_at) for stage in STAGES for case, due_at in _overdue_query(stage, now)]
    sent = _already_sent(now)
    calendar: WorkingCalendar | None = None
    offsets: dict[int, list[int]] = {}
    items: list[_Due] = []
    for stage, case, due_at in candidates:
        if case.category_id not in offsets:
            category = Category(is_best=case.category_is_best, reminder_offsets_minutes=case.offsets_raw)
            offsets[case.category_id] = category.reminder_offsets[:ESCALATION_LEVEL]
        best = case.category_is_best
        levels = []
        for level, minutes in enumerate(offsets[case.category_id], start=1):
            if (case.pk, stage, level) in sent:
                continue
            if not best and calendar is None:
                calendar = WorkingCalendar()
            if _fire_at(due_at, minutes, best=best, calendar=calendar) <= now:
                levels.append(level)
        if levels:
            items.append(_Due(case, stage, due_at, levels))
    return items


# --- the centre's dispatch clock (rules.DISPATCH): reminders of a case, not of an assignment ---

_CASE_FIELDS_DISPATCH = (
    "pk",
    "reference",
    "is_best",
    "category__name_th",
    "category__is_best",
    "category__reminder_offsets_minutes",
    "dispatch_due_at",
)


def _insert_case_reminders(
    rows: list[tuple[int, int, dt.datetime, list[str]]], now: dt.datetime
) -> set[tuple[int, int]]:
    """(complaint, level) rows of the dispatch stage, inserted at most once (the partial unique
    constraint `one_case_reminder_per_level`); returns the keys this call inserted. Few rows:
    overdue dispatches are a handful at a time, so one VALUES list per 1,000."""
    table = Reminder._meta.db_table
    recipients_field = Reminder._meta.get_field("recipients")
    adapt = connection.ops.adapt_datetimefield_value
    inserted: set[tuple[int, int]] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[start : start + INSERT_CHUNK]
            values, params = [], []
            for complaint_id, level, due_at, recipients in chunk:
                values.append("(%s, %s, %s, %s, %s, %s)")
                params += [
                    complaint_id,
                    rules.DISPATCH.stage,
                    level,
                    adapt(due_at),
                    adapt(now),
                    recipients_field.get_db_prep_value(recipients, connection),
                ]
            cursor.execute(
                f"INSERT INTO {table} (complaint_id, stage, level, due_at, created_at, recipients) "  # noqa: S608
                f"VALUES {', '.join(values)} "
                "ON CONFLICT (complaint_id, stage, level) WHERE assignment_id IS NULL DO NOTHING "
                "RETURNING complaint_id, level",
                params,
            )
            inserted |= {(c, int(lv)) for c, lv in cursor.fetchall()}
    return inserted


def _dispatch_text(reference: str, category: str, is_best: bool, due_at: dt.datetime, level: int) -> str:
    badge = "🔴 BEST " if is_best else ""
    head = "🚨 ยกระดับ" if level >= ESCALATION_LEVEL else f"⏰ ศูนย์ฯ แจ้งเตือนครั้งที่ {level}"
    return (
        f"{head}: {badge}เรื่อง {reference} ({category}) ยังไม่ได้ส่งต่อหน่วยงาน "
        f"เลยกำหนดส่งต่อ ({_thai_minute(due_at)}) กรุณา{_ACTION_TH[ST.DISPATCH]}"
    )[:5000]


def _sweep_dispatch(now: dt.datetime, result: SweepResult) -> None:
    """Remind the centre (its LINE group, C1555) of cases it has not dispatched in time.
    Every level goes to the centre, which owes the stage; level 3 is marked an escalation."""
    rule = rules.DISPATCH
    qs = Complaint.objects.filter(rule.q(now), **{f"{rule.due_field}__gt": _horizon(now)})
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    candidates = list(qs.values_list(*_CASE_FIELDS_DISPATCH))
    if not candidates:
        return
    sent = set(
        Reminder.objects.filter(
            rule.q(now, prefix="complaint__"), stage=rule.stage, assignment__isnull=True
        ).values_list("complaint_id", "level")
    )
    centre = Agency.objects.filter(code=CENTRE_CODE).only("id", "line_group_id").first()
    group = [centre.line_group_id] if centre and centre.line_group_id else []
    calendar = WorkingCalendar()
    due: list[tuple] = []
    for pk, reference, is_best, name, category_best, offsets_raw, due_at in candidates:
        offsets = Category(is_best=category_best, reminder_offsets_minutes=offsets_raw).reminder_offsets
        for level, minutes in enumerate(offsets[:ESCALATION_LEVEL], start=1):
            if (pk, level) not in sent and _fire_at(due_at, minutes, best=category_best, calendar=calendar) <= now:
                due.append((pk, reference, is_best, name, due_at, level))
    if not due:
        return
    inserted = _insert_case_reminders([(d[0], d[5], d[4], group) for d in due], now)
    notices, timeline = [], []
    for pk, reference, is_best, name, due_at, level in due:
        if (pk, level) not in inserted:
            continue  # another sweep got there first
        text = _dispatch_text(reference, name, is_best, due_at, level)
        escalation = level >= ESCALATION_LEVEL
        if group:
            notices.append(
                notify.OverdueNotice(
                    assignment_id=None,
                    reference=reference,
                    agency_id=centre.pk,
                    stage=rule.stage,
                    level=level,
                    escalation=escalation,
                    text=text,
                    recipients=tuple(group),
                    centre=True,
                )
            )
        timeline.append(
            {
                "complaint_id": pk,
                "assignment_id": None,
                "kind": TimelineEntry.Kind.ESCALATED if escalation else TimelineEntry.Kind.REMINDER,
                "text": text,
                "data": {"stage": rule.stage, "level": level, "recipients": len(group), "unreachable": False},
                "created_at": now,
            }
        )
        result.reminders += 1
        result.levels[level] = result.levels.get(level, 0) + 1
    insert_rows(TimelineEntry, timeline)
    notify.overdue(notices)
    result.messages += len(notices)


@transaction.atomic
def sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Send every reminder level that has come due and was not sent yet. Safe to run concurrently."""
    now = now or timezone.now()
    result = SweepResult()
    _sweep_dispatch(now, result)
    items = _due_items(now)
    if not items:
        return result
    audiences = _Audiences({i.case.agency_id: i.case.agency_group for i in items})

    # Decide each row's recipients; an unreachable agency jumps to the centre at once.
    planned: list[Reminder] = []
    unreachable: set[tuple[int, str]] = set()
    for item in items:
        a = item.case
        levels = item.levels
        if STAGES[item.stage].owner == "agency" and not audiences.agency(a.agency_id):
            unreachable.add((a.pk, item.stage))
            levels = sorted({*levels, *range(1, ESCALATION_LEVEL + 1)})
            item.levels = levels
        for level in levels:
            planned.append(
                Reminder(
                    assignment_id=a.pk,
                    stage=item.stage,
                    level=level,
                    due_at=item.due_at,
                    created_at=now,
                    recipients=audiences.for_stage(a.agency_id, item.stage, level),
                )
            )
    inserted = _insert_new(planned)

    notices: list[notify.OverdueNotice] = []
    timeline: list[dict] = []
    raised: dict[int, set[int]] = defaultdict(set)
    for item in items:
        a = item.case
        mine = [lv for lv in item.levels if (a.pk, item.stage, lv) in inserted]
        if not mine:
            continue  # another sweep got there first
        is_unreachable = (a.pk, item.stage) in unreachable
        # A jump straight to the centre sends only the centre's message, not three.
        to_send = [max(mine)] if is_unreachable else mine
        for level in to_send:
            escalation = level >= ESCALATION_LEVEL
            recipients = audiences.for_stage(a.agency_id, item.stage, level)
            text = _text(item, level, unreachable=is_unreachable)
            if recipients:
                notices.append(
                    notify.OverdueNotice(
                        assignment_id=a.pk,
                        reference=a.reference,
                        agency_id=(
                            audiences.centre.pk
                            if (escalation or STAGES[item.stage].owner == "centre") and audiences.centre
                            else a.agency_id
                        ),
                        stage=item.stage,
                        level=level,
                        escalation=escalation,
                        text=text,
                        recipients=tuple(recipients),
                        centre=STAGES[item.stage].owner == "centre",
                    )
                )
            timeline.append(
                {
                    "complaint_id": a.complaint_id,
                    "assignment_id": a.pk,
                    "kind": TimelineEntry.Kind.ESCALATED if escalation else TimelineEntry.Kind.REMINDER,
                    "text": text,
                    "data": {
                        "stage": item.stage,
                        "level": level,
                        "recipients": len(recipients),
                        "unreachable": is_unreachable,
                    },
                    "created_at": now,
                }
            )
            result.levels[level] = result.levels.get(level, 0) + 1
        result.reminders += len(mine)
        raised[max(mine)].add(a.pk)

    insert_rows(TimelineEntry, timeline)
    notify.overdue(notices)
    result.messages += len(notices)
    for level, ids in raised.items():
        _raise_level(level, ids)
    result.escalated = len(raised.get(ESCALATION_LEVEL, ()))
    if result.reminders:
        log.info(
            "Reminder sweep: %s reminder(s), %s message(s), %s escalated",
            result.reminders,
            result.messages,
            result.escalated,
        )
    return result
