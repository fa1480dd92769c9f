"""The case's outcome and plan in the REST API (read-only) and in Open311's status_notes
(neutral words, never the officer's reason)."""

import datetime as dt

import pytest
from django.utils import timezone

from complaints import workflow
from complaints.workflow import add_photo
from testing.images import jpeg_bytes

BASE = "/open311/v2"
pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(dispatched, officer):
    workflow.acknowledge(assignment=dispatched, by=officer, name="ช่าง")
    c = dispatched.complaint
    add_photo(
        complaint=c, content=jpeg_bytes(seed=9), by=officer, stage="after", assignment=dispatched, lat=c.lat, lng=c.lng
    )
    workflow.resolve(assignment=dispatched, by=officer, note="ปิดฝาท่อแล้ว")
    dispatched.refresh_from_db()
    return dispatched


def notes(anon, complaint) -> str:
    return anon.get(f"{BASE}/requests/{complaint.reference}.json").json()[0]["status_notes"]


def test_api_shows_the_outcome_and_the_plan_read_only(officer_api, resolved, officer):
    date = timezone.localdate() + dt.timedelta(days=20)
    workflow.plan_permanent_fix(
        assignment=resolved, by=officer, planned_for=date, reason="procurement", note="จัดซื้อฝาเหล็ก"
    )
    data = officer_api.get(f"/api/v1/complaints/{resolved.complaint_id}/").json()
    assert (data["outcome"], data["outcome_note"]) == ("planned", "จัดซื้อฝาเหล็ก")
    [a] = data["assignments"]
    assert (a["planned_for"], a["plan_reason"], a["plan_note"]) == (date.isoformat(), "procurement", "จัดซื้อฝาเหล็ก")
    assert a["sent_back_count"] == 0 and "review_due_at" in a
    listed = officer_api.get("/api/v1/complaints/").json()["results"][0]
    assert listed["outcome"] == "planned"
    officer_api.patch(f"/api/v1/complaints/{resolved.complaint_id}/", {"outcome": "fixed"}, format="json")
    assert officer_api.get(f"/api/v1/complaints/{resolved.complaint_id}/").json()["outcome"] == "planned"


def test_open311_fixed_case_says_fixed_with_the_result_note(anon, resolved, officer):
    assert notes(anon, resolved.complaint) == "ปิดฝาท่อแล้ว"  # in review: no outcome yet
    workflow.accept(assignment=resolved, by=officer, justification="ช่างยืนยันทางวิทยุ")  # an officer relayed it
    assert notes(anon, resolved.complaint) == "แก้ไขแล้ว (fixed): ปิดฝาท่อแล้ว"


def test_open311_planned_case_gives_its_date_not_the_plan_note(anon, resolved, officer):
    date = timezone.localdate() + dt.timedelta(days=20)
    workflow.plan_permanent_fix(
        assignment=resolved, by=officer, planned_for=date, reason="budget", note="คุณสมชายขอให้เร่ง"
    )
    text = notes(anon, resolved.complaint)
    assert text == f"ทำให้ปลอดภัยแล้ว รอแก้ไขถาวร (made safe; permanent fix planned) {date.isoformat()}"


@pytest.mark.parametrize(
    "outcome, words",
    [
        ("no_action", "ไม่ต้องดำเนินการ (no action needed)"),
        ("outside", "ส่งต่อหน่วยงานนอกสังกัด กทม. (referred to a body outside the BMA)"),
        ("withdrawn", "ผู้ร้องขอยกเลิก (withdrawn by the requester)"),
        ("cancelled", "ยกเลิกเรื่อง (cancelled)"),
    ],
)
def test_open311_ended_cases_use_neutral_words_never_the_reason(anon, dispatched, supervisor, outcome, words):
    workflow.end_case(complaint=dispatched.complaint, by=supervisor, outcome=outcome, reason="บ้านคุณสมชาย เลขที่ 5")
    assert notes(anon, dispatched.complaint) == words
