"""Link codes: short-lived, single-use codes that bind a LINE user or group."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies.models import Agency, Coordinator

from .models import LINK_CODE_ALPHABET, LinkAttempt, LinkCode

log = logging.getLogger(__name__)


def code_ttl() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LINE_LINK_CODE_MINUTES)


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


# --- redeeming a code sent in a chat ---------------------------------------------------------

LINK_ATTEMPTS = 5
LINK_WINDOW = dt.timedelta(minutes=15)
LINK_ATTEMPTS_ALL_USERS_PER_MINUTE = 30


@dataclass(frozen=True)
class Redeemed:
    """What a code sent in a chat did: `problem` is None when it bound someone."""

    problem: str | None = None  # invalid / used / expired / group_code_in_chat / personal_code_in_group / too_many
    attempts_left: int | None = None
    agency: Agency | None = None
    coordinator: Coordinator | None = None


def _attempts(key: str, now) -> int:
    return LinkAttempt.objects.filter(line_user_id=key, created_at__gte=now - LINK_WINDOW).count()


def rate_limited(key: str) -> bool:
    """Per LINE user, and across all of them: many accounts must not guess in parallel."""
    now = timezone.now()
    return (
        _attempts(key, now) >= LINK_ATTEMPTS
        or LinkAttempt.objects.filter(created_at__gte=now - dt.timedelta(minutes=1)).count()
        >= LINK_ATTEMPTS_ALL_USERS_PER_MINUTE
    )


def is_live_code(key: str, code: str) -> bool:
    """A bound sender typed something code-like: is it a real code? Their guesses count too,
    and past the limit the answer is no — the question must not be an unlimited oracle."""
    live = not rate_limited(key) and LinkCode.objects.filter(code=code).exists()
    if not live:
        LinkAttempt.objects.create(line_user_id=key, text=code[:64])
    return live


def redeem(*, code: str, source_type: str, chat_id: str, user_id: str, name: Callable[[], str]) -> Redeemed:
    """Bind the LINE user (1:1 chat) or group to the code's coordinator or agency, once.

    Wrong codes are counted per LINE user (5 per 15 minutes). `name` gives the LINE display
    name or group name (an HTTP call, made only when a binding really happens)."""
    key = user_id or chat_id
    now = timezone.now()
    if rate_limited(key):
        return Redeemed("too_many")
    link = LinkCode.objects.select_related("coordinator", "agency").filter(code=code).first()
    problem = None
    if link is None or any(ch not in LINK_CODE_ALPHABET for ch in code):
        problem = "invalid"
    elif link.used_at:
        problem = "used"
    elif link.expires_at <= now:
        problem = "expired"
    if problem:
        LinkAttempt.objects.create(line_user_id=key, text=code[:64])
        return Redeemed(problem, attempts_left=max(0, LINK_ATTEMPTS - _attempts(key, now)))
    in_group = source_type in ("group", "room")
    if link.kind == LinkCode.Kind.GROUP:
        if not in_group:
            return Redeemed("group_code_in_chat")
        group_name = name()
        with transaction.atomic():
            if not LinkCode.objects.filter(pk=link.pk, used_at__isnull=True).update(
                used_at=now, used_by_line_id=chat_id
            ):
                return Redeemed("used")
            Agency.objects.filter(line_group_id=chat_id).exclude(pk=link.agency_id).update(line_group_id=None)
            Agency.objects.filter(pk=link.agency_id).update(line_group_id=chat_id, line_group_name=group_name[:200])
        log.info("LINE group %s bound to agency %s", chat_id, link.agency.code)
        return Redeemed(agency=link.agency)
    if source_type != "user":
        return Redeemed("personal_code_in_group")
    profile_name = name()
    coordinator = link.coordinator
    with transaction.atomic():
        if not LinkCode.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now, used_by_line_id=user_id):
            return Redeemed("used")
        # A person who moves to another role keeps one LINE account: the old binding goes.
        Coordinator.objects.filter(line_user_id=user_id).exclude(pk=coordinator.pk).update(line_user_id=None)
        Coordinator.objects.filter(pk=coordinator.pk).update(
            line_user_id=user_id, line_display_name=profile_name[:200], line_unreachable_at=None, last_seen_at=now
        )
    log.info("LINE user %s bound to coordinator %s", user_id, coordinator.pk)
    return Redeemed(agency=coordinator.agency, coordinator=coordinator)
