"""The console's case page shows the public link (copy, renew, close), the notices sent for the
case (channel, state, Buddhist-era time) and why none went when none can."""

import pytest
from django.urls import reverse

from bkk1555.thaidate import thai_datetime
from notices.models import Notice
from testing.factories import make_complaint

pytestmark = pytest.mark.django_db


def case_page(client, complaint) -> str:
    response = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_case_page_shows_the_public_link_to_copy(client, officer, best_category):
    complaint = make_complaint(category=best_category)
    client.force_login(officer)
    html = case_page(client, complaint)
    assert f'value="{complaint.public_url}"' in html and 'data-copy="public-url"' in html
    assert "คัดลอกลิงก์" in html and "admin-console/copy.js" in html


def test_renewing_the_link_revokes_the_old_one_and_closing_closes_the_page(client, officer, best_category):
    complaint = make_complaint(category=best_category)
    old = complaint.public_path
    client.force_login(officer)
    url = reverse("admin:complaints_complaint_public_link", args=[complaint.pk])
    assert client.post(url, {"op": "renew"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.public_path != old and client.get(old).status_code == 404
    assert client.get(complaint.public_path).status_code == 200
    assert complaint.public_url in case_page(client, complaint)
    client.post(url, {"op": "close"})
    complaint.refresh_from_db()
    assert complaint.public_url == "" and "ปิดหน้าติดตามเรื่องแล้ว" in case_page(client, complaint)
    assert complaint.timeline.filter(kind="note", data__public_link="closed").exists()


def test_only_staff_who_may_change_the_case_renew_it_and_only_by_post(client, executive, officer, best_category):
    complaint = make_complaint(category=best_category)
    url = reverse("admin:complaints_complaint_public_link", args=[complaint.pk])
    client.force_login(officer)
    assert client.get(url).status_code == 403
    client.force_login(executive)
    assert client.post(url, {"op": "close"}).status_code in (302, 403)
    complaint.refresh_from_db()
    assert complaint.public_token  # unchanged


def test_the_notices_sent_are_listed_with_channel_state_and_thai_time(client, officer, sms_stub, fixed_case):
    complaint = fixed_case()
    client.force_login(officer)
    html = case_page(client, complaint)
    ended = Notice.objects.get(complaint=complaint, event="ended")
    assert 'id="complainant-notices"' in html
    for text in ("รับเรื่อง", "ส่งต่อหน่วยงาน", "ผลการดำเนินการ", "SMS", "ส่งแล้ว", thai_datetime(ended.sent_at)):
        assert text in html
    assert "08x-xxx-5678" in html and "+66812345678" not in html  # the number is masked
    assert "การแจ้งครั้งต่อไปส่งทาง: SMS" in html


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"no_contact": True}, "ผู้ร้องไม่ประสงค์ให้ติดต่อกลับ"),
        ({"complainant_phone": "02-123-4567"}, "หมายเลขที่ให้ไว้ไม่ใช่โทรศัพท์มือถือ"),
        ({"complainant_phone": ""}, "ผู้ร้องไม่ได้ให้หมายเลขโทรศัพท์"),
    ],
)
def test_why_no_notice_went_is_shown(client, officer, sms_stub, best_category, kwargs, reason):
    complaint = make_complaint(category=best_category, **kwargs)
    client.force_login(officer)
    html = case_page(client, complaint)
    assert f"ไม่มีการแจ้งผู้ร้องทางช่องทางใด: {reason}" in html
    assert "ไม่ได้ส่ง" in html  # the skipped row of the received notice


def test_without_an_sms_gateway_the_reason_is_shown(client, officer, settings, best_category):
    settings.NOTICES_SMS_BACKEND = ""
    complaint = make_complaint(category=best_category)
    client.force_login(officer)
    assert "ไม่ได้เปิดใช้ช่องทาง SMS" in case_page(client, complaint)


def test_the_case_page_queries_do_not_grow_with_the_notices(client, officer, sms_stub, best_category):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    complaint = make_complaint(category=best_category)

    def failed(n):
        for _ in range(n):
            Notice.objects.create(
                complaint=complaint,
                event="dispatched",
                channel="sms",
                to="+66812345678",
                text="x",
                event_at=complaint.received_at,
                status="failed",
                last_error="SMS gateway 500",
            )

    client.force_login(officer)
    failed(1)
    case_page(client, complaint)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as one:
        case_page(client, complaint)
    failed(9)
    with CaptureQueriesContext(connection) as ten:
        html = case_page(client, complaint)
    assert html.count("SMS gateway 500") == 10
    assert len(ten.captured_queries) == len(one.captured_queries)
