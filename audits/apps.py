from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("ตรวจสอบภาคสนาม")

    def ready(self):
        from bkk1555 import roles
        from complaints import notify

        from .channel import AuditChannel

        notify.register(AuditChannel())
        roles.EXTRA[roles.SUPERVISOR] += [
            "audits.view_fieldaudit",
            "audits.view_auditor",
            "audits.add_auditor",
            "audits.change_auditor",
            "audits.view_auditrate",
            "audits.add_auditrate",
            "audits.change_auditrate",
            "audits.view_auditdraw",
        ]
