"""Webhook events shaped like LINE's (see spec/webhook.yml, the official definition)."""

from __future__ import annotations

import itertools
import time
import uuid

_counter = itertools.count(1)


def _base(
    kind: str, source: dict, *, reply: bool = True, redelivery: bool = False, event_id: str | None = None
) -> dict:
    event = {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": source,
        "webhookEventId": event_id or "01" + uuid.uuid4().hex[:24].upper(),
        "deliveryContext": {"isRedelivery": redelivery},
    }
    if reply:
        event["replyToken"] = uuid.uuid4().hex
    return event


def user(user_id: str) -> dict:
    return {"type": "user", "userId": user_id}


def group(group_id: str, user_id: str | None = None) -> dict:
    src = {"type": "group", "groupId": group_id}
    if user_id:
        src["userId"] = user_id
    return src


def message_id() -> str:
    return str(600000000000000000 + next(_counter))


def text(source: dict, body: str, **kw) -> dict:
    e = _base("message", source, **kw)
    e["message"] = {"type": "text", "id": message_id(), "quoteToken": uuid.uuid4().hex, "text": body}
    return e


def image(source: dict, msg_id: str | None = None, **kw) -> dict:
    e = _base("message", source, **kw)
    e["message"] = {
        "type": "image",
        "id": msg_id or message_id(),
        "quoteToken": uuid.uuid4().hex,
        "contentProvider": {"type": "line"},
    }
    return e


def location(source: dict, lat: float, lng: float, **kw) -> dict:
    e = _base("message", source, **kw)
    e["message"] = {"type": "location", "id": message_id(), "latitude": lat, "longitude": lng, "address": "กรุงเทพฯ"}
    return e


def postback(source: dict, data: str, **kw) -> dict:
    e = _base("postback", source, **kw)
    e["postback"] = {"data": data}
    return e


def follow(source: dict, **kw) -> dict:
    e = _base("follow", source, **kw)
    e["follow"] = {"isUnblocked": False}
    return e


def callback(*events: dict, destination: str = "U" + "d" * 32) -> dict:
    return {"destination": destination, "events": list(events)}


def one_of_each_type() -> dict[str, dict]:
    """A valid sample of every event type in webhook.yml's Event discriminator."""
    u, g = user("U" + "1" * 32), group("C" + "2" * 32, "U" + "1" * 32)
    samples = {
        "message": text(u, "สวัสดี"),
        "unsend": {**_base("unsend", u, reply=False), "unsend": {"messageId": message_id()}},
        "follow": follow(u),
        "unfollow": _base("unfollow", u, reply=False),
        "join": _base("join", g),
        "leave": _base("leave", group("C" + "3" * 32), reply=False),
        "memberJoined": {**_base("memberJoined", g), "joined": {"members": [user("U" + "4" * 32)]}},
        "memberLeft": {**_base("memberLeft", g, reply=False), "left": {"members": [user("U" + "4" * 32)]}},
        "postback": postback(u, "action=unknown_for_test"),
        "videoPlayComplete": {**_base("videoPlayComplete", u), "videoPlayComplete": {"trackingId": "track-1"}},
        "beacon": {**_base("beacon", u), "beacon": {"hwid": "d41d8cd98f", "type": "enter"}},
        "accountLink": {**_base("accountLink", u), "link": {"result": "ok", "nonce": "xyz"}},
        "membership": {**_base("membership", u), "membership": {"type": "joined", "membershipId": 3}},
        "module": {
            **_base("module", u, reply=False),
            "module": {"type": "attached", "botId": "U" + "5" * 32, "scopes": ["message:send"]},
        },
        "activated": {**_base("activated", u, reply=False), "chatControl": {"expireAt": 1700000000000}},
        "deactivated": _base("deactivated", u, reply=False),
        "botSuspended": _base("botSuspended", u, reply=False),
        "botResumed": _base("botResumed", u, reply=False),
        "delivery": {**_base("delivery", u, reply=False), "delivery": {"data": "delivery-tag-1234567890"}},
    }
    for kind in ("botSuspended", "botResumed", "module", "activated", "deactivated"):
        samples[kind].pop("source", None)
    return samples


def photo(seed: int, size=(96, 72)) -> bytes:
    """A JPEG whose perceptual hash differs from other seeds' (random blocks, not a flat colour)."""
    import io
    import random

    from PIL import Image

    rng = random.Random(seed)
    small = Image.new("RGB", (8, 6))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(48)])
    buf = io.BytesIO()
    small.resize(size, Image.NEAREST).save(buf, "JPEG", quality=90)
    return buf.getvalue()
