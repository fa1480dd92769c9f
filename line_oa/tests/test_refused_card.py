"""A dispatch card LINE refuses (400) never strands the case: plain-text fallback, then the centre."""

import pytest

from complaints import workflow
from complaints.models import Assignment, TimelineEntry
from line_oa import refused
from line_oa.models import OutboxMessage
from testing.factories import AgencyFactory, make_complaint

pytestmark = pytest.mark.django_db
S = OutboxMessage.Status
PUSH = "/v2/bot/message/push"


@pytest.fixture
def centre(db):
    return AgencyFactory(code="C1555", name_th="ศูนย์รับแจ้งทุกข์ 1555", line_group_id="C" + "1" * 32)


def _dispatch(officer, coordinator, category, capture):
    complaint = make_complaint(category=category, district=coordinator.agency.district)
    with capture(execute=True):
        [assignment] = workflow.dispatch(complaint=complaint, agencies=[coordinator.agency], by=officer)
    return assignment


def test_a_refused_card_is_sent_again_as_plain_text_with_the_essentials(
    line_stub, officer, coordinator, best_category, centre, django_capture_on_commit_callbacks
):
    line_stub.fail_next(400, times=1, path=PUSH)
    assignment = _dispatch(officer, coordinator, best_category, django_capture_on_commit_callbacks)
    card = OutboxMessage.objects.get(assignment=assignment, replaces=None, purpose="dispatch")
    assert card.status == S.FAILED and card.error_status == 400
    fallback = card.fallback.replacement
    assert fallback.status == S.SENT and fallback.to == [coordinator.line_user_id]
    [text] = line_stub.sent_messages(to=coordinator.line_user_id)
    assert text["type"] == "text" and assignment.complaint.reference in text["text"]
    assert {i["action"]["label"] for i in text["quickReply"]["items"]} == {"รับเรื่อง", "รายงานผล"}
    assert not refused.not_reached().exists()
    assert line_stub.sent_messages(to=centre.line_group_id) == []


def test_when_the_plain_text_is_refused_too_the_case_shows_agency_not_reached_and_the_centre_is_told(
    line_stub, officer, coordinator, best_category, centre, django_capture_on_commit_callbacks
):
    line_stub.fail_next(400, times=2, path=PUSH)
    assignment = _dispatch(officer, coordinator, best_category, django_capture_on_commit_callbacks)
    rows = OutboxMessage.objects.filter(assignment=assignment, purpose="dispatch")
    assert sorted(rows.values_list("status", flat=True)) == [S.FAILED, S.FAILED]
    assert rows.filter(replaces__isnull=False).count() == 1  # retried once, not forever
    entry = TimelineEntry.objects.get(assignment=assignment, kind=TimelineEntry.Kind.ESCALATED)
    assert entry.data["agency_not_reached"] is True and "โทรศัพท์/วิทยุ" in entry.text
    assert Assignment.objects.get(pk=assignment.pk).escalation_level == 3
    assert list(refused.not_reached()) == [assignment]
    [warning] = line_stub.sent_messages(to=centre.line_group_id)
    assert assignment.complaint.reference in warning["text"] and assignment.agency.name_th in warning["text"]
    assert OutboxMessage.objects.get(purpose="escalation").status == S.SENT


def test_a_refused_reminder_is_only_failed_no_fallback(line_stub, coordinator, centre):
    row = OutboxMessage.objects.create(
        to=[coordinator.line_user_id], messages=[{"type": "text", "text": "x"}], purpose="reminder"
    )
    line_stub.fail_next(400, times=1, path=PUSH)
    from line_oa.delivery import deliver

    assert deliver(row.pk).status == "failed"
    assert OutboxMessage.objects.count() == 1


def test_a_server_error_is_retried_not_treated_as_a_refusal(
    line_stub, officer, coordinator, best_category, centre, django_capture_on_commit_callbacks
):
    line_stub.fail_next(500, times=1, path=PUSH)
    assignment = _dispatch(officer, coordinator, best_category, django_capture_on_commit_callbacks)
    card = OutboxMessage.objects.get(assignment=assignment)
    assert card.status == S.PENDING and not hasattr(card, "fallback")
