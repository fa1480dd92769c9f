"""Builders for the LINE messages the system sends (plain dicts in Messaging API shape).

The LINE channel work replaces the dispatch card with a full Flex bubble; the
shape of the functions (assignment in, list of message dicts out) stays.
"""

from __future__ import annotations

from bkk1555.thaidate import thai_datetime
from complaints.models import Assignment


def _place(assignment: Assignment) -> str:
    c = assignment.complaint
    parts = [c.address, c.landmark, c.district.name_th if c.district_id else ""]
    return " ".join(p for p in parts if p) or "-"


def dispatch_card(assignment: Assignment) -> list[dict]:
    c = assignment.complaint
    badge = "🔴 BEST เร่งด่วน" if c.is_best else "เรื่องทั่วไป"
    lines = [
        f"{badge} | {c.reference}",
        f"ประเภท: {c.category.name_th}",
        f"สถานที่: {_place(assignment)}",
        f"รายละเอียด: {c.description}",
    ]
    if assignment.ack_due_at:
        lines.append(f"รับเรื่องภายใน: {thai_datetime(assignment.ack_due_at)}")
    if assignment.resolve_due_at:
        lines.append(f"แก้ไขภายใน: {thai_datetime(assignment.resolve_due_at)}")
    return [{"type": "text", "text": "\n".join(lines)[:5000]}]


def assignment_update(assignment: Assignment, text: str) -> list[dict]:
    return [{"type": "text", "text": f"เรื่อง {assignment.complaint.reference}: {text}"[:5000]}]
