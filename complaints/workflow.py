"""Every state change of a complaint and its assignments goes through here.

Each function checks the transition, writes the timeline entry, sets deadlines
from the SLA clock and queues outgoing LINE messages (the outbox), all in one
transaction. Rows are locked complaint first, then assignment, so concurrent
changes of one case serialise instead of deadlocking or racing. The admin, the
LINE handlers, the API and the Celery tasks all call these functions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies.models import Agency, Coordinator, District, Subdistrict
from bkk1555.thaidate import be_year, thai_datetime
from line_oa import notify

from .errors import AlreadyAcknowledged, PhotoRequired, TransitionRefused, WorkflowError, WrongAgency
from .models import Assignment, Category, Complaint, Photo, ReferenceCounter, Reminder, TimelineEntry
from .sla import stage_deadlines

Actor = AbstractBaseUser | Coordinator | None
A = Assignment.Status
C = Complaint.Status
K = TimelineEntry.Kind

_FINAL_COMPLAINT = (C.CANCELLED, C.DUPLICATE)
_RANK = {A.DISPATCHED: 0, A.ACKNOWLEDGED: 1, A.IN_PROGRESS: 1, A.MADE_SAFE: 2, A.RESOLVED: 3, A.VERIFIED: 4}
_STATUS_BY_RANK = {0: C.DISPATCHED, 1: C.IN_PROGRESS, 2: C.MADE_SAFE, 3: C.RESOLVED, 4: C.CLOSED}


# --- helpers -------------------------------------------------------------------


def _actor_fields(by: Actor) -> dict:
    if isinstance(by, Coordinator):
        return {"actor_coordinator": by}
    if by is not None and getattr(by, "is_authenticated", False):
        return {"actor_user": by}
    return {}


def actor_name(by: Actor) -> str:
    if isinstance(by, Coordinator):
        return by.name
    if by is not None and getattr(by, "is_authenticated", False):
        return by.get_full_name() or by.get_username()
    return ""


def log(
    *,
    complaint: Complaint,
    kind: str,
    by: Actor = None,
    text: str = "",
    assignment: Assignment | None = None,
    data: dict | None = None,
    at: dt.datetime | None = None,
) -> TimelineEntry:
    """Append one entry to the case's history."""
    return TimelineEntry.objects.create(
        complaint=complaint,
        assignment=assignment,
        kind=kind,
        text=text,
        data=data or {},
        created_at=at or timezone.now(),
        **_actor_fields(by),
    )


def _lock_complaint(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("category").get(pk=complaint.pk)


def _lock_assignment(assignment: Assignment) -> Assignment:
    """Lock the case then the assignment (always in that order) and return fresh rows."""
    complaint = _lock_complaint(assignment.complaint)
    locked = Assignment.objects.select_for_update().select_related("agency").get(pk=assignment.pk)
    locked.complaint = complaint
    return locked


def _refuse(assignment: Assignment, action_th: str, action_en: str) -> TransitionRefused:
    return TransitionRefused(
        f"ไม่สามารถ{action_th}ได้ เพราะเรื่อง {assignment.complaint.reference} ของ "
        f"{assignment.agency.name_th} อยู่ในสถานะ “{assignment.get_status_display()}”",
        f"Cannot {action_en}: case {assignment.complaint.reference} at {assignment.agency.name_en or assignment.agency.code} "
        f"is '{assignment.status}'",
    )


def _require(assignment: Assignment, allowed: Iterable[str], action_th: str, action_en: str) -> None:
    if assignment.status not in tuple(allowed):
        raise _refuse(assignment, action_th, action_en)


def _check_agency(assignment: Assignment, by: Actor) -> None:
    if isinstance(by, Coordinator) and by.agency_id != assignment.agency_id:
        raise WrongAgency(
            f"เรื่อง {assignment.complaint.reference} ไม่ได้ส่งถึง {by.agency.name_th}",
            f"Case {assignment.complaint.reference} was not sent to {by.agency.name_en or by.agency.code}",
        )


def refresh_status(complaint: Complaint, *, at: dt.datetime | None = None) -> Complaint:
    """Derive the complaint's status from its live assignments and save it if it changed."""
    if complaint.status in _FINAL_COMPLAINT:
        return complaint
    statuses = list(
        complaint.assignments.exclude(status__in=(A.REJECTED, A.CANCELLED)).values_list("status", flat=True)
    )
    new = _STATUS_BY_RANK[min(_RANK[s] for s in statuses)] if statuses else C.NEW
    fields = []
    if new != complaint.status:
        complaint.status = new
        fields.append("status")
    closed_at = (at or timezone.now()) if new == C.CLOSED else None
    if (complaint.closed_at is None) != (closed_at is None):
        complaint.closed_at = closed_at
        fields.append("closed_at")
    if fields:
        complaint.save(update_fields=[*fields, "updated_at"])
    return complaint


def normalise_phone(phone: str) -> str:
    """Digits only, +66 written as 0, so the console's phone search is one index prefix match."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]
    return digits


def next_reference(received_at: dt.datetime) -> str:
    """Allocate `<BE year>-<6 digits>`: gapless, because the counter row is locked
    until the complaint's transaction commits (a rollback gives the number back)."""
    year = be_year(timezone.localtime(received_at))
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year_be=year)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(year_be=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{year}-{counter.last_number:06d}"


# --- intake ----------------------------------------------------------------------


@transaction.atomic
def receive(
    *,
    category: Category,
    description: str,
    channel: str = Complaint.Channel.PHONE_1555,
    by: Actor = None,
    received_at: dt.datetime | None = None,
    complainant_name: str = "",
    complainant_phone: str = "",
    address: str = "",
    landmark: str = "",
    district: District | None = None,
    subdistrict: Subdistrict | None = None,
    lat=None,
    lng=None,
    external_ref: str | None = None,
) -> Complaint:
    """Record a new complaint from any channel and give it a reference number."""
    if not description.strip():
        raise WorkflowError("กรุณากรอกรายละเอียดเรื่อง", "A description is required")
    if subdistrict is not None and district is not None and subdistrict.district_id != district.pk:
        raise WorkflowError("แขวงที่เลือกไม่อยู่ในเขตนี้", "The khwaeng is not in that district")
    if subdistrict is not None and district is None:
        district = subdistrict.district
    received_at = received_at or timezone.now()
    complaint = Complaint.objects.create(
        reference=next_reference(received_at),
        channel=channel,
        external_ref=external_ref or None,
        complainant_name=complainant_name,
        complainant_phone=normalise_phone(complainant_phone),
        category=category,
        is_best=category.is_best,
        description=description,
        address=address,
        landmark=landmark,
        district=district,
        subdistrict=subdistrict,
        lat=lat,
        lng=lng,
        received_at=received_at,
        created_by=by if isinstance(by, AbstractBaseUser) else None,
    )
    log(complaint=complaint, kind=K.RECEIVED, by=by, text=complaint.get_channel_display(), at=received_at)
    return complaint


def suggested_agencies(complaint: Complaint) -> list[Agency]:
    """The district office of the complaint's district plus the category's responsible agency."""
    category = complaint.category
    suggestions: list[Agency] = []
    office = (
        Agency.objects.filter(district_id=complaint.district_id, is_active=True).first()
        if complaint.district_id
        else None
    )
    if office and category.responsible_is_district_office:
        suggestions.append(office)
    if category.responsible_agency_id and category.responsible_agency.is_active:
        suggestions.append(category.responsible_agency)
    if office and office not in suggestions:
        suggestions.append(office)
    return suggestions


# --- dispatch ---------------------------------------------------------------------


@transaction.atomic
def dispatch(
    *,
    complaint: Complaint,
    agencies: Iterable[Agency],
    by: Actor,
    channel: str = Assignment.Channel.LINE,
    note: str = "",
    at: dt.datetime | None = None,
) -> list[Assignment]:
    """Hand the complaint to one or more agencies. Agencies that already hold a live
    assignment of it are skipped; if none is new, the dispatch is refused."""
    complaint = _lock_complaint(complaint)
    if complaint.status in (*_FINAL_COMPLAINT, C.CLOSED):
        raise TransitionRefused(
            f"ส่งต่อไม่ได้ เพราะเรื่อง {complaint.reference} อยู่ในสถานะ “{complaint.get_status_display()}”",
            f"Cannot dispatch case {complaint.reference}: it is '{complaint.status}'",
        )
    agencies = list(dict.fromkeys(agencies))
    if not agencies:
        raise WorkflowError("กรุณาเลือกหน่วยงานอย่างน้อยหนึ่งหน่วยงาน", "Choose at least one agency")
    held = set(complaint.assignments.exclude(status__in=(A.REJECTED, A.CANCELLED)).values_list("agency_id", flat=True))
    now = at or timezone.now()
    deadlines = stage_deadlines(complaint.category, now)
    created = []
    for agency in agencies:
        if agency.pk in held:
            continue
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    complaint=complaint,
                    agency=agency,
                    channel=channel,
                    dispatched_at=now,
                    dispatched_by=by if isinstance(by, AbstractBaseUser) else None,
                    **deadlines,
                )
        except IntegrityError:
            continue  # another officer dispatched it to this agency a moment ago
        assignment.complaint = complaint
        created.append(assignment)
        reachable = notify.agency_is_reachable(agency)
        log(
            complaint=complaint,
            kind=K.DISPATCHED,
            by=by,
            assignment=assignment,
            text=note or agency.name_th,
            data={"agency": agency.code, "channel": channel, "line_reachable": reachable},
            at=now,
        )
        if channel == Assignment.Channel.LINE:
            notify.assignment_dispatched(assignment)
    if not created:
        names = ", ".join(a.name_th for a in agencies)
        raise TransitionRefused(
            f"เรื่อง {complaint.reference} ส่งต่อให้ {names} แล้ว",
            f"Case {complaint.reference} is already with {', '.join(a.code for a in agencies)}",
        )
    refresh_status(complaint, at=now)
    return created


# --- the agency's side ---------------------------------------------------------------


@transaction.atomic
def acknowledge(*, assignment: Assignment, by: Actor, name: str = "", at: dt.datetime | None = None) -> Assignment:
    """The agency takes the case (รับเรื่อง). The first acknowledgement wins; a later one
    raises AlreadyAcknowledged naming who was first and when."""
    assignment = _lock_assignment(assignment)
    _check_agency(assignment, by)
    if assignment.acknowledged_at and assignment.status in (
        A.ACKNOWLEDGED,
        A.IN_PROGRESS,
        A.MADE_SAFE,
        A.RESOLVED,
        A.VERIFIED,
    ):
        first = assignment.acknowledged_by_name or "-"
        raise AlreadyAcknowledged(
            f"เรื่อง {assignment.complaint.reference} รับเรื่องแล้วโดย {first} เวลา {thai_datetime(assignment.acknowledged_at)}",
            f"Case {assignment.complaint.reference} was already acknowledged by {first}",
            by_name=first,
            at=assignment.acknowledged_at,
        )
    _require(assignment, (A.DISPATCHED,), "รับเรื่อง", "acknowledge")
    now = at or timezone.now()
    assignment.status = A.ACKNOWLEDGED
    assignment.acknowledged_at = now
    assignment.acknowledged_by = by if isinstance(by, Coordinator) else None
    assignment.acknowledged_by_name = name or actor_name(by)
    assignment.escalation_level = 0  # the stage that was late is done; the next one starts unescalated
    assignment.save(
        update_fields=[
            "status",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledged_by_name",
            "escalation_level",
            "updated_at",
        ]
    )
    log(
        complaint=assignment.complaint,
        kind=K.ACKNOWLEDGED,
        by=by,
        assignment=assignment,
        text=assignment.acknowledged_by_name,
        at=now,
    )
    refresh_status(assignment.complaint, at=now)
    return assignment


@transaction.atomic
def report_progress(*, assignment: Assignment, by: Actor, text: str, at: dt.datetime | None = None) -> TimelineEntry:
    """A progress note from the agency; an acknowledged case moves to in progress.
    A progress report on a case nobody acknowledged yet acknowledges it first."""
    assignment = _lock_assignment(assignment)
    _check_agency(assignment, by)
    _require(
        assignment, (A.DISPATCHED, A.ACKNOWLEDGED, A.IN_PROGRESS, A.MADE_SAFE), "รายงานความคืบหน้า", "report progress"
    )
    now = at or timezone.now()
    if assignment.status == A.DISPATCHED:
        assignment.acknowledged_at = now
        assignment.acknowledged_by = by if isinstance(by, Coordinator) else None
        assignment.acknowledged_by_name = actor_name(by)
        log(
            complaint=assignment.complaint,
            kind=K.ACKNOWLEDGED,
            by=by,
            assignment=assignment,
            text=assignment.acknowledged_by_name,
            at=now,
        )
    if assignment.status in (A.DISPATCHED, A.ACKNOWLEDGED):
        assignment.status = A.IN_PROGRESS
        assignment.escalation_level = 0
        assignment.save(
            update_fields=[
                "status",
                "acknowledged_at",
                "acknowledged_by",
                "acknowledged_by_name",
                "escalation_level",
                "updated_at",
            ]
        )
        refresh_status(assignment.complaint, at=now)
    return log(complaint=assignment.complaint, kind=K.PROGRESS, by=by, assignment=assignment, text=text, at=now)


@transaction.atomic
def mark_made_safe(*, assignment: Assignment, by: Actor, note: str = "", at: dt.datetime | None = None) -> Assignment:
    """The hazard is contained (BEST's second SLA stage), the repair may follow later."""
    assignment = _lock_assignment(assignment)
    _check_agency(assignment, by)
    _require(assignment, (A.ACKNOWLEDGED, A.IN_PROGRESS), "บันทึกว่าทำให้ปลอดภัยแล้ว", "mark made safe")
    now = at or timezone.now()
    assignment.status = A.MADE_SAFE
    assignment.made_safe_at = now
    assignment.escalation_level = 0
    assignment.save(update_fields=["status", "made_safe_at", "escalation_level", "updated_at"])
    log(complaint=assignment.complaint, kind=K.MADE_SAFE, by=by, assignment=assignment, text=note, at=now)
    refresh_status(assignment.complaint, at=now)
    return assignment


@transaction.atomic
def resolve(*, assignment: Assignment, by: Actor, note: str = "", at: dt.datetime | None = None) -> Assignment:
    """The agency reports the work done. A BEST case needs at least one result photo."""
    assignment = _lock_assignment(assignment)
    _check_agency(assignment, by)
    _require(assignment, (A.ACKNOWLEDGED, A.IN_PROGRESS, A.MADE_SAFE), "รายงานผลเสร็จสิ้น", "resolve")
    if assignment.complaint.is_best and not assignment.photos.filter(stage=Photo.Stage.AFTER).exists():
        raise PhotoRequired(
            f"เรื่อง BEST {assignment.complaint.reference} ต้องมีรูปผลการดำเนินการอย่างน้อย 1 รูปก่อนปิดงาน",
            f"BEST case {assignment.complaint.reference} needs at least one result photo before it is resolved",
        )
    now = at or timezone.now()
    assignment.status = A.RESOLVED
    assignment.resolved_at = now
    assignment.first_resolved_at = assignment.first_resolved_at or now
    if note:
        assignment.result_note = note
    assignment.escalation_level = 0
    assignment.save(
        update_fields=["status", "resolved_at", "first_resolved_at", "result_note", "escalation_level", "updated_at"]
    )
    log(complaint=assignment.complaint, kind=K.RESOLVED, by=by, assignment=assignment, text=note, at=now)
    refresh_status(assignment.complaint, at=now)
    return assignment


@transaction.atomic
def reject(*, assignment: Assignment, by: Actor, reason: str, at: dt.datetime | None = None) -> Assignment:
    """The agency says the case is not theirs (ไม่ใช่หน่วยงานนี้), with a reason."""
    if not reason.strip():
        raise WorkflowError("กรุณาระบุเหตุผลที่ไม่ใช่หน่วยงานนี้", "A reason is required")
    assignment = _lock_assignment(assignment)
    _check_agency(assignment, by)
    _require(assignment, (A.DISPATCHED, A.ACKNOWLEDGED, A.IN_PROGRESS), "แจ้งว่าไม่ใช่หน่วยงานนี้", "reject")
    now = at or timezone.now()
    assignment.status = A.REJECTED
    assignment.reject_reason = reason
    assignment.closed_at = now
    assignment.save(update_fields=["status", "reject_reason", "closed_at", "updated_at"])
    log(complaint=assignment.complaint, kind=K.REJECTED, by=by, assignment=assignment, text=reason, at=now)
    refresh_status(assignment.complaint, at=now)
    return assignment


# --- the centre's side ----------------------------------------------------------------


@transaction.atomic
def reroute(
    *,
    assignment: Assignment,
    to_agency: Agency,
    by: Actor,
    reason: str = "",
    channel: str | None = None,
    at: dt.datetime | None = None,
) -> Assignment:
    """Send a case on to another agency: the old assignment ends (rejected or cancelled
    stays as it is), a new one starts with fresh deadlines."""
    assignment = _lock_assignment(assignment)
    if assignment.status in (A.RESOLVED, A.VERIFIED):
        raise _refuse(assignment, "ส่งต่อหน่วยงานใหม่", "re-route")
    if assignment.rerouted_to_id:
        raise TransitionRefused(
            f"การส่งต่อนี้ของเรื่อง {assignment.complaint.reference} ถูกส่งต่อหน่วยงานใหม่ไปแล้ว",
            f"This assignment of {assignment.complaint.reference} was already re-routed",
        )
    now = at or timezone.now()
    if assignment.status not in (A.REJECTED, A.CANCELLED):
        assignment.status = A.CANCELLED
        assignment.closed_at = now
        assignment.save(update_fields=["status", "closed_at", "updated_at"])
        notify.assignment_changed(assignment, "ศูนย์ฯ ส่งต่อเรื่องนี้ให้หน่วยงานอื่นแล้ว ไม่ต้องดำเนินการต่อ")
    [new] = dispatch(
        complaint=assignment.complaint,
        agencies=[to_agency],
        by=by,
        channel=channel or assignment.channel,
        note=reason,
        at=now,
    )
    assignment.rerouted_to = new
    assignment.save(update_fields=["rerouted_to", "updated_at"])
    log(
        complaint=assignment.complaint,
        kind=K.REROUTED,
        by=by,
        assignment=new,
        text=f"{assignment.agency.name_th} → {to_agency.name_th}. {reason}".strip(),
        data={"from": assignment.agency.code, "to": to_agency.code},
        at=now,
    )
    return new


@transaction.atomic
def verify(*, assignment: Assignment, by: Actor, note: str = "", at: dt.datetime | None = None) -> Assignment:
    """The centre checks the agency's result and accepts it."""
    assignment = _lock_assignment(assignment)
    _require(assignment, (A.RESOLVED,), "ตรวจสอบผล", "verify")
    now = at or timezone.now()
    assignment.status = A.VERIFIED
    assignment.verified_at = now
    assignment.save(update_fields=["status", "verified_at", "updated_at"])
    log(complaint=assignment.complaint, kind=K.VERIFIED, by=by, assignment=assignment, text=note, at=now)
    complaint = refresh_status(assignment.complaint, at=now)
    if complaint.status == C.CLOSED:
        log(complaint=complaint, kind=K.CLOSED, by=by, at=now)
    return assignment


@transaction.atomic
def close(*, complaint: Complaint, by: Actor, note: str = "", at: dt.datetime | None = None) -> Complaint:
    """Verify every resolved assignment and close the case. Refused while work is open."""
    complaint = _lock_complaint(complaint)
    if complaint.status in (*_FINAL_COMPLAINT, C.CLOSED):
        raise TransitionRefused(
            f"ปิดเรื่อง {complaint.reference} ไม่ได้ เพราะอยู่ในสถานะ “{complaint.get_status_display()}”",
            f"Cannot close {complaint.reference}: it is '{complaint.status}'",
        )
    live = list(complaint.assignments.exclude(status__in=(A.REJECTED, A.CANCELLED)).select_related("agency"))
    open_ = [a for a in live if a.status in Assignment.OPEN_STATUSES]
    if not live or open_:
        waiting = ", ".join(a.agency.name_th for a in open_) or "-"
        raise TransitionRefused(
            f"ยังปิดเรื่อง {complaint.reference} ไม่ได้ เพราะยังไม่มีผลจาก: {waiting}",
            f"Cannot close {complaint.reference}: no result yet from {', '.join(a.agency.code for a in open_) or 'any agency'}",
        )
    for a in live:
        if a.status == A.RESOLVED:
            a.complaint = complaint
            verify(assignment=a, by=by, note=note, at=at)
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def reopen(
    *,
    complaint: Complaint,
    by: Actor,
    reason: str,
    assignments: Iterable[Assignment] | None = None,
    at: dt.datetime | None = None,
) -> list[Assignment]:
    """Send resolved or verified work back to the agency (e.g. the complainant says it is not fixed).
    The resolve deadline starts again from now."""
    if not reason.strip():
        raise WorkflowError("กรุณาระบุเหตุผลที่เปิดเรื่องใหม่", "A reason is required to reopen")
    complaint = _lock_complaint(complaint)
    if complaint.status in _FINAL_COMPLAINT:
        raise TransitionRefused(
            f"เปิดเรื่อง {complaint.reference} ใหม่ไม่ได้ เพราะอยู่ในสถานะ “{complaint.get_status_display()}”",
            f"Cannot reopen {complaint.reference}: it is '{complaint.status}'",
        )
    qs = complaint.assignments.select_for_update().filter(status__in=(A.RESOLVED, A.VERIFIED)).select_related("agency")
    if assignments is not None:
        qs = qs.filter(pk__in=[a.pk for a in assignments])
    targets = list(qs)
    if not targets:
        raise TransitionRefused(
            f"เรื่อง {complaint.reference} ไม่มีงานที่แก้ไขเสร็จแล้วให้เปิดใหม่",
            f"Case {complaint.reference} has no resolved work to reopen",
        )
    now = at or timezone.now()
    deadlines = stage_deadlines(complaint.category, now)
    for a in targets:
        a.complaint = complaint
        # A hazard already made safe stays safe: only the repair is open again.
        a.status = A.MADE_SAFE if a.made_safe_at else A.IN_PROGRESS
        # The resolve deadline starts again, so its reminders may be sent again (history is in the timeline).
        Reminder.objects.filter(assignment=a, stage=Reminder.Stage.RESOLVE).delete()
        a.resolved_at = None
        a.verified_at = None
        a.resolve_due_at = deadlines["resolve_due_at"]
        a.reopen_count += 1
        a.escalation_level = 0
        a.save(
            update_fields=[
                "status",
                "resolved_at",
                "verified_at",
                "resolve_due_at",
                "reopen_count",
                "escalation_level",
                "updated_at",
            ]
        )
        log(complaint=complaint, kind=K.REOPENED, by=by, assignment=a, text=reason, at=now)
        notify.assignment_changed(a, f"ศูนย์ฯ เปิดเรื่องใหม่: {reason}")
    refresh_status(complaint, at=now)
    return targets


@transaction.atomic
def cancel_assignment(*, assignment: Assignment, by: Actor, reason: str, at: dt.datetime | None = None) -> Assignment:
    assignment = _lock_assignment(assignment)
    _require(assignment, Assignment.OPEN_STATUSES, "ยกเลิกการส่งต่อ", "cancel the assignment")
    now = at or timezone.now()
    assignment.status = A.CANCELLED
    assignment.closed_at = now
    assignment.save(update_fields=["status", "closed_at", "updated_at"])
    log(complaint=assignment.complaint, kind=K.CANCELLED, by=by, assignment=assignment, text=reason, at=now)
    notify.assignment_changed(assignment, f"ศูนย์ฯ ยกเลิกการส่งต่อ: {reason}")
    refresh_status(assignment.complaint, at=now)
    return assignment


def _end_case(
    complaint: Complaint,
    *,
    status: str,
    by: Actor,
    reason: str,
    kind: str,
    data: dict | None = None,
    at: dt.datetime | None = None,
) -> None:
    now = at or timezone.now()
    for a in (
        complaint.assignments.select_for_update().filter(status__in=Assignment.OPEN_STATUSES).select_related("agency")
    ):
        a.complaint = complaint
        a.status = A.CANCELLED
        a.closed_at = now
        a.save(update_fields=["status", "closed_at", "updated_at"])
        notify.assignment_changed(a, f"ศูนย์ฯ ยกเลิกเรื่องนี้แล้ว ไม่ต้องดำเนินการต่อ ({reason})")
    complaint.status = status
    complaint.closed_at = now
    complaint.save(update_fields=["status", "closed_at", "duplicate_of", "updated_at"])
    log(complaint=complaint, kind=kind, by=by, text=reason, data=data, at=now)


@transaction.atomic
def cancel(*, complaint: Complaint, by: Actor, reason: str, at: dt.datetime | None = None) -> Complaint:
    """Cancel the whole case (e.g. the complainant withdrew it); open work is called off."""
    if not reason.strip():
        raise WorkflowError("กรุณาระบุเหตุผลที่ยกเลิก", "A reason is required to cancel")
    complaint = _lock_complaint(complaint)
    if complaint.status in (*_FINAL_COMPLAINT, C.CLOSED):
        raise TransitionRefused(
            f"ยกเลิกเรื่อง {complaint.reference} ไม่ได้ เพราะอยู่ในสถานะ “{complaint.get_status_display()}”",
            f"Cannot cancel {complaint.reference}: it is '{complaint.status}'",
        )
    _end_case(complaint, status=C.CANCELLED, by=by, reason=reason, kind=K.CANCELLED, at=at)
    return complaint


@transaction.atomic
def mark_duplicate(*, complaint: Complaint, of: Complaint, by: Actor, at: dt.datetime | None = None) -> Complaint:
    """Close a case as a duplicate of another; its open work is called off."""
    if complaint.pk == of.pk:
        raise WorkflowError("เรื่องซ้ำกับตัวเองไม่ได้", "A case cannot duplicate itself")
    # Lock both cases in id order, so "A duplicates B" and "B duplicates A" at once cannot both pass.
    locked = {
        c.pk: c for c in Complaint.objects.select_for_update().filter(pk__in=[complaint.pk, of.pk]).order_by("pk")
    }
    complaint, of = locked[complaint.pk], locked[of.pk]
    if of.status == C.CANCELLED:
        raise WorkflowError(
            f"เรื่อง {of.reference} ถูกยกเลิกแล้ว ให้เลือกเรื่องหลักที่ยังดำเนินการอยู่",
            f"{of.reference} is cancelled; choose an original case that is still handled",
        )
    if complaint.status in (*_FINAL_COMPLAINT, C.CLOSED):
        raise TransitionRefused(
            f"ทำเครื่องหมายเรื่องซ้ำไม่ได้ เพราะเรื่อง {complaint.reference} อยู่ในสถานะ “{complaint.get_status_display()}”",
            f"Cannot mark {complaint.reference} as a duplicate: it is '{complaint.status}'",
        )
    if of.duplicate_of_id == complaint.pk or of.status == C.DUPLICATE:
        raise WorkflowError(
            f"เรื่อง {of.reference} เป็นเรื่องซ้ำอยู่แล้ว ให้เลือกเรื่องหลัก",
            f"{of.reference} is itself a duplicate; choose the original case",
        )
    complaint.duplicate_of = of
    _end_case(
        complaint,
        status=C.DUPLICATE,
        by=by,
        reason=f"ซ้ำกับเรื่อง {of.reference}",
        kind=K.DUPLICATE,
        data={"duplicate_of": of.reference},
        at=at,
    )
    log(complaint=of, kind=K.NOTE, by=by, text=f"เรื่อง {complaint.reference} ถูกรวมเป็นเรื่องซ้ำของเรื่องนี้", at=at)
    return complaint


@transaction.atomic
def add_note(
    *,
    complaint: Complaint,
    by: Actor,
    text: str,
    assignment: Assignment | None = None,
    at: dt.datetime | None = None,
) -> TimelineEntry:
    if not text.strip():
        raise WorkflowError("กรุณาพิมพ์ข้อความ", "The note is empty")
    return log(complaint=complaint, kind=K.NOTE, by=by, text=text, assignment=assignment, at=at)
