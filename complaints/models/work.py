"""An agency's share of a case: the assignment, its deadlines and how it ends."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Coordinator

from .. import rules
from .case import Complaint


class AssignmentQuerySet(models.QuerySet):
    def live(self):
        """Work that has not left the case sideways (rejected or cancelled)."""
        return self.filter(rules.live_q())

    def open(self):
        return self.filter(status__in=rules.OPEN)

    def overdue(self, now, stage: str | None = None):
        return self.filter(rules.overdue_q(now, stage))


class Assignment(models.Model):
    """One complaint handed to one agency, with its SLA deadlines."""

    Status = rules.AssignmentStatus

    class Channel(models.TextChoices):
        LINE = "line", _("LINE")
        RADIO = "radio", _("วิทยุ")
        PHONE = "phone", _("โทรศัพท์")
        FAX = "fax", _("โทรสาร")

    OPEN_STATUSES = rules.OPEN
    ACTIVE_STATUSES = rules.LIVE

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("เรื่อง")
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("หน่วยงาน"))
    status = models.CharField(_("สถานะ"), max_length=12, choices=Status.choices, default=Status.DISPATCHED)
    channel = models.CharField(_("ช่องทางประสาน"), max_length=8, choices=Channel.choices, default=Channel.LINE)
    dispatched_at = models.DateTimeField(_("ส่งต่อเมื่อ"))
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ส่งต่อโดย"),
    )
    ack_due_at = models.DateTimeField(_("กำหนดรับเรื่อง"), null=True, blank=True)
    safe_due_at = models.DateTimeField(_("กำหนดทำให้ปลอดภัย"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("กำหนดแก้ไขเสร็จ"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("รับเรื่องเมื่อ"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        Coordinator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("รับเรื่องโดย"),
    )
    acknowledged_by_name = models.CharField(_("ชื่อผู้รับเรื่อง"), max_length=200, blank=True)
    made_safe_at = models.DateTimeField(_("ทำให้ปลอดภัยเมื่อ"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("แก้ไขเสร็จเมื่อ"), null=True, blank=True)
    first_resolved_at = models.DateTimeField(_("แก้ไขเสร็จครั้งแรกเมื่อ"), null=True, blank=True)
    verified_at = models.DateTimeField(_("ตรวจสอบเมื่อ"), null=True, blank=True)
    closed_at = models.DateTimeField(_("สิ้นสุดเมื่อ"), null=True, blank=True, help_text=_("ปฏิเสธหรือยกเลิก"))
    result_note = models.TextField(_("ผลการดำเนินการ"), blank=True)
    reject_reason = models.TextField(_("เหตุผลที่ไม่ใช่หน่วยงานนี้"), blank=True)
    rerouted_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ส่งต่อใหม่ไปยัง")
    )
    reopen_count = models.PositiveSmallIntegerField(_("จำนวนครั้งที่เปิดใหม่"), default=0)
    review_due_at = models.DateTimeField(_("กำหนดศูนย์ฯ ตรวจสอบผล"), null=True, blank=True)
    sent_back_count = models.PositiveSmallIntegerField(_("จำนวนครั้งที่ส่งกลับแก้ไข"), default=0)
    # When the current round of work began (a send-back or reopen): its result photos are the ones under review.
    rework_since = models.DateTimeField(_("เริ่มแก้ไขรอบปัจจุบันเมื่อ"), null=True, blank=True)
    # A permanent fix planned after making safe: the resolve deadline becomes the planned date.
    PlanReason = rules.PlanReason
    planned_for = models.DateField(_("กำหนดแก้ไขถาวร"), null=True, blank=True)
    plan_reason = models.CharField(_("เหตุที่ต้องรอ"), max_length=12, choices=PlanReason.choices, blank=True)
    plan_note = models.TextField(_("แผนการแก้ไขถาวร"), blank=True)
    # The fake-fix guard's flags about the result report itself, not a photo (e.g. "too_fast"):
    # judged when the agency resolves, kept until the next resolve (complaints/guard.py).
    report_flags = models.JSONField(_("ข้อสังเกตของรายงานผล"), default=list, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("ระดับการแจ้งเตือนล่าสุด"), default=0, help_text=_("0 = ยังไม่เกินกำหนด, 3 = ยกระดับถึงศูนย์ฯ")
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ("dispatched_at", "id")
        verbose_name = _("การส่งต่อหน่วยงาน")
        verbose_name_plural = _("การส่งต่อหน่วยงาน")
        constraints = [
            # At most one live assignment per complaint and agency: two officers
            # dispatching the same case at once cannot both create one.
            models.UniqueConstraint(
                fields=["complaint", "agency"],
                condition=~Q(status__in=list(rules.ENDED_SIDEWAYS)),
                name="one_live_assignment_per_agency",
            )
        ]
        indexes = [
            models.Index(fields=["agency", "status"], name="assignment_agency_status_idx"),
            models.Index(fields=["status", "dispatched_at"], name="assignment_status_idx"),
            # The sweep's and the console's overdue queries, one partial index per stage, built
            # from the same rule the queries use (rules.OVERDUE).
            *(
                models.Index(fields=[rule.due_field], name=f"assignment_{name}_due_idx", condition=rule.owed_q())
                for name, rule in rules.OVERDUE.items()
            ),
            # The centre's review queue, oldest result first (complaints/admin_review.py).
            models.Index(
                fields=["resolved_at", "id"],
                name="assignment_review_queue_idx",
                condition=Q(status__in=list(rules.OVERDUE[rules.Stage.REVIEW].statuses)),
            ),
            # The console's "escalated to the centre" queue.
            models.Index(
                fields=["dispatched_at"],
                name="assignment_escalated_idx",
                condition=Q(escalation_level__gte=3, status__in=list(rules.OPEN)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}→{self.agency_id} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in rules.OPEN

    @property
    def is_live(self) -> bool:
        return self.status in rules.LIVE


class ReviewQueue(Assignment):
    """The results awaiting the centre's review (รอตรวจสอบผล): a second admin over the
    assignments, so the queue has its own page in the console and its own list."""

    class Meta:
        proxy = True
        verbose_name = _("ผลที่รอตรวจสอบ")
        verbose_name_plural = _("รอตรวจสอบผล")
