"""A hand-built month with known answers (worked out by hand in the comments).

October 2026 is the month under test; September 2026 is the previous month and
October 2025 the same month a year earlier. "Now" is 15 November 2026 10:00.
Times are Asia/Bangkok. Thai holidays that matter: 13 and 23 October 2026.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from agencies.models import Agency
from complaints import workflow
from complaints.models import Assignment, Category, Complaint, Photo
from testing.factories import AgencyFactory, CategoryFactory, DistrictFactory, ZoneFactory, make_complaint

BKK = ZoneInfo("Asia/Bangkok")
NOW = dt.datetime(2026, 11, 15, 10, 0, tzinfo=BKK)
OCT = dt.date(2026, 10, 1)
SEP = dt.date(2026, 9, 1)
OCT_LAST_YEAR = dt.date(2025, 10, 1)
NOV = dt.date(2026, 11, 1)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BKK)


@dataclass
class Data:
    best: Category
    normal: Category
    line_agency: Agency
    radio_agency: Agency
    wrong_agency: Agency
    right_agency: Agency
    c1: Complaint
    c5: Complaint
    rejected: Assignment
    rerouted: Assignment


def _photo(assignment: Assignment, when: dt.datetime, flags: tuple[str, ...] = ()) -> Photo:
    return Photo.objects.create(
        complaint=assignment.complaint,
        assignment=assignment,
        stage=Photo.Stage.AFTER,
        image="photos/x.jpg",
        thumbnail="thumbs/x.jpg",
        sha256=f"{assignment.pk:064d}",
        flags=list(flags),
        created_at=when,
    )


def build(officer) -> Data:
    best = CategoryFactory(best=True, code="T_BEST", name_th="ฝาท่อชำรุด")  # ack 15 min, safe 2 h, resolve 24 h (24/7)
    normal = CategoryFactory(code="T_NORMAL", name_th="ขยะตกค้าง", sla_ack_minutes=60, sla_resolve_hours=48)
    zone = ZoneFactory(code="03", name_th="กลุ่มเขตทดสอบ")
    d1 = DistrictFactory(code="1001", name_th="พระนคร", zone=zone)
    d2 = DistrictFactory(code="1002", name_th="ดุสิต", zone=zone)
    line_agency = AgencyFactory(code="T_LINE", name_th="สำนักงานเขตพระนคร")
    radio_agency = AgencyFactory(code="T_RADIO", name_th="สำนักการระบายน้ำ")
    wrong_agency = AgencyFactory(code="T_WRONG", name_th="การไฟฟ้านครหลวง")
    right_agency = AgencyFactory(code="T_RIGHT", name_th="สำนักการโยธา")
    L, R, P = Assignment.Channel.LINE, Assignment.Channel.RADIO, Assignment.Channel.PHONE

    # C1 BEST, received 31 Oct 23:30 (October), worked on into November over LINE.
    # ack 10 min (due 15), made safe 90 min (due 120), resolved 780 min (due 1440), all within.
    c1 = make_complaint(category=best, district=d1, received_at=at(2026, 10, 31, 23, 30))
    [a1] = workflow.dispatch(complaint=c1, agencies=[line_agency], by=officer, channel=L, at=at(2026, 10, 31, 23, 35))
    workflow.acknowledge(assignment=a1, by=officer, at=at(2026, 10, 31, 23, 45))
    workflow.mark_made_safe(assignment=a1, by=officer, at=at(2026, 11, 1, 1, 5))
    _photo(a1, at(2026, 11, 1, 12, 0))
    workflow.resolve(assignment=a1, by=officer, at=at(2026, 11, 1, 12, 35))

    # C2 normal, Friday 30 Oct 16:00, dispatched by radio 16:10. Working clock: 20 min on
    # Friday + 40 on Monday = 60 working min to acknowledge (due exactly then: within),
    # 3,900 elapsed. Resolved Tue 3 Nov 10:30: 20 + 480 + 120 = 620 working min, 5,420 elapsed.
    c2 = make_complaint(category=normal, district=d1, received_at=at(2026, 10, 30, 16, 0))
    [a2] = workflow.dispatch(complaint=c2, agencies=[radio_agency], by=officer, channel=R, at=at(2026, 10, 30, 16, 10))
    workflow.acknowledge(assignment=a2, by=officer, at=at(2026, 11, 2, 9, 10))
    workflow.resolve(assignment=a2, by=officer, at=at(2026, 11, 3, 10, 30))

    # C3 BEST, 10 Oct: dispatched by phone to the wrong agency, which rejects it; re-routed
    # at 10:30 to the right one: acknowledged 11:00 (30 min > 15: missed), made safe 13:00
    # (150 min > 120: missed), never resolved (due 11 Oct 10:30: overdue now).
    c3 = make_complaint(category=best, district=d2, received_at=at(2026, 10, 10, 10, 0))
    [wrong] = workflow.dispatch(
        complaint=c3, agencies=[wrong_agency], by=officer, channel=P, at=at(2026, 10, 10, 10, 5)
    )
    workflow.reject(assignment=wrong, by=officer, reason="ไม่ใช่หน่วยงานนี้", at=at(2026, 10, 10, 10, 20))
    right = workflow.reroute(assignment=wrong, to_agency=right_agency, by=officer, at=at(2026, 10, 10, 10, 30))
    workflow.acknowledge(assignment=right, by=officer, at=at(2026, 10, 10, 11, 0))
    workflow.mark_made_safe(assignment=right, by=officer, at=at(2026, 10, 10, 13, 0))

    # C4 normal, Mon 5 Oct 09:00, LINE 09:05, ack 09:20 (15 min), resolved Tue 09:05,
    # verified, reopened Thu 8 Oct 10:00 (resolve deadline restarts), resolved again
    # Fri 9 Oct 10:00: 5,815 elapsed min, 445 + 3 × 480 + 90 = 1,975 working min.
    c4 = make_complaint(category=normal, district=d2, received_at=at(2026, 10, 5, 9, 0))
    [a4] = workflow.dispatch(complaint=c4, agencies=[line_agency], by=officer, channel=L, at=at(2026, 10, 5, 9, 5))
    workflow.acknowledge(assignment=a4, by=officer, at=at(2026, 10, 5, 9, 20))
    workflow.resolve(assignment=a4, by=officer, at=at(2026, 10, 6, 9, 5))
    workflow.verify(assignment=a4, by=officer, at=at(2026, 10, 6, 15, 0))
    workflow.reopen(complaint=c4, by=officer, reason="ยังไม่เรียบร้อย", at=at(2026, 10, 8, 10, 0))
    workflow.resolve(assignment=a4, by=officer, at=at(2026, 10, 9, 10, 0))

    # C5 BEST, 20 Oct 08:00, LINE 08:05, never acknowledged: open and overdue.
    c5 = make_complaint(category=best, district=d1, received_at=at(2026, 10, 20, 8, 0))
    workflow.dispatch(complaint=c5, agencies=[line_agency], by=officer, channel=L, at=at(2026, 10, 20, 8, 5))

    # Boundaries: 1 Nov 00:10 is November's; 30 Sep 23:59 is September's (ack 5 min);
    # a year earlier, one BEST case acknowledged in 20 min.
    make_complaint(category=normal, district=d1, received_at=at(2026, 11, 1, 0, 10))
    c7 = make_complaint(category=best, district=d1, received_at=at(2026, 9, 30, 23, 59))
    [a7] = workflow.dispatch(complaint=c7, agencies=[line_agency], by=officer, channel=L, at=at(2026, 9, 30, 23, 59))
    workflow.acknowledge(assignment=a7, by=officer, at=at(2026, 10, 1, 0, 4))
    c8 = make_complaint(category=best, district=d2, received_at=at(2025, 10, 15, 10, 0))
    [a8] = workflow.dispatch(complaint=c8, agencies=[radio_agency], by=officer, channel=R, at=at(2025, 10, 15, 10, 0))
    workflow.acknowledge(assignment=a8, by=officer, at=at(2025, 10, 15, 10, 20))

    wrong.refresh_from_db()
    return Data(best, normal, line_agency, radio_agency, wrong_agency, right_agency, c1, c5, wrong, right)


def build_review(officer, data: Data) -> None:
    """October's end of the loop, on top of `build` (answers in reports/tests/test_review_metrics.py).

    Already in `build`: C1 and C2 resolved, not yet reviewed (1 result each); C4 resolved
    6 Oct 09:05, verified 15:00 (355 min: fixed), reopened (no outcome again) and resolved
    again (2 results, the second not reviewed); C3 made safe, C5 open — none has an outcome.
    """
    best, normal, line, right = data.best, data.normal, data.line_agency, data.right_agency
    d1 = data.c1.district

    # R1 BEST: result 10:00 sent back 10:30 (30 min), result again 12:00, accepted 12:45
    # (45 min: the latest decided result): fixed, 2 results, 1 sent back.
    r1 = make_complaint(category=best, district=d1, received_at=at(2026, 10, 12, 8, 0))
    [a] = workflow.dispatch(complaint=r1, agencies=[line], by=officer, at=at(2026, 10, 12, 8, 5))
    workflow.acknowledge(assignment=a, by=officer, at=at(2026, 10, 12, 8, 10))
    _photo(a, at(2026, 10, 12, 9, 55))
    workflow.resolve(assignment=a, by=officer, at=at(2026, 10, 12, 10, 0))
    workflow.send_back(assignment=a, by=officer, reason="รูปไม่ชัด", at=at(2026, 10, 12, 10, 30))
    _photo(a, at(2026, 10, 12, 11, 55))
    workflow.resolve(assignment=a, by=officer, at=at(2026, 10, 12, 12, 0))
    workflow.accept(assignment=a, by=officer, at=at(2026, 10, 12, 12, 45))

    # R2 normal: a result without a location (flagged) at 11:00, accepted with a
    # justification at 13:00 (120 min): fixed, accepted despite a flag.
    r2 = make_complaint(category=normal, district=d1, received_at=at(2026, 10, 14, 9, 0))
    [a] = workflow.dispatch(complaint=r2, agencies=[line], by=officer, at=at(2026, 10, 14, 9, 5))
    workflow.acknowledge(assignment=a, by=officer, at=at(2026, 10, 14, 9, 10))
    _photo(a, at(2026, 10, 14, 10, 55), flags=("no_location",))
    workflow.resolve(assignment=a, by=officer, at=at(2026, 10, 14, 11, 0))
    workflow.accept(assignment=a, by=officer, justification="โทรยืนยันกับเขตแล้ว", at=at(2026, 10, 14, 13, 0))

    # R3 BEST: made safe, permanent fix planned for 10 Nov (budget): planned, and past
    # its date on 15 Nov with no new result.
    r3 = make_complaint(category=best, district=d1, received_at=at(2026, 10, 16, 8, 0))
    [a] = workflow.dispatch(complaint=r3, agencies=[right], by=officer, at=at(2026, 10, 16, 8, 5))
    workflow.acknowledge(assignment=a, by=officer, at=at(2026, 10, 16, 8, 10))
    workflow.mark_made_safe(assignment=a, by=officer, at=at(2026, 10, 16, 9, 0))
    workflow.plan_permanent_fix(
        assignment=a, by=officer, planned_for=dt.date(2026, 11, 10), reason="budget", at=at(2026, 10, 16, 10, 0)
    )

    # R4 normal: nothing to do on site: no action needed.
    r4 = make_complaint(category=normal, district=d1, received_at=at(2026, 10, 18, 9, 0))
    workflow.dispatch(complaint=r4, agencies=[right], by=officer, at=at(2026, 10, 18, 9, 5))
    workflow.end_case(complaint=r4, by=officer, outcome="no_action", reason="ไม่พบตามที่แจ้ง", at=at(2026, 10, 19, 9, 0))

    # R5 BEST: a result (1), then, instead of a decision, a plan for 20 Dec: planned, not late.
    r5 = make_complaint(category=best, district=d1, received_at=at(2026, 10, 22, 8, 0))
    [a] = workflow.dispatch(complaint=r5, agencies=[line], by=officer, at=at(2026, 10, 22, 8, 5))
    workflow.acknowledge(assignment=a, by=officer, at=at(2026, 10, 22, 8, 10))
    _photo(a, at(2026, 10, 22, 9, 55))
    workflow.resolve(assignment=a, by=officer, at=at(2026, 10, 22, 10, 0))
    workflow.plan_permanent_fix(
        assignment=a, by=officer, planned_for=dt.date(2026, 12, 20), reason="procurement", at=at(2026, 10, 22, 11, 0)
    )
