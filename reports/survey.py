"""The coordinators' satisfaction survey (the seed project's Form 5) over LINE.

A supervisor sends a round from the admin; every reachable coordinator gets a
text with quick replies 1–5 (postback `action=survey&s=<id>&score=<n>`). The
score is recorded and the coordinator is invited to add a comment: their next
free text within COMMENT_WINDOW becomes the comment (the LINE handlers ask our
text interceptor before treating text as a progress report).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Coordinator
from bkk1555.errors import CodedError
from bkk1555.thaidate import thai_datetime, thai_month
from line_oa import messages
from line_oa.outbox import enqueue

from .models import Survey, SurveyResponse

COMMENT_WINDOW = dt.timedelta(minutes=30)
MULTICAST_MAX = 500  # LINE's limit of recipients per multicast
SKIP_WORDS = {"ไม่มี", "ข้าม", "-", "no", "skip"}
SCORE_LABELS = {1: "1 น้อยที่สุด", 2: "2 น้อย", 3: "3 ปานกลาง", 4: "4 มาก", 5: "5 มากที่สุด"}


class SurveyError(CodedError):
    """A survey round that cannot be sent (its words from the one catalogue)."""

    code = "survey_refused"


ALREADY_SENT = _("แบบสอบถามรอบนี้ส่งไปแล้วเมื่อ %(when)s")
NOBODY_REACHABLE = _("ยังไม่มีผู้ประสานงานที่ติดต่อทาง LINE ได้")


def question_message(survey: Survey) -> dict:
    body = (
        f"แบบสอบถามความพึงพอใจ ประจำเดือน {thai_month(survey.month.year, survey.month.month)}\n"
        f"{survey.question}\n"
        "กรุณาแตะคะแนน 1 (น้อยที่สุด) ถึง 5 (มากที่สุด)"
    )
    return messages.text(
        body,
        [
            messages.qr_postback(
                SCORE_LABELS[n], messages.postback_data("survey", s=survey.pk, score=n), display=f"ให้คะแนน {n}"
            )
            for n in range(1, 6)
        ],
    )


@transaction.atomic
def send_survey(*, survey: Survey, by, at: dt.datetime | None = None) -> int:
    """Ask every reachable coordinator once; returns how many were asked. A round is sent once."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.sent_at is not None:
        raise SurveyError(ALREADY_SENT, when=thai_datetime(survey.sent_at))
    now = at or timezone.now()
    coordinators = list(Coordinator.objects.reachable().order_by("pk"))
    if not coordinators:
        raise SurveyError(NOBODY_REACHABLE)
    SurveyResponse.objects.bulk_create(
        [SurveyResponse(survey=survey, coordinator=c, asked_at=now) for c in coordinators], ignore_conflicts=True
    )
    message = question_message(survey)
    ids = [c.line_user_id for c in coordinators]
    for i in range(0, len(ids), MULTICAST_MAX):
        enqueue(to=ids[i : i + MULTICAST_MAX], messages=[message], purpose="survey")
    survey.sent_at = now
    survey.sent_by = by if getattr(by, "is_authenticated", False) else None
    survey.save(update_fields=["sent_at", "sent_by"])
    return len(coordinators)


def _text(body: str) -> list[dict]:
    return [messages.text(body)]


@transaction.atomic
def answer_score(*, coordinator: Coordinator | None, survey_id, score, at: dt.datetime | None = None) -> list[dict]:
    """Record a score from the quick reply; the reply thanks and invites a comment."""
    if coordinator is None:
        return _text("บัญชีนี้ยังไม่ได้ลงทะเบียนเป็นผู้ประสานงาน จึงตอบแบบสอบถามไม่ได้")
    try:
        survey_pk, value = int(survey_id), int(score)
    except (TypeError, ValueError):
        return _text("ข้อมูลคำตอบไม่ถูกต้อง กรุณาแตะคะแนนจากข้อความแบบสอบถามอีกครั้ง")
    if not 1 <= value <= 5:
        return _text("คะแนนต้องอยู่ระหว่าง 1 ถึง 5")
    response = SurveyResponse.objects.select_for_update().filter(survey_id=survey_pk, coordinator=coordinator).first()
    if response is None:
        return _text("แบบสอบถามนี้ไม่ได้ส่งถึงท่าน หรือถูกยกเลิกแล้ว")
    now = at or timezone.now()
    changed = response.score is not None and response.score != value
    response.score = value
    response.answered_at = now
    response.awaiting_comment_until = now + COMMENT_WINDOW
    response.save(update_fields=["score", "answered_at", "awaiting_comment_until"])
    first = f"แก้ไขคะแนนเป็น {value} แล้ว" if changed else f"ขอบคุณสำหรับคะแนน {value} จาก 5"
    return _text(f"{first} 🙏\nหากมีข้อเสนอแนะเพิ่มเติม พิมพ์ส่งมาได้เลยในข้อความถัดไป (ภายใน 30 นาที) หรือพิมพ์ “ไม่มี”")


@transaction.atomic
def take_comment(*, coordinator: Coordinator, text: str, at: dt.datetime | None = None) -> list[dict] | None:
    """The text after a score is the comment; None when we are not waiting for one."""
    now = at or timezone.now()
    response = (
        SurveyResponse.objects.select_for_update()
        .filter(coordinator=coordinator, awaiting_comment_until__gt=now)
        .order_by("-answered_at")
        .first()
    )
    if response is None:
        return None
    response.awaiting_comment_until = None
    text = text.strip()
    if text.lower() in SKIP_WORDS:
        response.save(update_fields=["awaiting_comment_until"])
        return _text("รับทราบ ขอบคุณที่ตอบแบบสอบถาม")
    response.comment = text[:2000]
    response.save(update_fields=["comment", "awaiting_comment_until"])
    return _text("บันทึกความคิดเห็นแล้ว ขอบคุณที่ช่วยให้ศูนย์ฯ ปรับปรุงการประสานงาน")


# --- the LINE hooks (registered in apps.py) ------------------------------------------------


def on_survey_postback(*, coordinator, params: dict, event: dict) -> list[dict] | None:
    return answer_score(coordinator=coordinator, survey_id=params.get("s"), score=params.get("score"))


def on_text(*, coordinator, text: str) -> list[dict] | None:
    if coordinator is None:
        return None
    return take_comment(coordinator=coordinator, text=text)
