"""JSON from strangers (the webhook, the API): no NaN/Infinity, and a bound on nesting,
checked without recursion so a hostile body cannot exhaust the stack."""

from __future__ import annotations


def refuse_constant(name: str):
    """`json.loads(parse_constant=...)`: NaN and Infinity are not JSON (and PostgreSQL's jsonb refuses them)."""
    raise ValueError(f"{name} is not JSON")


def too_deep(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False
