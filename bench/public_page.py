"""Time the public case page (/c/<reference>/<token>/) through the Django test client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bkk_a .venv/bin/python bench/public_page.py [--pages 200]

Seed first with bench/seed.py (1M complaints; cases without a token get one here, only those
sampled). Picks `--pages` cases spread over the table (closed ones first), warms up once, then
measures each page's server time and SQL query count. Target (issue 11): median < 30 ms,
≤ 4 queries at 1M complaints. Throughput through gunicorn is measured separately (see
docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import time

import django_setup  # noqa: E402,F401 - the project on the path, Django set up
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from complaints.models import Complaint  # noqa: E402


def sample(pages: int) -> list[Complaint]:
    top = Complaint.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    step = max(top // pages, 1)
    picked = list(
        Complaint.objects.filter(pk__in=range(1, top + 1, step)).only("pk", "reference", "public_token")[:pages]
    )
    for c in picked:
        if not c.public_token:
            c.public_token = secrets.token_urlsafe(16)
            Complaint.objects.filter(pk=c.pk).update(public_token=c.public_token)
    return picked


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    total = Complaint.objects.count()
    cases = sample(args.pages)
    client = Client(REMOTE_ADDR="127.0.0.9")
    client.get(cases[0].public_path)
    times, queries, statuses = [], [], {}
    for c in cases:
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(c.public_path)
            times.append((time.perf_counter() - started) * 1000)
        queries.append(len(ctx.captured_queries))
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    times.sort()
    print(f"complaints: {total:,}  pages: {len(cases)}  db: {connection.vendor}  statuses: {statuses}")
    print(
        f"server time ms: median {statistics.median(times):.1f}  p95 {times[int(len(times) * 0.95) - 1]:.1f}"
        f"  max {times[-1]:.1f}  |  queries: max {max(queries)}"
    )


if __name__ == "__main__":
    main()
