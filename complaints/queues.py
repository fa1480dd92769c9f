"""The shift's work queues: what an officer must do next, each oldest first.

One definition per queue, used by the console's home (a capped count and the oldest
items) and by the complaint list's `?queue=` filter (the full list), so the two cannot
disagree. Every queue reads an index whose condition is the queue's own (the partial
deadline indexes of rules.OVERDUE and rules.DISPATCH, the escalation index, the status
index), and the home never counts past CAP: at a million complaints the page costs one
short indexed query per queue whatever the backlog.

The queues of a channel (unread LINE messages, cards LINE did not deliver) live with the
channel (line_oa/queues.py); the composition root (bkk1555/console.py) shows both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Coordinator

from . import rules
from .models import Assignment, Complaint, Photo

A = Assignment.Status
CAP = 200  # counts stop here: "200+" — an exact count of a big backlog would scan it
SHOWN = 5  # the oldest items on the home


@dataclass(frozen=True)
class Queue:
    key: str
    title: object  # lazy Thai
    model: type  # Complaint or Assignment
    where: Callable[[dt.datetime], Q]
    oldest_first: tuple[str, ...]
    since_field: str  # what "waited since" means for this queue
    urgent: bool = False  # announced on the page when a new item arrives
    annotate: Callable[[], dict] | None = None

    def queryset(self, now: dt.datetime) -> QuerySet:
        qs = self.model.objects.filter(self.where(now)).order_by(*self.oldest_first)
        if self.annotate:
            qs = qs.annotate(**self.annotate())
        return qs

    def complaint_q(self, now: dt.datetime) -> Q:
        """The queue as a condition on complaints (the console list's filter). Directly on the
        complaint, not `id IN (…)`: PostgreSQL would walk the whole list's order to find the few
        rows of a short queue (1.2 s at a million complaints for an empty one)."""
        if self.model is Complaint:
            return self.where(now)
        return Q(Exists(Assignment.objects.filter(self.where(now), complaint=OuterRef("pk"))))


def _flagged():
    """A result photo the fake-fix guard marked (reused, no location, far from the site …)."""
    return {
        "flagged": Exists(Photo.objects.filter(assignment=OuterRef("pk"), stage=Photo.Stage.AFTER).exclude(flags=[]))
    }


def _stage(stage: str) -> Queue:
    rule = rules.OVERDUE[stage]
    titles = {
        rules.Stage.ACKNOWLEDGE: _("เกินกำหนดรับเรื่อง"),
        rules.Stage.MAKE_SAFE: _("เกินกำหนดทำให้ปลอดภัย"),
        rules.Stage.RESOLVE: _("เกินกำหนดแก้ไขเสร็จ"),
    }
    return Queue(
        key=f"overdue_{stage}",
        title=titles[stage],
        model=Assignment,
        where=lambda now: rule.q(now),
        oldest_first=(rule.due_field, "id"),
        since_field=rule.due_field,
    )


QUEUES: dict[str, Queue] = {
    q.key: q
    for q in (
        Queue(
            key="best_waiting",
            title=_("BEST รอส่งต่อ"),
            model=Complaint,
            where=lambda now: rules.DISPATCH.owed_q() & Q(is_best=True),
            oldest_first=("dispatch_due_at", "id"),
            since_field="received_at",
            urgent=True,
        ),
        Queue(
            key="dispatch_overdue",
            title=_("เกินกำหนดส่งต่อหน่วยงาน (ศูนย์ฯ)"),
            model=Complaint,
            where=lambda now: rules.DISPATCH.q(now),
            oldest_first=("dispatch_due_at", "id"),
            since_field="received_at",
        ),
        _stage(rules.Stage.ACKNOWLEDGE),
        _stage(rules.Stage.MAKE_SAFE),
        _stage(rules.Stage.RESOLVE),
        Queue(
            key="reroute",
            title=_("หน่วยงานปฏิเสธ รอส่งต่อใหม่"),
            model=Complaint,
            # Dispatched once and now without live work: every agency said "not ours" (or was called off).
            where=lambda now: Q(status=Complaint.Status.NEW, first_dispatched_at__isnull=False),
            oldest_first=("received_at", "id"),
            since_field="received_at",
        ),
        Queue(
            key="review",
            title=_("ผลรอตรวจสอบ"),
            model=Assignment,
            where=lambda now: Q(status=A.RESOLVED),
            oldest_first=("resolved_at", "id"),
            since_field="resolved_at",
            annotate=_flagged,
        ),
        Queue(
            key="escalated",
            title=_("ยกระดับถึงศูนย์ฯ (ระดับ 3)"),
            model=Assignment,
            # The condition of the partial index assignment_escalated_idx.
            where=lambda now: Q(escalation_level__gte=3, status__in=list(rules.OPEN)),
            oldest_first=("dispatched_at", "id"),
            since_field="dispatched_at",
            urgent=True,
        ),
    )
}

_ROW_FIELDS = {
    Complaint: ("pk", "pk", "reference", "is_best", "category__name_th", "dispatch_due_at"),
    Assignment: (
        "pk",
        "complaint_id",
        "complaint__reference",
        "complaint__is_best",
        "complaint__category__name_th",
        "agency__abbr_th",
    ),
}


@dataclass
class QueueItem:
    pk: int
    complaint_id: int
    reference: str
    is_best: bool
    category: str
    agency: str | None
    since: dt.datetime
    flagged: bool = False
    late: bool = False


@dataclass
class QueueView:
    queue: Queue
    count: int
    capped: bool
    items: list[QueueItem]
    ids: list[int]  # every id read (up to CAP + 1): the page announces ids it had not seen


def read(queue: Queue, now: dt.datetime) -> QueueView:
    """One query: up to CAP + 1 rows oldest first, which give the capped count and the oldest items."""
    fields = list(_ROW_FIELDS[queue.model])
    extra = [queue.since_field] + (["flagged"] if queue.annotate else [])
    rows = list(queue.queryset(now).values_list(*fields, *extra)[: CAP + 1])
    items = []
    for row in rows[:SHOWN]:
        pk, complaint_id, reference, best, category, last = row[:6]
        since = row[6]
        if queue.model is Complaint:
            agency, late = None, last is not None and last <= now  # last: the dispatch deadline
        else:
            agency, late = last, queue.key.startswith("overdue_") or queue.key == "escalated"
        items.append(
            QueueItem(
                pk=pk,
                complaint_id=complaint_id,
                reference=reference,
                is_best=best,
                category=category,
                agency=agency,
                since=since,
                flagged=bool(row[7]) if queue.annotate else False,
                late=late,
            )
        )
    return QueueView(
        queue=queue, count=min(len(rows), CAP), capped=len(rows) > CAP, items=items, ids=[r[0] for r in rows]
    )


def unreachable_agencies_with_open_work(limit: int = CAP + 1) -> list:
    """Agencies with open work that nobody can be reached at over LINE (no bound group, no
    reachable coordinator): one query over the small agency table, open work by EXISTS on
    (agency, status)."""
    return list(
        Agency.objects.filter(is_active=True, line_group_id__isnull=True)
        .filter(~Exists(Coordinator.objects.reachable().filter(agency=OuterRef("pk"))))
        .filter(Exists(Assignment.objects.filter(agency=OuterRef("pk"), status__in=list(rules.OPEN))))
        .order_by("kind", "code")
        .values_list("pk", "name_th", "abbr_th")[:limit]
    )
