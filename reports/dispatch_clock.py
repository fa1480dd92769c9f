"""The centre's own speed: time from receipt to the first dispatch (rules.DISPATCH), per
month, BEST and the rest apart — median, 90th percentile and the share dispatched by the
category's dispatch deadline (Complaint.dispatch_due_at: BEST 10 minutes on the wall clock,
others one working hour). Kept apart from the agencies' figures (tables.py)."""

from __future__ import annotations

import datetime as dt
import statistics

from complaints.models import Complaint

from .facts import month_range


def _percentile(values: list[float], p: float) -> float | None:
    """Continuous percentile (percentile_cont), as the other report figures."""
    if not values:
        return None
    values = sorted(values)
    k = p * (len(values) - 1)
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def time_to_dispatch(month: dt.date) -> list[dict]:
    """Rows for BEST and for the other cases received in the month: one query on the
    received_at index, two timestamps per case (a month is tens of thousands at most)."""
    start, end = month_range(month)
    rows = Complaint.objects.filter(received_at__gte=start, received_at__lt=end).values_list(
        "is_best", "received_at", "first_dispatched_at", "dispatch_due_at"
    )
    groups: dict[bool, dict] = {
        True: {"minutes": [], "on_time": 0, "waiting": 0},
        False: {"minutes": [], "on_time": 0, "waiting": 0},
    }
    for best, received, first, due in rows.iterator(chunk_size=5000):
        g = groups[best]
        if first is None:
            g["waiting"] += 1
            continue
        g["minutes"].append((first - received).total_seconds() / 60)
        if due is not None and first <= due:
            g["on_time"] += 1
    out = []
    for best in (True, False):
        g = groups[best]
        n = len(g["minutes"])
        out.append(
            {
                "best": best,
                "dispatched": n,
                "waiting": g["waiting"],
                "p50": statistics.median(g["minutes"]) if n else None,
                "p90": _percentile(g["minutes"], 0.9),
                "on_time_pct": 100 * g["on_time"] / n if n else None,
            }
        )
    return out
