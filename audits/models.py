from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Coordinator
from complaints.models import Assignment, Category, Complaint, Photo


class Auditor(models.Model):
    """A coordinator who may re-check fixed cases in the field (the centre's field staff or
    another agency's). Never audits work of their own agency."""

    coordinator = models.OneToOneField(
        Coordinator, on_delete=models.CASCADE, related_name="auditor", verbose_name=_("ผู้ประสานงาน")
    )
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        verbose_name = _("ผู้ตรวจสอบภาคสนาม")
        verbose_name_plural = _("ผู้ตรวจสอบภาคสนาม")

    def __str__(self) -> str:
        return str(self.coordinator)


class AuditRate(models.Model):
    """A category's own audit rate (otherwise AUDIT_RATE_BEST / AUDIT_RATE_OTHER)."""

    category = models.OneToOneField(
        Category, on_delete=models.CASCADE, related_name="audit_rate", verbose_name=_("ประเภท")
    )
    rate = models.DecimalField(_("สัดส่วนที่สุ่มตรวจ (0–1)"), max_digits=5, decimal_places=4)

    class Meta:
        verbose_name = _("อัตราการสุ่มตรวจ")
        verbose_name_plural = _("อัตราการสุ่มตรวจ")

    def __str__(self) -> str:
        return f"{self.category}: {self.rate}"


class AuditDraw(models.Model):
    """One draw of the sampler for one closure as fixed: recorded whether selected or not, so
    the sample can be shown unbiased and re-computed from the seed."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="audit_draws", verbose_name=_("เรื่อง")
    )
    round = models.PositiveSmallIntegerField(_("ครั้งที่ปิดเรื่อง"))
    draw = models.FloatField(_("ค่าที่สุ่มได้ [0,1)"))
    rate = models.FloatField(_("อัตรา"))
    selected = models.BooleanField(_("ถูกเลือก"))
    drawn_at = models.DateTimeField(_("สุ่มเมื่อ"))

    class Meta:
        verbose_name = _("การสุ่มตรวจ")
        verbose_name_plural = _("การสุ่มตรวจ")
        constraints = [models.UniqueConstraint(fields=["complaint", "round"], name="one_draw_per_closure")]

    def __str__(self) -> str:
        return f"{self.complaint_id}#{self.round} {self.draw:.4f}<{self.rate}"


class FieldAudit(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("รอตรวจ")
        CONFIRMED = "confirmed", _("แก้ไขจริง")
        FALSE_CLOSURE = "false", _("ไม่พบการแก้ไข")
        NO_AUDITOR = "no_auditor", _("ไม่มีผู้ตรวจ")
        LAPSED = "lapsed", _("ไม่ได้ตรวจ")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="field_audits", verbose_name=_("เรื่อง")
    )
    draw = models.OneToOneField(AuditDraw, on_delete=models.CASCADE, related_name="audit", verbose_name=_("การสุ่ม"))
    # The agency whose "fixed" is being checked (a false closure counts against it).
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="field_audits", verbose_name=_("หน่วยงาน"))
    assignment = models.ForeignKey(
        Assignment, on_delete=models.SET_NULL, null=True, related_name="field_audits", verbose_name=_("การส่งต่อ")
    )
    auditor = models.ForeignKey(
        Auditor, on_delete=models.SET_NULL, null=True, blank=True, related_name="audits", verbose_name=_("ผู้ตรวจ")
    )
    token = models.CharField(max_length=32, editable=False)
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.PENDING)
    closed_at = models.DateTimeField(_("ปิดเรื่องเมื่อ"))
    due_at = models.DateTimeField(_("กำหนดตรวจ"))
    answered_at = models.DateTimeField(_("ตรวจเมื่อ"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("มอบหมายผู้ตรวจเมื่อ"), null=True, blank=True)
    # Why an audit nobody could take was dropped (audits.assign.sweep): kept for supervisors.
    lapsed_reason = models.CharField(_("เหตุที่ไม่ได้ตรวจ"), max_length=200, blank=True)
    # The answer the auditor tapped on the LINE card, waiting for the photo and position sent
    # in the chat (audits/chat.py); the LINE message id of a photo that came before the position.
    chosen = models.CharField(_("คำตอบที่เลือกใน LINE"), max_length=10, blank=True)
    chosen_at = models.DateTimeField(_("เลือกคำตอบเมื่อ"), null=True, blank=True)
    chat_lat = models.DecimalField(_("ละติจูดที่แชร์ในแชต"), max_digits=9, decimal_places=6, null=True, blank=True)
    chat_lng = models.DecimalField(_("ลองจิจูดที่แชร์ในแชต"), max_digits=9, decimal_places=6, null=True, blank=True)
    chat_photo_id = models.CharField(_("รหัสรูปในแชต"), max_length=32, blank=True)
    reminded_at = models.DateTimeField(_("เตือนเมื่อ"), null=True, blank=True)
    comment = models.TextField(_("ความเห็น"), blank=True)
    photo = models.ForeignKey(
        Photo, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("รูปจากการตรวจ")
    )
    lat = models.DecimalField(_("ละติจูด"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("ลองจิจูด"), max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("การตรวจสอบภาคสนาม")
        verbose_name_plural = _("การตรวจสอบภาคสนาม")
        indexes = [
            models.Index(fields=["due_at"], name="audit_pending_due_idx", condition=Q(status="pending")),
            models.Index(fields=["agency", "closed_at"], name="audit_agency_idx"),
            models.Index(fields=["created_at"], name="audit_waiting_idx", condition=Q(status="no_auditor")),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.get_status_display()}"

    @property
    def url(self) -> str:
        from django.conf import settings

        return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/audit/{self.pk}/{self.token}/"
