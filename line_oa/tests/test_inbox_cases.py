"""The officers' inbox says which case a message is about, and a conversation keeps the
coordinator's name in its heading after an officer answers."""

import pytest
from django.urls import reverse

from complaints import workflow
from line_oa.models import InboxMessage
from testing.factories import make_complaint

from . import events as ev

pytestmark = pytest.mark.django_db


def _dispatch(officer, agency, category):
    case = make_complaint(category=category, district=agency.district)
    workflow.dispatch(complaint=case, agencies=[agency], by=officer)
    return case


def test_a_message_from_an_agency_with_one_open_case_is_about_that_case(
    client, officer, line_stub, send, coordinator, best_category
):
    case = _dispatch(officer, coordinator.agency, best_category)
    send(ev.text(ev.user(coordinator.line_user_id), "ถึงหน้างานแล้ว แต่ไม่เจอฝาท่อครับ"))
    msg = InboxMessage.objects.get()
    assert msg.complaint == case
    client.force_login(officer)
    listing = client.get(reverse("admin:line_oa_inboxmessage_changelist")).content.decode()
    assert case.reference in listing and f"/admin/complaints/complaint/{case.pk}/change/" in listing
    url = reverse("admin:line_oa_inbox_conversation", args=[coordinator.line_user_id])
    page = client.get(url).content.decode()
    assert "เกี่ยวกับเรื่อง" in page and case.reference in page


def test_with_two_open_cases_the_message_names_none_and_the_page_lists_both(
    client, officer, line_stub, send, coordinator, best_category
):
    one = _dispatch(officer, coordinator.agency, best_category)
    two = _dispatch(officer, coordinator.agency, best_category)
    send(ev.text(ev.user(coordinator.line_user_id), "ขอเบอร์ผู้ร้องครับ"))
    assert InboxMessage.objects.get().complaint is None
    client.force_login(officer)
    page = client.get(reverse("admin:line_oa_inbox_conversation", args=[coordinator.line_user_id])).content.decode()
    assert "เกี่ยวกับเรื่อง" not in page
    assert "เรื่องที่หน่วยงานนี้กำลังดำเนินการ" in page and one.reference in page and two.reference in page


def test_the_heading_stays_the_coordinators_name_after_an_officer_answers(client, officer, coordinator):
    InboxMessage.objects.create(
        chat_id=coordinator.line_user_id,
        coordinator=coordinator,
        agency=coordinator.agency,
        sender_name="สมศักดิ์ (LINE)",
        text="ขอเบอร์ผู้ร้อง",
    )
    officer.first_name, officer.last_name = "วิภา", "เวรดึก"
    officer.save()
    client.force_login(officer)
    url = reverse("admin:line_oa_inbox_conversation", args=[coordinator.line_user_id])
    assert client.post(url, {"text": "โทร 02-xxx ครับ"}).status_code == 302
    assert InboxMessage.objects.filter(direction="out", sender_name="วิภา เวรดึก").exists()
    page = client.get(url)
    assert str(page.context["title"]) == "ข้อความ LINE: สมศักดิ์ (LINE)"
