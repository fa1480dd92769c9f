from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LineOaConfig(AppConfig):
    name = "line_oa"
    verbose_name = _("LINE Official Account")
