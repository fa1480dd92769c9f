"""The coordinator conversation: what each stored LINE event does.

``handle_event(event)`` is called by the processing task for one webhook event
(a dict as LINE sent it) and returns True when it did something, False for
event types we do not handle (logged and marked "ignored", never an error).

Who may act: a postback or report about an assignment is accepted from an
active coordinator of the assignment's agency, or from the LINE group bound to
that agency (a group member who is not registered acts without a coordinator
record, under their LINE display name). Anyone else is refused and logged.
Every state change goes through ``complaints.workflow``; refusals reply with the
workflow's Thai message.

Replies use the event's reply token (free); when the reply fails (token
expired, LINE 5xx) the same messages go out as an outbox push with purpose
CONFIRMATION.

Extension hooks (e.g. survey answers over LINE, used by the reports app)::

    from line_oa import handlers

    def answer(*, coordinator, params: dict, event: dict) -> list[dict] | None:
        ...  # params: the postback data parsed (action, a, and your own keys)
        return [{"type": "text", "text": "ขอบคุณ"}]   # reply messages, or None

    handlers.register_postback_action("survey", answer)

    def intercept(*, coordinator, text: str) -> list[dict] | None:
        return None  # None = not mine; a list = handled, these are the replies

    handlers.register_text_interceptor(intercept)

A postback action registered this way receives postbacks whose ``action`` is
its name (build the data with ``messages.postback_data(name, **params)``). Text
interceptors are asked, in registration order, about free text from registered
coordinators before it is treated as a progress report or an inbox message.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qsl

from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, Coordinator
from bkk1555.thaidate import thai_datetime
from complaints import workflow
from complaints.errors import InvalidImage, WorkflowError
from complaints.models import Assignment, Photo, TimelineEntry
from complaints.photos import MAX_BYTES, NEAR_SITE_METRES, add_photo, apply_location, distance_metres

from . import client, messages
from .models import LINK_CODE_ALPHABET, Conversation, InboxMessage, LinkAttempt, LinkCode, OutboxMessage
from .outbox import enqueue

log = logging.getLogger(__name__)
A = Assignment.Status

CONTEXT_TTL = dt.timedelta(hours=2)
LINK_ATTEMPTS = 5
LINK_WINDOW = dt.timedelta(minutes=15)
LINK_ATTEMPTS_ALL_USERS_PER_MINUTE = 30
LIST_COMMANDS = {"งาน", "เรื่องค้าง", "งานค้าง", "รายการ", "เมนู", "รายงานผล"}
CANCEL_WORDS = {"ยกเลิก"}
CODE_RE = re.compile(r"^(?:รหัส|ลงทะเบียน|code)?\s*([A-Za-z0-9]{4})[\s-]?([A-Za-z0-9]{4})$", re.IGNORECASE)

PostbackFn = Callable[..., list[dict] | None]
TextFn = Callable[..., list[dict] | None]
_postback_actions: dict[str, PostbackFn] = {}
_text_interceptors: list[TextFn] = []


def register_postback_action(name: str, fn: PostbackFn) -> None:
    """Route postbacks with ``action=<name>`` to ``fn(*, coordinator, params, event)``."""
    if name in ("ack", "report", "reject", "safe", "done"):
        raise ValueError(f"postback action {name!r} is built in")
    _postback_actions[name] = fn


def register_text_interceptor(fn: TextFn) -> None:
    """Ask ``fn(*, coordinator, text)`` first about free text; None means not handled."""
    if fn not in _text_interceptors:
        _text_interceptors.append(fn)


# --- who is talking ----------------------------------------------------------------


@dataclass
class Sender:
    source_type: str
    chat_id: str
    user_id: str
    coordinator: Coordinator | None
    group_agency: Agency | None

    @property
    def agency(self) -> Agency | None:
        if self.group_agency is not None:
            return self.group_agency
        return self.coordinator.agency if self.coordinator else None

    @property
    def is_known(self) -> bool:
        return self.agency is not None

    def actor_for(self, assignment: Assignment) -> Coordinator | None:
        c = self.coordinator
        return c if c is not None and c.agency_id == assignment.agency_id else None

    def may_act_on(self, assignment: Assignment) -> bool:
        if self.group_agency is not None and self.group_agency.pk == assignment.agency_id:
            return True
        c = self.coordinator
        return bool(c and c.is_active and c.agency_id == assignment.agency_id)

    def display_name(self) -> str:
        if self.coordinator:
            return self.coordinator.name
        if self.user_id:
            try:
                return client.get_profile(self.user_id).get("displayName", "")
            except client.LineError:
                return ""
        return ""


def _sender(event: dict) -> Sender:
    source = event.get("source") or {}
    source_type = source.get("type", "")
    user_id = source.get("userId", "") or ""
    chat_id = source.get("groupId") or source.get("roomId") or user_id
    coordinator = None
    if user_id:
        coordinator = Coordinator.objects.select_related("agency").filter(line_user_id=user_id, is_active=True).first()
    group_agency = None
    if source_type in ("group", "room") and chat_id:
        group_agency = Agency.objects.filter(line_group_id=chat_id, is_active=True).first()
    return Sender(source_type, chat_id, user_id, coordinator, group_agency)


# --- replies -----------------------------------------------------------------------


def reply(event: dict, sender: Sender, out: list[dict] | None) -> None:
    """Reply with the token; if that fails, push the same messages through the outbox."""
    if not out:
        return
    out = out[:5]
    token = event.get("replyToken")
    if token:
        try:
            client.reply(reply_token=token, messages=out)
            return
        except client.LineError as exc:
            log.warning("LINE reply failed (%s); falling back to a push", exc)
    if sender.chat_id:
        enqueue(
            to=[sender.chat_id],
            messages=out,
            purpose=OutboxMessage.Purpose.CONFIRMATION,
            agency=sender.agency,
        )


def _t(body: str, quick: list[dict] | None = None) -> list[dict]:
    return [messages.text(body, quick)]


# --- conversation context ------------------------------------------------------------


def _conversation(sender: Sender) -> Conversation:
    conv, _ = Conversation.objects.get_or_create(line_user_id=sender.user_id or sender.chat_id, chat_id=sender.chat_id)
    if conv.mode != Conversation.Mode.IDLE and conv.expires_at and conv.expires_at <= timezone.now():
        conv.mode, conv.assignment = Conversation.Mode.IDLE, None
        conv.save(update_fields=["mode", "assignment"])
    if conv.assignment_id and not sender.may_act_on(conv.assignment):
        # Re-authorised at every message: someone moved to another agency (or deactivated)
        # cannot finish the old agency's report or rejection.
        _close_context(conv)
    return conv


def _open_context(conv: Conversation, mode: str, assignment: Assignment) -> None:
    now = timezone.now()
    if conv.assignment_id != assignment.pk or conv.mode != mode:
        conv.started_at = now
        if conv.assignment_id != assignment.pk:
            conv.lat = conv.lng = None
    conv.mode, conv.assignment, conv.expires_at = mode, assignment, now + CONTEXT_TTL
    conv.save()


def _touch(conv: Conversation) -> None:
    conv.expires_at = timezone.now() + CONTEXT_TTL
    conv.save(update_fields=["expires_at"])


def _close_context(conv: Conversation) -> None:
    conv.mode, conv.assignment, conv.expires_at = Conversation.Mode.IDLE, None, None
    conv.lat = conv.lng = None
    conv.save()


def _active_assignment(conv: Conversation, mode: str) -> Assignment | None:
    if conv.mode != mode or conv.assignment_id is None:
        return None
    return Assignment.objects.select_related("complaint__category", "agency").get(pk=conv.assignment_id)


def open_assignments(sender: Sender) -> list[Assignment]:
    agency = sender.agency
    if agency is None:
        return []
    return list(
        Assignment.objects.filter(agency=agency, status__in=Assignment.OPEN_STATUSES)
        .select_related("complaint__category")
        .order_by("-dispatched_at", "-id")[: messages.QUICK_REPLY_MAX]
    )


def _choose_case(sender: Sender, lead: str) -> list[dict]:
    items = open_assignments(sender)
    if not items:
        return _t(f"{lead}\nขณะนี้หน่วยงานของคุณไม่มีเรื่องค้างดำเนินการ")
    return _t(f"{lead}\nเลือกเรื่องที่ต้องการรายงานผล (ล่าสุดก่อน):", messages.open_assignments_quick_replies(items))


# --- entry point ---------------------------------------------------------------------


def handle_event(event: dict) -> bool:
    kind = event.get("type")
    handler = _HANDLERS.get(kind)
    if kind == "message":
        handler = _MESSAGE_HANDLERS.get((event.get("message") or {}).get("type"))
    if handler is None:
        log.info("LINE event type %s (%s) not handled", kind, (event.get("message") or {}).get("type", ""))
        return False
    sender = _sender(event)
    if sender.coordinator and kind in ("message", "postback"):
        Coordinator.objects.filter(pk=sender.coordinator.pk).update(last_seen_at=timezone.now())
    return handler(event, sender) is not False


# --- follow / unfollow / join / leave -----------------------------------------------


GREETING = (
    "สวัสดีครับ ที่นี่ศูนย์รับแจ้งทุกข์ 1555 กรุงเทพมหานคร\n"
    "หากคุณเป็นผู้ประสานงานของหน่วยงาน กรุณาพิมพ์รหัสผูกบัญชี 8 หลักที่ได้รับจากเจ้าหน้าที่ศูนย์ฯ "
    "(เช่น ABCD-EFGH) แล้วส่งมาในแชตนี้ เพื่อรับเรื่องร้องทุกข์ที่ส่งต่อถึงหน่วยงานของคุณ"
)


def on_follow(event, sender: Sender):
    if sender.user_id:
        Coordinator.objects.filter(line_user_id=sender.user_id).update(line_unreachable_at=None)
    if sender.coordinator:
        body = f"ยินดีต้อนรับกลับครับ คุณ{sender.coordinator.name} ({sender.coordinator.agency.name_th})\nคุณจะได้รับเรื่องที่ส่งต่อถึงหน่วยงานทางแชตนี้อีกครั้ง"
        return reply(event, sender, _t(body))
    return reply(event, sender, _t(GREETING))


def on_unfollow(event, sender: Sender):
    if sender.user_id:
        n = Coordinator.objects.filter(line_user_id=sender.user_id, line_unreachable_at__isnull=True).update(
            line_unreachable_at=timezone.now()
        )
        if n:
            log.warning("Coordinator with LINE user %s blocked the OA: marked unreachable", sender.user_id)


def on_join(event, sender: Sender):
    if sender.group_agency:
        body = f"กลุ่มนี้ผูกกับ {sender.group_agency.name_th} แล้ว เรื่องที่ส่งต่อถึงหน่วยงานจะแจ้งในกลุ่มนี้"
    else:
        body = (
            "สวัสดีครับ ศูนย์รับแจ้งทุกข์ 1555 กรุงเทพมหานคร\n"
            "หากต้องการให้กลุ่มนี้รับเรื่องแทนหน่วยงาน ให้เจ้าหน้าที่ศูนย์ฯ สร้าง “รหัสผูกกลุ่ม” "
            "แล้วพิมพ์รหัส 8 หลักนั้นส่งในกลุ่มนี้"
        )
    return reply(event, sender, _t(body))


def on_leave(event, sender: Sender):
    if sender.chat_id:
        n = Agency.objects.filter(line_group_id=sender.chat_id).update(line_group_id=None)
        if n:
            log.warning("The OA left LINE group %s: the agency falls back to its coordinators", sender.chat_id)


# --- registration ---------------------------------------------------------------------


def _code_in(text: str) -> str | None:
    m = CODE_RE.match(text.strip())
    if not m:
        return None
    code = (m.group(1) + m.group(2)).upper()
    return code


def _rate_limited(key: str) -> bool:
    now = timezone.now()
    # Per LINE user, and across all of them: many accounts must not guess in parallel.
    return (
        LinkAttempt.objects.filter(line_user_id=key, created_at__gte=now - LINK_WINDOW).count() >= LINK_ATTEMPTS
        or LinkAttempt.objects.filter(created_at__gte=now - dt.timedelta(minutes=1)).count() >= LINK_ATTEMPTS_ALL_USERS_PER_MINUTE
    )


def handle_link_code(event, sender: Sender, code: str):
    key = sender.user_id or sender.chat_id
    if _rate_limited(key):
        return reply(event, sender, _t("ใส่รหัสผิดหลายครั้งเกินไป กรุณารอ 15 นาทีแล้วลองใหม่ หรือติดต่อเจ้าหน้าที่ศูนย์ 1555"))
    now = timezone.now()
    link = LinkCode.objects.select_related("coordinator", "agency").filter(code=code).first()
    problem = None
    if link is None or any(ch not in LINK_CODE_ALPHABET for ch in code):
        problem = "รหัสไม่ถูกต้อง กรุณาตรวจสอบรหัส 8 หลักที่ได้รับจากเจ้าหน้าที่ศูนย์ฯ แล้วส่งใหม่"
    elif link.used_at:
        problem = "รหัสนี้ถูกใช้ไปแล้ว กรุณาขอรหัสใหม่จากเจ้าหน้าที่ศูนย์ฯ"
    elif link.expires_at <= now:
        problem = "รหัสนี้หมดอายุแล้ว กรุณาขอรหัสใหม่จากเจ้าหน้าที่ศูนย์ฯ"
    if problem:
        LinkAttempt.objects.create(line_user_id=key, text=code[:64])
        left = max(
            0, LINK_ATTEMPTS - LinkAttempt.objects.filter(line_user_id=key, created_at__gte=now - LINK_WINDOW).count()
        )
        return reply(event, sender, _t(f"{problem} (ลองได้อีก {left} ครั้ง)"))
    if link.kind == LinkCode.Kind.GROUP:
        if sender.source_type not in ("group", "room"):
            return reply(event, sender, _t("รหัสนี้ใช้ผูกกลุ่ม LINE ของหน่วยงาน กรุณาเชิญบัญชีนี้เข้ากลุ่มแล้วส่งรหัสในกลุ่ม"))
        try:
            group_name = client.get_group_summary(sender.chat_id).get("groupName", "")
        except client.LineError:
            group_name = ""
        with transaction.atomic():
            if not LinkCode.objects.filter(pk=link.pk, used_at__isnull=True).update(
                used_at=now, used_by_line_id=sender.chat_id
            ):
                return reply(event, sender, _t("รหัสนี้ถูกใช้ไปแล้ว กรุณาขอรหัสใหม่จากเจ้าหน้าที่ศูนย์ฯ"))
            Agency.objects.filter(line_group_id=sender.chat_id).exclude(pk=link.agency_id).update(line_group_id=None)
            Agency.objects.filter(pk=link.agency_id).update(
                line_group_id=sender.chat_id, line_group_name=group_name[:200]
            )
        log.info("LINE group %s bound to agency %s", sender.chat_id, link.agency.code)
        return reply(event, sender, _t(f"ผูกกลุ่มนี้กับ {link.agency.name_th} เรียบร้อยแล้ว เรื่องที่ส่งต่อถึงหน่วยงานจะแจ้งในกลุ่มนี้"))
    if sender.source_type != "user":
        return reply(event, sender, _t("รหัสนี้ใช้ผูกบัญชีส่วนตัว กรุณาส่งในแชต 1:1 กับบัญชีนี้ (ไม่ใช่ในกลุ่ม)"))
    try:
        profile_name = client.get_profile(sender.user_id).get("displayName", "")
    except client.LineError:
        profile_name = ""
    coordinator = link.coordinator
    with transaction.atomic():
        if not LinkCode.objects.filter(pk=link.pk, used_at__isnull=True).update(
            used_at=now, used_by_line_id=sender.user_id
        ):
            return reply(event, sender, _t("รหัสนี้ถูกใช้ไปแล้ว กรุณาขอรหัสใหม่จากเจ้าหน้าที่ศูนย์ฯ"))
        # A person who moves to another role keeps one LINE account: the old binding goes.
        Coordinator.objects.filter(line_user_id=sender.user_id).exclude(pk=coordinator.pk).update(line_user_id=None)
        Coordinator.objects.filter(pk=coordinator.pk).update(
            line_user_id=sender.user_id,
            line_display_name=profile_name[:200],
            line_unreachable_at=None,
            last_seen_at=now,
        )
    log.info("LINE user %s bound to coordinator %s", sender.user_id, coordinator.pk)
    return reply(
        event,
        sender,
        _t(
            f"ลงทะเบียนเรียบร้อย คุณ{coordinator.name} ผู้ประสานงาน {coordinator.agency.name_th}\n"
            "เรื่องที่ส่งต่อถึงหน่วยงานจะแจ้งในแชตนี้ กด “รับเรื่อง” เมื่อรับทราบ และ “รายงานผล” เพื่อส่งรูปและผลการดำเนินการ"
        ),
    )


# --- postbacks -------------------------------------------------------------------------


def on_postback(event, sender: Sender):
    params = dict(parse_qsl((event.get("postback") or {}).get("data", ""), keep_blank_values=True))
    action = params.get("action", "")
    if action in _postback_actions:
        out = _postback_actions[action](coordinator=sender.coordinator, params=params, event=event)
        return reply(event, sender, out)
    if action not in _ACTIONS:
        log.info("Unknown postback %r from %s", params, sender.chat_id)
        return False
    if not sender.is_known:
        return reply(event, sender, _t("บัญชีนี้ยังไม่ได้ลงทะเบียนเป็นผู้ประสานงาน กรุณาส่งรหัสผูกบัญชีที่ได้รับจากศูนย์ฯ"))
    try:
        assignment = Assignment.objects.select_related("complaint__category", "agency").get(pk=int(params.get("a", "")))
    except (ValueError, Assignment.DoesNotExist):
        log.warning("Postback for unknown assignment %r from %s", params, sender.chat_id)
        return reply(event, sender, _t("ไม่พบเรื่องนี้ในระบบ"))
    if not sender.may_act_on(assignment):
        log.warning(
            "Refused postback %s on assignment %s (agency %s) from LINE %s/%s (agency %s)",
            action,
            assignment.pk,
            assignment.agency.code,
            sender.chat_id,
            sender.user_id,
            sender.agency.code if sender.agency else "-",
        )
        return reply(
            event,
            sender,
            _t(f"เรื่อง {assignment.complaint.reference} ไม่ได้ส่งถึงหน่วยงานของคุณ จึงดำเนินการไม่ได้"),
        )
    try:
        return _ACTIONS[action](event, sender, assignment)
    except WorkflowError as exc:
        return reply(event, sender, _t(exc.th))


def act_ack(event, sender: Sender, assignment: Assignment):
    by = sender.actor_for(assignment)
    name = by.name if by else sender.display_name()
    done = workflow.acknowledge(assignment=assignment, by=by, name=name)
    return reply(
        event,
        sender,
        _t(
            f"รับเรื่อง {assignment.complaint.reference} แล้ว โดย {done.acknowledged_by_name or '-'} "
            f"เวลา {thai_datetime(done.acknowledged_at)}\nเมื่อดำเนินการแล้ว กด “รายงานผล” เพื่อส่งรูปและผล",
            [
                messages.qr_postback(
                    "รายงานผล",
                    messages.postback_data("report", assignment.pk),
                    f"รายงานผล {assignment.complaint.reference}",
                )
            ],
        ),
    )


def act_report(event, sender: Sender, assignment: Assignment):
    if not assignment.is_open:
        return reply(
            event,
            sender,
            _t(
                f"เรื่อง {assignment.complaint.reference} อยู่ในสถานะ “{assignment.get_status_display()}” แล้ว ไม่ต้องรายงานผลเพิ่ม"
            ),
        )
    conv = _conversation(sender)
    _open_context(conv, Conversation.Mode.REPORT, assignment)
    out = []
    pending = list(conv.pending_media)
    if pending:
        # Photos sent before the case was chosen. If LINE cannot hand one over now, keep it
        # (and the rest) pending rather than lose it: the next รายงานผล attaches it.
        results, left = [], []
        for message_id in pending:
            if left:
                left.append(message_id)
                continue
            try:
                results.append(_attach_media(sender, conv, assignment, message_id))
            except client.LineError:
                left.append(message_id)
        conv.pending_media = left
        conv.save(update_fields=["pending_media"])
        if left:
            results.append(
                f"ยังดาวน์โหลดรูปจาก LINE ไม่ได้ {len(left)} รูป ระบบจะแนบให้เมื่อกด “รายงานผล” อีกครั้ง หรือส่งรูปใหม่ได้เลย"
            )
        out.append(messages.text("\n".join(results)))
    lead = (
        f"รายงานผลเรื่อง {assignment.complaint.reference} ({assignment.complaint.category.name_th})\n"
        "ส่งรูปผลการดำเนินการ ข้อความ และตำแหน่งที่ถ่ายภาพได้เลย เมื่อเรียบร้อยกด “เสร็จสิ้น”"
    )
    if assignment.complaint.is_best:
        lead += "\nเรื่อง BEST ต้องมีรูปผลการดำเนินการอย่างน้อย 1 รูป"
    out.append(messages.text(lead, messages.report_quick_replies(assignment)))
    return reply(event, sender, out)


def act_reject(event, sender: Sender, assignment: Assignment):
    if assignment.status not in (A.DISPATCHED, A.ACKNOWLEDGED, A.IN_PROGRESS):
        return reply(
            event,
            sender,
            _t(
                f"เรื่อง {assignment.complaint.reference} อยู่ในสถานะ “{assignment.get_status_display()}” แล้ว แจ้งว่าไม่ใช่หน่วยงานนี้ไม่ได้"
            ),
        )
    conv = _conversation(sender)
    _open_context(conv, Conversation.Mode.REJECT, assignment)
    return reply(
        event,
        sender,
        _t(
            f"โปรดระบุเหตุผลที่เรื่อง {assignment.complaint.reference} ไม่ใช่ของหน่วยงานนี้ "
            "(เลือกด้านล่างหรือพิมพ์เอง) ถ้าทราบหน่วยงานที่ถูกต้องโปรดระบุด้วย หากกดผิดพิมพ์ “ยกเลิก”",
            [messages.qr_message(r) for r in messages.REJECT_REASONS],
        ),
    )


def act_safe(event, sender: Sender, assignment: Assignment):
    workflow.mark_made_safe(assignment=assignment, by=sender.actor_for(assignment), note=sender.display_name())
    assignment.refresh_from_db()
    return reply(
        event,
        sender,
        _t(
            f"บันทึกแล้ว: เรื่อง {assignment.complaint.reference} ทำให้ปลอดภัยแล้ว\nเมื่อแก้ไขเสร็จ ส่งรูปผลและกด “เสร็จสิ้น”",
            messages.report_quick_replies(assignment),
        ),
    )


def act_done(event, sender: Sender, assignment: Assignment):
    conv = _conversation(sender)
    by = sender.actor_for(assignment)
    workflow.resolve(assignment=assignment, by=by, note="" if by else sender.display_name())
    if conv.assignment_id == assignment.pk:
        _close_context(conv)
    return reply(
        event,
        sender,
        _t(f"บันทึกผลเรื่อง {assignment.complaint.reference}: แก้ไขเสร็จแล้ว ขอบคุณครับ\nศูนย์ฯ จะตรวจสอบผลและแจ้งผู้ร้อง"),
    )


_ACTIONS = {"ack": act_ack, "report": act_report, "reject": act_reject, "safe": act_safe, "done": act_done}


# --- text ------------------------------------------------------------------------------


def on_text(event, sender: Sender):
    text = ((event.get("message") or {}).get("text") or "").strip()
    code = _code_in(text)
    unbound = (sender.source_type == "user" and sender.coordinator is None) or (
        sender.source_type in ("group", "room") and sender.group_agency is None
    )
    known_code = False
    if code and not unbound:
        # A bound sender's guesses count too, and past the limit a code-like text is plain
        # chat: "is this a live code?" must not be an unlimited oracle.
        key = sender.user_id or sender.chat_id
        known_code = not _rate_limited(key) and LinkCode.objects.filter(code=code).exists()
        if not known_code:
            LinkAttempt.objects.create(line_user_id=key, text=code[:64])
    if code and (unbound or known_code):
        return handle_link_code(event, sender, code)
    if not sender.is_known:
        if sender.source_type in ("group", "room"):
            return True  # an unbound group's chatter is not for us
        return reply(event, sender, _t(GREETING))
    if sender.coordinator is not None:
        for fn in list(_text_interceptors):
            out = fn(coordinator=sender.coordinator, text=text)
            if out is not None:
                return reply(event, sender, out)
    conv = _conversation(sender)
    assignment = _active_assignment(conv, Conversation.Mode.REJECT)
    if assignment is not None and (text in LIST_COMMANDS or text in CANCEL_WORDS):
        # A menu word or ยกเลิก is not a reason: a mistaken "not ours" tap must not reject the case.
        _close_context(conv)
        if text in CANCEL_WORDS:
            return reply(event, sender, _t(f"ยกเลิกแล้ว เรื่อง {assignment.complaint.reference} ยังอยู่กับหน่วยงานนี้"))
        assignment = None
    if assignment is not None:
        try:
            workflow.reject(assignment=assignment, by=sender.actor_for(assignment), reason=text)
        except WorkflowError as exc:
            _close_context(conv)
            return reply(event, sender, _t(exc.th))
        _close_context(conv)
        return reply(
            event,
            sender,
            _t(f"บันทึกแล้ว: เรื่อง {assignment.complaint.reference} ไม่ใช่ของหน่วยงานนี้ ({text})\nศูนย์ฯ จะส่งต่อหน่วยงานที่ถูกต้อง"),
        )
    if text in LIST_COMMANDS:
        return reply(event, sender, _choose_case(sender, "เรื่องที่ยังดำเนินการไม่เสร็จ"))
    assignment = _active_assignment(conv, Conversation.Mode.REPORT)
    if assignment is not None and assignment.is_open:
        try:
            workflow.report_progress(assignment=assignment, by=sender.actor_for(assignment), text=text)
        except WorkflowError as exc:
            return reply(event, sender, _t(exc.th))
        _touch(conv)
        assignment.refresh_from_db()
        return reply(
            event,
            sender,
            _t(f"บันทึกความคืบหน้าเรื่อง {assignment.complaint.reference} แล้ว", messages.report_quick_replies(assignment)),
        )
    InboxMessage.objects.create(
        chat_id=sender.chat_id,
        source_type=sender.source_type or "user",
        coordinator=sender.coordinator,
        agency=sender.agency,
        sender_name=sender.display_name(),
        text=text,
    )
    return reply(
        event,
        sender,
        _choose_case(
            sender,
            "ส่งข้อความถึงเจ้าหน้าที่ศูนย์ 1555 แล้ว เจ้าหน้าที่จะตอบกลับในแชตนี้\n"
            "หากเป็นรายงานผลของเรื่องใด กด “รายงานผล” ที่การ์ดเรื่องนั้นก่อนส่ง",
        ),
    )


# --- media and location ------------------------------------------------------------------

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic")


def _attach_media(sender: Sender, conv: Conversation, assignment: Assignment, message_id: str) -> str:
    """Download one image and store it as a result photo. Returns a Thai line for the reply."""
    try:
        content = client.get_content(message_id, max_bytes=MAX_BYTES)  # streamed, cut off past the limit
    except client.ContentTooLarge:
        return "รูปภาพใหญ่เกิน 10 MB กรุณาส่งรูปที่เล็กลง"
    except client.LineError as exc:
        if exc.retryable:
            raise  # the event is marked failed; a supervisor can re-process it
        return "ดาวน์โหลดรูปจาก LINE ไม่สำเร็จ กรุณาส่งรูปอีกครั้ง"
    if len(content) > MAX_BYTES:
        return "รูปภาพใหญ่เกิน 10 MB กรุณาส่งรูปที่เล็กลง"
    try:
        photo = add_photo(
            complaint=assignment.complaint,
            content=content,
            by=sender.actor_for(assignment),
            stage=Photo.Stage.AFTER,
            assignment=assignment,
            lat=conv.lat,
            lng=conv.lng,
        )
    except InvalidImage as exc:
        return f"{exc.th} กรุณาส่งเป็นรูปภาพ (JPEG หรือ PNG) อีกครั้ง"
    count = assignment.photos.filter(stage=Photo.Stage.AFTER).count()
    line = f"ได้รับรูปผลการดำเนินการเรื่อง {assignment.complaint.reference} แล้ว (รวม {count} รูป)"
    if "no_location" in photo.flags:
        line += "\nกรุณากด “ส่งตำแหน่ง” ที่จุดเกิดเหตุด้วย"
    return line


FILE_MAX_BYTES = 50 * 1024 * 1024
FILE_KINDS = {  # what a non-image attachment must really be: (magic test, extension)
    "video": (lambda b: b[4:8] == b"ftyp", "mp4"),
    "pdf": (lambda b: b.startswith(b"%PDF-"), "pdf"),
}


def _attach_file(sender: Sender, assignment: Assignment, message: dict) -> str:
    """Download a video or a PDF sent in a report context, check it is what it claims, keep it
    in the case's timeline with the sender and time. Returns a Thai line for the reply."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = str(message.get("fileName", ""))
    claimed = "video" if message.get("type") == "video" else ("pdf" if name.lower().endswith(".pdf") else None)
    if claimed is None:
        return "รองรับเฉพาะรูปภาพ วิดีโอ หรือไฟล์ PDF กรุณาส่งใหม่"
    try:
        content = client.get_content(message.get("id"), max_bytes=FILE_MAX_BYTES)
    except client.ContentTooLarge:
        return "ไฟล์ใหญ่เกิน 50 MB กรุณาส่งไฟล์ที่เล็กลง"
    except client.LineError as exc:
        if exc.retryable:
            raise
        return "ดาวน์โหลดไฟล์จาก LINE ไม่สำเร็จ กรุณาส่งอีกครั้ง"
    if len(content) > FILE_MAX_BYTES:
        return "ไฟล์ใหญ่เกิน 50 MB กรุณาส่งไฟล์ที่เล็กลง"
    check, ext = FILE_KINDS[claimed]
    if not check(content):
        return "ไฟล์นี้ไม่ใช่วิดีโอหรือ PDF ตามที่ระบุ หรือไฟล์เสียหาย กรุณาส่งใหม่"
    digest = hashlib.sha256(content).hexdigest()
    path = default_storage.save(f"line_media/{assignment.complaint_id}/{digest}.{ext}", ContentFile(content))
    workflow.log(
        complaint=assignment.complaint,
        kind=TimelineEntry.Kind.NOTE,
        by=sender.actor_for(assignment),
        assignment=assignment,
        text=f"{'วิดีโอ' if claimed == 'video' else 'ไฟล์ PDF'}จาก LINE: {name or path.rsplit('/', 1)[-1]}",
        data={"file": path, "sha256": digest, "bytes": len(content), "from": sender.display_name()},
    )
    return f"ได้รับ{'วิดีโอ' if claimed == 'video' else 'ไฟล์'}ของเรื่อง {assignment.complaint.reference} แล้ว"


def on_media(event, sender: Sender):
    message = event.get("message") or {}
    kind = message.get("type")
    if not sender.is_known:
        if sender.source_type in ("group", "room"):
            return True  # an unbound group's photos and places are not for us
        return reply(event, sender, _t(GREETING))
    if kind in ("video", "audio") or (
        kind == "file" and not str(message.get("fileName", "")).lower().endswith(IMAGE_EXTENSIONS)
    ):
        conv = _conversation(sender)
        assignment = _active_assignment(conv, Conversation.Mode.REPORT)
        if kind != "audio" and assignment is not None and assignment.is_open:
            line = _attach_file(sender, assignment, message)
            _touch(conv)
            return reply(event, sender, _t(line, messages.report_quick_replies(assignment)))
        InboxMessage.objects.create(
            chat_id=sender.chat_id,
            source_type=sender.source_type or "user",
            coordinator=sender.coordinator,
            agency=sender.agency,
            sender_name=sender.display_name(),
            text=f"[{kind}] {message.get('fileName', '')} (LINE message id {message.get('id')})",
        )
        return reply(
            event,
            sender,
            _t(
                "ส่งไฟล์ถึงเจ้าหน้าที่ศูนย์ฯ แล้ว หากเป็นผลการดำเนินการ กด “รายงานผล” ที่การ์ดเรื่องนั้นแล้วส่งอีกครั้ง "
                "(รูปภาพใช้เป็นหลักฐานผลการดำเนินการได้ดีที่สุด)"
            ),
        )
    conv = _conversation(sender)
    assignment = _active_assignment(conv, Conversation.Mode.REPORT)
    image_set = message.get("imageSet") or {}
    last_of_set = not image_set or image_set.get("index") == image_set.get("total")
    if assignment is None or not assignment.is_open:
        conv.pending_media = [*conv.pending_media, message.get("id")][-20:]
        conv.save(update_fields=["pending_media"])
        if not last_of_set:
            return True
        return reply(event, sender, _choose_case(sender, "ได้รับรูปแล้ว"))
    line = _attach_media(sender, conv, assignment, message.get("id"))
    _touch(conv)
    if not last_of_set and line.startswith("ได้รับรูป"):
        return True
    assignment.refresh_from_db()
    return reply(event, sender, _t(line, messages.report_quick_replies(assignment)))


def on_location(event, sender: Sender):
    message = event.get("message") or {}
    if not sender.is_known:
        if sender.source_type in ("group", "room"):
            return True  # an unbound group's photos and places are not for us
        return reply(event, sender, _t(GREETING))
    try:
        lat = Decimal(str(message["latitude"])).quantize(Decimal("0.000001"))
        lng = Decimal(str(message["longitude"])).quantize(Decimal("0.000001"))
    except (KeyError, ArithmeticError, ValueError):
        return reply(event, sender, _t("ตำแหน่งไม่ถูกต้อง กรุณาส่งใหม่"))
    conv = _conversation(sender)
    conv.lat, conv.lng = lat, lng
    conv.save(update_fields=["lat", "lng"])
    assignment = _active_assignment(conv, Conversation.Mode.REPORT)
    if assignment is None or not assignment.is_open:
        return reply(event, sender, _choose_case(sender, "ได้รับตำแหน่งแล้ว"))
    _touch(conv)
    complaint = assignment.complaint
    distance = None
    if complaint.lat is not None and complaint.lng is not None:
        distance = distance_metres(lat, lng, complaint.lat, complaint.lng)
    far = distance is not None and distance > NEAR_SITE_METRES
    text = f"ตำแหน่งที่ส่งจาก LINE ({message.get('address') or '-'})"
    if distance is not None:
        text += f" ห่างจุดเกิดเหตุประมาณ {distance:,.0f} ม."
    workflow.log(
        complaint=complaint,
        kind=TimelineEntry.Kind.LOCATION,
        by=sender.actor_for(assignment),
        assignment=assignment,
        text=text,
        data={"lat": str(lat), "lng": str(lng), "distance_m": round(distance) if distance is not None else None},
    )
    apply_location(assignment=assignment, since=conv.started_at, lat=lat, lng=lng)
    body = "บันทึกตำแหน่งแล้ว"
    if distance is not None:
        body += f" (ห่างจุดเกิดเหตุประมาณ {distance:,.0f} ม.)"
    if far:
        body += f"\nตำแหน่งนี้อยู่ห่างจากจุดเกิดเหตุเกิน {NEAR_SITE_METRES} ม. ศูนย์ฯ จะตรวจสอบเพิ่มเติม"
    return reply(event, sender, _t(body, messages.report_quick_replies(assignment)))


_HANDLERS = {
    "follow": on_follow,
    "unfollow": on_unfollow,
    "join": on_join,
    "leave": on_leave,
    "postback": on_postback,
}
_MESSAGE_HANDLERS = {
    "text": on_text,
    "image": on_media,
    "video": on_media,
    "audio": on_media,
    "file": on_media,
    "location": on_location,
}
