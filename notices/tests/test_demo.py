"""`make demo` shows the issue's three things, from the demo seed itself: the notice list, a closed
case's public page asking "is it fixed?", and an audit card in the simulator for an auditor — and
its printout links to each."""

import io
import json
import re

import pytest
from django.core.management import call_command

from bkk1555.management.commands.demo import Command as Demo
from bkk1555.management.commands.demo import ensure_demo_users

pytestmark = pytest.mark.django_db


def test_the_demo_printout_links_to_notices_a_public_page_and_an_audit_card(reference_data, settings, client):
    settings.PUBLIC_BASE_URL = "http://demo.test"
    settings.DEMO_MODE = True
    settings.LINE_CHANNEL_ACCESS_TOKEN = "demo-token"
    call_command("seed_demo", stdout=io.StringIO())
    ensure_demo_users()
    out = io.StringIO()
    demo = Demo(stdout=out)
    demo._links()
    text = out.getvalue()

    from django.contrib.auth.models import User

    from line_oa.models import OutboxMessage

    supervisor = User.objects.get(username="supervisor")
    client.force_login(supervisor)
    notices = re.search(r"http://demo\.test(/notices/demo/)", text)
    page = client.get(notices.group(1)).content.decode()
    assert "LINE …" in page and "SMS" in page  # both channels were used by the seed

    public = re.search(r"http://demo\.test(/c/\S+/)", text)
    client.logout()
    page = client.get(public.group(1)).content.decode()
    assert "แก้ไขแล้ว ขอบคุณ" in page and "ยังไม่ได้แก้ไข" in page

    # What the demo's worker does: push the queued audit cards to the simulator's fake LINE API.
    cards = OutboxMessage.objects.filter(purpose="audit", status="pending")
    assert cards.exists()
    for card in cards:
        body = json.dumps({"to": card.to[0], "messages": card.messages}, ensure_ascii=False)
        pushed = client.post(
            "/line/simulator/api/v2/bot/message/push",
            data=body.encode(),
            content_type="application/json",
            HTTP_AUTHORIZATION="Bearer demo-token",
            HTTP_X_LINE_RETRY_KEY=str(card.retry_key),
        )
        assert pushed.status_code == 200, pushed.content
    simulator = re.search(r"http://demo\.test(/line/simulator/\?c=\d+)", text)
    client.force_login(supervisor)
    page = client.get(simulator.group(1)).content.decode()
    assert "ตรวจสอบผลในพื้นที่" in page and "action=audit" in page and "ไม่พบการแก้ไข" in page
