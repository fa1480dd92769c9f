"""The workflow's refusals: one class per kind (its `code`), one message per refusal.

Every text is here and nowhere else; the raise passes data. The API maps the classes to
HTTP statuses (a plain WorkflowError or an InvalidImage is bad input, 400; the others
mean the case's state does not allow it, 409).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bkk1555.errors import CodedError, Localized


class WorkflowError(CodedError):
    code = "refused"


class TransitionRefused(WorkflowError):
    code = "invalid_transition"
    template = _("ไม่สามารถ%(action)sได้ เพราะเรื่อง %(ref)s ของ %(agency)s อยู่ในสถานะ “%(status)s”")


class WrongAgency(WorkflowError):
    code = "wrong_agency"
    template = _("เรื่อง %(ref)s ไม่ได้ส่งถึง %(agency)s")


class AlreadyAcknowledged(WorkflowError):
    """A second acknowledge: carries who acknowledged first and when."""

    code = "already_acknowledged"
    template = _("เรื่อง %(ref)s รับเรื่องแล้วโดย %(by_name)s เวลา %(when)s")

    @property
    def by_name(self) -> str:
        return self.data["by_name"]

    @property
    def at(self):
        return self.data["at"]


class PhotoRequired(WorkflowError):
    code = "photo_required"
    template = _("เรื่อง BEST %(ref)s ต้องมีรูปผลการดำเนินการอย่างน้อย 1 รูปก่อนปิดงาน")


class InvalidImage(WorkflowError):
    code = "invalid_image"


# --- the catalogue of the other refusals (templates for WorkflowError / TransitionRefused) ---

DESCRIPTION_REQUIRED = _("กรุณากรอกรายละเอียดเรื่อง")
SUBDISTRICT_MISMATCH = _("แขวงที่เลือกไม่อยู่ในเขตนี้")
AGENCY_REQUIRED = _("กรุณาเลือกหน่วยงานอย่างน้อยหนึ่งหน่วยงาน")
CASE_ENDED = _("ไม่สามารถ%(action)sเรื่อง %(ref)s ได้ เพราะอยู่ในสถานะ “%(status)s”")
ALREADY_WITH = _("เรื่อง %(ref)s ส่งต่อให้ %(agencies)s แล้ว")
ALREADY_REROUTED = _("การส่งต่อนี้ของเรื่อง %(ref)s ถูกส่งต่อหน่วยงานใหม่ไปแล้ว")
NOT_YET_RESOLVED = _("ยังปิดเรื่อง %(ref)s ไม่ได้ เพราะยังไม่มีผลจาก: %(waiting)s")
NOTHING_TO_REOPEN = _("เรื่อง %(ref)s ไม่มีงานที่แก้ไขเสร็จแล้วให้เปิดใหม่")
REASON_REQUIRED = _("กรุณาระบุเหตุผลที่%(action)s")
DUPLICATE_SELF = _("เรื่องซ้ำกับตัวเองไม่ได้")
DUPLICATE_OF_CANCELLED = _("เรื่อง %(ref)s ถูกยกเลิกแล้ว ให้เลือกเรื่องหลักที่ยังดำเนินการอยู่")
DUPLICATE_OF_DUPLICATE = _("เรื่อง %(ref)s เป็นเรื่องซ้ำอยู่แล้ว ให้เลือกเรื่องหลัก")
NOTE_EMPTY = _("กรุณาพิมพ์ข้อความ")
NO_AGENCY_ACTOR = _("การดำเนินการนี้ต้องทำโดยหน่วยงานที่ได้รับเรื่อง หรือเจ้าหน้าที่ศูนย์ฯ")

# What each action is called inside a sentence ("ไม่สามารถ<action>ได้").
ACTION_LABEL = {
    "acknowledge": pgettext_lazy("refused action", "รับเรื่อง"),
    "progress": pgettext_lazy("refused action", "รายงานความคืบหน้า"),
    "made_safe": pgettext_lazy("refused action", "บันทึกว่าทำให้ปลอดภัยแล้ว"),
    "resolve": pgettext_lazy("refused action", "รายงานผลเสร็จสิ้น"),
    "report": pgettext_lazy("refused action", "รายงานผล"),
    "reject": pgettext_lazy("refused action", "แจ้งว่าไม่ใช่หน่วยงานนี้"),
    "verify": pgettext_lazy("refused action", "ตรวจสอบผล"),
    "send_back": pgettext_lazy("refused action", "ส่งกลับแก้ไข"),
    "plan": pgettext_lazy("refused action", "บันทึกแผนแก้ไขถาวร"),
    "end": pgettext_lazy("refused action", "ยุติ"),
    "reopen": pgettext_lazy("refused action", "เปิดใหม่"),
    "cancel": pgettext_lazy("refused action", "ยกเลิก"),
    "cancel_assignment": pgettext_lazy("refused action", "ยกเลิกการส่งต่อ"),
    "reroute": pgettext_lazy("refused action", "ส่งต่อหน่วยงานใหม่"),
    "dispatch": pgettext_lazy("refused action", "ส่งต่อ"),
    "close": pgettext_lazy("refused action", "ปิด"),
    "duplicate": pgettext_lazy("refused action", "ทำเครื่องหมายเรื่องซ้ำ"),
}


def agency_name(agency) -> Localized:
    return Localized(agency.name_th, agency.name_en or agency.code)


def refused(action: str, assignment) -> TransitionRefused:
    """The assignment is not in a state that allows `action`."""
    return TransitionRefused(
        action=ACTION_LABEL[action],
        ref=assignment.complaint.reference,
        agency=agency_name(assignment.agency),
        status=assignment.Status(assignment.status).label,
    )


def case_ended(action: str, complaint) -> TransitionRefused:
    return TransitionRefused(
        CASE_ENDED,
        action=ACTION_LABEL[action],
        ref=complaint.reference,
        status=complaint.Status(complaint.status).label,
    )


def reason_required(action: str) -> WorkflowError:
    return WorkflowError(REASON_REQUIRED, action=ACTION_LABEL[action])


IMAGE_EMPTY = _("ไฟล์รูปภาพว่างเปล่า")
IMAGE_TOO_LARGE = _("รูปภาพใหญ่เกิน %(mb)d MB")
IMAGE_TOO_MANY_PIXELS = _("รูปภาพมีขนาดพิกเซลใหญ่เกินไป")
IMAGE_BROKEN = _("ไฟล์นี้ไม่ใช่รูปภาพหรือไฟล์เสียหาย")
IMAGE_FORMAT = _("รองรับเฉพาะรูป JPEG, PNG, WEBP หรือ GIF")
FILE_NOT_WHAT_IT_CLAIMS = _("ไฟล์นี้ไม่ใช่วิดีโอหรือ PDF ตามที่ระบุ หรือไฟล์เสียหาย กรุณาส่งใหม่")
JUSTIFICATION_REQUIRED = _("ผลของเรื่อง %(ref)s จาก %(agency)s มีข้อสังเกต (%(flags)s) ต้องระบุเหตุผลที่ยอมรับผลนี้")
PLAN_DATE_REQUIRED = _("กรุณาระบุวันที่กำหนดแก้ไขถาวร (ต้องไม่ใช่วันที่ผ่านมาแล้ว)")
OUTCOME_NOT_ALLOWED = _("ผลการยุติเรื่องนี้เลือกที่นี่ไม่ได้")
OUTSIDE_BODY_REQUIRED = _("กรุณาระบุหน่วยงานนอกสังกัด กทม. ที่ส่งต่อและวิธีส่งต่อ")


class JustificationRequired(WorkflowError):
    """A result the fake-fix guard flagged was accepted without a written reason."""

    code = "justification_required"
    template = JUSTIFICATION_REQUIRED


# --- intake: one set of rules for the console, the API and the MIS import (workflow/intake.py) ---


class InvalidDetail(WorkflowError):
    """A complaint's detail that cannot be true; `field` names it so a form can show it there."""

    code = "invalid_detail"

    @property
    def field(self) -> str:
        return self.data.get("field", "")


RECEIVED_IN_FUTURE = _("เวลารับเรื่อง %(when)s อยู่ในอนาคต กรุณาตรวจสอบวันที่และเวลา")
RECEIVED_TOO_EARLY = _("เวลารับเรื่อง %(when)s ก่อนวันที่ระบบเริ่มใช้งาน (%(start)s)")
OUTSIDE_BANGKOK = _("ตำแหน่ง %(lat)s, %(lng)s อยู่นอกกรุงเทพมหานคร")
COORDINATE_PAIR = _("ต้องระบุทั้งละติจูดและลองจิจูด")
PHONE_INVALID = _("“%(phone)s” ไม่ใช่หมายเลขโทรศัพท์ในประเทศไทย (เช่น 081-234-5678 หรือ 02-123-4567 ต่อ 101)")
BEST_NEEDS_PLACE = _("เรื่อง BEST ต้องระบุเขต และพิกัดหรือสถานที่ เพื่อให้หน่วยงานไปถึงที่เกิดเหตุได้")
TEXT_TOO_LONG = _("%(label)s ยาวเกิน %(max)d ตัวอักษร")
LINE_USER_ID_INVALID = _("“%(value)s” ไม่ใช่ LINE user ID (ขึ้นต้นด้วย U ตามด้วยตัวอักษร 0-9 a-f 32 ตัว)")
LINE_USER_ID_NOT_LINE = _("ระบุ รหัสผู้ใช้ LINE ของผู้ร้องได้เฉพาะเรื่องที่รับทางช่องทาง LINE")
ACTION_LABEL["add_complainant"] = pgettext_lazy("refused action", "เพิ่มผู้ร้อง")
