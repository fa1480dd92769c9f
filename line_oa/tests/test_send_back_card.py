"""A result sent back from the console's review page reaches the agency in LINE through the
stub LINE server: the refused photo, the reason, and the รายงานผล button (validated bodies)."""

from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from complaints import workflow
from complaints.models import Photo

from . import events as ev

pytestmark = pytest.mark.django_db


def test_send_back_from_the_review_page_pushes_photo_reason_and_report_button(
    client, officer, coordinator, dispatched, line_stub, django_capture_on_commit_callbacks
):
    complaint = dispatched.complaint
    workflow.acknowledge(assignment=dispatched, by=coordinator)
    workflow.add_photo(
        complaint=complaint,
        content=ev.photo(7),
        by=coordinator,
        stage=Photo.Stage.AFTER,
        assignment=dispatched,
        lat=complaint.lat,
        lng=complaint.lng,
    )
    workflow.resolve(assignment=dispatched, by=coordinator, note="เสร็จแล้ว")
    pushed_before = len(line_stub.requests_to("/v2/bot/message/push"))
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:complaints_reviewqueue_review", args=[dispatched.pk]),
            {"decision": "send_back", "back-reasons": ["wrong_place"], "back-text": "ถ่ายให้เห็นเลขที่บ้าน"},
        )
    assert response.status_code == 302
    assert line_stub.invalid_requests() == []
    pushes = line_stub.requests_to("/v2/bot/message/push", valid=True)[pushed_before:]
    [push] = [p for p in pushes if p.body["to"] == coordinator.line_user_id]
    image, text = push.body["messages"]
    assert image["type"] == "image" and image["originalContentUrl"].startswith("https://bkk1555.example.org/")
    assert complaint.reference in text["text"]
    assert "รูปไม่ใช่จุดที่แจ้ง" in text["text"] and "ถ่ายให้เห็นเลขที่บ้าน" in text["text"]
    [button] = text["quickReply"]["items"]
    assert button["action"]["label"] == "รายงานผล"
    assert parse_qs(button["action"]["data"]) == {"action": ["report"], "a": [str(dispatched.pk)]}
