from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("ข้อมูลส่วนบุคคล (PDPA)")

    def ready(self):
        from bkk1555.roles import EXTRA, SUPERVISOR

        # Supervisors read and export the PII access log and answer data-subject requests.
        EXTRA[SUPERVISOR] += ["privacy.view_piiaccess", "privacy.export_subject_data"]
