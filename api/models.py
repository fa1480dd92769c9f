from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint


class IdempotencyKey(models.Model):
    """The first complaint created with one client's `Idempotency-Key`, so a retried POST
    returns it instead of creating another.

    The row is inserted in the same transaction as the complaint, before it: a second
    request with the same key blocks on the unique index until the first commits, then
    fails and replays the first one (see api/idempotency.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("คีย์"), max_length=100)
    fingerprint = models.CharField(_("ลายนิ้วมือของคำขอ"), max_length=64)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("คีย์ป้องกันการสร้างซ้ำ")
        verbose_name_plural = _("คีย์ป้องกันการสร้างซ้ำ")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_idempotency_key_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
