"""Time the console's home (the shift's queues), each queue's first list page and the case page,
through the Django test client as a logged-in officer, on a big database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bkk_a .venv/bin/python bench/home.py [--runs 9]

Seed first with bench/seed.py. Prints, per scenario, the median and worst of `--runs`
requests after one warm-up and the SQL query count. Targets (issue 12): the home under
100 ms median at 1M complaints with a query count independent of the data; the case page
with a query count independent of its photos, assignments and timeline.
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
from complaints import queues  # noqa: E402
from complaints.models import Complaint  # noqa: E402

LIST = "/admin/complaints/complaint/"


def scenarios() -> list[tuple[str, str]]:
    if not Complaint.objects.filter(pk__gt=0)[1000:1001].exists():
        sys.exit("Too few complaints: seed first with bench/seed.py and set DATABASE_URL to that database.")
    busy = Complaint.objects.order_by("-id").values_list("pk", flat=True)[5000]
    return [
        ("home (all queues)", "/admin/"),
        ("queues fragment (the 15 s refresh)", "/admin/queues/"),
        *((f"list: {q.key}", f"{LIST}?queue={q.key}") for q in queues.QUEUES.values()),
        ("case page", f"{LIST}{busy}/change/"),
        ("case page live refresh", f"{LIST}{busy}/live/"),
        ("case correction form (?edit=1)", f"{LIST}{busy}/change/?edit=1"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
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


if __name__ == "__main__":
    main()
