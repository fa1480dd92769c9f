"""Field audits listen on the domain's port: when a case ends as fixed, the sampler draws, and a
selected case gets an audit with an auditor and a LINE card — all in the workflow's transaction."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from complaints import notify, rules
from complaints.models import Complaint
from line_oa.models import OutboxMessage
from line_oa.outbox import enqueue

from . import cards, sampler
from .models import AuditDraw, Auditor, FieldAudit


def choose_auditor(agency_ids: set[int]) -> Auditor | None:
    """An active, reachable auditor of no agency that did the work; the least loaded first."""
    return (
        Auditor.objects.filter(is_active=True, coordinator__is_active=True)
        .exclude(coordinator__agency_id__in=agency_ids)
        .exclude(coordinator__line_user_id__isnull=True)
        .exclude(coordinator__line_user_id="")
        .annotate(load=Count("audits", filter=Q(audits__status=FieldAudit.Status.PENDING)))
        .select_related("coordinator")
        .order_by("load", "pk")
        .first()
    )


def send_card(audit: FieldAudit, *, at) -> None:
    """The audit card to its auditor over LINE, through the outbox (in the caller's transaction)."""
    coordinator = audit.auditor.coordinator
    if notify.is_replaying():
        OutboxMessage.objects.create(
            to=[coordinator.line_user_id],
            messages=cards.audit_card(audit),
            purpose=OutboxMessage.Purpose.AUDIT,
            status=OutboxMessage.Status.SENT,
            sent_at=at,
        )
        return
    enqueue(
        to=[coordinator.line_user_id],
        messages=cards.audit_card(audit),
        purpose=OutboxMessage.Purpose.AUDIT,
        agency=coordinator.agency,
    )


def fixed_by(complaint: Complaint) -> list:
    """The verified work of the case, newest first: whose "fixed" an audit checks."""
    return list(
        complaint.assignments.filter(status=rules.AssignmentStatus.VERIFIED)
        .select_related("agency")
        .order_by("-verified_at")
    )


def sample(complaint: Complaint) -> FieldAudit | None:
    now = complaint.closed_at or timezone.now()
    round_ = AuditDraw.objects.filter(complaint=complaint).count() + 1
    rate = sampler.rate_for(complaint)
    value = sampler.draw_value(complaint.reference, round_)
    drawn = AuditDraw.objects.create(
        complaint=complaint, round=round_, draw=value, rate=rate, selected=value < rate, drawn_at=now
    )
    if not drawn.selected:
        return None
    verified = fixed_by(complaint)
    if not verified:
        return None
    auditor = choose_auditor({a.agency_id for a in verified})
    audit = FieldAudit.objects.create(
        complaint=complaint,
        draw=drawn,
        agency=verified[0].agency,
        assignment=verified[0],
        auditor=auditor,
        token=secrets.token_urlsafe(16),
        status=FieldAudit.Status.PENDING if auditor else FieldAudit.Status.NO_AUDITOR,
        closed_at=now,
        due_at=now + dt.timedelta(days=settings.AUDIT_DUE_DAYS),
        assigned_at=now if auditor else None,
    )
    if auditor is not None:
        send_card(audit, at=now)
    return audit


class AuditChannel(notify.Channel):
    def case_ended(self, complaint: Complaint) -> None:
        if complaint.outcome == rules.Outcome.FIXED:
            sample(complaint)
