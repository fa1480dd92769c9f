"""Complainants' personal data: who may see it, and how it looks to everyone else."""

from __future__ import annotations

import re

PII_PERMISSION = "complaints.view_complainant_pii"


def can_see_pii(user) -> bool:
    return bool(user and user.is_active and user.has_perm(PII_PERMISSION))


def mask_phone(phone: str) -> str:
    """`0812345678` → `08x-xxx-5678`; keeps only the last four digits."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    if len(digits) <= 4:
        return "x" * len(digits)
    if len(digits) == 9:  # landline 02-xxx-xxxx
        return f"{digits[:2]}-xxx-{digits[-4:]}"
    return f"{digits[:2]}x-xxx-{digits[-4:]}"


def mask_name(name: str) -> str:
    """`สมชาย ใจดี` → `ส*** ใ***`."""
    return " ".join(part[0] + "***" for part in (name or "").split() if part)
