"""Every way a case comes in carries the complainant's contact choice to workflow.receive, so
the notices pick the right channel: the console's intake form and the API (the MIS import and
web forms). Open311 is read-only here: it records no cases."""

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from notices.models import Notice

pytestmark = pytest.mark.django_db

LINE_USER = "U" + "4" * 32


def _form(category, district, **extra):
    return {
        "channel": "phone",
        "category": category.pk,
        "description": "ฝาท่อหายกลางถนน",
        "address": "ถนนพระราม 4",
        "district": district.pk,
        "received_at_0": timezone.localtime().strftime("%Y-%m-%d"),
        "received_at_1": "00:00",
        "complainant_name": "สมหญิง",
        "complainant_phone": "0899999999",
        **extra,
    }


def _added(client, officer, category, district, **extra) -> Complaint:
    client.force_login(officer)
    response = client.post(reverse("admin:complaints_complaint_add"), _form(category, district, **extra))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Complaint.objects.order_by("-id").first()


def _received(complaint) -> Notice:
    return Notice.objects.get(complaint=complaint, event="received")


# --- the console's intake form ------------------------------------------------------------


def test_the_intake_form_offers_the_contact_choice_in_thai(client, officer):
    client.force_login(officer)
    html = client.get(reverse("admin:complaints_complaint_add")).content.decode()
    assert 'name="no_contact"' in html and 'name="complainant_line_user_id"' in html
    assert "ผู้ร้องไม่ประสงค์ให้ติดต่อกลับ" in html and "รหัสผู้ใช้ LINE ของผู้ร้อง" in html


def test_console_a_mobile_caller_is_told_by_sms(client, officer, sms_stub, best_category, district_office):
    case = _added(client, officer, best_category, district_office.district)
    notice = _received(case)
    assert (notice.channel, notice.to, notice.status) == ("sms", "+66899999999", "sent")
    assert [f["msisdn"] for f in sms_stub.accepted] == ["66899999999"]


def test_console_no_contact_sends_nothing_and_says_why(client, officer, sms_stub, best_category, district_office):
    case = _added(client, officer, best_category, district_office.district, no_contact="on")
    assert case.no_contact is True
    notice = _received(case)
    assert (notice.channel, notice.status, notice.reason) == ("none", "skipped", "no_contact")
    assert sms_stub.requests == []


def test_console_a_line_complainant_is_told_by_line(
    client, officer, line_stub, settings, best_category, district_office
):
    settings.NOTICES_SMS_BACKEND = "console"
    case = _added(
        client, officer, best_category, district_office.district, channel="line", complainant_line_user_id=LINE_USER
    )
    assert case.complainant_line_user_id == LINE_USER
    notice = _received(case)
    assert (notice.channel, notice.to, notice.status) == ("line", LINE_USER, "sent")
    [push] = line_stub.requests_to("/v2/bot/message/push", valid=True)
    assert push.body["to"] == LINE_USER and case.reference in push.body["messages"][0]["text"]


def test_console_pnp_when_turned_on(client, officer, line_stub, settings, best_category, district_office):
    settings.NOTICES_PNP_ENABLED = True
    case = _added(client, officer, best_category, district_office.district)
    assert (_received(case).channel, _received(case).status) == ("pnp", "sent")
    assert len(line_stub.requests_to("/bot/pnp/push", valid=True)) == 1


@pytest.mark.parametrize(("phone", "reason"), [("02-123-4567 ต่อ 101", "not_mobile"), ("", "no_number")])
def test_console_a_landline_or_no_number_gets_none(
    client, officer, sms_stub, best_category, district_office, phone, reason
):
    case = _added(client, officer, best_category, district_office.district, complainant_phone=phone)
    notice = _received(case)
    assert (notice.channel, notice.status, notice.reason) == ("none", "skipped", reason)
    assert sms_stub.requests == []


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"channel": "line", "complainant_line_user_id": "สมชาย"}, "ไม่ใช่ LINE user ID"),
        ({"channel": "phone", "complainant_line_user_id": LINE_USER}, "เฉพาะเรื่องที่รับทางช่องทาง LINE"),
    ],
)
def test_console_a_wrong_line_user_id_is_refused_on_its_field(
    client, officer, best_category, district_office, extra, error
):
    client.force_login(officer)
    page = client.post(
        reverse("admin:complaints_complaint_add"), _form(best_category, district_office.district, **extra)
    )
    assert page.status_code == 200 and error in page.content.decode()
    assert not Complaint.objects.exists()


# --- the API (the MIS import, web forms) --------------------------------------------------

URL = "/api/v1/complaints/"


@pytest.fixture
def body(best_category, district_office):
    return {
        "channel": "web",
        "category": best_category.code,
        "description": "ฝาท่อหายกลางถนน",
        "complainant_phone": "0891112222",
        "address": "ซอยสุขุมวิท 11",
        "district": district_office.district.code,
    }


def _created(mis_api, body) -> Complaint:
    response = mis_api.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    return Complaint.objects.get(pk=response.json()["id"])


def test_api_a_mobile_is_told_by_sms(mis_api, body, sms_stub):
    notice = _received(_created(mis_api, body))
    assert (notice.channel, notice.to, notice.status) == ("sms", "+66891112222", "sent")


def test_api_an_mis_case_is_told_at_dispatch_by_the_channel_it_chose(mis_api, body, sms_stub, officer, district_office):
    """The MIS told its caller the reference itself (NOTICES_RECEIVED_CHANNELS): the first notice is the dispatch."""
    from complaints import workflow

    quiet = _created(mis_api, {**body, "channel": "mis", "external_ref": "MIS-1", "no_contact": True})
    loud = _created(mis_api, {**body, "channel": "mis", "external_ref": "MIS-2"})
    assert not Notice.objects.filter(event="received").exists()
    for case in (quiet, loud):
        workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    assert Notice.objects.get(complaint=quiet).reason == "no_contact"
    assert (Notice.objects.get(complaint=loud).channel, Notice.objects.get(complaint=loud).status) == ("sms", "sent")


def test_api_no_contact_sends_nothing(mis_api, body, sms_stub):
    case = _created(mis_api, {**body, "no_contact": True})
    notice = _received(case)
    assert case.no_contact and (notice.channel, notice.reason) == ("none", "no_contact")
    assert sms_stub.requests == []


def test_api_a_line_complainant_is_told_by_line(mis_api, body, line_stub, settings):
    settings.NOTICES_SMS_BACKEND = "console"
    case = _created(mis_api, {**body, "channel": "line", "complainant_line_user_id": LINE_USER})
    notice = _received(case)
    assert (notice.channel, notice.to, notice.status) == ("line", LINE_USER, "sent")
    assert line_stub.requests_to("/v2/bot/message/push", valid=True)[0].body["to"] == LINE_USER


def test_api_pnp_when_turned_on(mis_api, body, line_stub, settings):
    settings.NOTICES_PNP_ENABLED = True
    assert _received(_created(mis_api, body)).channel == "pnp"


def test_api_a_landline_gets_none_with_the_reason(mis_api, body, sms_stub):
    notice = _received(_created(mis_api, {**body, "complainant_phone": "021234567"}))
    assert (notice.channel, notice.reason) == ("none", "not_mobile")


def test_api_refuses_a_line_user_id_on_another_channel_with_a_coded_thai_error(mis_api, body):
    response = mis_api.post(URL, {**body, "complainant_line_user_id": LINE_USER}, format="json")
    assert response.status_code == 400
    assert "complainant_line_user_id" in response.content.decode()
    assert not Complaint.objects.exists()
