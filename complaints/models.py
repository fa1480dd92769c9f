from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Coordinator, District, Subdistrict

from . import rules
from .storage import private_storage


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
    notes = models.TextField(_("หมายเหตุ"), blank=True)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        ordering = ("-is_best", "code")
        verbose_name = _("ประเภทเรื่อง")
        verbose_name_plural = _("ประเภทเรื่องและ SLA")

    def __str__(self) -> str:
        return self.name_th

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
    complainant_line_user_id = models.CharField(_("LINE user ID ของผู้ร้อง"), max_length=64, blank=True)
    no_contact = models.BooleanField(
        _("ผู้ร้องไม่ประสงค์ให้ติดต่อกลับ"), default=False, help_text=_("ไม่ส่งการแจ้งผลใด ๆ ถึงผู้ร้อง")
    )
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
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

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
