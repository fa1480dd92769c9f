"""Builders for the LINE messages the system sends (plain dicts in Messaging API shape).

Every builder returns a list of message dicts (at most 5, LINE's limit per
request); the client converts them with the SDK's models, so a malformed
message fails loudly in tests. Texts are Thai.

Postback data is ``action=<name>&a=<assignment id>`` (urlencoded), parsed by
``line_oa.handlers``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse

from bkk1555.thaidate import thai_datetime
from complaints import notify
from complaints.models import Assignment, Photo, TimelineEntry
from complaints.privacy import scrub

from . import limits

BEST_COLOUR = "#C62828"
NORMAL_COLOUR = "#1565C0"
MUTED = "#6B7280"
PHOTO_SALT = "line_oa.photo"
PHOTO_URL_MAX_AGE = 7 * 24 * 3600  # seconds a signed photo URL stays valid
QUICK_REPLY_MAX = limits.QUICK_REPLY_ITEMS


def postback_data(action: str, assignment_id: int | None = None, **extra) -> str:
    params = {"action": action}
    if assignment_id is not None:
        params["a"] = str(assignment_id)
    params.update({k: str(v) for k, v in extra.items()})
    return urlencode(params)


def _place(assignment: Assignment) -> str:
    c = assignment.complaint
    parts = [c.address, c.landmark, c.district.name_th if c.district_id else ""]
    return " ".join(p for p in parts if p) or "-"


def place(assignment: Assignment) -> str:
    """The case's address, landmark and district in one line."""
    return _place(assignment)


def _truncate(text: str, limit: int) -> str:
    """At most `limit` UTF-16 units (how LINE counts texts), cut between grapheme clusters."""
    return limits.fit_utf16(text, limit)


def photo_token(photo: Photo) -> str:
    return signing.dumps(photo.pk, salt=PHOTO_SALT, compress=False)


def photo_url(photo: Photo, *, thumbnail: bool = True) -> str:
    """An absolute, signed, expiring URL of a case photo under PUBLIC_BASE_URL."""
    name = "line_oa:photo_thumb" if thumbnail else "line_oa:photo"
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(name, args=[photo_token(photo)])


def liff_url(assignment_id: int | None = None) -> str:
    """The address that opens the report form (LIFF) inside LINE — for one assignment, or without
    one the form's case picker (the rich menu's รายงานผล); '' without a LIFF app."""
    if not settings.LINE_LIFF_ID:
        return ""
    base = f"https://liff.line.me/{settings.LINE_LIFF_ID}"
    return base if assignment_id is None else f"{base}?a={assignment_id}"


def map_url(lat, lng) -> str:
    return f"https://www.google.com/maps/search/?api=1&query={float(lat):.6f},{float(lng):.6f}"


def _row(label: str, value: str, *, colour: str | None = None, bold: bool = False) -> dict:
    value_box = {"type": "text", "text": value or "-", "wrap": True, "size": "sm", "flex": 5}
    if colour:
        value_box["color"] = colour
    if bold:
        value_box["weight"] = "bold"
    return {
        "type": "box",
        "layout": "baseline",
        "spacing": "sm",
        "contents": [
            {"type": "text", "text": label, "size": "sm", "color": MUTED, "flex": 3, "wrap": True},
            value_box,
        ],
    }


def _postback_button(label: str, action: str, assignment: Assignment, *, style: str, colour: str | None = None):
    button = {
        "type": "button",
        "style": style,
        "height": "sm",
        "action": {
            "type": "postback",
            "label": limits.fit_graphemes(label, limits.FLEX_BUTTON_LABEL),
            "data": postback_data(action, assignment.pk),
            "displayText": _truncate(f"{label} {assignment.complaint.reference}", limits.DISPLAY_TEXT),
        },
    }
    if colour:
        button["color"] = colour
    return button


def dispatch_note(assignment: Assignment) -> str:
    """The officer's note to the agency, written with the dispatch (its timeline entry)."""
    data = (
        TimelineEntry.objects.filter(assignment=assignment, kind=TimelineEntry.Kind.DISPATCHED)
        .order_by("-created_at", "-id")
        .values_list("data", flat=True)
        .first()
    )
    return str((data or {}).get("note") or "").strip()


def dispatch_bubble(assignment: Assignment) -> dict:
    c = assignment.complaint
    colour = BEST_COLOUR if c.is_best else NORMAL_COLOUR
    badge = "BEST เร่งด่วน" if c.is_best else "เรื่องทั่วไป"
    deadlines = []
    if assignment.ack_due_at:
        deadlines.append(_row("รับเรื่องภายใน", thai_datetime(assignment.ack_due_at), colour=colour, bold=True))
    if assignment.safe_due_at:
        deadlines.append(_row("ทำให้ปลอดภัยภายใน", thai_datetime(assignment.safe_due_at)))
    if assignment.resolve_due_at:
        deadlines.append(_row("แก้ไขเสร็จภายใน", thai_datetime(assignment.resolve_due_at)))
    body = [
        {"type": "text", "text": c.category.name_th, "weight": "bold", "size": "lg", "wrap": True},
        _row("เลขที่เรื่อง", c.reference),
        _row("สถานที่", _truncate(_place(assignment), 300)),
        # A group card is read by everyone in the agency's LINE group: never the complainant's details.
        _row("รายละเอียด", _truncate(scrub(c.description, [c.complainant_name]), 500)),
        _row("ส่งต่อถึง", assignment.agency.name_th),
    ]
    note = dispatch_note(assignment)
    if note:
        body.append(_row("หมายเหตุจากศูนย์ฯ", _truncate(note, 500), colour=colour, bold=True))
    if deadlines:
        body += [{"type": "separator", "margin": "md"}, *deadlines]
    buttons = [_postback_button("รับเรื่อง", "ack", assignment, style="primary", colour=colour)]
    form = liff_url(assignment.pk)
    if form:
        # The form inside LINE first; the chat flow stays for those who prefer it.
        buttons += [
            {
                "type": "button",
                "style": "secondary",
                "height": "sm",
                "action": {"type": "uri", "label": "รายงานผล", "uri": form},
            },
            _postback_button("รายงานผลทางแชต", "report", assignment, style="link"),
        ]
    else:
        buttons.append(_postback_button("รายงานผล", "report", assignment, style="secondary"))
    buttons.append(_postback_button("ไม่ใช่หน่วยงานนี้", "reject", assignment, style="link"))
    if c.lat is not None and c.lng is not None:
        buttons.append(
            {
                "type": "button",
                "style": "link",
                "height": "sm",
                "action": {"type": "uri", "label": "แผนที่", "uri": map_url(c.lat, c.lng)},
            }
        )
    bubble = {
        "type": "bubble",
        "size": "mega",
        "header": {
            "type": "box",
            "layout": "vertical",
            "backgroundColor": colour,
            "paddingAll": "12px",
            "contents": [
                {"type": "text", "text": badge, "color": "#FFFFFF", "weight": "bold", "size": "md"},
                {"type": "text", "text": f"เรื่องเลขที่ {c.reference}", "color": "#FFFFFF", "size": "sm"},
            ],
        },
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
        "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons},
    }
    photo = c.photos.filter(stage=Photo.Stage.BEFORE).order_by("created_at", "id").first()
    if photo is not None:
        bubble["hero"] = {
            "type": "image",
            "url": photo_url(photo),
            "size": "full",
            "aspectRatio": "20:13",
            "aspectMode": "cover",
            "action": {"type": "uri", "label": "ดูรูป", "uri": photo_url(photo, thumbnail=False)},
        }
    return bubble


def dispatch_card(assignment: Assignment) -> list[dict]:
    """The dispatch card (a Flex bubble) plus a location message when lat/lng is known."""
    c = assignment.complaint
    badge = "🔴 BEST" if c.is_best else "เรื่องใหม่"
    out = [
        {
            "type": "flex",
            # 400 keeps the notification short; LINE's own limit is 1,500 (limits.ALT_TEXT).
            "altText": _truncate(f"{badge} {c.reference} {c.category.name_th}: {_place(assignment)}", 400),
            "contents": dispatch_bubble(assignment),
        }
    ]
    if c.lat is not None and c.lng is not None:
        out.append(
            {
                "type": "location",
                "title": _truncate(f"จุดเกิดเหตุ {c.reference}", limits.LOCATION_TITLE),
                "address": _truncate(_place(assignment), limits.LOCATION_ADDRESS),
                "latitude": float(c.lat),
                "longitude": float(c.lng),
            }
        )
    return out


CHANGE_TEXT = {
    notify.REROUTED_AWAY: "ศูนย์ฯ ส่งต่อเรื่องนี้ให้หน่วยงานอื่นแล้ว ไม่ต้องดำเนินการต่อ",
    notify.REOPENED: "ศูนย์ฯ เปิดเรื่องใหม่: {reason}",
    notify.ASSIGNMENT_CANCELLED: "ศูนย์ฯ ยกเลิกการส่งต่อ: {reason}",
    notify.CASE_ENDED: "ศูนย์ฯ ยกเลิกเรื่องนี้แล้ว ไม่ต้องดำเนินการต่อ ({reason})",
    notify.SENT_BACK: "ศูนย์ฯ ส่งผลการดำเนินการกลับให้แก้ไข: {reason}\nกำหนดแก้ไขเสร็จยังคงเดิม เมื่อแก้ไขแล้วกด “รายงานผล” และส่งรูปผลใหม่",
}


def change_text(change: str, reason: str) -> str:
    """What the agency reads when the centre changed its case."""
    return CHANGE_TEXT[change].format(reason=reason)


def overdue_message(notice) -> dict:
    """A reminder as a text message; the agency's carries the button that settles it."""
    if notice.escalation or notice.centre or notice.stage == "review":  # the centre's own: nothing for it to tap
        return text(notice.text)
    ref = notice.reference
    if notice.stage == "ack":
        button = qr_postback("รับเรื่อง", postback_data("ack", notice.assignment_id), f"รับเรื่อง {ref}")
    else:
        button = qr_postback("รายงานผล", postback_data("report", notice.assignment_id), f"รายงานผล {ref}")
    return text(notice.text, [button])


def dispatch_text(assignment: Assignment) -> dict:
    """The dispatch card reduced to plain text with the essentials, for when LINE refuses the card.

    Only short, fixed parts besides the case's own words (each cut well under LINE's limits),
    and the two buttons that keep the loop going as quick replies."""
    c = assignment.complaint
    lines = [
        f"{'🔴 BEST เร่งด่วน' if c.is_best else 'เรื่องใหม่'} เลขที่ {c.reference}",
        f"ประเภท: {_truncate(c.category.name_th, 100)}",
        f"สถานที่: {_truncate(_place(assignment), 300)}",
        f"รายละเอียด: {_truncate(c.description, 1000)}",
        f"ส่งต่อถึง: {_truncate(assignment.agency.name_th, 200)}",
    ]
    note = dispatch_note(assignment)
    if note:
        lines.append(f"หมายเหตุจากศูนย์ฯ: {_truncate(note, 500)}")
    if assignment.ack_due_at:
        lines.append(f"รับเรื่องภายใน: {thai_datetime(assignment.ack_due_at)}")
    if c.lat is not None and c.lng is not None:
        lines.append(f"แผนที่: {map_url(c.lat, c.lng)}")
    ref = c.reference
    return text(
        "\n".join(lines),
        [
            qr_postback("รับเรื่อง", postback_data("ack", assignment.pk), f"รับเรื่อง {ref}"),
            qr_postback("รายงานผล", postback_data("report", assignment.pk), f"รายงานผล {ref}"),
        ],
    )


def assignment_update(assignment: Assignment, text_: str) -> list[dict]:
    """A change the centre made; work that is open again (a reopen, a result sent back) carries
    the รายงานผล button, so the coordinator need not scroll back to the old card."""
    quick = None
    if assignment.is_open:
        ref = assignment.complaint.reference
        quick = [qr_postback("รายงานผล", postback_data("report", assignment.pk), f"รายงานผล {ref}")]
    return [text(f"เรื่อง {assignment.complaint.reference}: {text_}", quick)]


def sent_back(assignment: Assignment, reason: str, refused: Photo | None) -> list[dict]:
    """The centre refused the result: the refused photo, the reason, and the รายงานผล button."""
    ref = assignment.complaint.reference
    out = []
    if refused is not None:
        out.append(
            {
                "type": "image",
                "originalContentUrl": photo_url(refused, thumbnail=False),
                "previewImageUrl": photo_url(refused),
            }
        )
    body = f"เรื่อง {ref}: {change_text(notify.SENT_BACK, reason)}"
    button = qr_postback("รายงานผล", postback_data("report", assignment.pk), f"รายงานผล {ref}")
    out.append(text(body, [button]))
    return out


# --- conversation replies ------------------------------------------------------------


def text(body: str, quick_replies: list[dict] | None = None) -> dict:
    message = {"type": "text", "text": _truncate(body, limits.TEXT)}
    if quick_replies:
        message["quickReply"] = {"items": quick_replies[:QUICK_REPLY_MAX]}
    return message


def qr_postback(label: str, data: str, display: str | None = None) -> dict:
    action = {"type": "postback", "label": limits.fit_graphemes(label, limits.QUICK_REPLY_LABEL), "data": data}
    if display:
        action["displayText"] = _truncate(display, limits.DISPLAY_TEXT)
    return {"type": "action", "action": action}


def qr_message(label: str, message: str | None = None) -> dict:
    return {
        "type": "action",
        "action": {
            "type": "message",
            "label": limits.fit_graphemes(label, limits.QUICK_REPLY_LABEL),
            "text": _truncate(message or label, limits.ACTION_TEXT),
        },
    }


def qr_camera() -> list[dict]:
    return [
        {"type": "action", "action": {"type": "camera", "label": "ถ่ายรูป"}},
        {"type": "action", "action": {"type": "cameraRoll", "label": "เลือกรูป"}},
        {"type": "action", "action": {"type": "location", "label": "ส่งตำแหน่ง"}},
    ]


def report_quick_replies(assignment: Assignment) -> list[dict]:
    """Camera, gallery, location, then ปลอดภัยแล้ว (BEST, not yet safe) and เสร็จสิ้น."""
    items = qr_camera()
    ref = assignment.complaint.reference
    if assignment.complaint.is_best and assignment.status in (
        Assignment.Status.ACKNOWLEDGED,
        Assignment.Status.IN_PROGRESS,
    ):
        items.append(qr_postback("ปลอดภัยแล้ว", postback_data("safe", assignment.pk), f"ปลอดภัยแล้ว {ref}"))
    items.append(qr_postback("เสร็จสิ้น", postback_data("done", assignment.pk), f"เสร็จสิ้น {ref}"))
    return items


def open_assignments_quick_replies(assignments: list[Assignment], action: str = "report") -> list[dict]:
    """At most 13 items: one per open assignment, newest first (the caller orders them)."""
    return [
        qr_postback(
            f"{a.complaint.reference}",
            postback_data(action, a.pk),
            f"รายงานผล {a.complaint.reference} {a.complaint.category.name_th}",
        )
        for a in assignments[:QUICK_REPLY_MAX]
    ]


REJECT_REASONS = ("ไม่อยู่ในพื้นที่รับผิดชอบ", "เป็นภารกิจของหน่วยงานอื่น", "ดำเนินการแล้วก่อนหน้านี้")
