"""What a notice says: short Thai text with the reference, what happened in plain words, the
agency and the public page's address. Never a name, a phone number or the description."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from bkk1555.thaidate import thai_date
from complaints import privacy, rules
from complaints.models import Complaint

Out = rules.Outcome


def public_text(complaint: Complaint) -> str:
    """The description as the public may read it (scrubbed: complaints.privacy.public_text)."""
    return privacy.public_text(complaint)


def outcome_words(complaint: Complaint, planned_for=None) -> str:
    outcome = complaint.outcome
    if outcome == Out.FIXED:
        return _("แก้ไขเรียบร้อยแล้ว")
    if outcome == Out.PLANNED:
        if planned_for:
            return _("ทำให้ปลอดภัยแล้ว จะแก้ไขถาวรภายใน %(date)s") % {"date": thai_date(planned_for)}
        return _("ทำให้ปลอดภัยแล้ว รอแก้ไขถาวร")
    if outcome == Out.OUTSIDE:
        return _("อยู่นอกอำนาจหน้าที่ของ กทม. ส่งต่อหน่วยงานที่รับผิดชอบแล้ว")
    if outcome == Out.DUPLICATE:
        if complaint.duplicate_of_id:
            return _("รวมกับเรื่อง %(ref)s ที่มีผู้แจ้งไว้แล้ว") % {"ref": complaint.duplicate_of.reference}
        return _("รวมกับเรื่องที่มีผู้แจ้งไว้แล้ว")
    if outcome == Out.NO_ACTION:
        return _("ตรวจสอบแล้ว ไม่ต้องดำเนินการ")
    if outcome == Out.WITHDRAWN:
        return _("ยกเลิกตามที่ท่านแจ้ง")
    return _("ยกเลิกเรื่องแล้ว")


def received(complaint: Complaint) -> str:
    with translation.override("th"):
        return _("กทม. 1555 รับเรื่องของท่านแล้ว เลขที่ %(ref)s ติดตามได้ที่ %(url)s") % {
            "ref": complaint.reference,
            "url": complaint.public_url,
        }


def dispatched(complaint: Complaint, agency_names: list[str]) -> str:
    with translation.override("th"):
        return _("เรื่อง %(ref)s ส่งถึง %(agency)s แล้ว ติดตามได้ที่ %(url)s") % {
            "ref": complaint.reference,
            "agency": ", ".join(agency_names),
            "url": complaint.public_url,
        }


def ended(complaint: Complaint, agency_name: str, planned_for=None) -> str:
    with translation.override("th"):
        words = outcome_words(complaint, planned_for)
        by = f" ({agency_name})" if agency_name else ""
        if complaint.outcome == Out.FIXED:
            return _("เรื่อง %(ref)s %(words)s%(by)s หากยังไม่ได้แก้ไข แจ้งได้ที่ %(url)s") % {
                "ref": complaint.reference,
                "words": words,
                "by": by,
                "url": complaint.public_url,
            }
        return _("เรื่อง %(ref)s %(words)s%(by)s ดูรายละเอียด %(url)s") % {
            "ref": complaint.reference,
            "words": words,
            "by": by,
            "url": complaint.public_url,
        }


def sms_credits(text: str) -> int:
    """SMS segments a Thai text costs (UCS-2: 70 UTF-16 units in one, 67 per part when split)."""
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)
