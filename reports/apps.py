from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("รายงานผู้บริหาร")

    def ready(self):
        from bkk1555 import roles
        from line_oa import handlers

        from . import survey

        roles.EXTRA[roles.SUPERVISOR] += [
            "reports.view_survey",
            "reports.add_survey",
            "reports.change_survey",
            "reports.send_survey",
            "reports.view_surveyresponse",
        ]
        # Beat reads its schedule after Django is set up, so the entry can live with its app.
        from bkk1555.celery import app

        app.conf.beat_schedule.setdefault(
            "reports-refresh-facts",
            {"task": "reports.tasks.refresh_facts", "schedule": 300.0, "options": {"queue": "default", "expires": 290}},
        )
        # The LINE handlers' hooks arrived during this work; stay importable without them.
        if hasattr(handlers, "register_postback_action"):
            handlers.register_postback_action("survey", survey.on_survey_postback)
        if hasattr(handlers, "register_text_interceptor"):
            handlers.register_text_interceptor(survey.on_text)
