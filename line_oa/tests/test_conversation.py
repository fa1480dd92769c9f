"""The coordinator conversation end to end: signed webhooks in, the real SDK out to the stub LINE server."""

import datetime as dt
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from agencies.models import Coordinator
from complaints import workflow
from complaints.models import Assignment, Photo, TimelineEntry
from line_oa.models import InboxMessage, LinkCode, OutboxMessage
from testing.factories import CoordinatorFactory, make_complaint

from . import events as ev

pytestmark = pytest.mark.django_db


def replies(stub) -> list[dict]:
    return [m for r in stub.requests_to("/v2/bot/message/reply", valid=True) for m in r.body["messages"]]


def last_reply_text(stub) -> str:
    return replies(stub)[-1]["text"]


def test_dispatch_card_reaches_the_coordinator_as_a_valid_flex_bubble_with_location(dispatched, line_stub, coordinator):
    assert line_stub.invalid_requests() == []
    [push] = line_stub.requests_to("/v2/bot/message/push")
    assert push.body["to"] == coordinator.line_user_id
    flex, location = push.body["messages"]
    bubble = flex["contents"]
    assert flex["type"] == "flex" and bubble["type"] == "bubble"
    assert bubble["header"]["backgroundColor"] == "#C62828"  # BEST red
    assert bubble["hero"]["url"].startswith("https://bkk1555.example.org/line/photo/")
    labels = [b["action"]["label"] for b in bubble["footer"]["contents"]]
    assert labels == ["รับเรื่อง", "รายงานผล", "ไม่ใช่หน่วยงานนี้", "แผนที่"]
    data = parse_qs(bubble["footer"]["contents"][0]["action"]["data"])
    assert data == {"action": ["ack"], "a": [str(dispatched.pk)]}
    assert location["type"] == "location" and location["latitude"] == pytest.approx(13.73)
    from bkk1555.thaidate import thai_datetime

    assert thai_datetime(dispatched.ack_due_at) in str(bubble)  # Buddhist-era deadline


def test_the_signed_photo_url_serves_the_photo_and_a_forged_one_does_not(dispatched, line_stub, client):
    [push] = line_stub.requests_to("/v2/bot/message/push")
    url = push.body["messages"][0]["contents"]["hero"]["url"].removeprefix("https://bkk1555.example.org")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(url.replace("/photo/", "/photo/x")).status_code == 404


def test_full_loop_acknowledge_photo_location_resolve_lands_in_the_timeline(dispatched, send, line_stub, coordinator):
    me = ev.user(coordinator.line_user_id)
    a = dispatched.pk
    send(ev.postback(me, f"action=ack&a={a}"))
    assert "รับเรื่อง" in last_reply_text(line_stub) and coordinator.name in last_reply_text(line_stub)
    send(ev.postback(me, f"action=report&a={a}"))
    send(ev.location(me, 13.7301, 100.5401))
    line_stub.add_content("img-1", ev.photo(5))
    send(ev.image(me, "img-1"))
    assert "ได้รับรูปผลการดำเนินการ" in last_reply_text(line_stub)
    send(ev.text(me, "เปลี่ยนฝาท่อใหม่เรียบร้อย"))
    send(ev.postback(me, f"action=safe&a={a}"))
    send(ev.postback(me, f"action=done&a={a}"))
    assert "แก้ไขเสร็จแล้ว" in last_reply_text(line_stub)
    assignment = Assignment.objects.get(pk=a)
    assert assignment.status == Assignment.Status.RESOLVED
    assert assignment.acknowledged_by == coordinator
    photo = Photo.objects.get(assignment=assignment, stage=Photo.Stage.AFTER)
    assert photo.uploaded_by_coordinator == coordinator and photo.lat is not None and photo.flags == []
    kinds = list(assignment.complaint.timeline.values_list("kind", flat=True))
    for kind in ("acknowledged", "location", "photo", "progress", "made_safe", "resolved"):
        assert kind in kinds
    assert line_stub.invalid_requests() == []


def test_a_second_acknowledge_says_who_was_first_and_when(dispatched, send, line_stub, coordinator, district_office):
    colleague = CoordinatorFactory(agency=district_office, name="สมหญิง รองหัวหน้า")
    send(ev.postback(ev.user(coordinator.line_user_id), f"action=ack&a={dispatched.pk}"))
    send(ev.postback(ev.user(colleague.line_user_id), f"action=ack&a={dispatched.pk}"))
    assert "รับเรื่องแล้วโดย สมศักดิ์ ช่างใหญ่ เวลา" in last_reply_text(line_stub)
    assert Assignment.objects.get(pk=dispatched.pk).acknowledged_by == coordinator


def test_a_forged_postback_from_another_agency_is_refused_and_changes_nothing(
    dispatched, send, line_stub, other_coordinator, caplog
):
    send(ev.postback(ev.user(other_coordinator.line_user_id), f"action=ack&a={dispatched.pk}"))
    assert "ไม่ได้ส่งถึงหน่วยงานของคุณ" in last_reply_text(line_stub)
    assert Assignment.objects.get(pk=dispatched.pk).status == Assignment.Status.DISPATCHED
    assert "Refused postback ack" in caplog.text


def test_a_postback_from_a_stranger_is_refused(dispatched, send, line_stub):
    send(ev.postback(ev.user("U" + "e" * 32), f"action=done&a={dispatched.pk}"))
    assert "ยังไม่ได้ลงทะเบียน" in last_reply_text(line_stub)
    assert Assignment.objects.get(pk=dispatched.pk).status == Assignment.Status.DISPATCHED


def test_the_agencys_bound_group_may_act_and_others_groups_may_not(dispatched, send, line_stub, district_office):
    district_office.line_group_id = "C" + "b" * 32
    district_office.save()
    send(ev.postback(ev.group("C" + "c" * 32, "U" + "f" * 32), f"action=ack&a={dispatched.pk}"))
    assert Assignment.objects.get(pk=dispatched.pk).status == Assignment.Status.DISPATCHED
    # In a group the name comes from the group's member profile (it works for non-friends too).
    line_stub.member_profiles[("C" + "b" * 32, "U" + "f" * 32)] = {"userId": "U" + "f" * 32, "displayName": "ช่างเอก"}
    send(ev.postback(ev.group("C" + "b" * 32, "U" + "f" * 32), f"action=ack&a={dispatched.pk}"))
    assignment = Assignment.objects.get(pk=dispatched.pk)
    assert assignment.status == Assignment.Status.ACKNOWLEDGED and assignment.acknowledged_by_name == "ช่างเอก"


def test_best_case_cannot_be_resolved_without_a_result_photo(dispatched, send, line_stub, coordinator):
    me = ev.user(coordinator.line_user_id)
    send(ev.postback(me, f"action=ack&a={dispatched.pk}"))
    send(ev.postback(me, f"action=done&a={dispatched.pk}"))
    assert "ต้องมีรูปผลการดำเนินการ" in last_reply_text(line_stub)
    assert Assignment.objects.get(pk=dispatched.pk).status == Assignment.Status.ACKNOWLEDGED


def test_a_postback_for_a_case_that_moved_on_gets_a_clear_answer(dispatched, send, line_stub, coordinator, officer):
    me = ev.user(coordinator.line_user_id)
    workflow.cancel(complaint=dispatched.complaint, by=officer, reason="ผู้ร้องยกเลิก")
    send(ev.postback(me, f"action=ack&a={dispatched.pk}"))
    assert "ยกเลิก" in last_reply_text(line_stub)
    send(ev.postback(me, f"action=report&a={dispatched.pk}"))
    assert "ไม่ต้องรายงานผลเพิ่ม" in last_reply_text(line_stub)
    assert Assignment.objects.get(pk=dispatched.pk).status == Assignment.Status.CANCELLED


def test_a_postback_for_an_already_resolved_case(dispatched, send, line_stub, coordinator):
    me = ev.user(coordinator.line_user_id)
    send(ev.postback(me, f"action=ack&a={dispatched.pk}"))
    send(ev.postback(me, f"action=report&a={dispatched.pk}"))
    line_stub.add_content("img-r", ev.photo(17))
    send(ev.image(me, "img-r"))
    send(ev.postback(me, f"action=done&a={dispatched.pk}"))
    send(ev.postback(me, f"action=done&a={dispatched.pk}"))
    assert "แก้ไขเสร็จ รอตรวจสอบ" in last_reply_text(line_stub)
    assert TimelineEntry.objects.filter(assignment=dispatched, kind="resolved").count() == 1


def test_reject_asks_for_a_reason_with_quick_replies_then_records_it(dispatched, send, line_stub, coordinator):
    me = ev.user(coordinator.line_user_id)
    send(ev.postback(me, f"action=reject&a={dispatched.pk}"))
    asked = replies(line_stub)[-1]
    assert "เหตุผล" in asked["text"] and len(asked["quickReply"]["items"]) == 3
    send(ev.text(me, "ไม่อยู่ในพื้นที่รับผิดชอบ"))
    assignment = Assignment.objects.get(pk=dispatched.pk)
    assert assignment.status == Assignment.Status.REJECTED and assignment.reject_reason == "ไม่อยู่ในพื้นที่รับผิดชอบ"


def test_an_image_that_is_not_an_image_is_refused_with_a_reply_and_nothing_stored(
    dispatched, send, line_stub, coordinator
):
    me = ev.user(coordinator.line_user_id)
    send(ev.postback(me, f"action=report&a={dispatched.pk}"))
    line_stub.add_content("fake", b"%PDF-1.4 this is not a picture")
    send(ev.image(me, "fake"))
    assert "ไม่ใช่รูปภาพ" in last_reply_text(line_stub)
    assert not Photo.objects.filter(stage=Photo.Stage.AFTER).exists()


def test_a_reused_photo_and_a_far_location_are_flagged_not_blocked(dispatched, send, line_stub, coordinator):
    me = ev.user(coordinator.line_user_id)
    before = Photo.objects.get(complaint=dispatched.complaint, stage=Photo.Stage.BEFORE)
    send(ev.postback(me, f"action=report&a={dispatched.pk}"))
    line_stub.add_content("same", before.image.open("rb").read())
    send(ev.image(me, "same"))
    send(ev.location(me, 13.80, 100.60))  # ~9 km away
    after = Photo.objects.get(stage=Photo.Stage.AFTER)
    assert "reused" in after.flags and "far_from_site" in after.flags and "no_location" not in after.flags


def test_a_photo_without_a_context_gets_a_list_of_open_cases_and_is_kept_for_the_chosen_one(
    dispatched, send, line_stub, coordinator
):
    me = ev.user(coordinator.line_user_id)
    line_stub.add_content("early", ev.photo(33))
    send(ev.image(me, "early"))
    asked = replies(line_stub)[-1]
    [item] = asked["quickReply"]["items"]
    assert parse_qs(item["action"]["data"]) == {"action": ["report"], "a": [str(dispatched.pk)]}
    send(ev.postback(me, item["action"]["data"]))
    assert Photo.objects.filter(assignment=dispatched, stage=Photo.Stage.AFTER).count() == 1


def test_the_open_case_list_has_at_most_13_items_newest_first(
    line_stub, send, officer, coordinator, normal_category, django_capture_on_commit_callbacks
):
    now = timezone.now()
    for i in range(15):
        complaint = make_complaint(category=normal_category, district=coordinator.agency.district)
        workflow.dispatch(
            complaint=complaint, agencies=[coordinator.agency], by=officer, at=now + dt.timedelta(minutes=i)
        )
    send(ev.text(ev.user(coordinator.line_user_id), "งาน"))
    items = replies(line_stub)[-1]["quickReply"]["items"]
    assert len(items) == 13
    newest = Assignment.objects.order_by("-dispatched_at").first()
    assert parse_qs(items[0]["action"]["data"])["a"] == [str(newest.pk)]


def test_free_text_lands_in_the_officers_inbox(line_stub, send, coordinator):
    send(ev.text(ev.user(coordinator.line_user_id), "ขอเบอร์ติดต่อผู้ร้องหน่อยครับ"))
    msg = InboxMessage.objects.get()
    assert msg.coordinator == coordinator and msg.text == "ขอเบอร์ติดต่อผู้ร้องหน่อยครับ" and msg.read_at is None
    assert "ส่งข้อความถึงเจ้าหน้าที่ศูนย์" in last_reply_text(line_stub)


def test_when_line_answers_the_reply_with_500_the_answer_goes_out_as_a_push(line_stub, send, coordinator):
    line_stub.fail_next(500, path="/v2/bot/message/reply")
    send(ev.text(ev.user(coordinator.line_user_id), "สวัสดีครับ"))
    row = OutboxMessage.objects.get(purpose=OutboxMessage.Purpose.CONFIRMATION)
    assert row.to == [coordinator.line_user_id]
    [push] = line_stub.requests_to("/v2/bot/message/push", valid=True)
    assert "ส่งข้อความถึงเจ้าหน้าที่ศูนย์" in push.body["messages"][0]["text"]


def test_follow_greets_and_unfollow_marks_the_coordinator_unreachable(line_stub, send, coordinator):
    send(ev.follow(ev.user("U" + "0" * 32)))
    assert "รหัสผูกบัญชี" in last_reply_text(line_stub)
    send({**ev.follow(ev.user(coordinator.line_user_id)), "type": "unfollow"})
    coordinator.refresh_from_db()
    assert coordinator.line_unreachable_at is not None and not coordinator.is_reachable
    send(ev.follow(ev.user(coordinator.line_user_id)))
    coordinator.refresh_from_db()
    assert coordinator.line_unreachable_at is None


# --- registration --------------------------------------------------------------------------


@pytest.fixture
def new_coordinator(district_office):
    return CoordinatorFactory(agency=district_office, name="วิชัย มาใหม่", line_user_id=None)


def test_a_link_code_binds_the_line_user_and_fetches_the_profile_name(line_stub, send, new_coordinator, supervisor):
    from line_oa.linking import create_code

    code = create_code(coordinator=new_coordinator, by=supervisor)
    uid = "U" + "3" * 32
    line_stub.profiles[uid] = {"userId": uid, "displayName": "Wichai 📱"}
    send(ev.text(ev.user(uid), code.display_code.lower()))
    new_coordinator.refresh_from_db()
    assert new_coordinator.line_user_id == uid and new_coordinator.line_display_name == "Wichai 📱"
    assert "ลงทะเบียนเรียบร้อย" in last_reply_text(line_stub)
    code.refresh_from_db()
    assert code.used_at is not None
    send(ev.text(ev.user("U" + "4" * 32), code.code))  # single use
    assert "ถูกใช้ไปแล้ว" in last_reply_text(line_stub)


def test_wrong_and_expired_codes_get_a_clear_thai_reply(line_stub, send, new_coordinator, supervisor):
    from line_oa.linking import create_code

    code = create_code(coordinator=new_coordinator, by=supervisor)
    LinkCode.objects.filter(pk=code.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    uid = "U" + "5" * 32
    send(ev.text(ev.user(uid), code.code))
    assert "หมดอายุ" in last_reply_text(line_stub)
    send(ev.text(ev.user(uid), "ZZZZ-ZZZZ"))
    assert "รหัสไม่ถูกต้อง" in last_reply_text(line_stub)
    assert Coordinator.objects.get(pk=new_coordinator.pk).line_user_id is None


def test_link_code_attempts_are_rate_limited_per_line_user(line_stub, send, new_coordinator, supervisor):
    from line_oa.linking import create_code

    uid = "U" + "6" * 32
    for _ in range(5):
        send(ev.text(ev.user(uid), "WXYZ-WXYZ"))
    code = create_code(coordinator=new_coordinator, by=supervisor)
    send(ev.text(ev.user(uid), code.code))
    assert "หลายครั้งเกินไป" in last_reply_text(line_stub)
    assert Coordinator.objects.get(pk=new_coordinator.pk).line_user_id is None
    send(ev.text(ev.user("U" + "7" * 32), code.code))  # another person is not blocked
    assert Coordinator.objects.get(pk=new_coordinator.pk).line_user_id == "U" + "7" * 32


def test_a_group_is_bound_to_an_agency_with_a_group_code(line_stub, send, district_office, supervisor):
    from line_oa.linking import create_code

    gid = "C" + "9" * 32
    send({**ev.follow(ev.group(gid)), "type": "join"})
    assert "รหัสผูกกลุ่ม" in last_reply_text(line_stub)
    code = create_code(agency=district_office, by=supervisor)
    line_stub.groups[gid] = {"groupId": gid, "groupName": "งานโยธา เขตทดสอบ"}
    send(ev.text(ev.group(gid, "U" + "8" * 32), code.display_code))
    district_office.refresh_from_db()
    assert district_office.line_group_id == gid and district_office.line_group_name == "งานโยธา เขตทดสอบ"


def test_an_expired_photo_link_is_refused(dispatched, line_stub, client, monkeypatch):
    from line_oa import views

    [push] = line_stub.requests_to("/v2/bot/message/push")
    url = push.body["messages"][0]["contents"]["hero"]["url"].removeprefix("https://bkk1555.example.org")
    monkeypatch.setattr(views, "PHOTO_URL_MAX_AGE", -1)
    assert client.get(url).status_code == 404


def test_when_the_oa_leaves_a_group_the_agency_falls_back_to_its_coordinators(line_stub, send, district_office):
    district_office.line_group_id = "C" + "a" * 32
    district_office.save()
    send({**ev.follow(ev.group("C" + "a" * 32)), "type": "leave"})
    district_office.refresh_from_db()
    assert district_office.line_group_id is None


def test_the_webhook_sweep_is_in_the_beat_schedule():
    from bkk1555.celery import app

    assert app.conf.beat_schedule["webhook-sweep"]["task"] == "line_oa.tasks_webhook.sweep_pending_events"


def test_an_unbound_groups_chatter_and_photos_get_no_reply(line_stub, send):
    g = ev.group("C" + "d" * 32, "U" + "d" * 32)
    send(ev.text(g, "ใครสั่งข้าวบ้าง"), ev.image(g, "img-x"), ev.location(g, 13.7, 100.5))
    assert line_stub.requests_to("/v2/bot/message/reply") == []
    assert not InboxMessage.objects.exists()


def test_a_video_in_a_report_is_kept_and_a_fake_one_refused(dispatched, send, line_stub, coordinator):
    me = ev.user(coordinator.line_user_id)
    send(ev.postback(me, f"action=report&a={dispatched.pk}"))
    line_stub.add_content("vid-ok", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, "video/mp4")
    line_stub.add_content("vid-bad", b"MZ\x90\x00 an exe pretending", "video/mp4")
    video = ev.image(me, "vid-ok")
    video["message"] = {"type": "video", "id": "vid-ok", "duration": 3000, "contentProvider": {"type": "line"}}
    send(video)
    assert "ได้รับวิดีโอ" in last_reply_text(line_stub)
    fake = ev.image(me, "vid-bad")
    fake["message"] = {"type": "video", "id": "vid-bad", "duration": 3000, "contentProvider": {"type": "line"}}
    send(fake)
    assert "ไม่ใช่วิดีโอ" in last_reply_text(line_stub)
    notes = TimelineEntry.objects.filter(assignment=dispatched, kind="note", data__has_key="file")
    assert notes.count() == 1 and notes.get().actor_coordinator == coordinator


def test_a_recompressed_and_resized_before_photo_sent_as_the_result_is_flagged(
    dispatched, send, line_stub, coordinator
):
    import io

    from PIL import Image

    me = ev.user(coordinator.line_user_id)
    before = Photo.objects.get(complaint=dispatched.complaint, stage=Photo.Stage.BEFORE)
    image = Image.open(before.image.open("rb")).convert("RGB").resize((190, 142))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=55)
    send(ev.postback(me, f"action=report&a={dispatched.pk}"))
    line_stub.add_content("resaved", buf.getvalue())
    send(ev.image(me, "resaved"))
    after = Photo.objects.get(stage=Photo.Stage.AFTER)
    assert after.sha256 != before.sha256 and "reused" in after.flags
    assert TimelineEntry.objects.filter(assignment=dispatched, kind="note", data__similar_to=before.pk).exists()


def test_a_genuinely_different_result_photo_is_not_flagged_as_reused(dispatched, send, line_stub, coordinator):
    me = ev.user(coordinator.line_user_id)
    send(ev.postback(me, f"action=report&a={dispatched.pk}"))
    send(ev.location(me, 13.7300, 100.5400))
    line_stub.add_content("new", ev.photo(2024))
    send(ev.image(me, "new"))
    assert Photo.objects.get(stage=Photo.Stage.AFTER).flags == []


def test_a_menu_word_or_cancel_in_reject_mode_does_not_reject_the_case(dispatched, send, line_stub, coordinator):
    me = ev.user(coordinator.line_user_id)
    send(ev.postback(me, f"action=reject&a={dispatched.pk}"))
    send(ev.text(me, "เมนู"))
    assert Assignment.objects.get(pk=dispatched.pk).status == Assignment.Status.DISPATCHED
    send(ev.postback(me, f"action=reject&a={dispatched.pk}"))
    send(ev.text(me, "ยกเลิก"))
    assert "ยังอยู่กับหน่วยงานนี้" in last_reply_text(line_stub)
    send(ev.text(me, "ไม่อยู่ในพื้นที่รับผิดชอบ"))  # the context is closed: no longer a reason
    assert Assignment.objects.get(pk=dispatched.pk).status == Assignment.Status.DISPATCHED


def test_photos_sent_before_the_report_survive_line_being_down(dispatched, send, line_stub, coordinator):
    me = ev.user(coordinator.line_user_id)
    line_stub.add_content("early", ev.photo(31))
    send(ev.image(me, "early"))  # no report context yet: kept pending
    line_stub.fail_next(500, times=5, path="/v2/bot/message/early/content")
    send(ev.postback(me, f"action=report&a={dispatched.pk}"))
    assert "ยังดาวน์โหลดรูปจาก LINE ไม่ได้ 1 รูป" in " ".join(r.get("text", "") for r in replies(line_stub))
    assert not Photo.objects.filter(stage=Photo.Stage.AFTER).exists()
    line_stub.reset()
    line_stub.add_content("early", ev.photo(31))
    send(ev.postback(me, f"action=report&a={dispatched.pk}"))
    assert Photo.objects.filter(stage=Photo.Stage.AFTER, assignment=dispatched).count() == 1
