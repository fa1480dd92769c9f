"""Audits drawn while no auditor could take them (status `no_auditor`) are not forgotten.

A periodic sweep (audits.tasks.assign_waiting_audits, in bkk1555/celery.py's beat schedule)
gives each one to an eligible auditor as soon as there is one — active, on LINE, and never of
an agency that did the work — with a fresh deadline and the LINE card. An audit nobody could
take within AUDIT_ASSIGN_DAYS of the closure, or whose case is no longer closed as fixed
(reopened meanwhile), lapses with its reason: supervisors see it, the figures do not count it.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import rules

from .channel import choose_auditor, fixed_by, send_card
from .models import FieldAudit

log = logging.getLogger(__name__)
S = FieldAudit.Status


def _lapse(audit: FieldAudit, reason: str) -> bool:
    return bool(
        FieldAudit.objects.filter(pk=audit.pk, status=S.NO_AUDITOR).update(status=S.LAPSED, lapsed_reason=reason[:200])
    )


def sweep(*, now: dt.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Assign or lapse the waiting audits, oldest first. Returns how many of each."""
    now = now or timezone.now()
    limit_days = settings.AUDIT_ASSIGN_DAYS
    done = {"assigned": 0, "lapsed": 0, "waiting": 0}
    waiting = (
        FieldAudit.objects.filter(status=S.NO_AUDITOR)
        .select_related("complaint", "agency")
        .order_by("created_at")[:limit]
    )
    for audit in waiting:
        with transaction.atomic():
            if audit.complaint.outcome != rules.Outcome.FIXED:
                done["lapsed"] += _lapse(audit, _("เรื่องไม่ได้ปิดว่าแก้ไขแล้วอีกต่อไป (เปิดใหม่หรือเปลี่ยนผล)"))
                continue
            if now - audit.closed_at > dt.timedelta(days=limit_days):
                reason = _("ไม่มีผู้ตรวจที่ไม่ใช่หน่วยงานที่แก้ไขภายใน %(days)s วันหลังปิดเรื่อง") % {"days": limit_days}
                done["lapsed"] += _lapse(audit, reason)
                continue
            agencies = {a.agency_id for a in fixed_by(audit.complaint)} | {audit.agency_id}
            auditor = choose_auditor(agencies)
            if auditor is None:
                done["waiting"] += 1
                continue
            due = now + dt.timedelta(days=settings.AUDIT_DUE_DAYS)
            claimed = FieldAudit.objects.filter(pk=audit.pk, status=S.NO_AUDITOR).update(
                status=S.PENDING, auditor=auditor, assigned_at=now, due_at=due
            )
            if not claimed:  # another sweep took it a moment ago
                continue
            audit.status, audit.auditor, audit.assigned_at, audit.due_at = S.PENDING, auditor, now, due
            send_card(audit, at=now)
            done["assigned"] += 1
    if done["assigned"] or done["lapsed"]:
        log.info("Waiting field audits: %s", done)
    return done
