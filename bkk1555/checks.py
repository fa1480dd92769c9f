"""System checks for what production must set (run by `manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def line_settings(app_configs, **kwargs):
    errors = []
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"):
        if not getattr(settings, name):
            errors.append(
                Error(
                    f"{name} is not set",
                    hint="Set it from the LINE Developers console.",
                    id=f"bkk1555.E00{len(errors) + 1}",
                )
            )
    if not settings.PUBLIC_BASE_URL.startswith("https://"):
        errors.append(
            Error(
                "PUBLIC_BASE_URL must be an https:// address in production",
                hint="LINE only loads images from HTTPS URLs.",
                id="bkk1555.E003",
            )
        )
    if settings.SECRET_KEY.startswith("insecure-"):
        errors.append(Error("SECRET_KEY is the local default", id="bkk1555.E004"))
    return errors
