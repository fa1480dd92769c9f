"""Demo data of the reports: survey rounds of the last three months, and the summary table.

Runs after the complaints demo data (which creates the coordinators). Answers
are written directly (no LINE messages for months that are past); a live round
is sent from the admin. Deterministic: one seeded random generator.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from agencies.models import Coordinator
from complaints.sla import BANGKOK

from . import facts
from .models import Survey, SurveyResponse

SEED = 1555
COMMENTS = {
    5: ["ส่งรูปและตำแหน่งผ่าน LINE สะดวกมาก ไม่ต้องรอวิทยุ", "รู้เรื่องทันทีแม้อยู่นอกสำนักงาน", "ปิดงานได้เร็วขึ้นมาก"],
    4: ["ดีขึ้นกว่าแฟกซ์มาก แต่บางครั้งการ์ดเยอะเกินไป", "อยากให้มีสรุปงานค้างทุกเช้า"],
    3: ["ยังต้องโทรยืนยันกับศูนย์ฯ บ้าง", "สัญญาณในพื้นที่ไม่ดี ส่งรูปช้า"],
    2: ["แจ้งเตือนเกินกำหนดถี่เกินไปช่วงน้ำท่วม"],
    1: ["ไม่สะดวกใช้ LINE ส่วนตัวในงานราชการ"],
}
WEIGHTS = [(5, 45), (4, 35), (3, 13), (2, 5), (1, 2)]


def _first_of(month_offset: int, today: dt.date) -> dt.date:
    index = today.year * 12 + today.month - 1 + month_offset
    return dt.date(index // 12, index % 12 + 1, 1)


@transaction.atomic
def seed(stdout=None) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    coordinators = list(Coordinator.objects.reachable().order_by("pk"))
    rounds = 0
    for offset in (-3, -2, -1):
        month = _first_of(offset, today)
        sent = dt.datetime.combine(month.replace(day=25), dt.time(10, 0), BANGKOK)
        survey = Survey.objects.create(month=month, sent_at=sent, note="ข้อมูลตัวอย่าง")
        rounds += 1
        responses = []
        for c in coordinators:
            r = SurveyResponse(survey=survey, coordinator=c, asked_at=sent)
            if rng.random() < 0.8:
                score = rng.choices([s for s, _ in WEIGHTS], weights=[w for _, w in WEIGHTS])[0]
                r.score = score
                r.answered_at = sent + dt.timedelta(minutes=rng.randint(3, 600))
                if rng.random() < 0.5:
                    r.comment = rng.choice(COMMENTS[score])
            responses.append(r)
        SurveyResponse.objects.bulk_create(responses)
    built = facts.refresh()
    if stdout is not None:
        stdout.write(f"reports: {rounds} survey rounds for {len(coordinators)} coordinators; {built} summary rows")
