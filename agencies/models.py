from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bkk1555.localized import localized, localized_name


class Zone(models.Model):
    """One of BMA's six district groups (กลุ่มเขต)."""

    code = models.CharField(_("รหัส"), max_length=2, unique=True)
    name_th = models.CharField(_("ชื่อ (ไทย)"), max_length=100)
    name_en = models.CharField(_("ชื่อ (อังกฤษ)"), max_length=100)

    class Meta:
        ordering = ("code",)
        verbose_name = _("กลุ่มเขต")
        verbose_name_plural = _("กลุ่มเขต")

    def __str__(self) -> str:
        return localized_name(self)


class District(models.Model):
    """A khet (เขต), keyed by its DOPA code 1001–1050."""

    code = models.CharField(_("รหัส"), max_length=4, unique=True)
    name_th = models.CharField(_("ชื่อ (ไทย)"), max_length=100)
    name_en = models.CharField(_("ชื่อ (อังกฤษ)"), max_length=100)
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="districts", verbose_name=_("กลุ่มเขต"))
    lat = models.DecimalField(_("ละติจูด"), max_digits=8, decimal_places=5)
    lng = models.DecimalField(_("ลองจิจูด"), max_digits=8, decimal_places=5)

    class Meta:
        ordering = ("code",)
        verbose_name = _("เขต")
        verbose_name_plural = _("เขต")

    def __str__(self) -> str:
        return localized_name(self)


class Subdistrict(models.Model):
    """A khwaeng (แขวง), keyed by its six-digit DOPA code."""

    code = models.CharField(_("รหัส"), max_length=6, unique=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="subdistricts", verbose_name=_("เขต"))
    name_th = models.CharField(_("ชื่อ (ไทย)"), max_length=100)
    name_en = models.CharField(_("ชื่อ (อังกฤษ)"), max_length=100)
    postal_codes = models.CharField(_("รหัสไปรษณีย์"), max_length=50, blank=True)

    class Meta:
        ordering = ("code",)
        verbose_name = _("แขวง")
        verbose_name_plural = _("แขวง")

    def __str__(self) -> str:
        return localized_name(self)


class Agency(models.Model):
    class Kind(models.TextChoices):
        DISTRICT_OFFICE = "district", _("สำนักงานเขต")
        DEPARTMENT = "department", _("สำนัก (กทม.)")
        EXTERNAL = "external", _("หน่วยงานภายนอก")
        CENTRE = "centre", _("ศูนย์รับแจ้งทุกข์ 1555")

    code = models.CharField(_("รหัส"), max_length=20, unique=True)
    kind = models.CharField(_("ประเภท"), max_length=12, choices=Kind.choices, db_index=True)
    name_th = models.CharField(_("ชื่อ (ไทย)"), max_length=200)
    name_en = models.CharField(_("ชื่อ (อังกฤษ)"), max_length=200, blank=True)
    abbr_th = models.CharField(_("อักษรย่อ"), max_length=30, blank=True)
    district = models.OneToOneField(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="office",
        verbose_name=_("เขตที่รับผิดชอบ"),
        help_text=_("เฉพาะสำนักงานเขต"),
    )
    hotline = models.CharField(_("สายด่วน"), max_length=30, blank=True)
    # The duties in both languages (the reference data has both); readers see theirs (bkk1555.localized).
    handles_th = models.TextField(_("ภารกิจที่รับผิดชอบ (ไทย)"), blank=True)
    handles_en = models.TextField(_("ภารกิจที่รับผิดชอบ (อังกฤษ)"), blank=True)
    line_group_id = models.CharField(_("รหัสกลุ่ม LINE ที่ผูกไว้"), max_length=64, null=True, blank=True, unique=True)
    line_group_name = models.CharField(_("ชื่อกลุ่ม LINE"), max_length=200, blank=True)
    is_active = models.BooleanField(_("ใช้งาน"), default=True)

    class Meta:
        ordering = ("kind", "code")
        verbose_name = _("หน่วยงาน")
        verbose_name_plural = _("หน่วยงาน")

    def __str__(self) -> str:
        return localized_name(self)

    @property
    def short_name(self) -> str:
        """The abbreviation in Thai (สนข.พระนคร), the full English name in English (there is no English abbreviation)."""
        return localized(self.abbr_th or self.name_th, self.name_en)


class CoordinatorQuerySet(models.QuerySet):
    def reachable(self):
        """Active coordinators whose LINE account is bound and who have not blocked the OA."""
        return self.filter(is_active=True, line_user_id__isnull=False, line_unreachable_at__isnull=True)


class Coordinator(models.Model):
    """A person at an agency who receives cases, optionally bound to a LINE user."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="coordinators", verbose_name=_("หน่วยงาน"))
    name = models.CharField(_("ชื่อ-สกุล"), max_length=200)
    position = models.CharField(_("ตำแหน่ง"), max_length=200, blank=True)
    phone = models.CharField(_("โทรศัพท์"), max_length=30, blank=True)
    line_user_id = models.CharField(_("รหัสผู้ใช้ LINE"), max_length=64, null=True, blank=True, unique=True)
    line_display_name = models.CharField(_("ชื่อใน LINE"), max_length=200, blank=True)
    line_unreachable_at = models.DateTimeField(
        _("ติดต่อทาง LINE ไม่ได้ตั้งแต่"), null=True, blank=True, help_text=_("เช่น บล็อกบัญชี OA")
    )
    is_active = models.BooleanField(_("ใช้งาน"), default=True)
    is_lead = models.BooleanField(_("หัวหน้า/ผู้รับการยกระดับ"), default=False)
    last_seen_at = models.DateTimeField(_("ติดต่อล่าสุด"), null=True, blank=True)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)

    objects = CoordinatorQuerySet.as_manager()

    class Meta:
        ordering = ("agency", "name")
        verbose_name = _("ผู้ประสานงาน")
        verbose_name_plural = _("ผู้ประสานงาน")
        indexes = [
            models.Index(
                fields=["agency"],
                name="coordinator_reachable_idx",
                condition=Q(is_active=True, line_user_id__isnull=False, line_unreachable_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.abbr_th or self.agency.code})"

    @property
    def is_reachable(self) -> bool:
        return bool(self.is_active and self.line_user_id and self.line_unreachable_at is None)
