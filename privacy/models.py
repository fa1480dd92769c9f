"""The PII access log: who saw or searched complainants' personal data, when, from where.

Append-only: rows are only ever inserted (save() refuses an update, the queryset refuses
update() and delete(), the admin is read-only, and on PostgreSQL a trigger refuses UPDATE
and DELETE), so the log can answer a regulator or a data subject truthfully.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class PIIAccessQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("the PII access log is append-only")

    def delete(self):
        raise AppendOnlyError("the PII access log is append-only")


class PIIAccess(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("ดูข้อมูลผู้ร้อง")
        SEARCH = "search", _("ค้นหาด้วยข้อมูลผู้ร้อง")
        EXPORT = "export", _("ส่งออกข้อมูล")
        REFUSED = "refused", _("ถูกปฏิเสธ")

    class Channel(models.TextChoices):
        ADMIN = "admin", _("คอนโซล")
        API = "api", _("API")
        COMMAND = "command", _("คำสั่งระบบ")

    at = models.DateTimeField(_("เวลา"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้ใช้"),
    )
    username = models.CharField(_("ชื่อผู้ใช้"), max_length=150, blank=True)
    action = models.CharField(_("การกระทำ"), max_length=8, choices=Action.choices)
    channel = models.CharField(_("ช่องทาง"), max_length=8, choices=Channel.choices)
    # Not a foreign key: the log outlives anything, and a complaint is never deleted anyway.
    complaint_id = models.BigIntegerField(_("รหัสเรื่อง"), null=True, blank=True, db_index=True)
    reference = models.CharField(_("เลขที่เรื่อง"), max_length=12, blank=True)
    query = models.CharField(_("คำค้น/เงื่อนไข"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("ที่อยู่ IP"), null=True, blank=True)
    user_agent = models.CharField(_("เบราว์เซอร์"), max_length=200, blank=True)
    path = models.CharField(_("หน้า"), max_length=300, blank=True)

    objects = PIIAccessQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("บันทึกการเข้าถึงข้อมูลส่วนบุคคล")
        verbose_name_plural = _("บันทึกการเข้าถึงข้อมูลส่วนบุคคล")
        permissions = [("export_subject_data", _("ส่งออกข้อมูลของเจ้าของข้อมูล (PDPA)"))]
        indexes = [models.Index(fields=["user", "at"], name="piiaccess_user_at_idx")]

    def __str__(self) -> str:
        return f"{self.username} {self.get_action_display()} {self.reference or self.query}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("the PII access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the PII access log is append-only")
