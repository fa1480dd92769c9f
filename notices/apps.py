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
        _forget_cached_pages_on_save()
        roles.EXTRA[roles.OFFICER] += ["notices.view_notice", "notices.view_confirmation"]
        roles.EXTRA[roles.SUPERVISOR] += ["notices.view_notice", "notices.change_notice", "notices.view_confirmation"]


def _forget_cached_pages_on_save() -> None:
    """Whatever the public page shows, saved anywhere, drops the page from the shared cache."""
    from django.db.models.signals import post_delete, post_save

    from complaints.models import Assignment, Complaint, Photo

    from . import page_cache
    from .models import Confirmation, Notice

    def of_case(sender, instance, **kwargs):
        page_cache.forget(instance.pk)

    def of_part(sender, instance, **kwargs):
        page_cache.forget(instance.complaint_id)

    post_save.connect(of_case, sender=Complaint, weak=False, dispatch_uid="public-page-case")
    for model in (Assignment, Photo, Notice, Confirmation):
        post_save.connect(of_part, sender=model, weak=False, dispatch_uid=f"public-page-{model.__name__}")
        post_delete.connect(of_part, sender=model, weak=False, dispatch_uid=f"public-page-del-{model.__name__}")
