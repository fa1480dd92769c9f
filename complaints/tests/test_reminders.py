"""The overdue sweep: each reminder level once, to the right people, stopping when work moves on."""

import datetime as dt

import pytest
from django.utils import timezone

from complaints import reminders, workflow
from complaints.models import Assignment, Reminder, TimelineEntry
from complaints.sla import BANGKOK
from line_oa.models import OutboxMessage
from testing.factories import AgencyFactory, CategoryFactory, CoordinatorFactory, make_complaint

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 23, 22, 0, tzinfo=BANGKOK)  # a Monday night: BEST runs 24/7
CENTRE_GROUP = "C" + "c" * 32
MIN = dt.timedelta(minutes=1)


@pytest.fixture
def centre(db):
    return AgencyFactory(code="C1555", kind="centre", name_th="ศูนย์รับแจ้งทุกข์ 1555", line_group_id=CENTRE_GROUP)


@pytest.fixture
def staff(district_office, coordinator):
    """The district office has a lead (the `coordinator` fixture) and an ordinary coordinator."""
    member = CoordinatorFactory(agency=district_office, name="สมปอง ลูกทีม")
    return {"lead": coordinator, "member": member}


def dispatch(category, agency, officer, at=T0):
    case = make_complaint(category=category, district=agency.district if agency.district_id else None, received_at=at)
    [assignment] = workflow.dispatch(complaint=case, agencies=[agency], by=officer, at=at)
    return assignment


def reminder_rows(assignment, stage="ack"):
    return list(Reminder.objects.filter(assignment=assignment, stage=stage).order_by("level"))


def outbox(purpose):
    return list(OutboxMessage.objects.filter(purpose=purpose).order_by("id"))


def test_nothing_is_sent_before_the_deadline(best_category, district_office, staff, officer, centre):
    a = dispatch(best_category, district_office, officer)
    assert reminders.sweep(now=a.ack_due_at - MIN).reminders == 0
    assert not Reminder.objects.exists()


def test_level_one_goes_to_the_agencys_coordinators_at_the_deadline(
    best_category, district_office, staff, officer, centre
):
    a = dispatch(best_category, district_office, officer)
    result = reminders.sweep(now=a.ack_due_at + MIN)
    assert result.reminders == 1 and result.messages == 1
    [r] = reminder_rows(a)
    assert r.level == 1 and r.due_at == a.ack_due_at
    [msg] = outbox(OutboxMessage.Purpose.REMINDER)
    assert set(msg.to) == {staff["lead"].line_user_id, staff["member"].line_user_id}
    assert msg.assignment_id == a.pk and msg.agency_id == district_office.pk
    assert a.complaint.reference in msg.messages[0]["text"] and "กดรับเรื่อง" in msg.messages[0]["text"]
    assert TimelineEntry.objects.filter(assignment=a, kind=TimelineEntry.Kind.REMINDER).count() == 1
    assert Assignment.objects.get(pk=a.pk).escalation_level == 1


def test_level_one_goes_to_the_bound_group_when_there_is_one(best_category, district_office, staff, officer, centre):
    district_office.line_group_id = "C" + "d" * 32
    district_office.save()
    a = dispatch(best_category, district_office, officer)
    reminders.sweep(now=a.ack_due_at + MIN)
    [msg] = outbox(OutboxMessage.Purpose.REMINDER)
    assert msg.to == [district_office.line_group_id]


def test_level_two_goes_to_the_lead_and_level_three_escalates_to_the_centre(
    best_category, district_office, staff, officer, centre
):
    a = dispatch(best_category, district_office, officer)
    reminders.sweep(now=a.ack_due_at)
    assert reminders.sweep(now=a.ack_due_at + 14 * MIN).reminders == 0  # BEST: +15 minutes
    assert reminders.sweep(now=a.ack_due_at + 15 * MIN).reminders == 1
    level2 = outbox(OutboxMessage.Purpose.REMINDER)[-1]
    assert level2.to == [staff["lead"].line_user_id] and "หัวหน้า" in level2.messages[0]["text"]
    assert reminders.sweep(now=a.ack_due_at + 30 * MIN).reminders == 1
    [esc] = outbox(OutboxMessage.Purpose.ESCALATION)
    assert esc.to == [CENTRE_GROUP] and esc.agency_id == centre.pk and "ยกระดับ" in esc.messages[0]["text"]
    assert [r.level for r in reminder_rows(a)] == [1, 2, 3]
    assert Assignment.objects.get(pk=a.pk).escalation_level == 3
    assert TimelineEntry.objects.filter(assignment=a, kind=TimelineEntry.Kind.ESCALATED).count() == 1
    assert reminders.sweep(now=a.ack_due_at + 120 * MIN).reminders == 0  # nothing more for this stage


def test_running_the_sweep_again_sends_nothing_twice(best_category, district_office, staff, officer, centre):
    a = dispatch(best_category, district_office, officer)
    reminders.sweep(now=a.ack_due_at + 31 * MIN)
    count = OutboxMessage.objects.count()
    assert reminders.sweep(now=a.ack_due_at + 31 * MIN).reminders == 0
    assert OutboxMessage.objects.count() == count
    assert Reminder.objects.count() == 3


def test_a_level_another_sweep_already_inserted_gets_no_message(best_category, district_office, staff, officer, centre):
    """The unique row is the arbiter: a row inserted between our read and our insert wins."""
    a = dispatch(best_category, district_office, officer)
    items = reminders._due_items(a.ack_due_at + MIN)
    Reminder.objects.create(assignment=a, stage="ack", level=1, due_at=a.ack_due_at)
    original = reminders._due_items
    try:
        reminders._due_items = lambda now: items
        assert reminders.sweep(now=a.ack_due_at + MIN).reminders == 0
    finally:
        reminders._due_items = original
    assert not OutboxMessage.objects.filter(purpose=OutboxMessage.Purpose.REMINDER).exists()


def test_acknowledging_before_the_sweep_stops_the_acknowledge_reminder(
    best_category, district_office, staff, officer, centre
):
    a = dispatch(best_category, district_office, officer)
    workflow.acknowledge(assignment=a, by=staff["member"], at=a.ack_due_at + MIN)
    assert reminders.sweep(now=a.ack_due_at + 2 * MIN).reminders == 0
    assert not OutboxMessage.objects.filter(purpose=OutboxMessage.Purpose.REMINDER).exists()


def test_reminders_stop_when_the_assignment_moves_on(best_category, district_office, staff, officer, centre):
    a = dispatch(best_category, district_office, officer)
    reminders.sweep(now=a.ack_due_at)
    workflow.acknowledge(assignment=a, by=staff["member"], at=a.ack_due_at + MIN)
    assert reminders.sweep(now=a.ack_due_at + 40 * MIN).reminders == 0
    assert [r.level for r in reminder_rows(a)] == [1]


def test_make_safe_is_chased_while_acknowledged_and_resolve_while_open(
    best_category, district_office, staff, officer, centre
):
    a = dispatch(best_category, district_office, officer)
    workflow.acknowledge(assignment=a, by=staff["member"], at=T0 + MIN)
    a.refresh_from_db()
    reminders.sweep(now=a.safe_due_at + MIN)
    assert [r.level for r in reminder_rows(a, "safe")] == [1]
    [msg] = outbox(OutboxMessage.Purpose.REMINDER)
    assert "ทำให้พื้นที่ปลอดภัย" in msg.messages[0]["text"]
    workflow.mark_made_safe(assignment=a, by=staff["member"], at=a.safe_due_at + 2 * MIN)
    reminders.sweep(now=a.resolve_due_at + MIN)
    assert reminder_rows(a, "safe")[-1].level == 1  # made safe: no more make-safe reminders
    assert [r.level for r in reminder_rows(a, "resolve")] == [1]


def test_non_urgent_offsets_count_working_hours(normal_category, district_office, staff, officer, centre):
    """Dispatched Friday 15:00: acknowledge due 16:00; level 2 (+240 working minutes) is Monday 12:00."""
    friday = dt.datetime(2026, 11, 20, 15, 0, tzinfo=BANGKOK)
    a = dispatch(normal_category, district_office, officer, at=friday)
    assert timezone.localtime(a.ack_due_at, BANGKOK).time() == dt.time(16, 0)
    reminders.sweep(now=a.ack_due_at + MIN)
    saturday = dt.datetime(2026, 11, 21, 20, 0, tzinfo=BANGKOK)
    assert reminders.sweep(now=saturday).reminders == 0  # 4 wall-clock hours later is not 240 working minutes
    monday = dt.datetime(2026, 11, 23, 11, 59, tzinfo=BANGKOK)
    assert reminders.sweep(now=monday).reminders == 0
    assert reminders.sweep(now=monday + MIN).reminders == 1
    assert [r.level for r in reminder_rows(a)] == [1, 2]


def test_categories_may_set_their_own_offsets(district_office, staff, officer, centre):
    category = CategoryFactory(best=True, code="TREE", reminder_offsets_minutes=[5, 10, 20])
    a = dispatch(category, district_office, officer)
    assert reminders.sweep(now=a.ack_due_at + 4 * MIN).reminders == 0
    assert reminders.sweep(now=a.ack_due_at + 5 * MIN).reminders == 1


def test_an_agency_nobody_can_be_reached_at_escalates_to_the_centre_at_once(best_category, officer, centre):
    silent = AgencyFactory(code="MWA", name_th="การประปานครหลวง")
    a = dispatch(best_category, silent, officer)
    result = reminders.sweep(now=a.ack_due_at + MIN)
    assert [r.level for r in reminder_rows(a)] == [1, 2, 3]
    assert result.messages == 1 and result.escalated == 1
    [esc] = outbox(OutboxMessage.Purpose.ESCALATION)
    assert esc.to == [CENTRE_GROUP] and "ติดต่อหน่วยงานทาง LINE ไม่ได้" in esc.messages[0]["text"]
    assert not outbox(OutboxMessage.Purpose.REMINDER)
    assert Assignment.objects.get(pk=a.pk).escalation_level == 3


def test_escalation_without_a_centre_group_still_flags_the_console(best_category, district_office, staff, officer):
    a = dispatch(best_category, district_office, officer)
    reminders.sweep(now=a.ack_due_at + 30 * MIN)
    assert Assignment.objects.get(pk=a.pk).escalation_level == 3
    assert not outbox(OutboxMessage.Purpose.ESCALATION)
    assert TimelineEntry.objects.filter(assignment=a, kind=TimelineEntry.Kind.ESCALATED).exists()


def test_a_cancelled_assignment_is_not_chased(best_category, district_office, staff, officer, centre):
    a = dispatch(best_category, district_office, officer)
    workflow.cancel_assignment(assignment=a, by=officer, reason="แจ้งผิด")
    assert reminders.sweep(now=a.ack_due_at + 60 * MIN).reminders == 0


def test_the_sweep_task_runs_the_service(best_category, district_office, staff, officer, centre, monkeypatch):
    from complaints import tasks

    a = dispatch(best_category, district_office, officer)
    Assignment.objects.filter(pk=a.pk).update(ack_due_at=timezone.now() - MIN)
    assert tasks.sweep_reminders.delay().get() == 1


@pytest.mark.parametrize("n", [2, 10])
def test_the_query_count_does_not_grow_with_the_number_of_overdue_assignments(
    n, best_category, district_office, staff, officer, centre, django_assert_num_queries
):
    others = [AgencyFactory(code=f"X{i}") for i in range(2)]
    for agency in others:
        CoordinatorFactory(agency=agency)
    for i in range(n):
        dispatch(best_category, others[i % 2] if i % 3 else district_office, officer)
    now = T0 + dt.timedelta(hours=30)  # every level of the acknowledge and resolve stages is due
    # savepoint, reminders sent, 3 candidate queries, coordinators, centre, insert reminders,
    # timeline, outbox, one escalation update, release — the same for 2 and for 10 assignments.
    # One candidate query per stage: the centre's dispatch (of the cases) and review included.
    with django_assert_num_queries(14):
        result = reminders.sweep(now=now)
    assert result.reminders == n * 6


def test_deadlines_older_than_the_horizon_are_left_to_the_console(
    best_category, district_office, staff, officer, centre, settings
):
    settings.REMINDER_HORIZON_DAYS = 7
    a = dispatch(best_category, district_office, officer)
    reminders.sweep(now=a.ack_due_at + dt.timedelta(days=7, minutes=1))
    assert reminder_rows(a, "ack") == []  # a week past: the console shows it, LINE stays quiet
    assert len(reminder_rows(a, "resolve")) == 3  # resolve was due a day later: still within the week


def test_the_agencys_reminder_carries_the_button_that_settles_it(
    best_category, district_office, staff, officer, centre
):
    a = dispatch(best_category, district_office, officer)
    reminders.sweep(now=a.ack_due_at + 30 * MIN)
    level1, level2 = outbox(OutboxMessage.Purpose.REMINDER)
    for msg in (level1, level2):
        [item] = msg.messages[0]["quickReply"]["items"]
        assert item["action"]["data"] == f"action=ack&a={a.pk}" and item["action"]["label"] == "รับเรื่อง"
    [esc] = outbox(OutboxMessage.Purpose.ESCALATION)
    assert "quickReply" not in esc.messages[0]
