"""System checks for what production must set (run by `manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

DEMO_SECRET_KEY = "insecure-local-only-key-change-me-in-production"


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
    if settings.SECRET_KEY.startswith("insecure-") or settings.SECRET_KEY == DEMO_SECRET_KEY:
        errors.append(
            Error(
                "SECRET_KEY is the local/demo default",
                hint="Set SECRET_KEY to 50+ random characters, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(64))'.",
                id="bkk1555.E004",
            )
        )
    if settings.DEMO_MODE:
        errors.append(
            Error(
                "DEMO_MODE is on",
                hint="DEMO_MODE serves the LINE simulator and a public channel secret and token: never in production.",
                id="bkk1555.E005",
            )
        )
    public = {settings.DEMO_LINE_CHANNEL_SECRET, settings.DEMO_LINE_CHANNEL_ACCESS_TOKEN}
    if {settings.LINE_CHANNEL_SECRET, settings.LINE_CHANNEL_ACCESS_TOKEN} & public:
        errors.append(Error("The LINE channel secret or token is the public demo value", id="bkk1555.E006"))
    if settings.LINE_API_BASE or settings.LINE_DATA_API_BASE:
        errors.append(
            Error(
                "LINE_API_BASE / LINE_DATA_API_BASE are set",
                hint="They point the LINE client at a stub or the simulator; leave them empty in production.",
                id="bkk1555.E007",
            )
        )
    return errors
