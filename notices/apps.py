from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("การแจ้งผู้ร้องและหน้าติดตามเรื่อง")

    def ready(self):
        from bkk1555 import roles
        from complaints import case_panels, notify

        from . import case_panel
        from .channel import NoticeChannel

        notify.register(NoticeChannel())
        case_panels.register(case_panel.render)
        roles.EXTRA[roles.OFFICER] += ["notices.view_notice", "notices.view_confirmation"]
        roles.EXTRA[roles.SUPERVISOR] += ["notices.view_notice", "notices.change_notice", "notices.view_confirmation"]
