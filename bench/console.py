"""Time the dispatch console on a big database, through the Django test client as a logged-in officer.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bkk_a .venv/bin/python bench/console.py [--runs 9] [--explain]

Seed first with bench/seed.py. Measures, for each scenario, the median and worst of
`--runs` requests after one warm-up, and the SQL query count; `--explain` prints
EXPLAIN ANALYZE for every query of the last run that took over 20 ms. Target: each
median under 300 ms at 1M complaints, query count independent of the table size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import django_setup  # noqa: E402,F401 - the project on the path, Django set up
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bkk1555.roles import OFFICER  # noqa: E402
from complaints.models import Complaint  # noqa: E402

LIST = "/admin/complaints/complaint/"


def scenarios() -> list[tuple[str, str]]:
    if not Complaint.objects.filter(pk__gt=0)[1000:1001].exists():
        sys.exit("Too few complaints: seed first with bench/seed.py and set DATABASE_URL to that database.")
    phone = Complaint.objects.order_by("-id").values_list("complainant_phone", flat=True).first()
    reference = Complaint.objects.order_by("-id").values_list("reference", flat=True)[1000]
    return [
        ("first list page (default ordering)", LIST),
        ("overdue BEST (is_best + overdue any stage)", f"{LIST}?is_best__exact=1&overdue=any"),
        ("overdue to acknowledge", f"{LIST}?overdue=ack"),
        ("phone search (full number)", f"{LIST}?q={phone}"),
        ("phone search (prefix 08123)", f"{LIST}?q=08123"),
        ("reference search", f"{LIST}?q={reference}"),
        ("text search, common word (ฝาท่อ)", f"{LIST}?q=ฝาท่อ"),
        ("text search, rare address (trigram index)", f"{LIST}?q=ซอย 117 เขตบางรัก"),
        ("district + status filter", f"{LIST}?district__id__exact=7&status__exact=in_progress"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    user, _ = User.objects.get_or_create(username="bench_officer", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=OFFICER))
    client = Client()
    client.force_login(user)
    total = Complaint.objects.order_by().count()
    print(f"complaints: {total:,}; {args.runs} runs after one warm-up\n")
    print("| scenario | median ms | worst ms | queries |\n|---|---:|---:|---:|")
    for name, url in scenarios():
        client.get(url)
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"| {name} | {statistics.median(times):.0f} | {max(times):.0f} | {len(ctx)} |")
        if args.explain:
            for q in ctx.captured_queries:
                if float(q["time"]) * 1000 > 20:
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                        plan = "\n".join(r[0] for r in cursor.fetchall())
                    print(f"\n    {float(q['time']) * 1000:.0f} ms: {q['sql'][:300]}\n{plan}\n")


if __name__ == "__main__":
    main()
