"""Small security helpers shared by settings-driven libraries (axes, throttles)."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    """The client's address. Behind our nginx (SECURE_PROXY_SSL_HEADER set) that is the last
    X-Forwarded-For entry, the one nginx appended; anything before it the client may have
    written itself. Without a proxy, REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if forwarded:
            return forwarded[-1][:45]
    return remote[:45]
