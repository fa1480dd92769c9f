"""Fixtures for the LINE channel: the stub LINE server and signed webhook posts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from complaints import workflow
from testing.factories import make_complaint
from testing.line_stub import LineStub

from . import events as ev

CHANNEL_SECRET = "test-channel-secret-1555"
ACCESS_TOKEN = "test-access-token-1555"


@pytest.fixture
def line_stub(settings):
    """A real HTTP stub of LINE's API on loopback; settings point the SDK at it."""
    stub = LineStub(token=ACCESS_TOKEN).start()
    settings.LINE_API_BASE = stub.url
    settings.LINE_DATA_API_BASE = stub.url
    settings.LINE_CHANNEL_ACCESS_TOKEN = ACCESS_TOKEN
    settings.LINE_CHANNEL_SECRET = CHANNEL_SECRET
    settings.LINE_REQUEST_TIMEOUT = 2
    settings.PUBLIC_BASE_URL = "https://bkk1555.example.org"
    yield stub
    stub.stop()


def sign(body: bytes, secret: str = CHANNEL_SECRET) -> str:
    """X-Line-Signature exactly as LINE computes it."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@pytest.fixture
def post_webhook(client, settings):
    """POST a callback body (dict or bytes) to the webhook, signed like LINE."""
    settings.LINE_CHANNEL_SECRET = settings.LINE_CHANNEL_SECRET or CHANNEL_SECRET

    def post(body, *, signature: str | None = None, sign_it: bool = True):
        raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        headers = {}
        if signature is not None:
            headers["HTTP_X_LINE_SIGNATURE"] = signature
        elif sign_it:
            headers["HTTP_X_LINE_SIGNATURE"] = sign(raw, settings.LINE_CHANNEL_SECRET)
        return client.post("/line/webhook/", data=raw, content_type="application/json", **headers)

    return post


@pytest.fixture
def send(post_webhook, line_stub, django_capture_on_commit_callbacks):
    """Deliver events through the real webhook and run their processing (eager Celery)."""

    def go(*events):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_webhook(ev.callback(*events))
        assert response.status_code == 200
        return response

    return go


@pytest.fixture
def store(post_webhook, monkeypatch, django_capture_on_commit_callbacks):
    """Store events through the real webhook without processing them (no task published)."""

    from line_oa import tasks_webhook

    def go(event) -> str:
        with monkeypatch.context() as m, django_capture_on_commit_callbacks(execute=True):
            m.setattr(tasks_webhook, "publish", lambda ids: None)
            assert post_webhook(ev.callback(event)).status_code == 200
        return event["webhookEventId"]

    return go


@pytest.fixture
def dispatched(line_stub, officer, coordinator, best_category, django_capture_on_commit_callbacks):
    complaint = make_complaint(category=best_category, district=coordinator.agency.district)
    workflow.add_note(complaint=complaint, by=officer, text="x")  # any history
    workflow.add_photo(complaint=complaint, content=ev.photo(99), by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        [assignment] = workflow.dispatch(complaint=complaint, agencies=[coordinator.agency], by=officer)
    return assignment
