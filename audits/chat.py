"""The auditor answers inside the LINE chat, as coordinators report results.

1. The audit card's buttons (postback ``action=audit&f=<audit id>&said=confirmed|false``): the
   answer waits on the audit (``chosen``) for its evidence, two hours at most.
2. The auditor sends the position (LINE's location message) and a photo taken on the site, in
   either order; with both, ``services.record`` stores the photo through the fake-fix guard
   (stage ``audit``: a repeated photo or a position far from the site is flagged) and records
   the answer. "ไม่พบการแก้ไข" reopens the case through the workflow and counts as a false closure.
3. Every step answers in Thai; a refused photo keeps the answer waiting for another one.

Registered in AuditsConfig.ready() on line_oa's hooks (a postback action and a media
interceptor); LINE's side never names an audit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints.errors import WorkflowError
from complaints.guard import FLAG_TEXT
from complaints.photos import MAX_BYTES, distance_metres
from line_oa import client, messages
from line_oa.models import Conversation

from . import services
from .models import FieldAudit

S = FieldAudit.Status
CHAT_TTL = dt.timedelta(hours=2)
ANSWERS = (S.CONFIRMED, S.FALSE_CLOSURE)


def _t(body: str, quick: list[dict] | None = None) -> list[dict]:
    return [messages.text(body, quick)]


def _location_button() -> list[dict]:
    return [{"type": "action", "action": {"type": "location", "label": "ส่งตำแหน่ง"}}]


def _photo_buttons() -> list[dict]:
    return [
        {"type": "action", "action": {"type": "camera", "label": "ถ่ายรูป"}},
        {"type": "action", "action": {"type": "cameraRoll", "label": "เลือกรูป"}},
    ]


def _clear(audit: FieldAudit) -> None:
    audit.chosen, audit.chosen_at, audit.chat_photo_id = "", None, ""
    audit.chat_lat = audit.chat_lng = None


# --- the card's buttons -------------------------------------------------------------------


def on_postback(*, coordinator, params: dict, event: dict) -> list[dict]:
    with translation.override("th"):
        return _answer(coordinator, params, event)


def _answer(coordinator, params: dict, event: dict) -> list[dict]:
    pk, said = params.get("f", ""), params.get("said", "")
    audit = (
        FieldAudit.objects.select_related("complaint", "auditor").filter(pk=int(pk)).first()
        if pk.isdigit() and len(pk) < 18
        else None
    )
    in_group = (event.get("source") or {}).get("type") in ("group", "room")
    if audit is None or coordinator is None or audit.auditor is None or audit.auditor.coordinator_id != coordinator.pk:
        return _t(_("การตรวจนี้ไม่ได้มอบหมายให้คุณ หากเป็นความผิดพลาด กรุณาติดต่อศูนย์ฯ 1555"))
    ref = audit.complaint.reference
    if audit.status != S.PENDING:
        return _t(_("การตรวจเรื่อง %(ref)s บันทึกผลแล้ว (%(status)s)") % {"ref": ref, "status": audit.get_status_display()})
    if said not in ANSWERS:
        return _t(_("ไม่เข้าใจคำตอบ กรุณากดปุ่ม “แก้ไขจริง” หรือ “ไม่พบการแก้ไข” บนการ์ด"))
    if in_group:
        return _t(_("กรุณาตอบผลตรวจในแชตส่วนตัวกับ @ร้องทุกข์1555"))
    now = timezone.now()
    # One answer waits per auditor: a tap on another audit's card replaces the older one.
    FieldAudit.objects.filter(auditor=audit.auditor, status=S.PENDING).exclude(pk=audit.pk).exclude(chosen="").update(
        chosen="", chosen_at=None, chat_photo_id="", chat_lat=None, chat_lng=None
    )
    if audit.chosen_at is None or now - audit.chosen_at > CHAT_TTL:
        _clear(audit)  # old evidence from an abandoned answer does not count
    audit.chosen, audit.chosen_at = said, now
    audit.save(update_fields=["chosen", "chosen_at", "chat_photo_id", "chat_lat", "chat_lng"])
    words = S(said).label
    body = _("เรื่อง %(ref)s: คุณเลือก “%(answer)s”") % {"ref": ref, "answer": words}
    if audit.chat_lat is not None:
        return _t(body + "\n" + _("ได้รับตำแหน่งแล้ว ถ่ายรูปสภาพจริงที่จุดเกิดเหตุส่งมาเพื่อบันทึกผล"), _photo_buttons())
    ask = _("กรุณาส่งตำแหน่งปัจจุบัน (กด “ส่งตำแหน่ง”) และถ่ายรูปสภาพจริงที่จุดเกิดเหตุส่งมาในแชตนี้ เพื่อบันทึกผลตรวจ")
    return _t(body + "\n" + ask, _location_button() + _photo_buttons())


# --- the photo and the position ----------------------------------------------------------


def waiting_for(coordinator, now: dt.datetime | None = None) -> FieldAudit | None:
    """The audit whose answer this auditor tapped in the last two hours, still waiting for evidence."""
    now = now or timezone.now()
    return (
        FieldAudit.objects.filter(auditor__coordinator=coordinator, status=S.PENDING, chosen_at__gte=now - CHAT_TTL)
        .exclude(chosen="")
        .select_related("complaint__category", "agency", "auditor__coordinator")
        .order_by("-chosen_at")
        .first()
    )


def _report_opened_since(coordinator, audit: FieldAudit) -> bool:
    """The auditor is also a coordinator: a รายงานผล tapped after the audit answer takes the photos."""
    uid = coordinator.line_user_id or ""
    return Conversation.objects.filter(
        Q(line_user_id=uid, chat_id=uid),
        mode=Conversation.Mode.REPORT,
        started_at__gt=audit.chosen_at,
        expires_at__gt=timezone.now(),
    ).exists()


def on_media(*, coordinator, message: dict, in_group: bool) -> list[dict] | None:
    kind = message.get("type")
    if in_group or kind not in ("image", "location"):
        return None
    audit = waiting_for(coordinator)
    if audit is None or _report_opened_since(coordinator, audit):
        return None
    with translation.override("th"):
        if kind == "location":
            return _position(audit, message)
        return _photo(audit, str(message.get("id", "")))


def _position(audit: FieldAudit, message: dict) -> list[dict]:
    try:
        lat = Decimal(str(message["latitude"])).quantize(Decimal("0.000001"))
        lng = Decimal(str(message["longitude"])).quantize(Decimal("0.000001"))
    except (KeyError, ArithmeticError, ValueError):
        return _t(_("อ่านตำแหน่งไม่ได้ กรุณากด “ส่งตำแหน่ง” อีกครั้ง"), _location_button())
    if abs(lat) > 90 or abs(lng) > 180:
        return _t(_("อ่านตำแหน่งไม่ได้ กรุณากด “ส่งตำแหน่ง” อีกครั้ง"), _location_button())
    audit.chat_lat, audit.chat_lng = lat, lng
    audit.save(update_fields=["chat_lat", "chat_lng"])
    if audit.chat_photo_id:
        return _record(audit, audit.chat_photo_id)
    c = audit.complaint
    body = _("ได้รับตำแหน่งแล้ว")
    if c.lat is not None and c.lng is not None:
        metres = distance_metres(lat, lng, c.lat, c.lng)
        body += " " + _("(ห่างจุดเกิดเหตุประมาณ %(m)s ม.)") % {"m": f"{metres:,.0f}"}
    return _t(body + "\n" + _("ถ่ายรูปสภาพจริงที่จุดเกิดเหตุส่งมาเพื่อบันทึกผลตรวจ"), _photo_buttons())


def _photo(audit: FieldAudit, message_id: str) -> list[dict]:
    if audit.chat_lat is None:
        audit.chat_photo_id = message_id[:32]
        audit.save(update_fields=["chat_photo_id"])
        return _t(_("ได้รับรูปแล้ว กรุณาส่งตำแหน่งจากจุดที่ตรวจ (กด “ส่งตำแหน่ง”) เพื่อบันทึกผลตรวจ"), _location_button())
    return _record(audit, message_id)


def _forget_photo(audit: FieldAudit) -> None:
    audit.chat_photo_id = ""
    audit.save(update_fields=["chat_photo_id"])


def _record(audit: FieldAudit, message_id: str) -> list[dict]:
    again = _("กรุณาถ่ายรูปส่งมาใหม่")
    try:
        content = client.get_content(message_id, max_bytes=MAX_BYTES)
    except client.ContentTooLarge:
        _forget_photo(audit)
        return _t(_("รูปใหญ่เกินไป (ไม่เกิน 10 MB)") + " " + again, _photo_buttons())
    except client.LineError as exc:
        if exc.retryable:
            raise  # the event is marked failed and processed again
        _forget_photo(audit)
        return _t(_("ดึงรูปจาก LINE ไม่ได้") + " " + again, _photo_buttons())
    ref = audit.complaint.reference
    try:
        done = services.record(audit=audit, said=audit.chosen, photo=content, lat=audit.chat_lat, lng=audit.chat_lng)
    except services.AuditClosed:
        return _t(_("การตรวจเรื่อง %(ref)s ปิดแล้ว") % {"ref": ref})
    except WorkflowError as exc:  # a broken picture: nothing stored, the answer still waits
        _forget_photo(audit)
        return _t(f"{exc.message} {again}", _photo_buttons())
    if done.status == S.FALSE_CLOSURE:
        body = _(
            "บันทึกผลตรวจเรื่อง %(ref)s แล้ว: ไม่พบการแก้ไข\n"
            "เปิดเรื่องใหม่และแจ้ง %(agency)s ให้ดำเนินการอีกครั้งแล้ว ขอบคุณที่ลงพื้นที่ตรวจสอบครับ"
        ) % {"ref": ref, "agency": done.agency.name_th}
    else:
        body = _("บันทึกผลตรวจเรื่อง %(ref)s แล้ว: แก้ไขจริง\nขอบคุณที่ลงพื้นที่ตรวจสอบครับ") % {"ref": ref}
    if done.photo is not None and done.photo.flags:
        flags = "; ".join(str(FLAG_TEXT[f]) for f in done.photo.flags if f in FLAG_TEXT)
        body += "\n" + _("หมายเหตุ: %(flags)s เจ้าหน้าที่ศูนย์ฯ จะตรวจสอบรูปนี้") % {"flags": flags}
    return _t(body)
