"""The simulator is for the centre's officers and supervisors only, stores uploads only as
validated images, and its fake LINE API answers only this machine."""

import pytest

from line_oa.models import SimulatorContent
from testing.images import jpeg_bytes


@pytest.fixture
def demo(settings, db):
    settings.DEMO_MODE = True
    settings.LINE_CHANNEL_ACCESS_TOKEN = "demo-token"


def test_an_executive_cannot_open_the_simulator(client, executive, demo):
    client.force_login(executive)
    assert client.get("/line/simulator/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login(client, demo):
    response = client.get("/line/simulator/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_html_upload_is_not_stored_nor_served_as_html(client, officer, coordinator, demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officer)
    evil = SimpleUploadedFile("x.jpg", b"<html><script>alert(document.cookie)</script>", content_type="text/html")
    client.post(f"/line/simulator/?c={coordinator.pk}", {"op": "photo", "photo": evil})
    assert not SimulatorContent.objects.exists()
    good = SimpleUploadedFile("x.html", jpeg_bytes(), content_type="text/html")
    client.post(f"/line/simulator/?c={coordinator.pk}", {"op": "photo", "photo": good})
    item = SimulatorContent.objects.get()
    assert item.content_type == "image/jpeg"
    response = client.get(f"/line/simulator/content/{item.message_id}/")
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"


def test_old_html_content_is_served_as_a_download(client, officer, demo):
    SimulatorContent.objects.create(message_id="1", content=b"<script>1</script>", content_type="text/html")
    client.force_login(officer)
    response = client.get("/line/simulator/content/1/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"


def test_the_fake_api_refuses_other_machines_even_with_the_token(client, demo):
    body = b'{"to": "U1", "messages": [{"type": "text", "text": "hi"}]}'
    response = client.post(
        "/line/simulator/api/v2/bot/message/push",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer demo-token",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 403
