from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("ตรวจสอบภาคสนาม")

    def ready(self):
        from bkk1555 import roles
        from complaints import notify
        from line_oa.handlers import hooks

        from . import chat
        from .channel import AuditChannel

        notify.register(AuditChannel())
        # The auditor answers in the LINE chat: the card's buttons, then a photo and the position.
        hooks.postback_action("audit", chat.on_postback)
        hooks.media_interceptor(chat.on_media)
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
