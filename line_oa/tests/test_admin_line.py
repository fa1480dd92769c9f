"""The LINE admin: failed events and re-process, link codes, the officers' inbox."""

import pytest

from line_oa.models import InboxMessage, LinkCode, OutboxMessage, WebhookEvent

from . import events as ev

pytestmark = pytest.mark.django_db


def test_a_supervisor_creates_a_printable_single_use_link_code_in_the_admin(client, supervisor, district_office):
    from testing.factories import CoordinatorFactory

    person = CoordinatorFactory(agency=district_office, line_user_id=None)
    client.force_login(supervisor)
    response = client.post("/admin/line_oa/linkcode/add/", {"kind": "coordinator", "coordinator": person.pk})
    code = LinkCode.objects.get()
    assert response.status_code == 302 and code.agency == district_office and len(code.code) == 8
    page = client.get(response["Location"])
    assert page.status_code == 200 and code.display_code in page.content.decode()


def test_an_officer_cannot_create_link_codes(client, officer):
    client.force_login(officer)
    assert client.get("/admin/line_oa/linkcode/add/").status_code == 403


def test_supervisors_see_failed_events_and_reprocess_them(client, supervisor, line_stub):
    row = WebhookEvent.objects.create(
        webhook_event_id="01FAILED",
        event_type="follow",
        source_type="user",
        source_id="U1",
        user_id="U1",
        payload=ev.follow(ev.user("U1")),
        received_at=ev_now(),
        status="failed",
        error="RuntimeError: boom",
    )
    client.force_login(supervisor)
    page = client.get("/admin/line_oa/webhookevent/?status=failed")
    assert "RuntimeError: boom" in page.content.decode()
    client.post("/admin/line_oa/webhookevent/", {"action": "reprocess", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.status == "done"


def test_an_officer_answers_an_inbox_message_and_it_goes_out_as_an_officer_push(client, officer, coordinator):
    InboxMessage.objects.create(
        chat_id=coordinator.line_user_id, coordinator=coordinator, agency=coordinator.agency, text="ขอเบอร์ผู้ร้อง"
    )
    client.force_login(officer)
    listing = client.get("/admin/line_oa/inboxmessage/?unread=yes")
    assert "ขอเบอร์ผู้ร้อง" in listing.content.decode()
    url = f"/admin/line_oa/inboxmessage/conversation/{coordinator.line_user_id}/"
    assert "ขอเบอร์ผู้ร้อง" in client.get(url).content.decode()
    assert InboxMessage.objects.get(direction="in").read_at is not None
    response = client.post(url, {"text": "โทร 02-xxx ครับ"})
    assert response.status_code == 302
    out = OutboxMessage.objects.get()
    assert out.purpose == OutboxMessage.Purpose.OFFICER_MESSAGE and out.to == [coordinator.line_user_id]
    assert InboxMessage.objects.get(direction="out").answered_by == officer


def test_an_executive_cannot_read_the_inbox(client, executive):
    client.force_login(executive)
    assert client.get("/admin/line_oa/inboxmessage/").status_code == 403


def ev_now():
    from django.utils import timezone

    return timezone.now()
