"""Recording PII reads: one call from every place that shows or searches personal data."""

from __future__ import annotations

import ipaddress
import logging

from django.db import transaction

from bkk1555.security import client_ip

from .models import PIIAccess

log = logging.getLogger(__name__)


def record(request, *, action: str, channel: str, complaint=None, query: str = "") -> PIIAccess | None:
    """Add a row to the access log. Never raises into the page that shows the data: a
    failure is logged loudly instead (the page must not go down with the log)."""
    user = getattr(request, "user", None)
    ip = client_ip(request) if request is not None else ""
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        ip = None
    try:
        if not transaction.get_connection().in_atomic_block:
            # Autocommit: the one INSERT is its own transaction (no BEGIN/COMMIT round trips).
            return _create(request, user, action, channel, complaint, query, ip)
        with transaction.atomic():  # a savepoint: a failed insert must not break the caller's transaction
            return _create(request, user, action, channel, complaint, query, ip)
    except Exception:  # noqa: BLE001
        log.exception("could not record a PII access")
        return None


def _create(request, user, action, channel, complaint, query, ip) -> PIIAccess:
    return PIIAccess.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        username=(user.get_username() if getattr(user, "is_authenticated", False) else "")[:150],
        action=action,
        channel=channel,
        complaint_id=getattr(complaint, "pk", None),
        reference=(getattr(complaint, "reference", "") or "")[:12],
        query=(query or "")[:200],
        ip_address=ip,
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:200],
        path=(request.get_full_path() if request is not None else "")[:300],
    )
