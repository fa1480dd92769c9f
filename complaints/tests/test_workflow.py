import datetime as dt

import pytest
from django.utils import timezone

from complaints import workflow
from complaints.errors import AlreadyAcknowledged, PhotoRequired, TransitionRefused, WorkflowError, WrongAgency
from complaints.models import Assignment, Complaint, TimelineEntry
from complaints.workflow import add_photo
from line_oa.models import OutboxMessage
from testing.factories import AgencyFactory, CoordinatorFactory, make_complaint
from testing.images import jpeg_bytes

A = Assignment.Status
C = Complaint.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def case(best_category, district_office):
    return make_complaint(category=best_category, district=district_office.district)


@pytest.fixture
def assignment(case, district_office, officer, coordinator):
    [a] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    return a


def kinds(complaint):
    return list(complaint.timeline.values_list("kind", flat=True))


def test_receive_gives_reference_with_buddhist_year_and_running_number(best_category, district_office):
    at = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
    first = make_complaint(category=best_category, district=district_office.district, received_at=at)
    second = make_complaint(category=best_category, district=district_office.district, received_at=at)
    assert first.reference == "2569-000001"
    assert second.reference == "2569-000002"
    assert first.is_best and first.status == C.NEW
    assert kinds(first) == ["received"]


def test_reference_year_follows_bangkok_new_year(best_category, district_office, time_machine):
    # 31 Dec 2026 18:30 UTC is already 1 Jan 2027 01:30 in Bangkok: year 2570.
    time_machine.move_to(dt.datetime(2027, 1, 2, tzinfo=dt.UTC))  # intake refuses a time in the future
    c = make_complaint(
        category=best_category,
        district=district_office.district,
        received_at=dt.datetime(2026, 12, 31, 18, 30, tzinfo=dt.UTC),
    )
    assert c.reference == "2570-000001"


def test_receive_refuses_empty_description(best_category):
    with pytest.raises(WorkflowError) as err:
        make_complaint(category=best_category, description="  ")
    assert err.value.th and err.value.en


def test_suggestion_is_district_office_plus_responsible_agency(best_category, district_office):
    fire = AgencyFactory(code="FRD")
    best_category.responsible_agency = fire
    best_category.save()
    c = make_complaint(category=best_category, district=district_office.district)
    assert workflow.suggested_agencies(c) == [district_office, fire]


def test_dispatch_sets_deadlines_writes_timeline_and_queues_card(case, district_office, officer, coordinator):
    now = timezone.now()
    [a] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer, at=now)
    assert a.status == A.DISPATCHED
    assert a.ack_due_at == now + dt.timedelta(minutes=15)
    assert a.safe_due_at == now + dt.timedelta(hours=2)
    assert a.resolve_due_at == now + dt.timedelta(hours=24)
    case.refresh_from_db()
    assert case.status == C.DISPATCHED
    assert kinds(case) == ["received", "dispatched"]
    msg = OutboxMessage.objects.get(assignment=a)
    assert msg.to == [coordinator.line_user_id]
    assert msg.purpose == OutboxMessage.Purpose.DISPATCH


def test_dispatch_to_agency_without_line_records_it_and_queues_nothing(case, officer):
    radio_only = AgencyFactory(code="EXAT")
    [a] = workflow.dispatch(complaint=case, agencies=[radio_only], by=officer, channel=Assignment.Channel.RADIO)
    entry = case.timeline.get(kind="dispatched")
    assert entry.data["line_reachable"] is False
    assert a.channel == "radio"
    assert not OutboxMessage.objects.exists()


def test_dispatch_to_group_bound_agency_sends_to_group(case, officer):
    group_agency = AgencyFactory(code="PWD", line_group_id="C" + "a" * 32)
    CoordinatorFactory(agency=group_agency)
    [a] = workflow.dispatch(complaint=case, agencies=[group_agency], by=officer)
    assert OutboxMessage.objects.get(assignment=a).to == [group_agency.line_group_id]


def test_dispatch_twice_to_same_agency_is_refused(assignment, case, district_office, officer):
    with pytest.raises(TransitionRefused):
        workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    assert case.assignments.count() == 1


def test_dispatch_to_several_agencies_skips_the_one_already_holding_it(assignment, case, district_office, officer):
    mea = AgencyFactory(code="MEA")
    created = workflow.dispatch(complaint=case, agencies=[district_office, mea], by=officer)
    assert [a.agency for a in created] == [mea]


def test_acknowledge_twice_keeps_first_coordinator(assignment, coordinator):
    second = CoordinatorFactory(agency=coordinator.agency, name="คนที่สอง")
    workflow.acknowledge(assignment=assignment, by=coordinator)
    with pytest.raises(AlreadyAcknowledged) as err:
        workflow.acknowledge(assignment=assignment, by=second)
    assert err.value.by_name == coordinator.name
    assert "รับเรื่องแล้วโดย" in err.value.th
    assignment.refresh_from_db()
    assert assignment.acknowledged_by == coordinator
    assert kinds(assignment.complaint).count("acknowledged") == 1


def test_coordinator_of_another_agency_cannot_acknowledge(assignment, other_coordinator):
    with pytest.raises(WrongAgency):
        workflow.acknowledge(assignment=assignment, by=other_coordinator)
    assignment.refresh_from_db()
    assert assignment.status == A.DISPATCHED


def test_full_best_path_to_closed(assignment, coordinator, officer):
    workflow.acknowledge(assignment=assignment, by=coordinator)
    workflow.report_progress(assignment=assignment, by=coordinator, text="ทีมงานถึงที่เกิดเหตุแล้ว")
    workflow.mark_made_safe(assignment=assignment, by=coordinator, note="วางกรวยกั้นแล้ว")
    add_photo(
        complaint=assignment.complaint,
        assignment=assignment,
        content=jpeg_bytes(),
        by=coordinator,
        stage="after",
        lat=assignment.complaint.lat,
        lng=assignment.complaint.lng,
    )
    workflow.resolve(assignment=assignment, by=coordinator, note="เปลี่ยนฝาท่อใหม่แล้ว")
    complaint = Complaint.objects.get(pk=assignment.complaint_id)
    assert complaint.status == C.RESOLVED
    workflow.close(complaint=complaint, by=officer)
    complaint.refresh_from_db()
    assert complaint.status == C.CLOSED and complaint.closed_at
    assert kinds(complaint) == [
        "received",
        "dispatched",
        "acknowledged",
        "progress",
        "made_safe",
        "photo",
        "resolved",
        "verified",
        "closed",
    ]


def test_best_case_cannot_be_resolved_without_result_photo(assignment, coordinator):
    workflow.acknowledge(assignment=assignment, by=coordinator)
    with pytest.raises(PhotoRequired):
        workflow.resolve(assignment=assignment, by=coordinator)
    assignment.refresh_from_db()
    assert assignment.status == A.ACKNOWLEDGED


def test_normal_case_resolves_without_photo(normal_category, district_office, officer, coordinator):
    c = make_complaint(category=normal_category, district=district_office.district)
    [a] = workflow.dispatch(complaint=c, agencies=[district_office], by=officer)
    workflow.acknowledge(assignment=a, by=coordinator)
    workflow.resolve(assignment=a, by=coordinator)
    a.refresh_from_db()
    assert a.status == A.RESOLVED and a.first_resolved_at == a.resolved_at


@pytest.mark.parametrize("step", ["resolve", "made_safe", "verify"])
def test_refused_transitions_from_dispatched(assignment, coordinator, officer, step):
    call = {
        "resolve": lambda: workflow.resolve(assignment=assignment, by=coordinator),
        "made_safe": lambda: workflow.mark_made_safe(assignment=assignment, by=coordinator),
        "verify": lambda: workflow.verify(assignment=assignment, by=officer),
    }[step]
    with pytest.raises(TransitionRefused) as err:
        call()
    assert assignment.complaint.reference in err.value.th
    assert "dispatched" in err.value.en.lower()


def test_progress_on_dispatched_case_acknowledges_it(assignment, coordinator):
    workflow.report_progress(assignment=assignment, by=coordinator, text="กำลังไป")
    assignment.refresh_from_db()
    assert assignment.status == A.IN_PROGRESS and assignment.acknowledged_by == coordinator


def test_reject_needs_reason_and_sends_case_back_to_routing(assignment, coordinator):
    with pytest.raises(WorkflowError):
        workflow.reject(assignment=assignment, by=coordinator, reason=" ")
    workflow.reject(assignment=assignment, by=coordinator, reason="เป็นถนนของกรมทางหลวง")
    assignment.refresh_from_db()
    assert assignment.status == A.REJECTED and assignment.closed_at
    assert Complaint.objects.get(pk=assignment.complaint_id).status == C.NEW


def test_reroute_after_reject_creates_new_assignment(assignment, coordinator, officer):
    workflow.reject(assignment=assignment, by=coordinator, reason="ถนนกรมทางหลวง")
    doh = AgencyFactory(code="DOH")
    new = workflow.reroute(assignment=assignment, to_agency=doh, by=officer, reason="ส่งกรมทางหลวง")
    assignment.refresh_from_db()
    assert assignment.rerouted_to == new and new.agency == doh and new.status == A.DISPATCHED
    assert "rerouted" in kinds(assignment.complaint)


def test_reroute_of_open_assignment_cancels_it(assignment, officer):
    doh = AgencyFactory(code="DOH")
    workflow.reroute(assignment=assignment, to_agency=doh, by=officer)
    assignment.refresh_from_db()
    assert assignment.status == A.CANCELLED


def test_reopen_sends_verified_work_back_with_new_deadline(assignment, coordinator, officer, normal_category):
    workflow.acknowledge(assignment=assignment, by=coordinator)
    add_photo(
        complaint=assignment.complaint,
        assignment=assignment,
        content=jpeg_bytes(),
        by=coordinator,
        stage="after",
        lat=assignment.complaint.lat,
        lng=assignment.complaint.lng,
    )
    workflow.resolve(assignment=assignment, by=coordinator)
    workflow.close(complaint=assignment.complaint, by=officer)
    [a] = workflow.reopen(complaint=assignment.complaint, by=officer, reason="ผู้ร้องแจ้งว่ายังไม่เรียบร้อย")
    assert a.status == A.IN_PROGRESS and a.reopen_count == 1 and a.resolved_at is None
    assert a.first_resolved_at is not None
    c = Complaint.objects.get(pk=a.complaint_id)
    assert c.status == C.IN_PROGRESS and c.closed_at is None


def test_reopen_refused_when_nothing_resolved(assignment, officer):
    with pytest.raises(TransitionRefused):
        workflow.reopen(complaint=assignment.complaint, by=officer, reason="x")


def test_close_refused_while_an_agency_is_still_working(assignment, officer):
    with pytest.raises(TransitionRefused) as err:
        workflow.close(complaint=assignment.complaint, by=officer)
    assert assignment.agency.name_th in err.value.th


def test_cancel_calls_off_open_work_and_tells_the_agency(assignment, supervisor):
    workflow.cancel(complaint=assignment.complaint, by=supervisor, reason="ผู้ร้องขอยกเลิก")
    assignment.refresh_from_db()
    assert assignment.status == A.CANCELLED
    c = Complaint.objects.get(pk=assignment.complaint_id)
    assert c.status == C.CANCELLED
    assert OutboxMessage.objects.filter(assignment=assignment, purpose="update").exists()
    with pytest.raises(TransitionRefused):
        workflow.dispatch(complaint=c, agencies=[assignment.agency], by=supervisor)


def test_mark_duplicate_links_cases(assignment, best_category, district_office, supervisor):
    original = make_complaint(category=best_category, district=district_office.district)
    dup = workflow.mark_duplicate(complaint=assignment.complaint, of=original, by=supervisor)
    assert dup.status == C.DUPLICATE and dup.duplicate_of == original
    assert original.timeline.filter(kind="note").exists()
    with pytest.raises(WorkflowError):
        workflow.mark_duplicate(complaint=original, of=dup, by=supervisor)


def test_status_follows_the_slowest_live_assignment(case, district_office, officer, coordinator):
    mea = AgencyFactory(code="MEA")
    a1, a2 = workflow.dispatch(complaint=case, agencies=[district_office, mea], by=officer)
    workflow.acknowledge(assignment=a1, by=coordinator)
    case.refresh_from_db()
    assert case.status == C.DISPATCHED  # MEA has not acknowledged yet
    workflow.acknowledge(assignment=a2, by=officer, name="เจ้าหน้าที่ กฟน. (โทรแจ้ง)")
    case.refresh_from_db()
    assert case.status == C.IN_PROGRESS


def test_timeline_entries_are_never_rewritten(assignment, coordinator):
    before = list(TimelineEntry.objects.order_by("id").values_list("id", "kind", "text"))
    workflow.acknowledge(assignment=assignment, by=coordinator)
    after = list(TimelineEntry.objects.order_by("id").values_list("id", "kind", "text"))
    assert after[: len(before)] == before and len(after) == len(before) + 1


def test_workflow_error_speaks_english_when_asked(assignment, officer):
    from django.utils import translation

    with pytest.raises(TransitionRefused) as err:
        workflow.verify(assignment=assignment, by=officer)
    with translation.override("en"):
        assert str(err.value) == err.value.en
    with translation.override("th"):
        assert str(err.value) == err.value.th


def test_escalation_flag_clears_when_the_late_stage_is_done(assignment, coordinator):
    Assignment.objects.filter(pk=assignment.pk).update(escalation_level=3)
    workflow.acknowledge(assignment=assignment, by=coordinator)
    assert Assignment.objects.get(pk=assignment.pk).escalation_level == 0
    Assignment.objects.filter(pk=assignment.pk).update(escalation_level=2)
    workflow.mark_made_safe(assignment=assignment, by=coordinator)
    assert Assignment.objects.get(pk=assignment.pk).escalation_level == 0


def test_a_rejected_assignment_is_rerouted_only_once(assignment, coordinator, officer):
    workflow.reject(assignment=assignment, by=coordinator, reason="ไม่ใช่เขตนี้")
    workflow.reroute(assignment=assignment, to_agency=AgencyFactory(code="DOH"), by=officer)
    with pytest.raises(TransitionRefused):
        workflow.reroute(assignment=assignment, to_agency=AgencyFactory(code="EXAT"), by=officer)
    live = assignment.complaint.assignments.exclude(status__in=("rejected", "cancelled"))
    assert [a.agency.code for a in live] == ["DOH"]


def test_close_is_refused_for_a_cancelled_case_with_resolved_work(assignment, coordinator, supervisor, officer):
    mea = AgencyFactory(code="MEA")
    [other] = workflow.dispatch(complaint=assignment.complaint, agencies=[mea], by=officer)
    workflow.acknowledge(assignment=other, by=officer, name="กฟน.")
    add_photo(complaint=other.complaint, assignment=other, content=jpeg_bytes(seed=5), by=officer, stage="after")
    workflow.resolve(assignment=other, by=officer)
    workflow.cancel(complaint=assignment.complaint, by=supervisor, reason="ผู้ร้องขอยกเลิก")
    with pytest.raises(TransitionRefused):
        workflow.close(complaint=assignment.complaint, by=officer)
    other.refresh_from_db()
    assert other.status == A.RESOLVED
    assert Complaint.objects.get(pk=assignment.complaint_id).status == C.CANCELLED


def test_reopening_work_already_made_safe_keeps_it_safe_and_rearms_resolve_reminders(assignment, coordinator, officer):
    from complaints.models import Reminder

    workflow.acknowledge(assignment=assignment, by=coordinator)
    workflow.mark_made_safe(assignment=assignment, by=coordinator)
    add_photo(
        complaint=assignment.complaint, assignment=assignment, content=jpeg_bytes(), by=coordinator, stage="after"
    )
    workflow.resolve(assignment=assignment, by=coordinator)
    Reminder.objects.create(assignment=assignment, stage="resolve", level=1, due_at=assignment.resolve_due_at)
    Reminder.objects.create(assignment=assignment, stage="ack", level=1, due_at=assignment.ack_due_at)
    [a] = workflow.reopen(complaint=assignment.complaint, by=officer, reason="ยังไม่เรียบร้อย")
    assert a.status == A.MADE_SAFE
    assert list(Reminder.objects.filter(assignment=a).values_list("stage", flat=True)) == ["ack"]


def test_a_cancelled_case_cannot_be_the_original_of_a_duplicate(case, best_category, district_office, supervisor):
    original = make_complaint(category=best_category, district=district_office.district)
    workflow.cancel(complaint=original, by=supervisor, reason="ผิดพลาด")
    with pytest.raises(WorkflowError):
        workflow.mark_duplicate(complaint=case, of=original, by=supervisor)
    case.refresh_from_db()
    assert case.status == C.NEW
