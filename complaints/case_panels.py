"""Sections other apps add to the console's case page, below the case's own form.

The domain names none of them: a channel (e.g. the complainant notices) registers a function
in its AppConfig.ready() that renders its section for one case, and the case page shows what
they return in registration order. A section is HTML (rendered from the app's own template)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

Panel = Callable[[HttpRequest, object], str]
_panels: list[Panel] = []


def register(panel: Panel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def render(request: HttpRequest, complaint) -> list[SafeString]:
    return [SafeString(html) for html in (panel(request, complaint) for panel in _panels) if html]
