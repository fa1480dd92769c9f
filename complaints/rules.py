"""The case's rules, each written once: the states, which action is allowed in which
state (the transition table), what "live" work is, and when a stage is overdue.

This module imports nothing of the project: the models build their partial indexes
from it, the workflow checks transitions with it, and the sweep, the console, the API
and the reports all filter "overdue" through `overdue_q` — so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AssignmentStatus(models.TextChoices):
    DISPATCHED = "dispatched", _("ส่งต่อแล้ว รอรับเรื่อง")
    ACKNOWLEDGED = "acknowledged", _("รับเรื่องแล้ว")
    IN_PROGRESS = "in_progress", _("กำลังดำเนินการ")
    MADE_SAFE = "made_safe", _("ทำให้ปลอดภัยแล้ว")
    RESOLVED = "resolved", _("แก้ไขเสร็จ รอตรวจสอบ")
    VERIFIED = "verified", _("ตรวจสอบแล้ว")
    REJECTED = "rejected", _("ไม่ใช่หน่วยงานนี้")
    CANCELLED = "cancelled", _("ยกเลิก")


class Stage(models.TextChoices):
    """The SLA stages: the centre's dispatch (of the case), three the agency owes (of each
    assignment), and the centre's review."""

    DISPATCH = "dispatch", _("ส่งต่อหน่วยงาน")
    ACKNOWLEDGE = "ack", _("รับเรื่อง")
    MAKE_SAFE = "safe", _("ทำให้ปลอดภัย")
    RESOLVE = "resolve", _("แก้ไขเสร็จ")
    REVIEW = "review", _("ตรวจสอบผล")


class Outcome(models.TextChoices):
    """How a case ended (exactly one). Only FIXED counts as fixed in any figure; PLANNED is
    not an end: the case stays tracked until the planned date's result."""

    FIXED = "fixed", _("แก้ไขแล้ว")
    PLANNED = "planned", _("ทำให้ปลอดภัยแล้ว รอแก้ไขถาวร")
    OUTSIDE = "outside", _("ส่งต่อนอกสังกัด กทม.")
    DUPLICATE = "duplicate", _("เรื่องซ้ำ")
    NO_ACTION = "no_action", _("ไม่ต้องดำเนินการ")
    WITHDRAWN = "withdrawn", _("ผู้ร้องขอยกเลิก")
    CANCELLED = "cancelled", _("ยกเลิก")


class PlanReason(models.TextChoices):
    BUDGET = "budget", _("รองบประมาณ")
    PROCUREMENT = "procurement", _("อยู่ระหว่างจัดซื้อจัดจ้าง")
    OTHER_BODY = "other_body", _("รองานของหน่วยงานอื่น")
    SEASON = "season", _("รอฤดูกาลที่เหมาะสม")
    OTHER = "other", _("อื่น ๆ")


S = AssignmentStatus

# Work the agency still owes; "live" work is everything that has not left the case sideways.
OPEN = (S.DISPATCHED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.MADE_SAFE)
ENDED_SIDEWAYS = (S.REJECTED, S.CANCELLED)
LIVE = (*OPEN, S.RESOLVED, S.VERIFIED)


def live_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": LIVE})


# --- the transition table -------------------------------------------------------------
# action → the assignment statuses in which it may happen. Every workflow function that
# moves an assignment checks this table, and the admin, the simulator and LINE's quick
# replies ask `allowed()` before they offer a button.

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "acknowledge": (S.DISPATCHED,),
    "progress": (S.DISPATCHED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.MADE_SAFE),
    "made_safe": (S.ACKNOWLEDGED, S.IN_PROGRESS),
    "resolve": (S.ACKNOWLEDGED, S.IN_PROGRESS, S.MADE_SAFE),
    "reject": (S.DISPATCHED, S.ACKNOWLEDGED, S.IN_PROGRESS),
    "report": (S.DISPATCHED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.MADE_SAFE),  # open a report context / form
    "verify": (S.RESOLVED,),
    "send_back": (S.RESOLVED,),
    "plan": (S.ACKNOWLEDGED, S.IN_PROGRESS, S.MADE_SAFE, S.RESOLVED),
    "reopen": (S.RESOLVED, S.VERIFIED),
    "cancel": OPEN,
    "reroute": (*OPEN, S.REJECTED, S.CANCELLED),
}
# Who may take each action: the agency that holds the assignment, the centre, or both.
AGENCY_ACTIONS = frozenset({"acknowledge", "progress", "made_safe", "resolve", "reject", "report"})
CENTRE_ACTIONS = frozenset(
    {"verify", "send_back", "plan", "reopen", "cancel", "reroute", "acknowledge", "progress", "made_safe", "resolve"}
)

# Complaint statuses in which the case is over: nothing may be dispatched, closed or cancelled.
FINAL_COMPLAINT = ("cancelled", "duplicate")
ENDED_COMPLAINT = (*FINAL_COMPLAINT, "closed")


def status_allows(action: str, status: str) -> bool:
    return status in TRANSITIONS[action]


# --- the overdue rule -------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueRule:
    stage: str
    statuses: tuple[str, ...]  # the assignment states in which the stage is still owed
    due_field: str  # the deadline column
    owner: str = "agency"  # who owes it: the agency, or the centre (review); reminders go there

    def owed_q(self, prefix: str = "") -> Q:
        """Owing this stage (the partial index's condition)."""
        return Q(**{f"{prefix}status__in": list(self.statuses), f"{prefix}{self.due_field}__isnull": False})

    def q(self, now: dt.datetime, prefix: str = "") -> Q:
        """Owing this stage at or past its deadline: at the deadline the stage is due, and
        the first reminder fires (the sweep, the console and the reports agree on this)."""
        return self.owed_q(prefix) & Q(**{f"{prefix}{self.due_field}__lte": now})

    def is_overdue(self, assignment, now: dt.datetime) -> bool:
        due = getattr(assignment, self.due_field)
        return assignment.status in self.statuses and due is not None and due <= now


OVERDUE: dict[str, OverdueRule] = {
    Stage.ACKNOWLEDGE: OverdueRule(Stage.ACKNOWLEDGE, (S.DISPATCHED,), "ack_due_at"),
    Stage.MAKE_SAFE: OverdueRule(Stage.MAKE_SAFE, (S.ACKNOWLEDGED, S.IN_PROGRESS), "safe_due_at"),
    Stage.RESOLVE: OverdueRule(Stage.RESOLVE, OPEN, "resolve_due_at"),
    Stage.REVIEW: OverdueRule(Stage.REVIEW, (S.RESOLVED,), "review_due_at", owner="centre"),
}


def overdue_q(now: dt.datetime, stage: str | None = None, prefix: str = "", owner: str | None = None) -> Q:
    """Assignments past the deadline of one stage, or of any stage (of one owner, "agency" or
    "centre", when given) when `stage` is None."""
    if stage is not None:
        return OVERDUE[stage].q(now, prefix)
    q = Q()
    for rule in OVERDUE.values():
        if owner is None or rule.owner == owner:
            q |= rule.q(now, prefix)
    return q


@dataclass(frozen=True)
class CaseOverdueRule:
    """A stage the centre owes on the case itself, before any assignment exists: the
    dispatch clock. Owed while the case is waiting (`statuses`) and `done_field` is unset."""

    stage: str
    statuses: tuple[str, ...]  # complaint statuses
    due_field: str
    done_field: str
    owner: str = "centre"

    def owed_q(self, prefix: str = "") -> Q:
        return Q(
            **{
                f"{prefix}status__in": list(self.statuses),
                f"{prefix}{self.done_field}__isnull": True,
                f"{prefix}{self.due_field}__isnull": False,
            }
        )

    def q(self, now: dt.datetime, prefix: str = "") -> Q:
        return self.owed_q(prefix) & Q(**{f"{prefix}{self.due_field}__lte": now})

    def is_overdue(self, complaint, now: dt.datetime) -> bool:
        due = getattr(complaint, self.due_field)
        return (
            complaint.status in self.statuses
            and getattr(complaint, self.done_field) is None
            and due is not None
            and due <= now
        )


# The centre's own clock: from receipt to the first dispatch. Deadlines come from the
# category (Category.dispatch_minutes: BEST 10 minutes on the wall clock, others one working
# hour); a case re-routed after a rejection is the console's "waiting for re-route" queue.
DISPATCH = CaseOverdueRule(Stage.DISPATCH, ("new",), "dispatch_due_at", "first_dispatched_at")


def overdue_stages(assignment, now: dt.datetime) -> list[str]:
    """The same rule on an assignment already in memory (the console's column)."""
    return [stage for stage, rule in OVERDUE.items() if rule.is_overdue(assignment, now)]
