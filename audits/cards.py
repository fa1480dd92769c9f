"""The audit card an auditor receives over LINE: before and result photos, the place, a map link,
the deadline, and two answer buttons (postbacks: the auditor then sends a photo and the position
in the chat, audits/chat.py), plus the audit form's link for those who prefer a browser."""

from __future__ import annotations

from bkk1555.thaidate import thai_datetime
from complaints.models import Photo
from line_oa import limits, messages

from .models import FieldAudit

AUDIT_COLOUR = "#6A1B9A"


def _uri_button(label: str, uri: str, *, style: str, colour: str) -> dict:
    return {
        "type": "button",
        "style": style,
        "height": "sm",
        "color": colour,
        "action": {"type": "uri", "label": limits.fit_graphemes(label, limits.FLEX_BUTTON_LABEL), "uri": uri},
    }


def _postback_button(label: str, data: str, *, colour: str) -> dict:
    return {
        "type": "button",
        "style": "primary",
        "height": "sm",
        "color": colour,
        "action": {
            "type": "postback",
            "label": limits.fit_graphemes(label, limits.FLEX_BUTTON_LABEL),
            "data": data,
            "displayText": label,
        },
    }


def answer_data(audit: FieldAudit, said: str) -> str:
    return messages.postback_data("audit", f=audit.pk, said=said)


def _image(photo: Photo | None) -> list[dict]:
    if photo is None:
        return []
    return [
        {"type": "image", "url": messages.photo_url(photo), "size": "full", "aspectMode": "cover", "aspectRatio": "4:3"}
    ]


def audit_card(audit: FieldAudit) -> list[dict]:
    c = audit.complaint
    before = c.photos.filter(stage=Photo.Stage.BEFORE).order_by("created_at").first()
    after = (
        audit.assignment.photos.filter(stage=Photo.Stage.AFTER).order_by("-created_at").first()
        if audit.assignment
        else None
    )
    body = [
        {"type": "text", "text": "ตรวจสอบผลในพื้นที่", "weight": "bold", "color": AUDIT_COLOUR},
        {"type": "text", "text": f"เรื่องเลขที่ {c.reference}", "size": "sm"},
        {"type": "text", "text": c.category.name_th, "weight": "bold", "size": "lg", "wrap": True},
        messages._row("สถานที่", messages.place(audit.assignment) if audit.assignment else "-"),
        messages._row("หน่วยงานที่แก้ไข", audit.agency.name_th),
        messages._row("ตรวจภายใน", thai_datetime(audit.due_at), bold=True),
    ]
    if before is not None:
        body += [{"type": "text", "text": "ก่อนดำเนินการ", "size": "xs", "color": messages.MUTED}, *_image(before)]
    if after is not None:
        body += [{"type": "text", "text": "ผลที่หน่วยงานรายงาน", "size": "xs", "color": messages.MUTED}, *_image(after)]
    footer = [
        _postback_button("แก้ไขจริง", answer_data(audit, FieldAudit.Status.CONFIRMED), colour="#2E7D32"),
        _postback_button("ไม่พบการแก้ไข", answer_data(audit, FieldAudit.Status.FALSE_CLOSURE), colour="#C62828"),
    ]
    if c.lat is not None and c.lng is not None:
        footer.append(_uri_button("แผนที่", messages.map_url(c.lat, c.lng), style="secondary", colour="#E0E0E0"))
    footer.append(_uri_button("ตอบในแบบฟอร์ม", audit.url, style="link", colour="#6A1B9A"))
    bubble = {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
        "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": footer},
    }
    alt = messages._truncate(f"ตรวจสอบผลในพื้นที่ เรื่อง {c.reference} {c.category.name_th}", limits.ALT_TEXT)
    return [{"type": "flex", "altText": alt, "contents": bubble}]
