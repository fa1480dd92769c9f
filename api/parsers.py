"""JSON bodies that cannot hurt: too deep, NaN/Infinity or undecodable → 400, never a 500."""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20  # our request bodies nest three levels at most


def _no_constants(name: str):
    raise ValueError(f"{name} is not allowed")


def _depth_ok(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            raw = stream.read() if stream is not None else b""
            data = json.loads(raw.decode(encoding), parse_constant=_no_constants)
        except (ValueError, RecursionError, UnicodeDecodeError) as exc:
            raise ParseError("JSON parse error") from exc
        if not _depth_ok(data, MAX_DEPTH):
            raise ParseError("JSON nested too deep")
        return data
