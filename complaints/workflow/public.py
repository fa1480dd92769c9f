"""The public case page's link: renew it (the old address stops working) or close it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Complaint
from .core import K, atomic, lock_complaint, log, new_public_token


@atomic
def renew_public_link(*, complaint: Complaint, by, revoke_only: bool = False) -> Complaint:
    """Revoke the case's public link: a new token (the complainant must be given the new
    address), or none at all with `revoke_only` (the page is closed)."""
    complaint = lock_complaint(complaint)
    complaint.public_token = "" if revoke_only else new_public_token()
    complaint.save(update_fields=["public_token", "updated_at"])
    text = _("ปิดลิงก์หน้าติดตามเรื่อง") if revoke_only else _("เปลี่ยนลิงก์หน้าติดตามเรื่อง ลิงก์เดิมใช้ไม่ได้แล้ว")
    log(
        complaint=complaint, kind=K.NOTE, by=by, text=text, data={"public_link": "closed" if revoke_only else "renewed"}
    )
    return complaint
