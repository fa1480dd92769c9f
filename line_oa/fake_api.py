"""What a fake LINE Messaging API needs, shared by the tests' stub server
(`testing/line_stub.py`) and the demo simulator's in-process API (`line_oa/simulator.py`):
request validation with the SDK's own models plus LINE's rules the models do not
enforce, and the answer bodies. Product code may import this; it talks to nothing.
"""

from __future__ import annotations

import json
import re
import uuid

from linebot.v3.messaging import MulticastRequest, PushMessageRequest, ReplyMessageRequest

REQUEST_MODELS = {
    "/v2/bot/message/reply": ReplyMessageRequest,
    "/v2/bot/message/push": PushMessageRequest,
    "/v2/bot/message/multicast": MulticastRequest,
}
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _walk(node, path="$"):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")


def _extra_rules(payload: dict) -> list[str]:
    """Rules LINE enforces that the SDK's pydantic models let through."""
    errors = []
    messages = payload.get("messages") or []
    if not 1 <= len(messages) <= 5:
        errors.append(f"$.messages: 1..5 messages, got {len(messages)}")
    for path, node in _walk(messages, "$.messages"):
        kind = node.get("type")
        top_level = re.fullmatch(r"\$\.messages\[\d+\]", path) is not None
        if kind == "text" and top_level:
            text = node.get("text")
            if not isinstance(text, str) or not text or len(text) > 5000:
                errors.append(f"{path}.text: 1..5000 characters required")
        if kind == "text" and ".contents" in path and not (node.get("text") or node.get("contents")):
            errors.append(f"{path}: a Flex text needs text or contents")
        if kind == "flex" and len(node.get("altText") or "") > 1500:
            errors.append(f"{path}.altText: at most 1500 characters")
        if kind == "postback":
            data = node.get("data")
            if not isinstance(data, str) or not data or len(data) > 300:
                errors.append(f"{path}.data: 1..300 characters required")
        if kind in ("postback", "message", "uri", "location", "camera", "cameraRoll", "datetimepicker"):
            label = node.get("label")
            if label is not None and len(label) > 20:
                errors.append(f"{path}.label: at most 20 characters")
        if kind == "uri":
            uri = node.get("uri") or ""
            if not re.match(r"^(https?|line|tel):", uri):
                errors.append(f"{path}.uri: http, https, line or tel scheme required")
        if kind == "image" and "originalContentUrl" in node:
            for key in ("originalContentUrl", "previewImageUrl"):
                if not str(node.get(key, "")).startswith("https://"):
                    errors.append(f"{path}.{key}: HTTPS URL required")
        if kind == "location" and "address" in node and len(node.get("address") or "") > 100:
            errors.append(f"{path}.address: at most 100 characters")
        if kind == "location" and "title" in node and len(node.get("title") or "") > 100:
            errors.append(f"{path}.title: at most 100 characters")
        if "quickReply" in node:
            items = (node["quickReply"] or {}).get("items") or []
            if not 1 <= len(items) <= 13:
                errors.append(f"{path}.quickReply.items: 1..13 items, got {len(items)}")
    return errors


def validate_request(path: str, raw: bytes) -> tuple[dict | None, str | None]:
    """Check a request body for `path` like LINE would. Returns (payload, error)."""
    model = REQUEST_MODELS.get(path)
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"The request body has 1 error(s): not JSON ({exc})"
    if model is None:
        return payload, None
    try:
        model.from_json(raw.decode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - any model failure is LINE's 400
        return payload, f"The request body has 1 error(s): {exc}"
    errors = _extra_rules(payload)
    if path == "/v2/bot/message/multicast" and not 1 <= len(payload.get("to") or []) <= 500:
        errors.append("$.to: 1..500 user ids")
    if path == "/v2/bot/message/multicast" and any(not str(t).startswith("U") for t in payload.get("to") or []):
        errors.append("$.to: multicast takes user ids only")
    if errors:
        return payload, f"The request body has {len(errors)} error(s): {'; '.join(errors)}"
    return payload, None


# --- the server --------------------------------------------------------------------


def sent_messages(payload: dict) -> list[dict]:
    """The `sentMessages` LINE answers a push or reply with."""
    return [{"id": str(uuid.uuid4().int)[:18], "quoteToken": uuid.uuid4().hex} for _ in payload.get("messages", [])]
