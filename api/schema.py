"""drf-spectacular post-processing: document the one error shape on every operation.

Every operation can answer with the errors of api/errors.py (400 invalid input,
401, 403, 404, 405, 406, 415, 429), so clients and schemathesis know those
status codes and their body."""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "th", "en"],
            "properties": {
                "code": {"type": "string", "example": "invalid_transition"},
                "th": {"type": "string", "description": "ข้อความภาษาไทย"},
                "en": {"type": "string", "description": "English message"},
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "400 only: the field errors, field name → list of messages",
                },
                "retry_after": {"type": "number", "nullable": True, "description": "429 only: seconds to wait"},
            },
        }
    },
}
DESCRIPTIONS = {
    "400": "Invalid input (with `fields`), or a refusal of the workflow that is about the input",
    "401": "No or bad credentials",
    "403": "The role lacks the permission",
    "404": "Not found",
    "405": "Method not allowed",
    "406": "Not acceptable",
    "409": "The workflow refused the transition (Thai and English message)",
    "415": "Unsupported media type",
    "422": "Idempotency-Key reused with a different body",
    "429": "Throttled",
}
ALWAYS = ("400", "401", "403", "404", "405", "406", "415", "429")


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code in {*ALWAYS, *(c for c in responses if c in DESCRIPTIONS)}:
                responses[code] = {"description": DESCRIPTIONS[code], "content": ref}
    return result
