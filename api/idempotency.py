"""Idempotent complaint creation.

A client retrying a POST (a timeout, a lost answer, a double click) must get the
first complaint back, never a second one. Two keys identify a retry:

* the `Idempotency-Key` header, scoped to the authenticated user (so to the token);
* the complaint's `external_ref` (the MIS case number), unique across the system.

Both are enforced by unique indexes, not by a check-then-insert, so two retries
arriving at the same moment are safe: the second INSERT waits on the index until
the first transaction commits, fails with IntegrityError, and we then read and
return the winner.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction

from complaints.models import Complaint

from .models import IdempotencyKey

KEY_RE = re.compile(r"^[\x21-\x7e]{1,100}$")


class KeyReused(Exception):
    """The key was used before with a different request body."""


class BadKey(Exception):
    """The header is not 1–100 printable ASCII characters."""


def fingerprint(data) -> str:
    if hasattr(data, "lists"):  # QueryDict from a form post
        data = {k: v if len(v) != 1 else v[0] for k, v in data.lists()}
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def parse_key(header: str | None) -> str | None:
    if header is None:
        return None
    if not KEY_RE.match(header):
        raise BadKey(header)
    return header


def _existing(*, user, key: str | None, print_: str, external_ref: str | None) -> Complaint | None:
    if key:
        row = IdempotencyKey.objects.filter(user=user, key=key).select_related("complaint").first()
        if row is not None:
            if row.fingerprint != print_:
                raise KeyReused(key)
            if row.complaint is not None:
                return row.complaint
    if external_ref:
        return Complaint.objects.filter(external_ref=external_ref).first()
    return None


def create_once(
    *, user, key: str | None, print_: str, external_ref: str | None, create: Callable[[], Complaint]
) -> tuple[Complaint, bool]:
    """Return (complaint, created). `create` runs at most once per key/external_ref."""
    found = _existing(user=user, key=key, print_=print_, external_ref=external_ref)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            claim = IdempotencyKey.objects.create(user=user, key=key, fingerprint=print_) if key else None
            complaint = create()
            if claim is not None:
                claim.complaint = complaint
                claim.save(update_fields=["complaint"])
            return complaint, True
    except IntegrityError:
        # A concurrent request with the same key or external_ref committed first.
        found = _existing(user=user, key=key, print_=print_, external_ref=external_ref)
        if found is None:
            raise
        return found, False
