"""The centre's own clock: from receipt to the first dispatch, flagged, reminded to C1555 once per level."""

import datetime as dt

import pytest

from complaints import reminders, rules, workflow
from complaints.models import Complaint, Reminder, TimelineEntry
from complaints.sla import BANGKOK
from line_oa.models import OutboxMessage
from testing.factories import AgencyFactory, CategoryFactory, make_complaint

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 23, 22, 0, tzinfo=BANGKOK)  # a Monday night: outside working hours
CENTRE_GROUP = "C" + "d" * 32
MIN = dt.timedelta(minutes=1)


@pytest.fixture
def centre(db):
    return AgencyFactory(code="C1555", kind="centre", name_th="ศูนย์รับแจ้งทุกข์ 1555", line_group_id=CENTRE_GROUP)


def test_best_case_must_be_dispatched_within_ten_minutes_on_the_wall_clock(best_category):
    case = make_complaint(category=best_category, received_at=T0)
    assert case.dispatch_due_at == T0 + dt.timedelta(minutes=10)


def test_other_cases_get_one_working_hour_from_the_next_morning():
    case = make_complaint(category=CategoryFactory(), received_at=T0)
    local = case.dispatch_due_at.astimezone(BANGKOK)
    assert local.date() == dt.date(2026, 11, 24) and local.hour >= 9


def test_a_category_may_set_its_own_dispatch_deadline():
    category = CategoryFactory(best=True, sla_dispatch_minutes=5)
    assert make_complaint(category=category, received_at=T0).dispatch_due_at == T0 + dt.timedelta(minutes=5)


def test_the_first_dispatch_stops_the_clock(best_category, district_office, officer):
    case = make_complaint(category=best_category, received_at=T0)
    late = T0 + dt.timedelta(minutes=20)
    assert Complaint.objects.filter(rules.DISPATCH.q(late)).get() == case
    workflow.dispatch(complaint=case, agencies=[district_office], by=officer, at=late)
    case.refresh_from_db()
    assert case.first_dispatched_at == late
    assert not Complaint.objects.filter(rules.DISPATCH.q(late + MIN)).exists()
    assert not rules.DISPATCH.is_overdue(case, late + MIN)


def test_the_centre_is_reminded_once_per_level_then_escalated(best_category, centre):
    case = make_complaint(category=best_category, received_at=T0)
    due = case.dispatch_due_at
    assert reminders.sweep(now=due - MIN).reminders == 0
    first = reminders.sweep(now=due + MIN)
    assert first.reminders == 1 and first.messages == 1
    assert reminders.sweep(now=due + 2 * MIN).reminders == 0  # exactly once
    later = reminders.sweep(now=due + 31 * MIN)  # BEST offsets 0/15/30
    assert later.reminders == 2
    rows = list(Reminder.objects.filter(complaint=case, stage="dispatch").order_by("level"))
    assert [r.level for r in rows] == [1, 2, 3] and all(r.assignment_id is None for r in rows)
    assert all(r.recipients == [CENTRE_GROUP] for r in rows)
    sent = OutboxMessage.objects.filter(to=[CENTRE_GROUP]).order_by("id")
    assert sent.count() == 3 and sent.last().purpose == OutboxMessage.Purpose.ESCALATION
    assert case.reference in sent.first().messages[0]["text"]
    assert "quickReply" not in sent.first().messages[0]  # nothing for an agency to tap
    kinds = list(TimelineEntry.objects.filter(complaint=case, data__stage="dispatch").values_list("kind", flat=True))
    assert kinds == ["reminder", "reminder", "escalated"]


def test_a_dispatched_case_is_not_reminded(best_category, district_office, officer, centre):
    case = make_complaint(category=best_category, received_at=T0)
    workflow.dispatch(complaint=case, agencies=[district_office], by=officer, at=T0 + MIN)
    result = reminders.sweep(now=T0 + dt.timedelta(hours=1))
    assert not Reminder.objects.filter(stage="dispatch").exists()
    assert result.reminders >= 0
