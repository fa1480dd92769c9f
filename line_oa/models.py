import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from complaints.models import Assignment


class OutboxMessage(models.Model):
    """One outgoing LINE push or multicast, written in the transaction that decided it.

    Its `retry_key` is sent as X-Line-Retry-Key on every attempt, so LINE itself
    refuses to deliver it twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("รอส่ง")
        SENDING = "sending", _("กำลังส่ง")
        SENT = "sent", _("ส่งแล้ว")
        FAILED = "failed", _("ส่งไม่สำเร็จ")

    class Purpose(models.TextChoices):
        DISPATCH = "dispatch", _("การ์ดส่งต่อเรื่อง")
        REMINDER = "reminder", _("แจ้งเตือนเกินกำหนด")
        ESCALATION = "escalation", _("ยกระดับ")
        OFFICER_MESSAGE = "officer", _("ข้อความจากเจ้าหน้าที่ศูนย์")
        CONFIRMATION = "confirmation", _("ยืนยันการดำเนินการ")
        UPDATE = "update", _("แจ้งการเปลี่ยนแปลงเรื่อง")
        SURVEY = "survey", _("แบบสอบถาม")

    retry_key = models.UUIDField(_("X-Line-Retry-Key"), default=uuid.uuid4, unique=True, editable=False)
    to = models.JSONField(_("ผู้รับ"), help_text=_("LINE user/group ID อย่างน้อยหนึ่งรายการ"))
    messages = models.JSONField(_("ข้อความ"))
    purpose = models.CharField(_("วัตถุประสงค์"), max_length=12, choices=Purpose.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="outbox", verbose_name=_("หน่วยงาน")
    )
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox",
        verbose_name=_("การส่งต่อ"),
    )
    status = models.CharField(_("สถานะ"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("จำนวนครั้งที่พยายาม"), default=0)
    last_error = models.TextField(_("ข้อผิดพลาดล่าสุด"), blank=True)
    line_request_id = models.CharField(_("LINE request ID"), max_length=64, blank=True)
    recipients_count = models.PositiveIntegerField(_("จำนวนผู้รับที่คิดค่าบริการ"), default=0)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    error_status = models.PositiveSmallIntegerField(_("HTTP status ล่าสุด"), null=True, blank=True)
    sent_at = models.DateTimeField(_("ส่งเมื่อ"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("ข้อความขาออก LINE")
        verbose_name_plural = _("ข้อความขาออก LINE")
        indexes = [
            models.Index(
                fields=["created_at"], name="outbox_pending_idx", condition=Q(status__in=["pending", "sending"])
            ),
            models.Index(fields=["status", "-created_at"], name="outbox_status_idx"),
            models.Index(fields=["agency", "sent_at"], name="outbox_agency_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {len(self.to)} ({self.get_status_display()})"
