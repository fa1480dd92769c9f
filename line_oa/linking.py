"""Link codes: short-lived, single-use codes that bind a LINE user or group."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies.models import Agency, Coordinator

from .models import LINK_CODE_ALPHABET, LinkCode


def code_ttl() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "LINE_LINK_CODE_MINUTES", 120))


def create_code(
    *, coordinator: Coordinator | None = None, agency: Agency | None = None, by=None, ttl: dt.timedelta | None = None
) -> LinkCode:
    """A new code for a coordinator (1:1 chat) or, with only `agency`, for the agency's LINE group.
    Older unused codes of the same target stop working."""
    if coordinator is None and agency is None:
        raise ValueError("a coordinator or an agency is required")
    kind = LinkCode.Kind.COORDINATOR if coordinator is not None else LinkCode.Kind.GROUP
    agency = coordinator.agency if coordinator is not None else agency
    now = timezone.now()
    with transaction.atomic():
        stale = LinkCode.objects.filter(kind=kind, agency=agency, used_at__isnull=True, expires_at__gt=now)
        if coordinator is not None:
            stale = stale.filter(coordinator=coordinator)
        stale.update(expires_at=now)
        for _ in range(10):
            code = "".join(secrets.choice(LINK_CODE_ALPHABET) for _ in range(8))
            try:
                with transaction.atomic():
                    return LinkCode.objects.create(
                        code=code,
                        kind=kind,
                        coordinator=coordinator,
                        agency=agency,
                        created_by=by if getattr(by, "is_authenticated", False) else None,
                        expires_at=now + (ttl or code_ttl()),
                    )
            except IntegrityError:
                continue
    raise RuntimeError("could not allocate a unique link code")
