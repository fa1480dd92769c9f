"""The auditor answers from the LINE card and sends the evidence in the chat: signed webhooks in,
the real SDK out to the stub LINE server (like line_oa's conversation tests)."""

from urllib.parse import parse_qsl

import pytest

from audits.models import Auditor, FieldAudit
from complaints.models import Photo
from line_oa.models import OutboxMessage
from line_oa.tests import events as ev
from reports import closing
from testing.factories import AgencyFactory, CoordinatorFactory

pytestmark = pytest.mark.django_db

SITE = (13.7301, 100.5401)  # a few metres from the test cases' 13.73, 100.54
FAR = (13.7600, 100.5700)  # about 4.6 km away


@pytest.fixture
def auditor(db):
    centre = AgencyFactory(code="CENTRE", name_th="ศูนย์รับแจ้งทุกข์")
    return Auditor.objects.create(coordinator=CoordinatorFactory(agency=centre, name="ผู้ตรวจ ภาคสนาม"))


@pytest.fixture
def audit(fixed_case, settings, auditor, line_stub):
    settings.AUDIT_RATE_BEST = 1.0
    settings.NOTICES_SMS_BACKEND = "console"
    complaint = fixed_case()
    return FieldAudit.objects.get(complaint=complaint)


def card_button(audit, label) -> str:
    """The postback data of a button on the audit card the auditor received."""
    card = OutboxMessage.objects.get(purpose="audit")
    footer = card.messages[0]["contents"]["footer"]["contents"]
    [button] = [b for b in footer if b["action"]["label"] == label]
    assert button["action"]["type"] == "postback"
    return button["action"]["data"]


def replies(stub) -> list[str]:
    return [
        m.get("text", "") for r in stub.requests_to("/v2/bot/message/reply", valid=True) for m in r.body["messages"]
    ]


def test_not_found_fixed_from_the_card_photo_then_position_reopens_as_a_false_closure(
    audit, auditor, send, line_stub, district_office, coordinator
):
    me = ev.user(auditor.coordinator.line_user_id)
    data = card_button(audit, "ไม่พบการแก้ไข")
    assert dict(parse_qsl(data)) == {"action": "audit", "f": str(audit.pk), "said": "false"}
    send(ev.postback(me, data))
    assert "คุณเลือก “ไม่พบการแก้ไข”" in replies(line_stub)[-1] and "ส่งตำแหน่ง" in replies(line_stub)[-1]
    line_stub.add_content("audit-img-1", ev.photo(41))
    send(ev.image(me, "audit-img-1"))
    assert "ได้รับรูปแล้ว กรุณาส่งตำแหน่ง" in replies(line_stub)[-1]
    audit.refresh_from_db()
    assert audit.status == "pending"  # not without the position
    send(ev.location(me, *SITE))
    last = replies(line_stub)[-1]
    assert f"บันทึกผลตรวจเรื่อง {audit.complaint.reference} แล้ว: ไม่พบการแก้ไข" in last
    assert district_office.name_th in last and "หมายเหตุ" not in last
    assert line_stub.invalid_requests() == []

    audit.refresh_from_db()
    complaint = audit.complaint
    complaint.refresh_from_db()
    assert audit.status == "false" and audit.chosen == "" and audit.lat is not None
    assert (audit.photo.stage, audit.photo.flags, audit.photo.uploaded_by_coordinator) == (
        Photo.Stage.AUDIT,
        [],
        auditor.coordinator,
    )
    assert complaint.outcome == "" and complaint.status != "closed"
    assert complaint.timeline.filter(kind="reopened", actor_coordinator=auditor.coordinator).exists()
    # The agency hears it over LINE, and the figures count a false closure of the agency.
    pushed = [str(r.body) for r in line_stub.requests_to("/v2/bot/message/push", valid=True)]
    assert any(coordinator.line_user_id in p and complaint.reference in p for p in pushed)
    month = audit.closed_at.date().replace(day=1)
    row = closing.figures(month, "agency")[district_office.name_th]
    assert (row["audited"], row["false_closures"]) == (1, 1)


def test_fixed_for_real_position_first_and_a_photo_far_away_is_flagged(audit, auditor, send, line_stub):
    me = ev.user(auditor.coordinator.line_user_id)
    send(ev.postback(me, card_button(audit, "แก้ไขจริง")))
    send(ev.location(me, *FAR))
    assert "ได้รับตำแหน่งแล้ว (ห่างจุดเกิดเหตุประมาณ" in replies(line_stub)[-1]
    line_stub.add_content("audit-img-2", ev.photo(42))
    send(ev.image(me, "audit-img-2"))
    last = replies(line_stub)[-1]
    assert "แก้ไขจริง" in last and "หมายเหตุ" in last and "ห่างจากจุดเกิดเหตุ" in last
    audit.refresh_from_db()
    audit.complaint.refresh_from_db()
    assert audit.status == "confirmed" and audit.photo.flags == ["far_from_site"]
    assert audit.complaint.outcome == "fixed"


def test_a_photo_sent_before_is_flagged_as_reused(audit, auditor, send, line_stub):
    me = ev.user(auditor.coordinator.line_user_id)
    before = audit.complaint.photos.filter(stage="after").first()
    line_stub.add_content("audit-img-3", before.image.open("rb").read())
    send(ev.postback(me, card_button(audit, "แก้ไขจริง")), ev.location(me, *SITE))
    send(ev.image(me, "audit-img-3"))
    audit.refresh_from_db()
    assert audit.photo.flags == ["reused"] and "เคยถูกส่งมาแล้ว" in replies(line_stub)[-1]


def test_a_broken_photo_keeps_the_answer_waiting(audit, auditor, send, line_stub):
    me = ev.user(auditor.coordinator.line_user_id)
    send(ev.postback(me, card_button(audit, "แก้ไขจริง")), ev.location(me, *SITE))
    line_stub.add_content("broken", b"not a picture")
    send(ev.image(me, "broken"))
    assert "กรุณาถ่ายรูปส่งมาใหม่" in replies(line_stub)[-1]
    audit.refresh_from_db()
    assert audit.status == "pending" and audit.chosen == "confirmed"
    line_stub.add_content("good", ev.photo(43))
    send(ev.image(me, "good"))
    audit.refresh_from_db()
    assert audit.status == "confirmed"


def test_only_the_assigned_auditor_may_answer_and_only_once(audit, auditor, send, line_stub, other_coordinator):
    data = card_button(audit, "ไม่พบการแก้ไข")
    send(ev.postback(ev.user(other_coordinator.line_user_id), data))
    assert "ไม่ได้มอบหมายให้คุณ" in replies(line_stub)[-1]
    send(ev.postback(ev.user("U" + "e" * 32), data))  # a stranger
    assert "ไม่ได้มอบหมายให้คุณ" in replies(line_stub)[-1]
    audit.refresh_from_db()
    assert audit.chosen == "" and audit.status == "pending"
    me = ev.user(auditor.coordinator.line_user_id)
    line_stub.add_content("img", ev.photo(44))
    send(ev.postback(me, card_button(audit, "แก้ไขจริง")), ev.location(me, *SITE), ev.image(me, "img"))
    send(ev.postback(me, data))
    assert "บันทึกผลแล้ว (แก้ไขจริง)" in replies(line_stub)[-1]
    audit.refresh_from_db()
    assert audit.status == "confirmed"


def test_without_a_tapped_answer_photos_go_the_usual_way(audit, auditor, send, line_stub):
    me = ev.user(auditor.coordinator.line_user_id)
    line_stub.add_content("img", ev.photo(45))
    send(ev.image(me, "img"))
    audit.refresh_from_db()
    assert audit.status == "pending" and audit.chat_photo_id == ""
    assert "ได้รับรูปแล้ว กรุณาส่งตำแหน่ง" not in replies(line_stub)[-1]


def test_the_card_with_postback_buttons_is_valid_for_line(audit, line_stub):
    from line_oa import client

    card = OutboxMessage.objects.get(purpose="audit")
    client.push(to=card.to[0], messages=card.messages, retry_key=str(card.retry_key))
    assert line_stub.invalid_requests() == []
