"""Notices to the complainant: which channel, what they say, sent exactly once with retries."""

import pytest

from complaints import workflow
from notices import delivery
from notices.models import Notice
from testing.factories import make_complaint

pytestmark = pytest.mark.django_db

N = Notice


def test_a_mobile_caller_gets_the_reference_by_sms_at_intake(sms_stub, best_category):
    complaint = make_complaint(category=best_category, complainant_phone="081-234-5678")
    [notice] = Notice.objects.filter(complaint=complaint)
    assert (notice.event, notice.channel, notice.to, notice.status) == ("received", "sms", "+66812345678", "sent")
    [form] = sms_stub.accepted
    assert form["msisdn"] == "66812345678" and form["sender"] == "BKK1555"
    assert complaint.reference in form["message"] and complaint.public_url in form["message"]
    assert notice.credits >= 1 and notice.cost_satang == notice.credits * 30


def test_a_landline_gets_no_sms_and_the_reason_is_kept(sms_stub, best_category):
    complaint = make_complaint(category=best_category, complainant_phone="02-123-4567")
    [notice] = Notice.objects.filter(complaint=complaint)
    assert (notice.channel, notice.status, notice.reason) == ("none", "skipped", "not_mobile")
    assert sms_stub.requests == []


def test_no_contact_and_no_number_get_nothing(sms_stub, best_category):
    quiet = make_complaint(category=best_category, no_contact=True)
    nameless = make_complaint(category=best_category, complainant_phone="")
    assert Notice.objects.get(complaint=quiet).reason == "no_contact"
    assert Notice.objects.get(complaint=nameless).reason == "no_number"
    assert sms_stub.requests == []


def test_the_received_notice_is_a_setting_per_intake_channel(sms_stub, settings, best_category):
    settings.NOTICES_RECEIVED_CHANNELS = ["phone"]
    complaint = make_complaint(category=best_category, channel="mis")
    assert not Notice.objects.filter(complaint=complaint).exists()


def test_a_line_complainant_is_told_by_push_with_a_retry_key(line_stub, settings, best_category):
    settings.NOTICES_SMS_BACKEND = ""
    complaint = make_complaint(category=best_category, channel="line", complainant_line_user_id="U" + "a" * 32)
    [notice] = Notice.objects.filter(complaint=complaint)
    assert (notice.channel, notice.status) == ("line", "sent")
    [push] = line_stub.requests_to("/v2/bot/message/push")
    assert push.body["to"] == "U" + "a" * 32 and push.retry_key == str(notice.retry_key)


def test_pnp_goes_by_hashed_phone_when_turned_on(line_stub, settings, best_category):
    import hashlib

    settings.NOTICES_PNP_ENABLED = True
    complaint = make_complaint(category=best_category, complainant_phone="0891112222")
    [notice] = Notice.objects.filter(complaint=complaint)
    assert (notice.channel, notice.status) == ("pnp", "sent")
    [req] = line_stub.requests_to("/bot/pnp/push", valid=True)
    assert req.body["to"] == hashlib.sha256(b"+66891112222").hexdigest()
    assert req.headers["x-line-delivery-tag"] == str(notice.retry_key)


def test_dispatch_and_outcome_notices_name_the_agency_and_the_outcome(sms_stub, fixed_case, district_office):
    complaint = fixed_case()
    events = list(Notice.objects.filter(complaint=complaint).order_by("id").values_list("event", "status"))
    assert events == [("received", "sent"), ("dispatched", "sent"), ("ended", "sent")]
    ended = Notice.objects.get(complaint=complaint, event="ended")
    assert district_office.name_th in ended.text and "แก้ไขเรียบร้อยแล้ว" in ended.text
    assert ended.outcome == "fixed" and complaint.public_url in ended.text


def test_no_personal_data_in_any_notice(sms_stub, fixed_case):
    complaint = fixed_case(complainant_name="สมหญิง ลับมาก", description="บ้านเลขที่ 99 โทร 0899998888")
    for notice in Notice.objects.filter(complaint=complaint):
        for secret in ("สมหญิง", "ลับมาก", "0812345678", "812345678", "0899998888", "บ้านเลขที่"):
            assert secret not in notice.text
    for form in sms_stub.accepted:
        assert "สมหญิง" not in form["message"] and "0899998888" not in form["message"]


def test_a_reroute_does_not_send_a_second_dispatch_notice(sms_stub, best_category, district_office, officer):
    from testing.factories import AgencyFactory

    complaint = make_complaint(category=best_category, district=district_office.district)
    [a] = workflow.dispatch(complaint=complaint, agencies=[district_office], by=officer)
    workflow.reroute(assignment=a, to_agency=AgencyFactory(code="DDS"), by=officer, reason="ท่อหลัก")
    assert Notice.objects.filter(complaint=complaint, event="dispatched").count() == 1


def test_ending_without_a_fix_tells_the_outcome(sms_stub, best_category, supervisor):
    complaint = make_complaint(category=best_category)
    workflow.end_case(complaint=complaint, by=supervisor, outcome="outside", reason="การไฟฟ้านครหลวง")
    ended = Notice.objects.get(complaint=complaint, event="ended")
    assert "นอกอำนาจหน้าที่" in ended.text and ended.status == "sent"


@pytest.mark.parametrize("status", [429, 500])
def test_sms_retries_429_and_5xx_then_sends_exactly_once(sms_stub, best_category, status):
    sms_stub.fail_next(status, times=2)
    complaint = make_complaint(category=best_category)
    notice = Notice.objects.get(complaint=complaint)
    assert notice.status == "pending" and notice.attempts == 1 and notice.error_status == status
    for _ in range(3):
        delivery.deliver(notice.pk)
        delivery.deliver(notice.pk)  # a duplicate task: claimed or finished, does nothing
    notice.refresh_from_db()
    assert notice.status == "sent" and notice.attempts == 3
    assert len(sms_stub.accepted) == 1


def test_sms_gives_up_after_max_attempts_and_shows_the_error(sms_stub, settings, best_category):
    settings.NOTICES_MAX_ATTEMPTS = 2
    sms_stub.fail_next(500, times=2)
    complaint = make_complaint(category=best_category)
    notice = Notice.objects.get(complaint=complaint)
    delivery.deliver(notice.pk)
    notice.refresh_from_db()
    assert notice.status == "failed" and "500" in notice.last_error
    assert delivery.resend([notice.pk]) == 1
    notice.refresh_from_db()
    assert notice.status == "sent" and len(sms_stub.accepted) == 1


def test_a_timeout_is_not_retried_blindly(sms_stub, best_category):
    sms_stub.hang_next(1.5)
    complaint = make_complaint(category=best_category)
    notice = Notice.objects.get(complaint=complaint)
    assert notice.status == "unknown"
    assert delivery.deliver(notice.pk) == "skipped"  # nobody re-sends it but a supervisor


def test_a_refused_number_fails_without_retry(sms_stub, best_category):
    sms_stub.fail_next(400)
    complaint = make_complaint(category=best_category)
    assert Notice.objects.get(complaint=complaint).status == "failed"


def test_the_sweep_sends_what_the_broker_lost(sms_stub, best_category, settings):
    import datetime as dt

    from django.utils import timezone

    settings.NOTICES_SMS_BACKEND = "console"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("notices.outbox.enqueue_send", lambda pk: None)  # broker down
        complaint = make_complaint(category=best_category)
    notice = Notice.objects.get(complaint=complaint)
    assert notice.status == "pending"
    Notice.objects.filter(pk=notice.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert delivery.sweep() == 1
    notice.refresh_from_db()
    assert notice.status == "sent" and notice.provider_ref.startswith("console-")


def test_demo_replay_records_notices_as_sent_without_sending(sms_stub, best_category):
    from complaints import notify

    with notify.replaying():
        complaint = make_complaint(category=best_category)
    notice = Notice.objects.get(complaint=complaint)
    assert notice.status == "sent" and notice.sent_at == complaint.received_at
    assert sms_stub.requests == []
