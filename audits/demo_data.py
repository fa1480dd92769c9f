"""Demo data of the field audits: one auditor (the centre's field staff, on LINE) and one case
accepted live as fixed and drawn for audit, so its audit card arrives in the simulator."""

from __future__ import annotations

from django.db import transaction
from django.test import override_settings

from agencies.models import Coordinator
from complaints import workflow
from complaints.models import Assignment
from complaints.rules import AssignmentStatus

from .models import Auditor, FieldAudit


def seed(stdout=None) -> None:
    resolved = (
        Assignment.objects.filter(status=AssignmentStatus.RESOLVED, complaint__is_best=True)
        .select_related("complaint", "agency")
        .order_by("-resolved_at")
        .first()
    )
    if resolved is None:
        return
    coordinator = (
        Coordinator.objects.reachable()
        .exclude(agency=resolved.agency)
        .filter(line_user_id__startswith="U")
        .order_by("pk")
        .first()
    )
    if coordinator is None:
        return
    auditor, _ = Auditor.objects.get_or_create(coordinator=coordinator)
    with transaction.atomic(), override_settings(AUDIT_RATE_BEST=1.0, AUDIT_RATE_OTHER=1.0):
        workflow.accept(assignment=resolved, by=None, justification="ตรวจสอบรูปแล้ว (ข้อมูลตัวอย่าง)")
    audit = FieldAudit.objects.filter(complaint=resolved.complaint).first()
    if stdout is not None and audit is not None:
        stdout.write(
            f"Field audit: {resolved.complaint.reference} → {coordinator.name} (LINE simulator); form {audit.url}"
        )
