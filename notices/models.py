import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from complaints.models import Complaint
from complaints.rules import Outcome


class Notice(models.Model):
    """One notice to a complainant: an outbox row written in the workflow's transaction.

    A notice that cannot go anywhere (no contact wanted, no number, a landline) is kept as
    a `skipped` row with its reason, so the case page can say why nobody was told."""

    class Event(models.TextChoices):
        RECEIVED = "received", _("รับเรื่อง")
        DISPATCHED = "dispatched", _("ส่งต่อหน่วยงาน")
        ENDED = "ended", _("ผลการดำเนินการ")

    class Channel(models.TextChoices):
        LINE = "line", _("LINE")
        PNP = "pnp", _("LINE แจ้งเตือนทางเบอร์โทร")
        SMS = "sms", _("SMS")
        NONE = "none", _("ไม่ส่ง")

    class Status(models.TextChoices):
        PENDING = "pending", _("รอส่ง")
        SENDING = "sending", _("กำลังส่ง")
        SENT = "sent", _("ส่งแล้ว")
        FAILED = "failed", _("ส่งไม่สำเร็จ")
        UNKNOWN = "unknown", _("ไม่ทราบผล (หมดเวลารอ)")
        SKIPPED = "skipped", _("ไม่ได้ส่ง")

    class Reason(models.TextChoices):
        NO_CONTACT = "no_contact", _("ผู้ร้องไม่ประสงค์ให้ติดต่อกลับ")
        NO_NUMBER = "no_number", _("ผู้ร้องไม่ได้ให้หมายเลขโทรศัพท์")
        NOT_MOBILE = "not_mobile", _("หมายเลขที่ให้ไว้ไม่ใช่โทรศัพท์มือถือ")
        NO_CHANNEL = "no_channel", _("ไม่ได้เปิดใช้ช่องทาง SMS")
        NOT_ON_RECEIPT = "not_on_receipt", _("ช่องทางนี้ไม่แจ้งเมื่อรับเรื่อง")
        NO_SMS_FALLBACK = "no_sms_fallback", _("LINE ทางเบอร์โทรส่งไม่ได้ และไม่ได้เปิดใช้ SMS สำรอง")

    retry_key = models.UUIDField(_("รหัสกันส่งซ้ำ"), default=uuid.uuid4, unique=True, editable=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notices", verbose_name=_("เรื่อง"))
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("หน่วยงาน")
    )
    event = models.CharField(_("เหตุการณ์"), max_length=10, choices=Event.choices)
    outcome = models.CharField(_("ผลการยุติเรื่อง"), max_length=10, choices=Outcome.choices, blank=True)
    channel = models.CharField(_("ช่องทาง"), max_length=4, choices=Channel.choices)
    # A LINE user id, or a phone number in E.164 (+66…): personal data, masked in the console.
    to = models.CharField(_("ผู้รับ"), max_length=64, blank=True)
    text = models.TextField(_("ข้อความ"))
    reason = models.CharField(_("เหตุที่ไม่ได้ส่ง"), max_length=16, choices=Reason.choices, blank=True)
    status = models.CharField(_("สถานะ"), max_length=8, choices=Status.choices, default=Status.PENDING)
    event_at = models.DateTimeField(_("เหตุการณ์เมื่อ"))
    attempts = models.PositiveSmallIntegerField(_("จำนวนครั้งที่พยายาม"), default=0)
    claimed_at = models.DateTimeField(_("เริ่มส่งเมื่อ"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("ส่งครั้งถัดไปเมื่อ"), null=True, blank=True)
    last_error = models.TextField(_("ข้อผิดพลาดล่าสุด"), blank=True)
    error_status = models.PositiveSmallIntegerField(_("รหัสตอบกลับ HTTP ล่าสุด"), null=True, blank=True)
    provider_ref = models.CharField(_("รหัสอ้างอิงผู้ให้บริการ"), max_length=100, blank=True)
    # The LINE-by-phone notice LINE refused for good, which this SMS (or skipped row) replaces:
    # unique, so the fallback is written once however often the refusal is processed.
    fallback_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fallback",
        verbose_name=_("ส่งแทนการแจ้ง"),
    )
    credits = models.PositiveSmallIntegerField(_("เครดิต SMS ที่ใช้"), default=0)
    cost_satang = models.PositiveIntegerField(_("ค่าใช้จ่าย (สตางค์)"), default=0)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    sent_at = models.DateTimeField(_("ส่งเมื่อ"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("การแจ้งผู้ร้อง")
        verbose_name_plural = _("การแจ้งผู้ร้อง")
        indexes = [
            models.Index(
                fields=["created_at"], name="notice_pending_idx", condition=Q(status__in=["pending", "sending"])
            ),
            models.Index(fields=["complaint", "event"], name="notice_complaint_idx"),
            models.Index(fields=["status", "-created_at"], name="notice_status_idx"),
            models.Index(fields=["channel", "sent_at"], name="notice_channel_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.get_event_display()} → {self.get_channel_display()} ({self.get_status_display()})"


class Confirmation(models.Model):
    """The complainant's answer on the public page to "is it fixed?". One per case: a second
    answer updates the first."""

    class Answer(models.TextChoices):
        FIXED = "fixed", _("แก้ไขแล้ว ขอบคุณ")
        NOT_FIXED = "not_fixed", _("ยังไม่ได้แก้ไข")

    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="confirmation", verbose_name=_("เรื่อง")
    )
    answer = models.CharField(_("คำตอบ"), max_length=10, choices=Answer.choices)
    comment = models.TextField(_("ความเห็น"), blank=True)
    photo = models.ForeignKey(
        "complaints.Photo", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("รูป")
    )
    reopened = models.BooleanField(_("เปิดเรื่องใหม่แล้ว"), default=False)
    answered_at = models.DateTimeField(_("ตอบเมื่อ"))
    changed_count = models.PositiveSmallIntegerField(_("จำนวนครั้งที่เปลี่ยนคำตอบ"), default=0)

    class Meta:
        verbose_name = _("คำยืนยันจากผู้ร้อง")
        verbose_name_plural = _("คำยืนยันจากผู้ร้อง")
        indexes = [models.Index(fields=["answered_at"], name="confirmation_answered_idx")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.get_answer_display()}"
