"""State changes go through the workflow as actions; refusals are 409s with the workflow's messages."""

import pytest

from complaints import workflow
from complaints.models import Assignment, Complaint, Photo
from testing.images import jpeg_bytes


def post(client, url, data=None, **kwargs):
    return client.post(url, data or {}, format=kwargs.pop("format", "json"), **kwargs)


def test_dispatch_creates_an_assignment_with_deadlines(officer_api, case, district_office):
    response = post(officer_api, f"/api/v1/complaints/{case.pk}/dispatch/", {"agencies": [district_office.code]})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "dispatched"
    [assignment] = data["assignments"]
    assert assignment["agency"]["code"] == district_office.code
    assert assignment["status"] == "dispatched" and assignment["ack_due_at"]
    assert "dispatched" in [e["kind"] for e in data["timeline"]]


def test_dispatching_twice_to_the_same_agency_is_a_409_in_thai_and_english(officer_api, dispatched, district_office):
    response = post(
        officer_api, f"/api/v1/complaints/{dispatched.complaint_id}/dispatch/", {"agencies": [district_office.code]}
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_transition"
    assert "ส่งต่อให้" in error["th"] and "already with" in error["en"]


def test_dispatch_to_an_unknown_agency_is_a_400(officer_api, case):
    response = post(officer_api, f"/api/v1/complaints/{case.pk}/dispatch/", {"agencies": ["NOPE"]})
    assert response.status_code == 400
    assert "agencies" in response.json()["error"]["fields"]


def test_the_whole_life_of_a_best_case(officer_api, dispatched):
    base = f"/api/v1/assignments/{dispatched.pk}"
    assert post(officer_api, f"{base}/acknowledge/", {"name": "ช่างสมศักดิ์"}).status_code == 200
    assert post(officer_api, f"{base}/progress/", {"text": "กำลังเดินทาง"}).status_code == 200
    assert post(officer_api, f"{base}/made-safe/", {"note": "วางกรวยแล้ว"}).status_code == 200
    resolved = officer_api.post(
        f"{base}/resolve/", {"note": "ปิดฝาท่อใหม่แล้ว", "photos": [_upload(1), _upload(2)]}, format="multipart"
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "resolved"
    assert Photo.objects.filter(assignment=dispatched, stage="after").count() == 2
    # The result photos carry no location: the guard flagged them, so accepting needs a reason.
    refused = post(officer_api, f"{base}/verify/")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "justification_required"
    verified = post(officer_api, f"{base}/verify/", {"justification": "ช่างส่งตำแหน่งทางโทรศัพท์แล้ว ตรงจุดเกิดเหตุ"})
    assert verified.status_code == 200
    assert verified.json()["status"] == "closed"
    kinds = [e["kind"] for e in verified.json()["timeline"]]
    assert kinds[-1] == "closed" and "acknowledged" in kinds and "made_safe" in kinds


def _upload(seed: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        f"after{seed}.jpg", jpeg_bytes(seed=seed, color=(seed * 40 % 256, 90, 30)), content_type="image/jpeg"
    )


def test_resolving_a_best_case_without_a_photo_is_a_409_photo_required(officer_api, dispatched):
    workflow.acknowledge(assignment=dispatched, by=None, name="x")
    response = post(officer_api, f"/api/v1/assignments/{dispatched.pk}/resolve/", {"note": "เสร็จ"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "photo_required"
    assert Assignment.objects.get(pk=dispatched.pk).status == "acknowledged"


def test_a_broken_photo_is_a_400_and_nothing_is_resolved(officer_api, dispatched):
    from django.core.files.uploadedfile import SimpleUploadedFile

    workflow.acknowledge(assignment=dispatched, by=None, name="x")
    bad = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    response = officer_api.post(f"/api/v1/assignments/{dispatched.pk}/resolve/", {"photos": [bad]}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_image"
    assert Assignment.objects.get(pk=dispatched.pk).status == "acknowledged"


def test_a_refused_resolve_keeps_no_photo(officer_api, dispatched):
    # Still 'dispatched': resolve is refused, and the photo uploaded with it rolls back.
    response = officer_api.post(
        f"/api/v1/assignments/{dispatched.pk}/resolve/", {"photos": [_upload(3)]}, format="multipart"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"
    assert not Photo.objects.exists()


def test_acknowledging_twice_names_who_was_first(officer_api, dispatched):
    post(officer_api, f"/api/v1/assignments/{dispatched.pk}/acknowledge/", {"name": "สมศักดิ์"})
    response = post(officer_api, f"/api/v1/assignments/{dispatched.pk}/acknowledge/", {"name": "คนที่สอง"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "already_acknowledged"
    assert "สมศักดิ์" in error["th"] and "สมศักดิ์" in error["en"]


def test_made_safe_before_acknowledge_is_refused(officer_api, dispatched):
    response = post(officer_api, f"/api/v1/assignments/{dispatched.pk}/made-safe/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"


def test_verify_before_resolve_is_refused(officer_api, dispatched):
    response = post(officer_api, f"/api/v1/assignments/{dispatched.pk}/verify/")
    assert response.status_code == 409


def test_reject_needs_a_reason(officer_api, dispatched):
    response = post(officer_api, f"/api/v1/assignments/{dispatched.pk}/reject/", {"reason": " "})
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]


def test_reject_with_a_reason_sends_the_case_back_to_new(officer_api, dispatched):
    response = post(officer_api, f"/api/v1/assignments/{dispatched.pk}/reject/", {"reason": "อยู่นอกเขต"})
    assert response.status_code == 200
    assert response.json()["status"] == "new"
    assert response.json()["assignments"][0]["reject_reason"] == "อยู่นอกเขต"


def test_rejecting_a_rejected_assignment_is_refused(officer_api, dispatched):
    workflow.reject(assignment=dispatched, by=None, reason="x")
    response = post(officer_api, f"/api/v1/assignments/{dispatched.pk}/reject/", {"reason": "again"})
    assert response.status_code == 409


def test_reroute_moves_the_case_to_another_agency(officer_api, dispatched, other_coordinator):
    response = post(
        officer_api,
        f"/api/v1/assignments/{dispatched.pk}/reroute/",
        {"to_agency": other_coordinator.agency.code, "reason": "เสาไฟฟ้า"},
    )
    assert response.status_code == 200, response.content
    statuses = {a["agency"]["code"]: a["status"] for a in response.json()["assignments"]}
    assert statuses == {dispatched.agency.code: "cancelled", "MEA": "dispatched"}


def test_cancel_assignment_and_its_refusal(officer_api, dispatched):
    url = f"/api/v1/assignments/{dispatched.pk}/cancel/"
    assert post(officer_api, url, {"reason": "ส่งผิด"}).status_code == 200
    assert post(officer_api, url, {"reason": "อีกครั้ง"}).status_code == 409


def test_supervisor_reopens_resolved_work(supervisor_api, dispatched):
    workflow.acknowledge(assignment=dispatched, by=None, name="x")
    from complaints.workflow import add_photo

    add_photo(complaint=dispatched.complaint, content=jpeg_bytes(seed=9), by=None, stage="after", assignment=dispatched)
    workflow.resolve(assignment=dispatched, by=None)
    response = post(supervisor_api, f"/api/v1/complaints/{dispatched.complaint_id}/reopen/", {"reason": "ยังไม่เสร็จ"})
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert response.json()["assignments"][0]["reopen_count"] == 1


def test_reopen_with_nothing_resolved_is_refused(supervisor_api, dispatched):
    response = post(supervisor_api, f"/api/v1/complaints/{dispatched.complaint_id}/reopen/", {"reason": "x"})
    assert response.status_code == 409
    assert "no resolved work" in response.json()["error"]["en"]


def test_close_with_open_work_is_refused(officer_api, dispatched):
    response = post(officer_api, f"/api/v1/complaints/{dispatched.complaint_id}/close/")
    assert response.status_code == 409
    assert "ยังปิดเรื่อง" in response.json()["error"]["th"]


def test_supervisor_cancels_a_case_and_cannot_cancel_it_again(supervisor_api, dispatched):
    url = f"/api/v1/complaints/{dispatched.complaint_id}/cancel/"
    response = post(supervisor_api, url, {"reason": "ผู้ร้องถอนเรื่อง"})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["assignments"][0]["status"] == "cancelled"
    assert post(supervisor_api, url, {"reason": "อีกครั้ง"}).status_code == 409


def test_mark_duplicate_and_its_refusals(supervisor_api, case, best_category, district_office):
    from testing.factories import make_complaint

    original = make_complaint(category=best_category, district=district_office.district)
    url = f"/api/v1/complaints/{case.pk}/mark-duplicate/"
    assert post(supervisor_api, url, {"of": case.reference}).status_code == 400  # itself
    assert post(supervisor_api, url, {"of": "2500-000000"}).status_code == 400  # unknown
    response = post(supervisor_api, url, {"of": original.reference})
    assert response.status_code == 200
    assert response.json()["status"] == "duplicate"
    assert response.json()["duplicate_of"] == original.reference
    assert post(supervisor_api, url, {"of": original.reference}).status_code == 409


def test_notes_are_added_to_the_timeline(officer_api, case):
    response = post(officer_api, f"/api/v1/complaints/{case.pk}/notes/", {"text": "โทรแจ้งผู้ร้องแล้ว"})
    assert response.status_code == 201
    assert response.json()["timeline"][-1]["text"] == "โทรแจ้งผู้ร้องแล้ว"
    assert response.json()["timeline"][-1]["actor"] == "Officer"


def test_a_photo_upload_adds_the_photo(officer_api, case):
    response = officer_api.post(f"/api/v1/complaints/{case.pk}/photos/", {"image": _upload(5)}, format="multipart")
    assert response.status_code == 201, response.content
    [photo] = response.json()["photos"]
    assert photo["stage"] == "before" and photo["image"].startswith("http")


def test_a_note_on_another_cases_assignment_is_a_404(officer_api, case, dispatched, best_category):
    from testing.factories import make_complaint

    other = make_complaint(category=best_category)
    response = post(officer_api, f"/api/v1/complaints/{other.pk}/notes/", {"text": "x", "assignment": dispatched.pk})
    assert response.status_code == 404


def test_actions_on_missing_cases_are_404s_in_the_error_shape(officer_api):
    response = post(officer_api, "/api/v1/complaints/999999/cancel/", {"reason": "x"})
    assert response.status_code in (403, 404)  # officers may not cancel at all
    response = post(officer_api, "/api/v1/assignments/999999/acknowledge/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("field", ["status", "closed_at", "is_best"])
def test_status_fields_cannot_be_written(officer_api, case, field):
    # There is no update endpoint for complaints at all: state changes only through actions.
    response = officer_api.patch(f"/api/v1/complaints/{case.pk}/", {field: "closed"}, format="json")
    assert response.status_code == 405
    assert Complaint.objects.get(pk=case.pk).status == "new"
