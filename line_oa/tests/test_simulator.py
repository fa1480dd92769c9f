"""The LINE simulator: the whole loop through the fake LINE API served by Django itself."""

import pytest

from complaints import workflow
from complaints.models import Assignment
from line_oa.models import SimulatorMessage
from testing.factories import make_complaint

from . import events as ev


@pytest.fixture
def demo(settings, live_server):
    settings.DEMO_MODE = True
    settings.LINE_API_BASE = live_server.url + "/line/simulator/api"
    settings.LINE_DATA_API_BASE = ""
    settings.LINE_CHANNEL_SECRET = "demo-secret"
    settings.LINE_CHANNEL_ACCESS_TOKEN = "demo-token"
    settings.LINE_REQUEST_TIMEOUT = 5
    return live_server


def test_the_simulator_is_absent_outside_debug_and_demo(client, officer, settings):
    settings.DEBUG = settings.DEMO_MODE = False
    client.force_login(officer)
    assert client.get("/line/simulator/").status_code == 404
    assert (
        client.post("/line/simulator/api/v2/bot/message/push", data=b"{}", content_type="application/json").status_code
        == 404
    )


def test_the_fake_api_checks_the_token_and_the_body(client, settings, db):
    settings.DEMO_MODE = True
    settings.LINE_CHANNEL_ACCESS_TOKEN = "demo-token"
    url = "/line/simulator/api/v2/bot/message/push"
    body = b'{"to": "U1", "messages": [{"type": "text", "text": "hi"}]}'
    assert client.post(url, data=body, content_type="application/json").status_code == 401
    auth = {"HTTP_AUTHORIZATION": "Bearer demo-token", "HTTP_X_LINE_RETRY_KEY": "123e4567-e89b-12d3-a456-426614174000"}
    bad = b'{"to": "U1", "messages": [{"type": "flex", "contents": {"type": "bubble"}}]}'
    assert client.post(url, data=bad, content_type="application/json", **auth).status_code == 400
    assert client.post(url, data=body, content_type="application/json", **auth).status_code == 200
    again = client.post(url, data=body, content_type="application/json", **auth)
    assert again.status_code == 409 and again["x-line-accepted-request-id"]
    assert SimulatorMessage.objects.filter(chat_id="U1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_walk_the_whole_loop_in_the_simulator(demo, client, officer, coordinator, best_category):
    complaint = make_complaint(category=best_category, district=coordinator.agency.district)
    [assignment] = workflow.dispatch(complaint=complaint, agencies=[coordinator.agency], by=officer)
    client.force_login(officer)
    page = client.get(f"/line/simulator/?c={coordinator.pk}")
    html = page.content.decode()
    assert page.status_code == 200 and complaint.reference in html and "รับเรื่อง" in html
    base = f"/line/simulator/?c={coordinator.pk}"
    client.post(base, {"op": "postback", "data": f"action=ack&a={assignment.pk}", "display": "รับเรื่อง"})
    client.post(base, {"op": "postback", "data": f"action=report&a={assignment.pk}", "display": "รายงานผล"})
    client.post(base, {"op": "location", "lat": "13.730010", "lng": "100.540010"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(base, {"op": "photo", "photo": SimpleUploadedFile("fixed.jpg", ev.photo(404), "image/jpeg")})
    client.post(base, {"op": "postback", "data": f"action=done&a={assignment.pk}", "display": "เสร็จสิ้น"})
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.RESOLVED
    texts = [m.message.get("text", "") for m in SimulatorMessage.objects.filter(kind="reply")]
    assert any("แก้ไขเสร็จแล้ว" in t for t in texts)
    fragment = client.get(base + "&fragment=1").content.decode()
    assert "แก้ไขเสร็จแล้ว" in fragment


def test_the_fake_api_counts_a_bound_groups_members(client, settings, coordinator):
    settings.DEMO_MODE = True
    settings.LINE_CHANNEL_ACCESS_TOKEN = "demo-token"
    agency = coordinator.agency
    agency.line_group_id = "C" + "7" * 32
    agency.save()
    auth = {"HTTP_AUTHORIZATION": "Bearer demo-token"}
    r = client.get(f"/line/simulator/api/v2/bot/group/{agency.line_group_id}/members/count", **auth)
    assert r.status_code == 200 and r.json() == {"count": 1}
    r = client.get("/line/simulator/api/v2/bot/group/C" + "0" * 32 + "/members/count", **auth)
    assert r.status_code == 404
