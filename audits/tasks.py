"""Celery tasks of the field audits. Thin."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from line_oa.models import OutboxMessage
from line_oa.outbox import enqueue

from . import assign
from .models import FieldAudit


@shared_task(name="audits.tasks.assign_waiting_audits", ignore_result=True)
def assign_waiting_audits() -> dict:
    """Give audits that had no auditor to one who is now eligible, or let them lapse (audits/assign.py)."""
    return assign.sweep()


@shared_task(name="audits.tasks.remind_overdue_audits", ignore_result=True)
def remind_overdue_audits() -> int:
    """Once per overdue audit: remind its auditor (the supervisors' list shows it overdue anyway)."""
    now = timezone.now()
    due = FieldAudit.objects.filter(
        status=FieldAudit.Status.PENDING, due_at__lt=now, reminded_at__isnull=True
    ).select_related("auditor__coordinator", "complaint")[:500]
    count = 0
    for audit in due:
        if FieldAudit.objects.filter(pk=audit.pk, reminded_at__isnull=True).update(reminded_at=now) and audit.auditor:
            enqueue(
                to=[audit.auditor.coordinator.line_user_id or ""],
                messages=[
                    {"type": "text", "text": f"เกินกำหนดตรวจสอบภาคสนาม เรื่อง {audit.complaint.reference}\n{audit.url}"}
                ],
                purpose=OutboxMessage.Purpose.AUDIT,
            )
            count += 1
    return count
