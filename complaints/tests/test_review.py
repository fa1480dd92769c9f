"""Fixed means proven: a flagged result needs a written reason, a result can be sent back
without buying time, a permanent fix can be planned, and every ended case has one outcome."""

import datetime as dt

import pytest
from django.utils import timezone

from complaints import reminders, rules, workflow
from complaints.errors import JustificationRequired, TransitionRefused, WorkflowError
from complaints.models import Assignment, Complaint, Reminder, TimelineEntry
from line_oa.models import OutboxMessage
from testing.factories import make_complaint
from testing.images import jpeg_bytes

pytestmark = pytest.mark.django_db
A = Assignment.Status
Outcome = rules.Outcome


def resolved(category, agency, by, *, located=True, seed=1):
    complaint = make_complaint(category=category, district=agency.district)
    [a] = workflow.dispatch(complaint=complaint, agencies=[agency], by=by, channel="phone")
    workflow.acknowledge(assignment=a, by=by, name="ช่าง")
    where = {"lat": complaint.lat, "lng": complaint.lng} if located else {}
    workflow.add_photo(complaint=complaint, content=jpeg_bytes(seed=seed), by=by, stage="after", assignment=a, **where)
    workflow.resolve(assignment=a, by=by, note="ปิดฝาท่อแล้ว")
    a.refresh_from_db()
    return a


def test_a_clean_result_is_accepted_and_the_case_closes_as_fixed(best_category, district_office, officer):
    a = resolved(best_category, district_office, officer)
    assert a.review_due_at == a.resolved_at + dt.timedelta(minutes=120)  # BEST: the centre has two hours
    workflow.accept(assignment=a, by=officer)
    c = Complaint.objects.get(pk=a.complaint_id)
    assert c.status == Complaint.Status.CLOSED and c.outcome == Outcome.FIXED


def test_a_flagged_result_needs_a_justification_kept_on_the_timeline(best_category, district_office, officer):
    a = resolved(best_category, district_office, officer, located=False)
    assert workflow.result_flags(a) == ["no_location"]
    with pytest.raises(JustificationRequired) as err:
        workflow.accept(assignment=a, by=officer)
    assert "ไม่มีตำแหน่ง" in err.value.th and "reason" in err.value.en
    with pytest.raises(JustificationRequired):
        workflow.close(complaint=a.complaint, by=officer)  # bulk close never closes it
    workflow.accept(assignment=a, by=officer, justification="ช่างยืนยันตำแหน่งทางโทรศัพท์")
    entry = TimelineEntry.objects.get(assignment=a, kind=TimelineEntry.Kind.VERIFIED)
    assert entry.data == {"accepted_flags": ["no_location"], "justification": "ช่างยืนยันตำแหน่งทางโทรศัพท์"}


def test_send_back_keeps_the_deadline_restarts_the_ladder_and_tells_the_agency(
    best_category, district_office, officer, coordinator
):
    a = resolved(best_category, district_office, officer)
    due = a.resolve_due_at
    Reminder.objects.create(assignment=a, stage="resolve", level=1, due_at=due)
    workflow.send_back(assignment=a, by=officer, reason="รูปไม่ชัด ไม่เห็นจุดที่ซ่อม")
    a.refresh_from_db()
    assert a.status == A.IN_PROGRESS and a.resolve_due_at == due and a.sent_back_count == 1
    assert not Reminder.objects.filter(assignment=a).exists()
    swept = reminders.sweep(now=due + dt.timedelta(minutes=1))
    assert swept.reminders >= 1  # overdue at once: rework does not buy time
    card = OutboxMessage.objects.filter(assignment=a, purpose=OutboxMessage.Purpose.UPDATE).latest("id")
    kinds = [m["type"] for m in card.messages]
    assert kinds == ["image", "text"]
    assert "รูปไม่ชัด" in card.messages[-1]["text"]
    assert card.messages[-1]["quickReply"]["items"][0]["action"]["data"] == f"action=report&a={a.pk}"
    assert workflow.result_photos(a).count() == 0  # the refused photo is not this round's


def test_a_verified_result_cannot_be_sent_back(best_category, district_office, officer):
    a = resolved(best_category, district_office, officer)
    workflow.accept(assignment=a, by=officer)
    with pytest.raises(TransitionRefused):
        workflow.send_back(assignment=a, by=officer, reason="x")
    with pytest.raises(WorkflowError):
        workflow.send_back(assignment=a, by=officer, reason="  ")


def test_a_planned_fix_stays_open_and_wakes_everyone_when_its_date_passes(best_category, district_office, officer):
    a = resolved(best_category, district_office, officer)
    when = timezone.localdate() + dt.timedelta(days=3)
    workflow.plan_permanent_fix(
        assignment=a, by=officer, planned_for=when, reason=rules.PlanReason.BUDGET, note="รองบซ่อมถาวร"
    )
    a.refresh_from_db()
    c = a.complaint
    c.refresh_from_db()
    assert a.status == A.MADE_SAFE and a.planned_for == when and c.outcome == Outcome.PLANNED
    assert c.status != Complaint.Status.CLOSED
    late = a.resolve_due_at + dt.timedelta(minutes=1)
    assert Assignment.objects.overdue(late, "resolve").filter(pk=a.pk).exists()
    with pytest.raises(WorkflowError):
        workflow.plan_permanent_fix(
            assignment=a, by=officer, planned_for=when - dt.timedelta(days=10), reason=rules.PlanReason.BUDGET
        )


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (Outcome.OUTSIDE, "closed"),
        (Outcome.NO_ACTION, "closed"),
        (Outcome.WITHDRAWN, "cancelled"),
        (Outcome.CANCELLED, "cancelled"),
    ],
)
def test_ending_without_a_fix_records_one_outcome(normal_category, district_office, officer, outcome, status):
    complaint = make_complaint(category=normal_category, district=district_office.district)
    workflow.dispatch(complaint=complaint, agencies=[district_office], by=officer, channel="phone")
    workflow.end_case(complaint=complaint, by=officer, outcome=outcome, reason="การไฟฟ้านครหลวง ส่งหนังสือแล้ว")
    complaint.refresh_from_db()
    assert complaint.outcome == outcome and complaint.status == status
    assert not complaint.assignments.open().exists()


def test_fixed_cannot_be_chosen_by_hand_and_reopen_clears_the_outcome(best_category, district_office, officer):
    complaint = make_complaint(category=best_category, district=district_office.district)
    with pytest.raises(WorkflowError):
        workflow.end_case(complaint=complaint, by=officer, outcome=Outcome.FIXED, reason="x")
    a = resolved(best_category, district_office, officer, seed=4)
    workflow.accept(assignment=a, by=officer)
    workflow.reopen(complaint=a.complaint, by=officer, reason="ผู้ร้องแจ้งว่ายังไม่ได้ซ่อม")
    a.complaint.refresh_from_db()
    assert a.complaint.outcome == ""


def test_the_centres_review_is_reminded_to_the_centre(best_category, district_office, officer):
    a = resolved(best_category, district_office, officer)
    swept = reminders.sweep(now=a.review_due_at + dt.timedelta(minutes=1))
    assert swept.reminders >= 1
    row = Reminder.objects.filter(assignment=a, stage="review").first()
    assert row is not None


def test_a_sent_back_best_result_needs_a_new_photo(best_category, district_office, officer):
    a = resolved(best_category, district_office, officer)
    workflow.send_back(assignment=a, by=officer, reason="รูปไม่ชัด")
    with pytest.raises(WorkflowError) as err:
        workflow.resolve(assignment=a, by=officer)
    assert err.value.code == "photo_required"
