"""LINE by phone (PNP) refused for good → the same notice by SMS, exactly once, recorded."""

import hashlib

import pytest

from complaints import workflow
from notices import delivery, fallback
from notices.models import Notice
from testing.factories import make_complaint

pytestmark = pytest.mark.django_db

PHONE = "0891112222"
HASH = hashlib.sha256(b"+66891112222").hexdigest()


@pytest.fixture
def pnp(settings, line_stub, sms_stub):
    settings.NOTICES_PNP_ENABLED = True
    return line_stub


def test_a_number_without_line_gets_the_notice_by_sms_once(pnp, sms_stub, best_category):
    pnp.pnp_undeliverable.add(HASH)
    complaint = make_complaint(category=best_category, complainant_phone=PHONE)
    refused = Notice.objects.get(complaint=complaint, channel="pnp")
    assert (refused.status, refused.error_status) == ("failed", 422)
    sms = refused.fallback
    assert (sms.channel, sms.to, sms.status, sms.event) == ("sms", "+66891112222", "sent", "received")
    assert sms.text == refused.text and sms.retry_key != refused.retry_key
    assert [f["msisdn"] for f in sms_stub.accepted] == ["66891112222"]
    assert len(pnp.requests_to("/bot/pnp/push", valid=True)) == 1

    # Processed again (a duplicate task, a supervisor's resend refused again): still one SMS.
    assert delivery.deliver(refused.pk) == "skipped"
    assert delivery.deliver(sms.pk) == "skipped"
    assert delivery.resend([refused.pk]) == 1
    assert fallback.to_sms(Notice.objects.get(pk=refused.pk)) is None
    assert Notice.objects.filter(fallback_of=refused).count() == 1
    assert len(sms_stub.accepted) == 1


def test_later_notices_of_the_case_go_by_sms_straight_away(pnp, sms_stub, best_category, district_office, officer):
    pnp.pnp_undeliverable.add(HASH)
    complaint = make_complaint(category=best_category, complainant_phone=PHONE, district=district_office.district)
    workflow.dispatch(complaint=complaint, agencies=[district_office], by=officer)
    dispatched = Notice.objects.get(complaint=complaint, event="dispatched")
    assert (dispatched.channel, dispatched.status, dispatched.fallback_of) == ("sms", "sent", None)
    assert len(pnp.requests_to("/bot/pnp/push")) == 1


@pytest.mark.parametrize("status", [400, 403, 422])
def test_every_permanent_refusal_falls_back(pnp, sms_stub, best_category, status):
    pnp.fail_next(status, path="/bot/pnp/push")
    complaint = make_complaint(category=best_category, complainant_phone=PHONE)
    refused = Notice.objects.get(complaint=complaint, channel="pnp")
    assert refused.status == "failed" and refused.fallback.status == "sent"


@pytest.mark.parametrize("status", [429, 500])
def test_a_busy_or_broken_line_is_retried_not_replaced(pnp, sms_stub, best_category, status):
    pnp.fail_next(status, path="/bot/pnp/push")
    complaint = make_complaint(category=best_category, complainant_phone=PHONE)
    notice = Notice.objects.get(complaint=complaint)
    assert notice.status == "pending" and not Notice.objects.filter(fallback_of=notice).exists()
    assert delivery.deliver(notice.pk) == "sent"
    assert sms_stub.requests == []


def test_a_conflict_is_not_a_refusal(pnp, sms_stub, best_category):
    pnp.fail_next(409, path="/bot/pnp/push")
    complaint = make_complaint(category=best_category, complainant_phone=PHONE)
    notice = Notice.objects.get(complaint=complaint)
    assert notice.status == "failed" and not Notice.objects.filter(fallback_of=notice).exists()


def test_without_an_sms_gateway_the_reason_is_recorded_and_shown(pnp, settings, best_category, client):
    settings.NOTICES_SMS_BACKEND = ""
    pnp.pnp_undeliverable.add(HASH)
    complaint = make_complaint(category=best_category, complainant_phone=PHONE)
    refused = Notice.objects.get(complaint=complaint, channel="pnp")
    assert (refused.fallback.channel, refused.fallback.status, refused.fallback.reason) == (
        "none",
        "skipped",
        "no_sms_fallback",
    )
    page = client.get(complaint.public_path).content.decode()
    assert "LINE ทางเบอร์โทรส่งไม่ได้" in page
