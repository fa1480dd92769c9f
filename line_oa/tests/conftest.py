"""Fixtures for the LINE channel: the stub LINE server and signed webhook posts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from testing.line_stub import LineStub

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
