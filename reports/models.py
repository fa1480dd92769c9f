from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportAccess(models.Model):
    """No table: only carries the permission to read the executives' reports."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_reports", _("ดูรายงานผู้บริหาร"))]
        verbose_name = _("สิทธิ์ดูรายงาน")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
