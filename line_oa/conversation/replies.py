"""Every text the OA answers coordinators with, in one place, and how a reply goes out.

Replies use the event's reply token (free); when that fails (token expired, LINE 5xx) the
same messages go out as an outbox push with purpose CONFIRMATION.

While a stored webhook event is processed (``line_oa.tasks_webhook``), ``send`` only collects
the answer: the task stores it on the event in the same transaction as the workflow change
and sends it with ``deliver`` after the commit, so a retried event never answers twice.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction

from bkk1555.thaidate import thai_datetime

from .. import client, messages
from ..models import OutboxMessage
from ..outbox import enqueue

log = logging.getLogger(__name__)


@dataclass
class Answer:
    """What one event answers: batches of up to 5 messages (LINE's limit per request)."""

    reply_token: str = ""
    chat_id: str = ""
    agency: object = None
    batches: list[list[dict]] = field(default_factory=list)

    @property
    def messages(self) -> list[dict]:
        return [m for batch in self.batches for m in batch]


_collecting: contextvars.ContextVar[Answer | None] = contextvars.ContextVar("line_answer", default=None)


@contextmanager
def collecting(event: dict) -> Iterator[Answer]:
    """Within this block ``send`` adds to the returned Answer instead of calling LINE."""
    answer = Answer(reply_token=event.get("replyToken") or "")
    token = _collecting.set(answer)
    try:
        yield answer
    finally:
        _collecting.reset(token)


def send(event: dict, sender, out: list[dict] | None) -> None:
    """Reply with the token; if that fails, push the same messages through the outbox."""
    if not out:
        return
    answer = _collecting.get()
    if answer is None:
        answer = Answer(reply_token=event.get("replyToken") or "")
        answer.chat_id, answer.agency, answer.batches = sender.chat_id, sender.agency, [out[:5]]
        deliver(answer)
        return
    answer.chat_id, answer.agency = sender.chat_id, sender.agency
    answer.batches.append(out[:5])


def deliver(answer: Answer, record: Callable[[str], None] | None = None) -> str:
    """Send the answer: the first batch with the reply token, anything else (or a refused
    token) as outbox pushes. `record(via)` is called once it went out — for a push in the
    same transaction as the outbox row. Returns "reply", "push" or "" (nowhere to send)."""
    batches = [b for b in answer.batches if b]
    if not batches:
        return ""
    if answer.reply_token:
        try:
            client.reply(reply_token=answer.reply_token, messages=batches[0])
        except client.LineError as exc:
            log.warning("LINE reply failed (%s); falling back to a push", exc)
        else:
            if batches[1:]:
                _push(answer, batches[1:], record, "reply")
            elif record is not None:
                record("reply")
            return "reply"
    if not answer.chat_id:
        return ""
    return _push(answer, batches, record, "push")


def _push(answer: Answer, batches: list[list[dict]], record, via: str) -> str:
    with transaction.atomic():
        for batch in batches:
            enqueue(to=[answer.chat_id], messages=batch, purpose=OutboxMessage.Purpose.CONFIRMATION,
                    agency=answer.agency)  # fmt: skip
        if record is not None:
            record(via)
    return via


def t(body: str, quick: list[dict] | None = None) -> list[dict]:
    return [messages.text(body, quick)]


# --- greetings and registration ---

GREETING = (
    "สวัสดีครับ ที่นี่ศูนย์รับแจ้งทุกข์ 1555 กรุงเทพมหานคร\n"
    "หากคุณเป็นผู้ประสานงานของหน่วยงาน กรุณาพิมพ์รหัสผูกบัญชี 8 หลักที่ได้รับจากเจ้าหน้าที่ศูนย์ฯ "
    "(เช่น ABCD-EFGH) แล้วส่งมาในแชตนี้ เพื่อรับเรื่องร้องทุกข์ที่ส่งต่อถึงหน่วยงานของคุณ"
)
GROUP_GREETING = (
    "สวัสดีครับ ศูนย์รับแจ้งทุกข์ 1555 กรุงเทพมหานคร\n"
    "หากต้องการให้กลุ่มนี้รับเรื่องแทนหน่วยงาน ให้เจ้าหน้าที่ศูนย์ฯ สร้าง “รหัสผูกกลุ่ม” "
    "แล้วพิมพ์รหัส 8 หลักนั้นส่งในกลุ่มนี้"
)


def welcome_back(coordinator) -> str:
    return f"ยินดีต้อนรับกลับครับ คุณ{coordinator.name} ({coordinator.agency.name_th})\nคุณจะได้รับเรื่องที่ส่งต่อถึงหน่วยงานทางแชตนี้อีกครั้ง"


def group_bound(agency) -> str:
    return f"กลุ่มนี้ผูกกับ {agency.name_th} แล้ว เรื่องที่ส่งต่อถึงหน่วยงานจะแจ้งในกลุ่มนี้"


LINK_TOO_MANY = "ใส่รหัสผิดหลายครั้งเกินไป กรุณารอ 15 นาทีแล้วลองใหม่ หรือติดต่อเจ้าหน้าที่ศูนย์ 1555"
LINK_PROBLEM = {
    "invalid": "รหัสไม่ถูกต้อง กรุณาตรวจสอบรหัส 8 หลักที่ได้รับจากเจ้าหน้าที่ศูนย์ฯ แล้วส่งใหม่",
    "used": "รหัสนี้ถูกใช้ไปแล้ว กรุณาขอรหัสใหม่จากเจ้าหน้าที่ศูนย์ฯ",
    "expired": "รหัสนี้หมดอายุแล้ว กรุณาขอรหัสใหม่จากเจ้าหน้าที่ศูนย์ฯ",
    "group_code_in_chat": "รหัสนี้ใช้ผูกกลุ่ม LINE ของหน่วยงาน กรุณาเชิญบัญชีนี้เข้ากลุ่มแล้วส่งรหัสในกลุ่ม",
    "personal_code_in_group": "รหัสนี้ใช้ผูกบัญชีส่วนตัว กรุณาส่งในแชต 1:1 กับบัญชีนี้ (ไม่ใช่ในกลุ่ม)",
}


def link_refused(problem: str, attempts_left: int | None) -> str:
    text = LINK_PROBLEM[problem]
    return text if attempts_left is None else f"{text} (ลองได้อีก {attempts_left} ครั้ง)"


def group_linked(agency) -> str:
    return f"ผูกกลุ่มนี้กับ {agency.name_th} เรียบร้อยแล้ว เรื่องที่ส่งต่อถึงหน่วยงานจะแจ้งในกลุ่มนี้"


def coordinator_linked(coordinator) -> str:
    return (
        f"ลงทะเบียนเรียบร้อย คุณ{coordinator.name} ผู้ประสานงาน {coordinator.agency.name_th}\n"
        "เรื่องที่ส่งต่อถึงหน่วยงานจะแจ้งในแชตนี้ กด “รับเรื่อง” เมื่อรับทราบ และ “รายงานผล” เพื่อส่งรูปและผลการดำเนินการ"
    )


HOW_TO = (
    "วิธีใช้ @ร้องทุกข์1555 สำหรับผู้ประสานงาน\n"
    "1) เมื่อได้รับการ์ดเรื่องใหม่ กด “รับเรื่อง”\n"
    "2) เมื่อถึงที่เกิดเหตุ กด “รายงานผล” แล้วส่งรูป ตำแหน่ง และข้อความ\n"
    "3) เรื่อง BEST ทำให้ปลอดภัยแล้วกด “ปลอดภัยแล้ว” แก้ไขเสร็จกด “เสร็จสิ้น” (ต้องมีรูปผลอย่างน้อย 1 รูป)\n"
    "4) ไม่ใช่งานของหน่วยงาน กด “ไม่ใช่หน่วยงานนี้” และระบุเหตุผล\n"
    "พิมพ์ “งานของฉัน” เพื่อดูเรื่องค้าง ข้อความอื่นจะส่งถึงเจ้าหน้าที่ศูนย์ 1555"
)

# --- postbacks ---

NOT_REGISTERED = "บัญชีนี้ยังไม่ได้ลงทะเบียนเป็นผู้ประสานงาน กรุณาส่งรหัสผูกบัญชีที่ได้รับจากศูนย์ฯ"
CASE_NOT_FOUND = "ไม่พบเรื่องนี้ในระบบ"


def not_your_case(assignment) -> str:
    return f"เรื่อง {assignment.complaint.reference} ไม่ได้ส่งถึงหน่วยงานของคุณ จึงดำเนินการไม่ได้"


def acknowledged(assignment) -> str:
    return (
        f"รับเรื่อง {assignment.complaint.reference} แล้ว โดย {assignment.acknowledged_by_name or '-'} "
        f"เวลา {thai_datetime(assignment.acknowledged_at)}\nเมื่อดำเนินการแล้ว กด “รายงานผล” เพื่อส่งรูปและผล"
    )


def nothing_to_report(assignment) -> str:
    return f"เรื่อง {assignment.complaint.reference} อยู่ในสถานะ “{assignment.get_status_display()}” แล้ว ไม่ต้องรายงานผลเพิ่ม"


def pending_photos_left(n: int) -> str:
    return f"ยังดาวน์โหลดรูปจาก LINE ไม่ได้ {n} รูป ระบบจะแนบให้เมื่อกด “รายงานผล” อีกครั้ง หรือส่งรูปใหม่ได้เลย"


def report_opened(assignment) -> str:
    lead = (
        f"รายงานผลเรื่อง {assignment.complaint.reference} ({assignment.complaint.category.name_th})\n"
        "ส่งรูปผลการดำเนินการ ข้อความ และตำแหน่งที่ถ่ายภาพได้เลย เมื่อเรียบร้อยกด “เสร็จสิ้น”"
    )
    if assignment.complaint.is_best:
        lead += "\nเรื่อง BEST ต้องมีรูปผลการดำเนินการอย่างน้อย 1 รูป"
    return lead


def cannot_reject(assignment) -> str:
    return (
        f"เรื่อง {assignment.complaint.reference} อยู่ในสถานะ “{assignment.get_status_display()}” แล้ว แจ้งว่าไม่ใช่หน่วยงานนี้ไม่ได้"
    )


def ask_reject_reason(assignment) -> str:
    return (
        f"โปรดระบุเหตุผลที่เรื่อง {assignment.complaint.reference} ไม่ใช่ของหน่วยงานนี้ "
        "(เลือกด้านล่างหรือพิมพ์เอง) ถ้าทราบหน่วยงานที่ถูกต้องโปรดระบุด้วย หากกดผิดพิมพ์ “ยกเลิก”"
    )


def made_safe(assignment) -> str:
    return f"บันทึกแล้ว: เรื่อง {assignment.complaint.reference} ทำให้ปลอดภัยแล้ว\nเมื่อแก้ไขเสร็จ ส่งรูปผลและกด “เสร็จสิ้น”"


def resolved(assignment) -> str:
    return f"บันทึกผลเรื่อง {assignment.complaint.reference}: แก้ไขเสร็จแล้ว ขอบคุณครับ\nศูนย์ฯ จะตรวจสอบผลและแจ้งผู้ร้อง"


# --- text ---


def reject_cancelled(assignment) -> str:
    return f"ยกเลิกแล้ว เรื่อง {assignment.complaint.reference} ยังอยู่กับหน่วยงานนี้"


def rejected(assignment, reason: str) -> str:
    return f"บันทึกแล้ว: เรื่อง {assignment.complaint.reference} ไม่ใช่ของหน่วยงานนี้ ({reason})\nศูนย์ฯ จะส่งต่อหน่วยงานที่ถูกต้อง"


OPEN_WORK = "เรื่องที่ยังดำเนินการไม่เสร็จ"


def progress_saved(assignment) -> str:
    return f"บันทึกความคืบหน้าเรื่อง {assignment.complaint.reference} แล้ว"


TO_INBOX = "ส่งข้อความถึงเจ้าหน้าที่ศูนย์ 1555 แล้ว เจ้าหน้าที่จะตอบกลับในแชตนี้\nหากเป็นรายงานผลของเรื่องใด กด “รายงานผล” ที่การ์ดเรื่องนั้นก่อนส่ง"
NO_OPEN_WORK = "ขณะนี้หน่วยงานของคุณไม่มีเรื่องค้างดำเนินการ"
CHOOSE_CASE = "เลือกเรื่องที่ต้องการรายงานผล (ล่าสุดก่อน):"

# --- media and location ---

PHOTO_DOWNLOAD_FAILED = "ดาวน์โหลดรูปจาก LINE ไม่สำเร็จ กรุณาส่งรูปอีกครั้ง"
PHOTO_TOO_LARGE = "รูปภาพใหญ่เกิน 10 MB กรุณาส่งรูปที่เล็กลง"


def photo_refused(error) -> str:
    return f"{error} กรุณาส่งเป็นรูปภาพ (JPEG หรือ PNG) อีกครั้ง"


def photo_received(assignment, count: int, *, needs_location: bool) -> str:
    line = f"ได้รับรูปผลการดำเนินการเรื่อง {assignment.complaint.reference} แล้ว (รวม {count} รูป)"
    if needs_location:
        line += "\nกรุณากด “ส่งตำแหน่ง” ที่จุดเกิดเหตุด้วย"
    return line


PHOTO_RECEIVED_PREFIX = "ได้รับรูป"
FILE_KIND_UNSUPPORTED = "รองรับเฉพาะรูปภาพ วิดีโอ หรือไฟล์ PDF กรุณาส่งใหม่"
FILE_DOWNLOAD_FAILED = "ดาวน์โหลดไฟล์จาก LINE ไม่สำเร็จ กรุณาส่งอีกครั้ง"
FILE_TOO_LARGE = "ไฟล์ใหญ่เกิน 50 MB กรุณาส่งไฟล์ที่เล็กลง"


def file_received(assignment, kind: str) -> str:
    return f"ได้รับ{'วิดีโอ' if kind == 'video' else 'ไฟล์'}ของเรื่อง {assignment.complaint.reference} แล้ว"


FILE_TO_INBOX = (
    "ส่งไฟล์ถึงเจ้าหน้าที่ศูนย์ฯ แล้ว หากเป็นผลการดำเนินการ กด “รายงานผล” ที่การ์ดเรื่องนั้นแล้วส่งอีกครั้ง "
    "(รูปภาพใช้เป็นหลักฐานผลการดำเนินการได้ดีที่สุด)"
)
PHOTO_RECEIVED = "ได้รับรูปแล้ว"
LOCATION_INVALID = "ตำแหน่งไม่ถูกต้อง กรุณาส่งใหม่"
LOCATION_RECEIVED = "ได้รับตำแหน่งแล้ว"


def location_saved(distance: float | None, near_site_metres: int) -> str:
    body = "บันทึกตำแหน่งแล้ว"
    if distance is not None:
        body += f" (ห่างจุดเกิดเหตุประมาณ {distance:,.0f} ม.)"
        if distance > near_site_metres:
            body += f"\nตำแหน่งนี้อยู่ห่างจากจุดเกิดเหตุเกิน {near_site_metres} ม. ศูนย์ฯ จะตรวจสอบเพิ่มเติม"
    return body


# --- the officers' answer ---


def officer_answer(text: str) -> str:
    return f"เจ้าหน้าที่ศูนย์ 1555: {text}"
