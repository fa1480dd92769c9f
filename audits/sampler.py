"""Which fixed cases are audited: an unbiased, reproducible draw per closure.

draw = first 8 bytes of HMAC-SHA256(AUDIT_SEED, "<reference>:<round>") as a number in [0, 1);
the case is audited when draw < rate. Nobody choosing cases can steer it (the seed is secret),
anyone holding the seed can recompute every draw, and every draw is stored (AuditDraw)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from complaints.models import Complaint


def rate_for(complaint: Complaint) -> float:
    own = getattr(complaint.category, "audit_rate", None)  # the reverse one-to-one, if set
    if own is not None:
        return float(own.rate)
    return settings.AUDIT_RATE_BEST if complaint.is_best else settings.AUDIT_RATE_OTHER


def draw_value(reference: str, round_: int, seed: str | None = None) -> float:
    key = (seed if seed is not None else settings.AUDIT_SEED).encode()
    digest = hmac.new(key, f"{reference}:{round_}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64
