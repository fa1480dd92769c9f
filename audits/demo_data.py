"""Demo data of the field audits: one auditor (the centre's field staff, on LINE) and one case
accepted live as fixed and drawn for audit, so its audit card arrives in the simulator. Audits
drawn earlier in the history, before there was an auditor, go through the waiting-audit sweep:
recent ones are assigned to the auditor, old ones lapse with their reason."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.test import override_settings

from agencies.models import Coordinator
from complaints import workflow
from complaints.models import Assignment
from complaints.rules import AssignmentStatus

from . import assign
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
    with transaction.atomic():
        swept = assign.sweep()
    if stdout is not None and audit is not None:
        stdout.write(
            f"Field audits: {resolved.complaint.reference} drawn for {coordinator.name}; earlier audits without "
            f"an auditor: {swept['assigned']} assigned, {swept['lapsed']} lapsed"
        )


def links(stdout) -> None:
    """The newest audit waiting for its auditor: its card in the simulator, and its form."""
    audit = (
        FieldAudit.objects.filter(status=FieldAudit.Status.PENDING, auditor__isnull=False)
        .select_related("complaint", "auditor__coordinator")
        .order_by("-created_at")
        .first()
    )
    if audit is None:
        return
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    coordinator = audit.auditor.coordinator
    stdout.write(
        f"Field audit card for {coordinator.name} ({audit.complaint.reference}) in the LINE simulator: "
        f"{base}/line/simulator/?c={coordinator.pk} — tap แก้ไขจริง / ไม่พบการแก้ไข, then send the position and "
        f"a photo; or the form {audit.url}"
    )
