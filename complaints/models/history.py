"""What a case leaves behind: the timeline, photos and their fingerprints, reminders sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Coordinator
from bkk1555.thaidate import thai_datetime

from .. import rules
from ..storage import private_storage
from .case import Complaint
from .work import Assignment


class TimelineEntry(models.Model):
    """Append-only case history: every state change, note, message and photo."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("รับเรื่อง")
        DISPATCHED = "dispatched", _("ส่งต่อหน่วยงาน")
        ACKNOWLEDGED = "acknowledged", _("หน่วยงานรับเรื่อง")
        PROGRESS = "progress", _("รายงานความคืบหน้า")
        MADE_SAFE = "made_safe", _("ทำให้ปลอดภัยแล้ว")
        RESOLVED = "resolved", _("แก้ไขเสร็จ")
        VERIFIED = "verified", _("ตรวจสอบผลแล้ว")
        CLOSED = "closed", _("ปิดเรื่อง")
        REOPENED = "reopened", _("เปิดเรื่องใหม่")
        REJECTED = "rejected", _("ไม่ใช่หน่วยงานนี้")
        REROUTED = "rerouted", _("ส่งต่อหน่วยงานใหม่")
        CANCELLED = "cancelled", _("ยกเลิก")
        DUPLICATE = "duplicate", _("เรื่องซ้ำ")
        NOTE = "note", _("บันทึก")
        MESSAGE_IN = "message_in", _("ข้อความจากหน่วยงาน")
        MESSAGE_OUT = "message_out", _("ข้อความถึงหน่วยงาน")
        PHOTO = "photo", _("รูปภาพ")
        LOCATION = "location", _("ตำแหน่ง")
        SENT_BACK = "sent_back", _("ส่งกลับแก้ไข")
        PLANNED = "planned", _("แผนแก้ไขถาวร")
        REMINDER = "reminder", _("แจ้งเตือนเกินกำหนด")
        ESCALATED = "escalated", _("ยกระดับ")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="timeline")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="timeline")
    kind = models.CharField(_("ประเภท"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("ข้อความ"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("เจ้าหน้าที่"),
    )
    actor_coordinator = models.ForeignKey(
        Coordinator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้ประสานงาน"),
    )
    # Who acted when it was neither a user nor a registered coordinator (a LINE group member),
    # and through which channel: recorded here, never written into the entry's text.
    actor_display_name = models.CharField(_("ชื่อผู้ดำเนินการ"), max_length=200, blank=True)
    actor_channel = models.CharField(_("ช่องทาง"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("เวลา"), db_index=True)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("ประวัติเรื่อง")
        verbose_name_plural = _("ประวัติเรื่อง")
        indexes = [
            models.Index(fields=["complaint", "created_at"], name="timeline_complaint_idx"),
            models.Index(fields=["kind", "created_at"], name="timeline_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {thai_datetime(self.created_at)}"

    @property
    def actor_name(self) -> str:
        if self.actor_coordinator_id:
            return self.actor_coordinator.name
        if self.actor_user_id:
            return self.actor_user.get_full_name() or self.actor_user.get_username()
        return self.actor_display_name


def _photo_path(instance: "Photo", filename: str) -> str:
    return f"photos/{instance.sha256[:2]}/{instance.sha256}.{filename.rsplit('.', 1)[-1]}"


def _thumb_path(instance: "Photo", filename: str) -> str:
    return f"thumbs/{instance.sha256[:2]}/{instance.sha256}.jpg"


def _public_path(instance: "Photo", filename: str) -> str:
    return f"public/{instance.sha256[:2]}/{instance.sha256}.jpg"


class Photo(models.Model):
    class Stage(models.TextChoices):
        BEFORE = "before", _("ก่อนดำเนินการ")
        PROGRESS = "progress", _("ระหว่างดำเนินการ")
        AFTER = "after", _("ผลการดำเนินการ")
        AUDIT = "audit", _("ตรวจสอบภาคสนาม")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    assignment = models.ForeignKey(Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos")
    stage = models.CharField(_("ขั้นตอน"), max_length=10, choices=Stage.choices, default=Stage.BEFORE)
    # The original as received, EXIF and all: private storage, staff only (complaints/media.py).
    image = models.ImageField(_("รูปภาพต้นฉบับ"), upload_to=_photo_path, storage=private_storage)
    thumbnail = models.ImageField(_("รูปย่อ"), upload_to=_thumb_path, storage=private_storage)
    # Re-encoded without any metadata: the only file the public and LINE get.
    public_image = models.ImageField(_("รูปสำหรับเผยแพร่"), upload_to=_public_path, blank=True)
    # What the fake-fix guard and the officer need from the original's EXIF, kept as fields.
    taken_at = models.DateTimeField(_("เวลาที่ถ่าย (EXIF)"), null=True, blank=True)
    exif_lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    exif_lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    phash = models.CharField(_("perceptual hash"), max_length=16, blank=True, db_index=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    flags = models.JSONField(_("ข้อสังเกต"), default=list, blank=True, help_text=_("เช่น รูปซ้ำ ไม่มีตำแหน่ง"))
    uploaded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_by_coordinator = models.ForeignKey(
        Coordinator, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("เวลา"))

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("รูปภาพ")
        verbose_name_plural = _("รูปภาพ")

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.sha256[:8]}"


class PhotoFingerprint(models.Model):
    """A photo's 64-bit perceptual hash, split into three bands (21, 21, 22 bits) so that the
    fake-fix guard finds near-duplicates among a million photos through indexes: two hashes
    within 8 bits differ in at most 2 bits of some band (complaints/neardup.py). The
    indexes on (kind, band) are made by the migration: covering indexes on PostgreSQL."""

    class Kind(models.IntegerChoices):
        WHOLE = 0, _("ทั้งภาพ")
        CENTRE = 1, _("กลางภาพ 80%")

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="fingerprints")
    kind = models.SmallIntegerField(choices=Kind.choices)
    value = models.BigIntegerField()  # the hash as a signed 64-bit integer
    band0 = models.IntegerField()
    band1 = models.IntegerField()
    band2 = models.IntegerField()
    created_at = models.DateTimeField()  # the photo's, for the guard's 12-month window

    class Meta:
        verbose_name = _("ลายนิ้วมือภาพ")
        verbose_name_plural = _("ลายนิ้วมือภาพ")

    def __str__(self) -> str:
        return f"{self.photo_id}/{self.kind}"


class Reminder(models.Model):
    """One overdue reminder level sent for one assignment and SLA stage — at most once,
    which the unique constraint guarantees even when two sweeps race. The centre's dispatch
    stage has no assignment yet: its rows name the complaint only."""

    Stage = rules.Stage

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("เรื่อง")
    )
    stage = models.CharField(_("ขั้นตอน"), max_length=8, choices=Stage.choices)
    level = models.PositiveSmallIntegerField(_("ระดับ"))
    due_at = models.DateTimeField(_("กำหนดเดิม"))
    created_at = models.DateTimeField(_("แจ้งเตือนเมื่อ"), auto_now_add=True)
    recipients = models.JSONField(_("ผู้รับ"), default=list, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("การแจ้งเตือนเกินกำหนด")
        verbose_name_plural = _("การแจ้งเตือนเกินกำหนด")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "stage", "level"], name="one_reminder_per_level"),
            models.UniqueConstraint(
                fields=["complaint", "stage", "level"],
                condition=Q(assignment__isnull=True),
                name="one_case_reminder_per_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id or self.complaint_id} {self.stage} L{self.level}"
