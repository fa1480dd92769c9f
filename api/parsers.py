"""JSON bodies that cannot hurt: too deep, NaN/Infinity or undecodable → 400, never a 500."""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from bkk1555.safejson import refuse_constant, too_deep

MAX_DEPTH = 20  # our request bodies nest three levels at most


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            raw = stream.read() if stream is not None else b""
            data = json.loads(raw.decode(encoding), parse_constant=refuse_constant)
        except (ValueError, RecursionError, UnicodeDecodeError) as exc:
            raise ParseError("JSON parse error") from exc
        if too_deep(data, MAX_DEPTH):
            raise ParseError("JSON nested too deep")
        return data
