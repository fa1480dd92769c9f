from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LineOaConfig(AppConfig):
    name = "line_oa"
    verbose_name = _("LINE Official Account")

    def ready(self):
        from bkk1555 import roles
        from complaints import notify as domain_notify

        from .notify import LineChannel

        domain_notify.register(LineChannel())

        # The webhook-processing tasks live outside tasks.py (autodiscovery only finds that one).
        from . import tasks_webhook  # noqa: F401

        roles.EXTRA[roles.OFFICER] += [
            "line_oa.view_inboxmessage",
            "line_oa.add_inboxmessage",
            "line_oa.change_inboxmessage",
        ]
        roles.EXTRA[roles.SUPERVISOR] += [
            "line_oa.view_webhookevent",
            "line_oa.change_webhookevent",
            "line_oa.view_linkcode",
            "line_oa.add_linkcode",
        ]
