"""The officer's note to the agency reaches LINE on the dispatch card (and its plain-text fallback)."""

import json

import pytest
from django.urls import reverse

from complaints import workflow
from line_oa import messages
from line_oa.models import OutboxMessage
from testing.factories import AgencyFactory, make_complaint

pytestmark = pytest.mark.django_db


def test_the_note_is_on_the_card_and_its_text_fallback(best_category, district_office, coordinator, officer):
    case = make_complaint(category=best_category, district=district_office.district)
    [a] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer, note="ต้นไม้ทับสายไฟ ระวังไฟฟ้าดูด")
    card = OutboxMessage.objects.get(purpose=OutboxMessage.Purpose.DISPATCH, assignment=a)
    assert "ต้นไม้ทับสายไฟ ระวังไฟฟ้าดูด" in json.dumps(card.messages, ensure_ascii=False)
    assert "ต้นไม้ทับสายไฟ" in messages.dispatch_text(a)["text"]


def test_without_a_note_the_card_has_no_note_row(best_category, district_office, coordinator, officer):
    case = make_complaint(category=best_category, district=district_office.district)
    [a] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    assert "หมายเหตุจากศูนย์ฯ" not in json.dumps(messages.dispatch_card(a), ensure_ascii=False)


def test_the_dispatch_page_ticks_the_categorys_escalation_agencies_for_best(client, officer, best_category):
    mea = AgencyFactory(code="MEA", name_th="การไฟฟ้านครหลวง")
    best_category.escalation_agencies.add(mea)
    case = make_complaint(category=best_category)
    client.force_login(officer)
    html = client.get(reverse("admin:complaints_complaint_dispatch") + f"?ids={case.pk}").content.decode()
    assert "หน่วยงานที่ประสานเพิ่มเติมตามประเภทเรื่อง" in html
    assert f'value="{mea.pk}" checked' in html
    assert 'class="agency-search"' in html


def test_the_note_typed_on_the_dispatch_page_reaches_line_through_the_stub(
    client, officer, best_category, district_office, coordinator, line_stub, django_capture_on_commit_callbacks
):
    case = make_complaint(category=best_category, district=district_office.district)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:complaints_complaint_dispatch") + f"?ids={case.pk}",
            {f"agencies_{case.pk}": [str(district_office.pk)], "channel": "line", "note": "ระวังสายไฟขาด รอ กฟน. ก่อนตัด"},
        )
    assert response.status_code == 302
    assert line_stub.invalid_requests() == []
    [push] = [
        p for p in line_stub.requests_to("/v2/bot/message/push", valid=True) if p.body["to"] == coordinator.line_user_id
    ]
    body = json.dumps(push.body["messages"], ensure_ascii=False)
    assert case.reference in body and "ระวังสายไฟขาด รอ กฟน. ก่อนตัด" in body
    assert push.body["messages"][0]["type"] == "flex"
