"""What a fake LINE Messaging API needs, shared by the tests' stub server
(`testing/line_stub.py`) and the demo simulator's in-process API (`line_oa/simulator.py`):
request validation with the SDK's own models plus LINE's rules the models do not enforce
(counted the way LINE counts, independently of line_oa.limits, so a mistake there cannot
hide itself), and the answer bodies. Product code may import this; it talks to nothing.
"""

from __future__ import annotations

import io
import json
import re
import uuid

import regex
from linebot.v3.messaging import (
    MarkMessagesAsReadByTokenRequest,
    MulticastRequest,
    PnpMessagesRequest,
    PushMessageRequest,
    ReplyMessageRequest,
    RichMenuRequest,
    ShowLoadingAnimationRequest,
)
from PIL import Image

REQUEST_MODELS = {
    "/v2/bot/message/reply": ReplyMessageRequest,
    "/v2/bot/message/push": PushMessageRequest,
    "/v2/bot/message/multicast": MulticastRequest,
    "/bot/pnp/push": PnpMessagesRequest,  # LINE notification messages by phone number
}
OTHER_MODELS = {
    "/v2/bot/chat/loading/start": ShowLoadingAnimationRequest,
    "/v2/bot/chat/markAsRead": MarkMessagesAsReadByTokenRequest,
    "/v2/bot/richmenu": RichMenuRequest,
}
RICH_MENU_SIZES = {(2500, 1686), (2500, 843), (1200, 810), (1200, 405), (800, 540), (800, 270)}
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _walk(node, path="$"):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")


# LINE counts texts in UTF-16 code units and action labels in grapheme clusters (what a
# person sees as one character). Counted here independently of line_oa.limits, so a
# mistake there cannot hide itself in the stub.
_GRAPHEME = regex.compile(r"\X")


def _units(text) -> int:
    return len(str(text).encode("utf-16-le")) // 2


def _graphemes(text) -> int:
    return len(_GRAPHEME.findall(str(text)))


def _label_limit(path: str) -> int:
    """Flex buttons take 40 clusters; quick replies, templates and rich menus 20."""
    if ".quickReply" in path:
        return 20
    return 40 if ".contents" in path else 20


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
            if not isinstance(text, str) or not text or _units(text) > 5000:
                errors.append(f"{path}.text: 1..5000 characters (UTF-16) required")
        if kind == "text" and ".contents" in path and not (node.get("text") or node.get("contents")):
            errors.append(f"{path}: a Flex text needs text or contents")
        if kind == "flex" and top_level:
            if _units(node.get("altText") or "") > 1500:
                errors.append(f"{path}.altText: at most 1500 characters (UTF-16)")
            if len(json.dumps(node.get("contents") or {}, ensure_ascii=False).encode()) > 30_000:
                errors.append(f"{path}.contents: a bubble is at most 30 KB of JSON")
        if kind == "postback":
            data = node.get("data")
            if not isinstance(data, str) or not data or _units(data) > 300:
                errors.append(f"{path}.data: 1..300 characters required")
        if kind in ("postback", "message", "uri", "location", "camera", "cameraRoll", "datetimepicker", "clipboard"):
            label, limit = node.get("label"), _label_limit(path)
            if label is not None and _graphemes(label) > limit:
                errors.append(f"{path}.label: at most {limit} characters")
        if kind == "postback" and "displayText" in node and _units(node.get("displayText") or "") > 300:
            errors.append(f"{path}.displayText: at most 300 characters")
        if kind == "message" and not top_level:
            text = node.get("text")
            if not isinstance(text, str) or not text or _units(text) > 300:
                errors.append(f"{path}.text: 1..300 characters required")
        if kind == "uri":
            uri = node.get("uri") or ""
            if not re.match(r"^(https?|line|tel):", uri):
                errors.append(f"{path}.uri: http, https, line or tel scheme required")
            if _units(uri) > 1000:
                errors.append(f"{path}.uri: at most 1000 characters")
        if kind == "image" and "originalContentUrl" in node:
            for key in ("originalContentUrl", "previewImageUrl"):
                if not str(node.get(key, "")).startswith("https://"):
                    errors.append(f"{path}.{key}: HTTPS URL required")
        if kind == "location" and top_level:
            for key in ("title", "address"):
                value = node.get(key)
                if not isinstance(value, str) or not value or _units(value) > 100:
                    errors.append(f"{path}.{key}: 1..100 characters (UTF-16) required")
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


def _other_rules(path: str, payload: dict) -> list[str]:
    errors = []
    if path == "/v2/bot/chat/loading/start":
        seconds = payload.get("loadingSeconds", 20)
        if not str(payload.get("chatId", "")).startswith("U"):
            errors.append("$.chatId: a user id (the animation shows in one-to-one chats only)")
        if not isinstance(seconds, int) or not 5 <= seconds <= 60 or seconds % 5:
            errors.append("$.loadingSeconds: 5..60 in steps of 5")
    if path == "/v2/bot/chat/markAsRead" and not payload.get("markAsReadToken"):
        errors.append("$.markAsReadToken: required")
    if path == "/v2/bot/richmenu":
        size = payload.get("size") or {}
        if (size.get("width"), size.get("height")) not in RICH_MENU_SIZES:
            errors.append(f"$.size: one of LINE's rich menu sizes, got {size}")
        if _graphemes(payload.get("chatBarText", "")) > 14 or not payload.get("chatBarText"):
            errors.append("$.chatBarText: 1..14 characters")
        if _graphemes(payload.get("name", "")) > 300:
            errors.append("$.name: at most 300 characters")
        areas = payload.get("areas") or []
        if not 1 <= len(areas) <= 20:
            errors.append("$.areas: 1..20 areas")
        for i, area in enumerate(areas):
            b = area.get("bounds") or {}
            if b.get("x", 0) + b.get("width", 0) > size.get("width", 0) or b.get("y", 0) + b.get(
                "height", 0
            ) > size.get("height", 0):
                errors.append(f"$.areas[{i}].bounds: outside the menu")
            action = area.get("action") or {}
            if _graphemes(action.get("label", "")) > 20:
                errors.append(f"$.areas[{i}].action.label: at most 20 characters")
            if action.get("type") == "message" and not 1 <= _units(action.get("text", "")) <= 300:
                errors.append(f"$.areas[{i}].action.text: 1..300 characters")
            if action.get("type") == "uri" and not re.match(r"^(https?|line|tel):", action.get("uri", "")):
                errors.append(f"$.areas[{i}].action.uri: http, https, line or tel scheme required")
    return errors


def validate_other(path: str, raw: bytes) -> tuple[dict | None, str | None]:
    try:
        payload = json.loads(raw.decode("utf-8"))
        OTHER_MODELS[path].from_json(raw.decode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - any failure is LINE's 400
        return None, f"The request body has 1 error(s): {exc}"
    errors = _other_rules(path, payload)
    if errors:
        return payload, f"The request body has {len(errors)} error(s): {'; '.join(errors)}"
    return payload, None


def image_size(content: bytes) -> tuple[int, int] | None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            return image.size
    except Exception:  # noqa: BLE001 - not an image
        return None


# --- the server --------------------------------------------------------------------


def sent_messages(payload: dict) -> list[dict]:
    """The `sentMessages` LINE answers a push or reply with."""
    return [{"id": str(uuid.uuid4().int)[:18], "quoteToken": uuid.uuid4().hex} for _ in payload.get("messages", [])]
