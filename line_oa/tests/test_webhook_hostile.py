"""Signed but absurd webhook bodies get a 400 or a bounded store, never a 500."""

import json
import time

import pytest

from line_oa.models import WebhookEvent
from line_oa.webhook import MAX_EVENTS

from . import events as ev

pytestmark = pytest.mark.django_db


def _event(**extra) -> dict:
    event = ev.text(ev.user("U" + "a" * 32), "hello")
    event.update(extra)
    return event


def test_deeply_nested_json_is_a_400(post_webhook):
    deep = b'{"events": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    assert post_webhook(deep).status_code == 400
    nested = {"x": 1}
    for _ in range(40):
        nested = {"x": nested}
    assert post_webhook(ev.callback(_event(message=nested))).status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("ts", [1e300, -1e20, 10**30, True, "soon", None])
def test_absurd_timestamps_are_stored_without_a_time(post_webhook, ts):
    assert post_webhook(ev.callback(_event(timestamp=ts))).status_code == 200
    assert WebhookEvent.objects.get().event_time is None


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_a_400(post_webhook, constant):
    body = json.dumps(ev.callback(_event(timestamp=0))).replace('"timestamp": 0', '"timestamp": CONST')
    assert post_webhook(body.replace("CONST", constant.decode()).encode()).status_code == 400


def test_ten_thousand_events_are_refused_fast(post_webhook):
    body = {"destination": "U1", "events": [{"type": "unfollow", "webhookEventId": f"E{i}"} for i in range(10_000)]}
    started = time.monotonic()
    assert post_webhook(body).status_code == 400
    assert time.monotonic() - started < 1.5
    assert not WebhookEvent.objects.exists()
    assert post_webhook(ev.callback(*[_event() for _ in range(MAX_EVENTS)])).status_code == 200


@pytest.mark.parametrize("body", [b"[]", b'"events"', b'{"events": {}}', b'{"events": [1]}', b"\xff\xfe", b"9" * 5000])
def test_other_shapes_are_a_400(post_webhook, body):
    assert post_webhook(body).status_code == 400


def test_a_nul_character_is_stored_or_refused_never_a_500(post_webhook):
    # PostgreSQL's jsonb cannot hold \u0000: a 400 there, stored as sent elsewhere.
    assert post_webhook(ev.callback(_event(message={"type": "text", "id": "1", "text": "a\u0000b"}))).status_code in (
        200,
        400,
    )
