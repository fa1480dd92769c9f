"""One rule for coordinators' LINE ids, everywhere (API, coordinator, outbox and inbox admin):
only those who may change coordinators (supervisors) see them; everyone else a mask."""

from __future__ import annotations

LINE_ID_PERMISSION = "agencies.change_coordinator"


def can_see_line_ids(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(LINE_ID_PERMISSION))


def mask_line_id(value: str | None) -> str:
    """`U4af4980629…` → `U…0629`: enough to tell two chats apart, not to address one."""
    value = value or ""
    return f"{value[:1]}…{value[-4:]}" if len(value) > 5 else ("…" if value else "")
