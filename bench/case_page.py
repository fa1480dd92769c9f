"""Time the console's case page of one busy case, as a logged-in officer, without recording
the SQL (a debug cursor adds its own cost to every query), optionally of another checkout of
the project, so that two versions are compared in one run on a shared machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bkk_a .venv/bin/python bench/case_page.py [--runs 40]
    git worktree add /tmp/before <rev>
    for i in 1 2 3 4; do for root in /tmp/before .; do
        DATABASE_URL=… .venv/bin/python bench/case_page.py --root $root; done; done

Seed first with bench/seed.py. Prints the median and the fastest of `--runs` requests after
three warm-ups, the SQL time inside them and the page's size. Target (issue 12): half of the
case page before it left the admin's change form, in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent), help="the checkout to time")
    parser.add_argument("--suffix", default="", help="appended to the page's address, e.g. ?edit=1")
    args = parser.parse_args()
    root = str(Path(args.root).resolve())
    sys.path.insert(0, root)
    os.chdir(root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkk1555.settings")
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client

    from bkk1555.roles import OFFICER
    from complaints.models import Complaint

    if not Complaint.objects.filter(pk__gt=0)[1000:1001].exists():
        sys.exit("Too few complaints: seed first with bench/seed.py and set DATABASE_URL to that database.")
    user, _ = User.objects.get_or_create(username="bench_officer", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=OFFICER))
    client = Client()
    client.force_login(user)
    busy = Complaint.objects.order_by("-id").values_list("pk", flat=True)[5000]
    url = f"/admin/complaints/complaint/{busy}/change/{args.suffix}"
    sql = [0.0]

    def timed(execute, query, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            sql[0] += time.perf_counter() - t0

    for _ in range(3):
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    total, in_sql = [], []
    with connection.execute_wrapper(timed):
        for _ in range(args.runs):
            sql[0] = 0.0
            t0 = time.perf_counter()
            client.get(url)
            total.append((time.perf_counter() - t0) * 1000)
            in_sql.append(sql[0] * 1000)
    print(
        f"{root}: median {statistics.median(total):.1f} ms, fastest {min(total):.1f} ms, "
        f"SQL {statistics.median(in_sql):.1f} ms, {len(response.content):,} bytes"
    )


if __name__ == "__main__":
    main()
