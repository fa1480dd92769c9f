import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from bkk1555.thaidate import thai_datetime
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
        AUDIT = "audit", _("ตรวจสอบภาคสนาม")

    retry_key = models.UUIDField(_("X-Line-Retry-Key"), default=uuid.uuid4, unique=True, editable=False)
    to = models.JSONField(_("ผู้รับ"), help_text=_("รหัสผู้ใช้หรือกลุ่ม LINE อย่างน้อยหนึ่งรายการ"))
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
    line_request_id = models.CharField(_("รหัสคำขอของ LINE"), max_length=64, blank=True)
    recipients_count = models.PositiveIntegerField(_("จำนวนผู้รับที่คิดค่าบริการ"), default=0)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("เริ่มส่งเมื่อ"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("ส่งครั้งถัดไปเมื่อ"), null=True, blank=True)
    error_status = models.PositiveSmallIntegerField(_("รหัสตอบกลับ HTTP ล่าสุด"), null=True, blank=True)
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


class CardFallback(models.Model):
    """A dispatch card LINE refused and the plain-text message sent in its place.

    A table of its own rather than a column on the outbox: refusals are rare, and the
    outbox's bulk inserts stay as narrow as they were."""

    card = models.OneToOneField(OutboxMessage, on_delete=models.CASCADE, related_name="fallback")
    replacement = models.OneToOneField(OutboxMessage, on_delete=models.CASCADE, related_name="replaces")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ข้อความสำรองแทนการ์ดที่ LINE ปฏิเสธ")
        verbose_name_plural = _("ข้อความสำรองแทนการ์ดที่ LINE ปฏิเสธ")

    def __str__(self) -> str:
        return f"{self.card_id} → {self.replacement_id}"


# --- the webhook ------------------------------------------------------------------


class WebhookEvent(models.Model):
    """One event LINE delivered to the webhook, stored before it is processed.

    `webhook_event_id` is unique, so a redelivered event is stored once; the
    processing task claims a row with a conditional update (pending →
    processing), so it is processed once even if queued twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("รอประมวลผล")
        PROCESSING = "processing", _("กำลังประมวลผล")
        DONE = "done", _("ประมวลผลแล้ว")
        IGNORED = "ignored", _("ไม่ต้องดำเนินการ")
        FAILED = "failed", _("ผิดพลาด")

    webhook_event_id = models.CharField(_("webhookEventId"), max_length=64, unique=True)
    event_type = models.CharField(_("ประเภทเหตุการณ์"), max_length=40)
    source_type = models.CharField(_("ประเภทแหล่งที่มา"), max_length=10, blank=True)
    source_id = models.CharField(
        _("แหล่งที่มา"), max_length=64, blank=True, help_text=_("groupId/roomId หรือ userId ของห้องแชต")
    )
    user_id = models.CharField(_("รหัสผู้ใช้ LINE ของผู้ส่ง"), max_length=64, blank=True)
    is_redelivery = models.BooleanField(_("ส่งซ้ำจาก LINE"), default=False)
    event_time = models.DateTimeField(_("เวลาเกิดเหตุการณ์"), null=True, blank=True)
    payload = models.JSONField(_("ข้อมูลดิบ"))
    received_at = models.DateTimeField(_("ได้รับเมื่อ"))
    status = models.CharField(_("สถานะ"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("จำนวนครั้งที่ประมวลผล"), default=0)
    error = models.TextField(_("ข้อผิดพลาด"), blank=True)
    claimed_at = models.DateTimeField(_("เริ่มประมวลผลเมื่อ"), null=True, blank=True)
    processed_at = models.DateTimeField(_("ประมวลผลเมื่อ"), null=True, blank=True)
    # The answer is decided with the event: stored (and the row marked done) in the same transaction
    # as the workflow change, sent after it commits. A retried event never answers again.
    answer = models.JSONField(_("คำตอบ"), null=True, blank=True, help_text=_("ข้อความที่ตอบกลับเหตุการณ์นี้"))
    answered_via = models.CharField(
        _("ตอบกลับทาง"),
        max_length=10,
        blank=True,
        db_default="",  # rows inserted by raw SQL (line_oa/webhook.py's store) and by older nodes mid-deploy
        choices=[("reply", _("reply token")), ("push", _("push ผ่านคิวส่ง"))],
        help_text=_("ว่างเปล่าแต่มีคำตอบ: ผู้ประมวลผลหยุดทำงานก่อนส่งคำตอบ (ไม่ส่งซ้ำ)"),
    )

    class Meta:
        ordering = ("-received_at", "-id")
        verbose_name = _("เหตุการณ์ webhook")
        verbose_name_plural = _("เหตุการณ์ webhook")
        indexes = [
            models.Index(fields=["-received_at"], name="webhook_received_idx"),
            models.Index(
                fields=["received_at"],
                name="webhook_unfinished_idx",
                condition=Q(status__in=["pending", "processing", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.webhook_event_id}"


# --- registration -------------------------------------------------------------------

LINK_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class LinkCode(models.Model):
    """A short-lived, single-use code that binds a LINE user to a Coordinator,
    or a LINE group to an Agency, when sent to the OA."""

    class Kind(models.TextChoices):
        COORDINATOR = "coordinator", _("ผูกบัญชีผู้ประสานงาน")
        GROUP = "group", _("ผูกกลุ่ม LINE ของหน่วยงาน")

    code = models.CharField(_("รหัส"), max_length=8, unique=True, editable=False)
    kind = models.CharField(_("ใช้สำหรับ"), max_length=12, choices=Kind.choices, default=Kind.COORDINATOR)
    coordinator = models.ForeignKey(
        "agencies.Coordinator",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="link_codes",
        verbose_name=_("ผู้ประสานงาน"),
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="link_codes", verbose_name=_("หน่วยงาน"))
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("สร้างโดย")
    )
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    expires_at = models.DateTimeField(_("หมดอายุ"))
    used_at = models.DateTimeField(_("ใช้เมื่อ"), null=True, blank=True)
    used_by_line_id = models.CharField(_("LINE ID ที่ใช้รหัส"), max_length=64, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("รหัสผูกบัญชี LINE")
        verbose_name_plural = _("รหัสผูกบัญชี LINE")

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"

    display_code.fget.short_description = _("รหัส")


class LinkAttempt(models.Model):
    """A failed link-code attempt by one LINE user (the rate limit counts these)."""

    line_user_id = models.CharField(max_length=64)
    text = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["line_user_id", "created_at"], name="linkattempt_user_idx")]
        verbose_name = _("การใส่รหัสผิด")
        verbose_name_plural = _("การใส่รหัสผิด")

    def __str__(self) -> str:
        return f"{self.line_user_id} {thai_datetime(self.created_at)}"


# --- the conversation -----------------------------------------------------------------


class Conversation(models.Model):
    """What one LINE user is doing right now in one chat (reporting on a case,
    giving a reject reason), and media they sent before choosing a case."""

    class Mode(models.TextChoices):
        IDLE = "idle", _("ไม่มี")
        REPORT = "report", _("รายงานผล")
        REJECT = "reject", _("รอเหตุผลที่ไม่ใช่หน่วยงานนี้")

    line_user_id = models.CharField(max_length=64)
    chat_id = models.CharField(max_length=64)
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.IDLE)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    pending_media = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["line_user_id", "chat_id"], name="one_conversation_per_chat")]
        verbose_name = _("บริบทการสนทนา")
        verbose_name_plural = _("บริบทการสนทนา")

    def __str__(self) -> str:
        return f"{self.line_user_id}@{self.chat_id}: {self.mode}"


class InboxMessage(models.Model):
    """The officers' LINE inbox: free text from agencies and the officers' answers."""

    class Direction(models.TextChoices):
        IN = "in", _("ข้อความเข้า")
        OUT = "out", _("ตอบกลับ")

    chat_id = models.CharField(_("ห้องแชต LINE"), max_length=64, db_index=True)

    class Source(models.TextChoices):
        USER = "user", _("แชตส่วนตัว")
        GROUP = "group", _("กลุ่ม")
        ROOM = "room", _("ห้องแชต")

    source_type = models.CharField(_("ประเภท"), max_length=10, choices=Source.choices, default=Source.USER)
    direction = models.CharField(_("ทิศทาง"), max_length=3, choices=Direction.choices, default=Direction.IN)
    coordinator = models.ForeignKey(
        "agencies.Coordinator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้ประสานงาน"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("หน่วยงาน")
    )
    sender_name = models.CharField(_("ผู้ส่ง"), max_length=200, blank=True)
    text = models.TextField(_("ข้อความ"))
    created_at = models.DateTimeField(_("เวลา"), default=timezone.now)
    read_at = models.DateTimeField(_("อ่านเมื่อ"), null=True, blank=True)
    answered_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ตอบโดย")
    )
    outbox = models.ForeignKey(
        OutboxMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ข้อความขาออก")
    )
    # The case the message is about, when it can be told (line_oa/inbox.py case_of).
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("เรื่อง"),
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("กล่องข้อความ LINE")
        verbose_name_plural = _("กล่องข้อความ LINE")
        indexes = [
            models.Index(fields=["chat_id", "-created_at"], name="inbox_chat_idx"),
            # The console's "unread LINE messages" queue.
            models.Index(
                fields=["created_at"], name="inbox_unread_idx", condition=Q(direction="in", read_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender_name or self.chat_id}: {self.text[:40]}"


# --- the local simulator (DEBUG/demo only) ------------------------------------------


class SimulatorMessage(models.Model):
    """A message the system sent through the simulator's fake LINE API (push, multicast, reply),
    or a message the person playing a coordinator sent (direction in)."""

    chat_id = models.CharField(max_length=64, db_index=True)
    direction = models.CharField(max_length=3, default="out")
    kind = models.CharField(max_length=10)
    message = models.JSONField()
    retry_key = models.CharField(max_length=36, blank=True, db_index=True)
    request_id = models.CharField(max_length=36, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.direction} {self.kind} {self.chat_id}"


class SimulatorContent(models.Model):
    """Content (a photo) the simulator's user uploaded, served as LINE message content."""

    message_id = models.CharField(max_length=32, unique=True)
    content = models.BinaryField()
    content_type = models.CharField(max_length=100, default="image/jpeg")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.message_id


# --- quota and rich menus ---------------------------------------------------------------


class QuotaReading(models.Model):
    """The OA's monthly push quota and consumption as LINE reported them, one row per month.

    The daily quota task updates it; at 80 % the centre is warned once a month, at 100 %
    ``paused`` holds back non-essential pushes (reminders to groups, surveys) in the outbox.
    """

    month = models.DateField(_("เดือน"), unique=True, help_text=_("วันแรกของเดือน (เวลาไทย)"))
    limit = models.PositiveIntegerField(_("โควตาต่อเดือน"), null=True, blank=True, help_text=_("ว่าง = ไม่จำกัด"))
    used = models.PositiveIntegerField(_("ใช้ไปแล้ว"), default=0)
    read_at = models.DateTimeField(_("อ่านจาก LINE เมื่อ"))
    warned_at = models.DateTimeField(_("เตือนศูนย์ฯ เมื่อ"), null=True, blank=True)
    paused = models.BooleanField(_("พักข้อความที่ไม่จำเป็น"), default=False)

    class Meta:
        ordering = ("-month",)
        verbose_name = _("โควตาข้อความ LINE")
        verbose_name_plural = _("โควตาข้อความ LINE")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.used}/{self.limit or '∞'}"

    @property
    def percent(self) -> float | None:
        return round(100 * self.used / self.limit, 1) if self.limit else None


class RichMenu(models.Model):
    """A rich menu this system created on LINE, one per audience; rebuilt when its definition changes."""

    audience = models.CharField(_("ผู้ใช้"), max_length=20, unique=True)
    rich_menu_id = models.CharField(_("richMenuId"), max_length=64)
    digest = models.CharField(_("ลายนิ้วมือของเมนูและรูป"), max_length=64)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), default=timezone.now)

    class Meta:
        verbose_name = _("ริชเมนู LINE")
        verbose_name_plural = _("ริชเมนู LINE")

    def __str__(self) -> str:
        return f"{self.audience}: {self.rich_menu_id}"
