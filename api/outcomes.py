"""How a case's outcome reads in public (Open311 `status_notes`): fixed words in Thai and
English, never the officer's own reason (it may name people or places), so the public
sees what happened and nothing about who asked."""

from __future__ import annotations

import datetime as dt

from complaints.rules import Outcome

PUBLIC_OUTCOME = {
    Outcome.FIXED: "แก้ไขแล้ว (fixed)",
    Outcome.PLANNED: "ทำให้ปลอดภัยแล้ว รอแก้ไขถาวร (made safe; permanent fix planned)",
    Outcome.OUTSIDE: "ส่งต่อหน่วยงานนอกสังกัด กทม. (referred to a body outside the BMA)",
    Outcome.DUPLICATE: "เรื่องซ้ำ (duplicate)",
    Outcome.NO_ACTION: "ไม่ต้องดำเนินการ (no action needed)",
    Outcome.WITHDRAWN: "ผู้ร้องขอยกเลิก (withdrawn by the requester)",
    Outcome.CANCELLED: "ยกเลิกเรื่อง (cancelled)",
}
# Cases that ended before outcomes existed and kept none.
BY_STATUS = {"cancelled": Outcome.CANCELLED, "duplicate": Outcome.DUPLICATE}


def public_outcome(outcome: str, status: str, planned_for: dt.date | None = None) -> str:
    """The neutral words for the case's outcome ('' while it has none)."""
    outcome = outcome or BY_STATUS.get(status, "")
    text = PUBLIC_OUTCOME.get(outcome, "")
    if outcome == Outcome.PLANNED and planned_for:
        text = f"{text} {planned_for.isoformat()}"
    return text


def status_notes(outcome: str, status: str, result_note: str, planned_for: dt.date | None = None) -> str:
    """The outcome's words; a fixed case keeps the agency's result note after them (the
    caller scrubs the whole). Without an outcome, the result note alone, as before."""
    words = public_outcome(outcome, status, planned_for)
    if not words:
        return result_note
    if (outcome or "") == Outcome.FIXED and result_note:
        return f"{words}: {result_note}"
    return words
