import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from complaints.models import ClosureDay
from complaints.sla import WorkingCalendar, stage_deadlines

BKK = ZoneInfo("Asia/Bangkok")
pytestmark = pytest.mark.django_db


def bkk(*args):
    return dt.datetime(*args, tzinfo=BKK)


def test_best_clock_runs_through_the_night(best_category):
    start = bkk(2026, 11, 28, 23, 50)  # Saturday night
    due = stage_deadlines(best_category, start)
    assert due["ack_due_at"] == bkk(2026, 11, 29, 0, 5)
    assert due["safe_due_at"] == bkk(2026, 11, 29, 1, 50)
    assert due["resolve_due_at"] == bkk(2026, 11, 29, 23, 50)


def test_working_clock_within_one_day():
    assert WorkingCalendar(set()).add(bkk(2026, 11, 24, 9, 0), 60) == bkk(2026, 11, 24, 10, 0)


def test_working_clock_before_opening_starts_at_0830():
    assert WorkingCalendar(set()).add(bkk(2026, 11, 24, 2, 0), 60) == bkk(2026, 11, 24, 9, 30)


def test_working_clock_after_closing_runs_next_morning():
    assert WorkingCalendar(set()).add(bkk(2026, 11, 24, 20, 0), 30) == bkk(2026, 11, 25, 9, 0)


def test_working_clock_skips_the_weekend():
    # Friday 16:00 + 60 min: 30 min on Friday, 30 min on Monday.
    assert WorkingCalendar(set()).add(bkk(2026, 11, 27, 16, 0), 60) == bkk(2026, 11, 30, 9, 0)


def test_working_clock_skips_thai_public_holiday_and_its_substitute_day():
    # Fri 4 Dec 16:00: Sat 5 (Father's Day), Sun 6, Mon 7 (in lieu) are all closed.
    assert WorkingCalendar(set()).add(bkk(2026, 12, 4, 16, 0), 60) == bkk(2026, 12, 8, 9, 0)


def test_working_clock_across_month_and_year_end():
    # Wed 30 Dec 16:00 + 2h: 30 min left on the 30th; 31 Dec and 1 Jan are holidays,
    # 2–3 Jan the weekend, so the rest runs on Monday 4 Jan 2027.
    assert WorkingCalendar(set()).add(bkk(2026, 12, 30, 16, 0), 120) == bkk(2027, 1, 4, 10, 0)


def test_working_clock_respects_admin_closure_days(normal_category):
    ClosureDay.objects.create(date=dt.date(2026, 11, 25), reason="น้ำท่วมใหญ่ ปิดสำนักงาน")
    due = stage_deadlines(normal_category, bkk(2026, 11, 24, 16, 0))  # 60 min ack
    assert due["ack_due_at"] == bkk(2026, 11, 26, 9, 0)


def test_working_clock_resolve_in_working_hours(normal_category):
    # 48 working hours = 6 working days of 8 hours.
    due = stage_deadlines(normal_category, bkk(2026, 11, 23, 8, 30))  # Monday
    # Mon 23, Tue 24, Wed 25, Thu 26, Fri 27 and Mon 30 Nov: due at the end of Monday.
    assert due["resolve_due_at"] == bkk(2026, 11, 30, 16, 30)
    assert due["safe_due_at"] is None


def test_elapsed_working_minutes_over_a_weekend():
    cal = WorkingCalendar(set())
    assert cal.elapsed_minutes(bkk(2026, 11, 27, 16, 0), bkk(2026, 11, 30, 9, 0)) == 60
    assert cal.elapsed_minutes(bkk(2026, 11, 30, 9, 0), bkk(2026, 11, 27, 16, 0)) == 0
