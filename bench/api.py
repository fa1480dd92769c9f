"""API benchmark: filtered complaint list pages on a million complaints (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bkk_e .venv/bin/python bench/seed.py --complaints 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bkk_e .venv/bin/python bench/api.py

Requests go through the whole Django stack in-process (middleware, token auth,
permissions, django-filter, cursor pagination, serializers, JSON rendering) with
Django's test client, so the figures are server time without the network or a
WSGI server. Each case runs `--runs` times after two warm-up calls; the table
gives the median, p95 and the share of time spent in SQL. Then it checks that the
number of queries does not depend on the page size, and prints the plan of the
main list query. Needs bench/seed.py's data (helper A's seeder, COPY-based).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkk1555.settings")
os.environ.setdefault("API_THROTTLE_USER", "1000000/minute")
os.environ.setdefault("API_THROTTLE_ANON", "1000000/minute")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bkk1555.roles import OFFICER  # noqa: E402
from complaints.models import Complaint  # noqa: E402


def bench_user():
    from django.contrib.auth.models import Group, User

    user, created = User.objects.get_or_create(username="bench-api", defaults={"is_staff": True})
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=OFFICER))
    return Token.objects.get_or_create(user=user)[0].key


def _rows(data) -> int:
    if isinstance(data, list):
        return len(data)
    return len(data["results"]) if "results" in data else 1


def measure(client: Client, url: str, runs: int) -> dict:
    for _ in range(2):
        assert client.get(url).status_code == 200, client.get(url).content[:300]
    totals, sqls, counts, sizes = [], [], [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            totals.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        sqls.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        counts.append(len(ctx.captured_queries))
        sizes.append(len(response.content))
    totals.sort()
    return {
        "median": statistics.median(totals),
        "p95": totals[max(0, int(len(totals) * 0.95) - 1)],
        "sql": statistics.median(sqls),
        "queries": max(counts),
        "kb": statistics.median(sizes) / 1024,
        "rows": _rows(response.json()),
        "response": response,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--min-complaints", type=int, default=1_000_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/api.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    total = Complaint.objects.count()
    if total < args.min_complaints:
        sys.exit(f"only {total:,} complaints; run bench/seed.py --complaints {args.min_complaints} first")

    client = Client(HTTP_AUTHORIZATION=f"Token {bench_user()}")
    since = (timezone.now() - dt.timedelta(days=30)).isoformat().replace("+", "%2B")
    busiest = (
        Complaint.objects.filter(is_best=True, received_at__gte=timezone.now() - dt.timedelta(days=30))
        .values("district__code")
        .order_by()
        .annotate(n=django.db.models.Count("id"))
        .order_by("-n")
        .first()
    )
    district = busiest["district__code"]
    agency = "DO" + district
    filtered = f"/api/v1/complaints/?best=true&district={district}&received_after={since}"
    cases = [
        ("BEST + district + last 30 days, 50 rows", filtered, args.runs),
        ("same, 10 rows", filtered + "&page_size=10", args.runs),
        ("same, 200 rows", filtered + "&page_size=200", args.runs),
        ("all complaints, first page (50)", "/api/v1/complaints/", args.runs),
        ("agency (50)", f"/api/v1/complaints/?agency={agency}", args.runs),
        ("agency + its open work: agency_status (50)", f"/api/v1/complaints/?agency={agency}&agency_status=dispatched&agency_status=acknowledged&agency_status=in_progress&agency_status=made_safe", args.runs),
        ("agency + open statuses (50)", f"/api/v1/complaints/?agency={agency}&status=dispatched&status=in_progress", args.runs),
        ("overdue to acknowledge (50)", "/api/v1/complaints/?overdue=ack", args.runs),
        ("zone + channel + last 30 days (50)", f"/api/v1/complaints/?zone=01&channel=mis&received_after={since}", args.runs),
        ("text search, a phrase in 17 % of cases (50)", "/api/v1/complaints/?q=%E0%B8%95%E0%B8%A3%E0%B8%87%E0%B8%82%E0%B9%89%E0%B8%B2%E0%B8%A1%E0%B9%82%E0%B8%A3%E0%B8%87%E0%B9%80%E0%B8%A3%E0%B8%B5%E0%B8%A2%E0%B8%99", args.runs),
        ("text search, a word in no case (50)", "/api/v1/complaints/?q=%E0%B8%AB%E0%B8%A1%E0%B8%B2%E0%B8%AB%E0%B8%B2%E0%B8%A2", args.runs),
        ("one complaint with timeline", None, args.runs),
        ("Open311 requests.json, default window (1,000 rows)", "/open311/v2/requests.json", max(5, args.runs // 6)),
    ]  # fmt: skip
    results = []
    first_page = None
    for name, url, runs in cases:
        if url is None:
            url = f"/api/v1/complaints/{first_page['results'][0]['id']}/"
        r = measure(client, url, runs)
        results.append((name, r))
        if first_page is None:
            first_page = r["response"].json()
        if name.startswith("all complaints"):
            # Keyset pages cost the same deep down: follow the cursor to page 21.
            page = r["response"].json()
            for _ in range(19):
                page = client.get(page["next"]).json()
            results.append(("all complaints, page 21 via the cursor", measure(client, page["next"], args.runs)))

    print(f"\n{total:,} complaints; district {district}; {args.runs} runs per case (fewer for the heavy ones)\n")
    print("| case | rows | median ms | p95 ms | SQL ms (median) | queries | KiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results:
        print(
            f"| {name} | {r['rows']} | {r['median']:.1f} | {r['p95']:.1f} | {r['sql']:.1f} | {r['queries']} | {r['kb']:.0f} |"
        )

    counts = {size: None for size in (10, 50, 200)}
    for size in counts:
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"{filtered}&page_size={size}")
        counts[size] = len(ctx.captured_queries)
    print(f"\nqueries by page size: {counts}")
    assert len(set(counts.values())) == 1, "query count depends on page size"

    with CaptureQueriesContext(connection) as ctx:
        client.get(filtered)
    main_sql = max(ctx.captured_queries, key=lambda q: "complaints_complaint" in q["sql"] and "LIMIT" in q["sql"])
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + main_sql["sql"])
        print("\nplan of the list query:\n" + "\n".join(row[0] for row in cur.fetchall()))


if __name__ == "__main__":
    main()
