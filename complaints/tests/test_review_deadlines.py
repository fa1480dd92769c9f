"""The end of the loop against the clock: a planned fix whose date passes, a send-back that keeps
the resolve deadline (overdue at once), and the centre's own review deadline — each chased by the
one overdue sweep, to the agency or to the centre."""

import datetime as dt

import pytest

from complaints import reminders, workflow
from complaints.models import Assignment, Photo, Reminder
from complaints.sla import BANGKOK
from line_oa.models import OutboxMessage
from testing.factories import AgencyFactory, make_complaint
from testing.images import jpeg_bytes

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 23, 22, 0, tzinfo=BANGKOK)  # a Monday night: BEST runs 24/7
CENTRE_GROUP = "C" + "e" * 32
MIN = dt.timedelta(minutes=1)
A = Assignment.Status


@pytest.fixture
def centre(db):
    return AgencyFactory(code="C1555", kind="centre", name_th="ศูนย์รับแจ้งทุกข์ 1555", line_group_id=CENTRE_GROUP)


@pytest.fixture
def work(best_category, district_office, coordinator, officer):
    """BEST work acknowledged at T0 + 5 minutes (resolve due T0 + 24 h)."""
    case = make_complaint(category=best_category, district=district_office.district, received_at=T0)
    [a] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer, at=T0)
    workflow.acknowledge(assignment=a, by=coordinator, at=T0 + 5 * MIN)
    a.refresh_from_db()
    return a


def result(a: Assignment, by, at: dt.datetime) -> Assignment:
    c = a.complaint
    workflow.add_photo(
        complaint=c,
        content=jpeg_bytes(seed=at.minute % 30),
        by=by,
        stage=Photo.Stage.AFTER,
        assignment=a,
        lat=c.lat,
        lng=c.lng,
    )
    workflow.resolve(assignment=a, by=by, at=at)
    a.refresh_from_db()
    return a


def stages(a: Assignment) -> list[tuple[str, int]]:
    return list(Reminder.objects.filter(assignment=a).order_by("stage", "level").values_list("stage", "level"))


def test_a_planned_fix_is_chased_when_its_date_passes(work, officer, coordinator, centre):
    workflow.mark_made_safe(assignment=work, by=coordinator, at=T0 + 30 * MIN)
    planned = dt.date(2026, 12, 15)
    workflow.plan_permanent_fix(assignment=work, by=officer, planned_for=planned, reason="budget", at=T0 + 60 * MIN)
    work.refresh_from_db()
    end_of_day = dt.datetime(2026, 12, 15, 23, 59, tzinfo=BANGKOK)
    assert (work.status, work.resolve_due_at) == (A.MADE_SAFE, end_of_day)
    # The original 24-hour deadline no longer chases it; the planned date does.
    assert reminders.sweep(now=T0 + dt.timedelta(days=2)).reminders == 0
    assert reminders.sweep(now=end_of_day - MIN).reminders == 0
    assert reminders.sweep(now=end_of_day + MIN).reminders == 1
    assert stages(work) == [("resolve", 1)]
    [msg] = OutboxMessage.objects.filter(purpose=OutboxMessage.Purpose.REMINDER, assignment=work)
    assert coordinator.line_user_id in msg.to


def test_a_send_back_after_the_deadline_is_overdue_at_once(work, officer, coordinator, centre):
    workflow.mark_made_safe(assignment=work, by=coordinator, at=T0 + 30 * MIN)
    late = work.resolve_due_at + dt.timedelta(hours=1)
    result(work, coordinator, work.resolve_due_at - dt.timedelta(hours=2))
    workflow.send_back(assignment=work, by=officer, reason="ยังไม่เรียบร้อย", at=late)
    work.refresh_from_db()
    assert (work.status, work.resolve_due_at < late) == (A.MADE_SAFE, True)  # rework does not buy time
    assert reminders.sweep(now=late + MIN).reminders >= 1  # every level already due fires at once
    assert {stage for stage, _ in stages(work)} == {"resolve"} and ("resolve", 1) in stages(work)


def test_the_centres_review_deadline_is_chased_at_the_centre(work, coordinator, centre):
    work = result(work, coordinator, T0 + 3 * 60 * MIN)
    assert work.review_due_at == T0 + 5 * 60 * MIN  # BEST: 2 hours after the result
    assert reminders.sweep(now=work.review_due_at - MIN).reminders == 0
    assert reminders.sweep(now=work.review_due_at + MIN).reminders == 1
    assert stages(work) == [("review", 1)]
    [msg] = (
        OutboxMessage.objects.filter(assignment=work)
        .exclude(purpose=OutboxMessage.Purpose.DISPATCH)
        .order_by("-id")[:1]
    )
    assert msg.to == [CENTRE_GROUP]


def test_accepting_stops_the_review_reminders(work, officer, coordinator, centre):
    work = result(work, coordinator, T0 + 3 * 60 * MIN)
    workflow.accept(assignment=work, by=officer, at=work.review_due_at - MIN)
    assert reminders.sweep(now=work.review_due_at + 60 * MIN).reminders == 0
