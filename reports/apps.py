from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("รายงานผู้บริหาร")

    def ready(self):
        from bkk1555 import roles
        from line_oa.handlers import hooks

        from . import survey

        roles.EXTRA[roles.SUPERVISOR] += [
            "reports.view_survey",
            "reports.add_survey",
            "reports.change_survey",
            "reports.send_survey",
            "reports.view_surveyresponse",
        ]
        hooks.postback_action("survey", survey.on_survey_postback)
        hooks.text_interceptor(survey.on_text)
