"""The case: its category and SLA, the complaint itself, extra callers, the reference counter."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, District, Subdistrict
from bkk1555.localized import localized_name

from .. import rules


class Category(models.Model):
    """A complaint type with its routing and its three-stage SLA.

    BEST categories run their clock 24/7; the others count working hours.
    """

    class Priority(models.TextChoices):
        P1 = "P1", _("P1 อันตรายต่อชีวิต")
        P2 = "P2", _("P2 เร่งด่วน")
        P3 = "P3", _("P3 ทั่วไป")

    code = models.CharField(_("รหัส"), max_length=40, unique=True)
    name_th = models.CharField(_("ชื่อ (ไทย)"), max_length=200)
    name_en = models.CharField(_("ชื่อ (อังกฤษ)"), max_length=200)
    is_best = models.BooleanField(_("เรื่องเร่งด่วน BEST"), default=False, db_index=True)
    priority = models.CharField(_("ลำดับความสำคัญ"), max_length=2, choices=Priority.choices, default=Priority.P3)
    responsible_is_district_office = models.BooleanField(_("สำนักงานเขตในพื้นที่เป็นผู้รับผิดชอบหลัก"), default=False)
    responsible_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_for",
        verbose_name=_("หน่วยงานรับผิดชอบหลัก"),
    )
    responsible_unit_th = models.CharField(_("หน่วยปฏิบัติ"), max_length=300, blank=True)
    escalate_to_district_office = models.BooleanField(_("ยกระดับถึงสำนักงานเขต"), default=False)
    escalation_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="escalation_for", verbose_name=_("หน่วยงานที่ประสานเพิ่มเติม")
    )
    sla_ack_minutes = models.PositiveIntegerField(_("รับเรื่องภายใน (นาที)"), default=60)
    sla_make_safe_hours = models.PositiveIntegerField(
        _("ทำให้ปลอดภัยภายใน (ชั่วโมง)"), null=True, blank=True, help_text=_("เฉพาะเรื่อง BEST")
    )
    sla_resolve_hours = models.PositiveIntegerField(_("แก้ไขเสร็จภายใน (ชั่วโมง)"), null=True, blank=True)
    reminder_offsets_minutes = models.JSONField(
        _("เตือนหลังเกินกำหนด (นาที) ระดับ 1/2/3"),
        default=list,
        blank=True,
        help_text=_("เช่น [0, 15, 30]; เว้นว่าง = ค่าเริ่มต้นตามประเภท"),
    )
    sla_review_minutes = models.PositiveIntegerField(
        _("ศูนย์ฯ ตรวจสอบผลภายใน (นาที)"),
        null=True,
        blank=True,
        help_text=_("เว้นว่าง = BEST 120 นาที (ตลอด 24 ชม.), อื่น ๆ 1 วันทำการ"),
    )
    sla_dispatch_minutes = models.PositiveIntegerField(
        _("ศูนย์ฯ ส่งต่อหน่วยงานภายใน (นาที)"),
        null=True,
        blank=True,
        help_text=_("นับจากรับเรื่อง; เว้นว่าง = BEST 10 นาที (ตลอด 24 ชม.), อื่น ๆ 1 ชั่วโมงทำการ"),
    )
    duplicate_radius_m = models.PositiveIntegerField(
        _("รัศมีตรวจเรื่องซ้ำ (เมตร)"),
        default=100,
        help_text=_("เรื่องที่ยังไม่ปิดของประเภทเดียวกันภายในรัศมีนี้ (30 วันล่าสุด) จะแสดงก่อนบันทึก"),
    )
    min_work_minutes = models.PositiveIntegerField(
        _("เวลาทำงานขั้นต่ำที่เป็นไปได้ (นาที)"),
        default=0,
        help_text=_("ผลที่รายงานเร็วกว่านี้หลังรับเรื่องจะถูกทำเครื่องหมาย “เร็วผิดปกติ”; 0 = ไม่ตรวจ"),
    )
    traffy_type = models.CharField(_("ประเภทตาม Traffy Fondue"), max_length=50, blank=True)
    # What the dispatch page tells the officer about this kind of case (who goes first, what to watch).
    advice_th = models.TextField(_("คำแนะนำการส่งต่อ (ไทย)"), blank=True)
    advice_en = models.TextField(_("คำแนะนำการส่งต่อ (อังกฤษ)"), blank=True)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        ordering = ("-is_best", "code")
        verbose_name = _("ประเภทเรื่อง")
        verbose_name_plural = _("ประเภทเรื่องและ SLA")

    def __str__(self) -> str:
        return localized_name(self)

    @property
    def advice(self) -> str:
        """The dispatch advice in the page's language (Thai; English in English mode, falling back to Thai)."""
        return localized_name(self, "advice")

    @property
    def review_minutes(self) -> int:
        if self.sla_review_minutes is not None:
            return self.sla_review_minutes
        return 120 if self.is_best else 8 * 60  # one working day on the working-hours clock

    @property
    def dispatch_minutes(self) -> int:
        if self.sla_dispatch_minutes is not None:
            return self.sla_dispatch_minutes
        return 10 if self.is_best else 60  # on the working-hours clock for non-BEST

    @property
    def reminder_offsets(self) -> list[int]:
        if self.reminder_offsets_minutes:
            return [int(m) for m in self.reminder_offsets_minutes]
        return [0, 15, 30] if self.is_best else [0, 240, 480]


class ClosureDay(models.Model):
    """An extra day on which the working-hours SLA clock does not run."""

    date = models.DateField(_("วันที่"), unique=True)
    reason = models.CharField(_("เหตุผล"), max_length=200)

    class Meta:
        ordering = ("date",)
        verbose_name = _("วันหยุดเพิ่มเติม")
        verbose_name_plural = _("วันหยุดเพิ่มเติม (นาฬิกา SLA)")

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"


class ReferenceCounter(models.Model):
    """The last reference number handed out in one Buddhist-era year."""

    year_be = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year_be}: {self.last_number}"


class Complaint(models.Model):
    class Channel(models.TextChoices):
        PHONE_1555 = "phone", _("โทร 1555")
        MIS = "mis", _("ระบบ MIS")
        WEB = "web", _("เว็บไซต์")
        LINE = "line", _("LINE")
        LETTER = "letter", _("หนังสือ")
        WALK_IN = "walk_in", _("ติดต่อด้วยตนเอง")
        OTHER = "other", _("อื่น ๆ")

    class Status(models.TextChoices):
        NEW = "new", _("รอส่งต่อ")
        DISPATCHED = "dispatched", _("ส่งต่อแล้ว")
        IN_PROGRESS = "in_progress", _("กำลังดำเนินการ")
        MADE_SAFE = "made_safe", _("ทำให้ปลอดภัยแล้ว")
        RESOLVED = "resolved", _("แก้ไขแล้ว รอตรวจสอบ")
        CLOSED = "closed", _("ปิดเรื่อง")
        CANCELLED = "cancelled", _("ยกเลิก")
        DUPLICATE = "duplicate", _("เรื่องซ้ำ")

    reference = models.CharField(_("เลขที่เรื่อง"), max_length=12, unique=True, editable=False)
    channel = models.CharField(_("ช่องทาง"), max_length=10, choices=Channel.choices, default=Channel.PHONE_1555)
    external_ref = models.CharField(_("เลขอ้างอิงภายนอก (MIS)"), max_length=64, null=True, blank=True, unique=True)
    complainant_name = models.CharField(_("ชื่อผู้ร้อง"), max_length=200, blank=True)
    complainant_phone = models.CharField(_("โทรศัพท์ผู้ร้อง"), max_length=30, blank=True, db_index=True)
    # A complaint sent by a LINE user of the OA: notices go back to that user by push.
    complainant_line_user_id = models.CharField(_("รหัสผู้ใช้ LINE ของผู้ร้อง"), max_length=64, blank=True)
    no_contact = models.BooleanField(_("ผู้ร้องไม่ประสงค์ให้ติดต่อกลับ"), default=False, help_text=_("ไม่ส่งการแจ้งผลใด ๆ ถึงผู้ร้อง"))
    complainant_phone_ext = models.CharField(_("เบอร์ต่อ"), max_length=10, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("ประเภท")
    )
    is_best = models.BooleanField(_("BEST"), default=False, editable=False)
    description = models.TextField(_("รายละเอียด"))
    public_description = models.TextField(
        _("รายละเอียดที่เผยแพร่"),
        blank=True,
        help_text=_(
            "ข้อความที่ Open311 และหน้าติดตามเรื่องสาธารณะแสดง เว้นว่าง = รายละเอียดที่ซ่อนข้อมูลส่วนบุคคลโดยอัตโนมัติ "
            "(ข้อความที่แก้ไขก็ผ่านการซ่อนข้อมูลส่วนบุคคลอีกครั้งก่อนเผยแพร่)"
        ),
    )
    address = models.CharField(_("สถานที่/ที่อยู่"), max_length=500, blank=True)
    landmark = models.CharField(_("จุดสังเกต"), max_length=300, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints", verbose_name=_("เขต")
    )
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("แขวง"),
    )
    lat = models.DecimalField(_("ละติจูด"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("ลองจิจูด"), max_digits=9, decimal_places=6, null=True, blank=True)
    received_at = models.DateTimeField(_("รับเรื่องเมื่อ"))
    # The centre's own clock (rules.DISPATCH): set at intake, stopped by the first dispatch.
    dispatch_due_at = models.DateTimeField(_("กำหนดส่งต่อหน่วยงาน"), null=True, blank=True, editable=False)
    first_dispatched_at = models.DateTimeField(_("ส่งต่อครั้งแรกเมื่อ"), null=True, blank=True, editable=False)
    status = models.CharField(_("สถานะ"), max_length=12, choices=Status.choices, default=Status.NEW, editable=False)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("ซ้ำกับเรื่อง"),
        editable=False,
    )
    closed_at = models.DateTimeField(_("ปิดเรื่องเมื่อ"), null=True, blank=True, editable=False)
    Outcome = rules.Outcome
    outcome = models.CharField(
        _("ผลการยุติเรื่อง"), max_length=10, choices=Outcome.choices, blank=True, db_index=True, editable=False
    )
    outcome_note = models.TextField(_("รายละเอียดผลการยุติเรื่อง"), blank=True, editable=False)
    # The secret half of the public case page's address (/c/<reference>/<token>/); a new
    # token revokes the old link, an empty one closes the page.
    public_token = models.CharField(_("รหัสหน้าติดตามเรื่อง"), max_length=32, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("บันทึกโดย"),
    )
    created_at = models.DateTimeField(_("บันทึกเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุด"), auto_now=True)

    class Meta:
        ordering = ("-received_at", "-id")
        verbose_name = _("เรื่องร้องทุกข์")
        verbose_name_plural = _("เรื่องร้องทุกข์")
        permissions = [
            ("view_complainant_pii", _("ดูชื่อและเบอร์โทรของผู้ร้อง")),
            ("dispatch_complaint", _("ส่งต่อเรื่องให้หน่วยงาน")),
            ("verify_complaint", _("ตรวจสอบผลและปิดเรื่อง")),
            ("reopen_complaint", _("เปิดเรื่องใหม่")),
            ("cancel_complaint", _("ยกเลิกเรื่อง/ทำเครื่องหมายเรื่องซ้ำ")),
        ]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="complaint_received_idx"),
            models.Index(fields=["status", "-received_at"], name="complaint_status_idx"),
            models.Index(fields=["is_best", "-received_at"], name="complaint_best_idx"),
            models.Index(fields=["category", "-received_at"], name="complaint_category_idx"),
            models.Index(fields=["district", "-received_at"], name="complaint_district_idx"),
            models.Index(fields=["channel", "-received_at"], name="complaint_channel_idx"),
            # The dispatch clock's sweep, queue and filter (rules.DISPATCH), like the assignments' stages.
            models.Index(
                fields=["dispatch_due_at"], name="complaint_dispatch_due_idx", condition=rules.DISPATCH.owed_q()
            ),
            # The reports' time-to-dispatch of a month.
            models.Index(fields=["first_dispatched_at"], name="complaint_first_dispatch_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def public_path(self) -> str:
        """The public case page's path, or "" when the link was revoked (or never made)."""
        if not self.public_token:
            return ""
        return PUBLIC_PATH.format(reference=self.reference, token=self.public_token)

    @property
    def public_url(self) -> str:
        """The address given to the complainant (notices), the console and the API."""
        path = self.public_path
        return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}" if path else ""


# The public case page's address; its view (notices/urls.py) serves exactly this pattern.
PUBLIC_PATH = "/c/{reference}/{token}/"


class ExtraComplainant(models.Model):
    """Another caller about a case already recorded (a duplicate call attached to it at
    intake instead of becoming a second case): told the outcome like the first one."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="extra_complainants", verbose_name=_("เรื่อง")
    )
    channel = models.CharField(_("ช่องทาง"), max_length=10, choices=Complaint.Channel.choices)
    name = models.CharField(_("ชื่อผู้ร้อง"), max_length=200, blank=True)
    phone = models.CharField(_("โทรศัพท์ผู้ร้อง"), max_length=30, blank=True, db_index=True)
    phone_ext = models.CharField(_("เบอร์ต่อ"), max_length=10, blank=True)
    description = models.TextField(_("รายละเอียดที่แจ้งเพิ่ม"), blank=True)
    received_at = models.DateTimeField(_("รับเรื่องเมื่อ"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("received_at", "id")
        verbose_name = _("ผู้ร้องเพิ่มเติม")
        verbose_name_plural = _("ผู้ร้องเพิ่มเติม")

    def __str__(self) -> str:
        return f"{self.complaint_id} +{self.pk}"
