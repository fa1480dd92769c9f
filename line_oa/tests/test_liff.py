"""The LIFF report form's server side: LINE-verified ID tokens, the agency check, the same workflow."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import workflow
from complaints.models import Assignment, Photo, TimelineEntry
from line_oa import liff, messages

from . import events as ev

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(line_stub, settings, client):
    settings.LINE_LOGIN_CHANNEL_ID = line_stub.login_channel_id
    settings.LINE_LIFF_ID = "1655000000-AbCdEfGh"
    settings.DEBUG = False
    settings.DEMO_MODE = False
    from django.core.cache import cache

    cache.clear()
    return client


@pytest.fixture
def dispatched(line_stub, officer, coordinator, best_category, django_capture_on_commit_callbacks):
    from testing.factories import make_complaint

    complaint = make_complaint(category=best_category, district=coordinator.agency.district)
    with django_capture_on_commit_callbacks(execute=True):
        [assignment] = workflow.dispatch(complaint=complaint, agencies=[coordinator.agency], by=officer)
    return assignment


def _post(client, name, token, payload):
    return client.post(
        f"/line/liff/api/{name}/",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def _photo(client, token, assignment, seed, **extra):
    upload = SimpleUploadedFile("p.jpg", ev.photo(seed), content_type="image/jpeg")
    return client.post(
        "/line/liff/api/photo/",
        data={"assignment": assignment.pk, "photo": upload, **extra},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_the_card_opens_the_form_and_keeps_the_chat_flow(dispatched, form, line_stub):
    bubble = messages.dispatch_bubble(dispatched)
    actions = [b["action"] for b in bubble["footer"]["contents"]]
    assert {
        "type": "uri",
        "label": "รายงานผล",
        "uri": f"https://liff.line.me/1655000000-AbCdEfGh?a={dispatched.pk}",
    } in actions
    assert any(a["type"] == "postback" and "action=report" in a["data"] for a in actions)


def test_the_page_loads_the_vendored_liff_sdk_not_a_cdn(form):
    html = form.get("/line/liff/report/?a=1").content.decode()
    assert "/static/vendor/liff/liff.js" in html and "line-scdn" not in html and "liff-standin" not in html


def test_a_coordinator_reports_done_with_photos_and_position_through_the_workflow(
    dispatched, form, line_stub, coordinator
):
    token = line_stub.issue_id_token(coordinator.line_user_id)
    context = _post(form, "context", token, {"assignment": dispatched.pk}).json()
    assert context["ok"] and context["assignment"]["steps"] == ["progress", "safe", "done"]
    first = _photo(form, token, dispatched, 1).json()
    again = _photo(form, token, dispatched, 1).json()  # a retry after a lost answer
    second = _photo(form, token, dispatched, 2).json()
    assert first["ok"] and again["photo"] == first["photo"] and not again["created"] and second["count"] == 2
    c = dispatched.complaint
    body = {
        "assignment": dispatched.pk,
        "submission": "s1",
        "step": "done",
        "note": "เปลี่ยนฝาท่อใหม่แล้ว",
        "lat": float(c.lat) + 0.0001,
        "lng": float(c.lng),
        "accuracy": 8.4,
        "photos": [first["photo"], second["photo"]],
    }
    answer = _post(form, "report", token, body).json()
    assert answer["ok"] and "แก้ไขเสร็จแล้ว" in answer["message"]
    a = Assignment.objects.get(pk=dispatched.pk)
    assert a.status == Assignment.Status.RESOLVED and a.result_note == "เปลี่ยนฝาท่อใหม่แล้ว"
    assert a.acknowledged_by == coordinator
    photos = Photo.objects.filter(assignment=a, stage=Photo.Stage.AFTER)
    assert photos.count() == 2 and all(p.lat is not None and "no_location" not in p.flags for p in photos)
    where = TimelineEntry.objects.get(assignment=a, kind=TimelineEntry.Kind.LOCATION)
    assert where.data["accuracy_m"] == 8 and where.data["via"] == "liff"
    assert where.actor_coordinator == coordinator
    # The same submission again (the answer was lost on the way): answered, not refused, nothing doubled.
    repeat = _post(form, "report", token, body).json()
    assert repeat["ok"] and repeat["repeated"]
    assert TimelineEntry.objects.filter(assignment=a, kind=TimelineEntry.Kind.RESOLVED).count() == 1
    assert line_stub.requests_to("/oauth2/v2.1/verify")  # LINE verified the token


def test_best_cannot_be_done_without_a_photo_the_same_guard_as_the_chat(dispatched, form, line_stub, coordinator):
    token = line_stub.issue_id_token(coordinator.line_user_id)
    answer = _post(form, "report", token, {"assignment": dispatched.pk, "step": "done"})
    assert answer.status_code == 409 and answer.json()["code"] == "photo_required"
    assert Assignment.objects.get(pk=dispatched.pk).status == Assignment.Status.DISPATCHED  # nothing half-done


def test_a_coordinator_of_another_agency_is_refused(dispatched, form, line_stub, other_coordinator):
    token = line_stub.issue_id_token(other_coordinator.line_user_id)
    answer = _post(form, "context", token, {"assignment": dispatched.pk})
    assert answer.status_code == 403 and dispatched.complaint.reference in answer.json()["message"]
    assert _photo(form, token, dispatched, 3).status_code == 403
    assert not Photo.objects.filter(assignment=dispatched).exists()


def test_a_forged_or_missing_token_is_refused(dispatched, form, line_stub, coordinator):
    assert _post(form, "context", "forged", {"assignment": dispatched.pk}).status_code == 401
    assert form.post("/line/liff/api/context/", data="{}", content_type="application/json").status_code == 401
    # A stand-in token is worthless outside DEBUG/DEMO_MODE.
    assert _post(form, "context", liff.standin_token(coordinator.line_user_id), {"assignment": 1}).status_code == 401


def test_not_an_image_is_refused_in_thai(dispatched, form, line_stub, coordinator):
    token = line_stub.issue_id_token(coordinator.line_user_id)
    upload = SimpleUploadedFile("p.jpg", b"not a picture", content_type="image/jpeg")
    answer = form.post(
        "/line/liff/api/photo/",
        data={"assignment": dispatched.pk, "photo": upload},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 400 and "รูปภาพ" in answer.json()["message"]


def test_made_safe_then_progress(dispatched, form, line_stub, coordinator):
    token = line_stub.issue_id_token(coordinator.line_user_id)
    assert _post(form, "report", token, {"assignment": dispatched.pk, "step": "safe", "note": "กั้นกรวยแล้ว"}).json()["ok"]
    a = Assignment.objects.get(pk=dispatched.pk)
    assert a.status == Assignment.Status.MADE_SAFE
    answer = _post(form, "report", token, {"assignment": dispatched.pk, "step": "progress", "note": "รอวัสดุ"}).json()
    assert answer["ok"] and answer["assignment"]["steps"] == ["progress", "done"]


def test_photos_before_a_reopen_do_not_count(dispatched, form, line_stub, coordinator, officer):
    token = line_stub.issue_id_token(coordinator.line_user_id)
    _photo(form, token, dispatched, 5)
    _post(form, "report", token, {"assignment": dispatched.pk, "step": "done"})
    workflow.reopen(complaint=dispatched.complaint, by=officer, reason="ยังไม่เรียบร้อย")
    a = Assignment.objects.get(pk=dispatched.pk)
    assert liff.result_photo_count(a) == 0
    assert _post(form, "context", token, {"assignment": a.pk}).json()["assignment"]["photos"] == 0


def test_opened_without_a_case_the_form_lists_the_agencys_open_work_newest_first(
    form, line_stub, officer, coordinator, other_coordinator, best_category, django_capture_on_commit_callbacks
):
    from testing.factories import make_complaint

    def dispatch_to(agency):
        complaint = make_complaint(category=best_category, district=coordinator.agency.district)
        with django_capture_on_commit_callbacks(execute=True):
            [a] = workflow.dispatch(complaint=complaint, agencies=[agency], by=officer)
        return a

    older, newer = dispatch_to(coordinator.agency), dispatch_to(coordinator.agency)
    theirs = dispatch_to(other_coordinator.agency)
    closed = dispatch_to(coordinator.agency)
    workflow.cancel_assignment(assignment=closed, by=officer, reason="ส่งผิดหน่วย")
    token = line_stub.issue_id_token(coordinator.line_user_id)

    answer = _post(form, "mine", token, {}).json()

    assert answer["ok"] and answer["coordinator"] == coordinator.name
    assert [a["id"] for a in answer["assignments"]] == [newer.pk, older.pk]  # not another agency's, not cancelled
    first = answer["assignments"][0]
    assert first["reference"] == newer.complaint.reference and first["best"] is True
    assert theirs.pk not in [a["id"] for a in answer["assignments"]]


def test_the_case_picker_refuses_a_line_user_who_is_not_a_coordinator(form, line_stub, db):
    token = line_stub.issue_id_token("U" + "0" * 32)
    response = _post(form, "mine", token, {})
    assert response.status_code == 403 and "ลงทะเบียน" in response.json()["message"]
    assert _post(form, "mine", "", {}).status_code == 401


def test_the_rich_menus_report_tile_opens_the_forms_case_picker(settings):
    from line_oa import richmenu

    settings.LINE_LIFF_ID = "1655000000-AbCdEfGh"
    actions = [a["action"] for a in richmenu.definition("coordinator")["areas"]]
    assert {"type": "uri", "label": "รายงานผล", "uri": "https://liff.line.me/1655000000-AbCdEfGh"} in actions
    settings.LINE_LIFF_ID = ""  # no LIFF app: the tile asks the chat for the list of open work
    actions = [a["action"] for a in richmenu.definition("coordinator")["areas"]]
    assert {"type": "message", "label": "รายงานผล", "text": "รายงานผล"} in actions
