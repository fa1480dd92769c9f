"""Reports benchmark: the month overview and the agency table over 1,000,000 complaints on PostgreSQL.

    .venv/bin/python bench/reports.py                      # seed if needed, build facts, measure
    .venv/bin/python bench/reports.py --runs 30 --complaints 1000000

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bkk_d).

Seeding: if the database holds fewer than --complaints complaints, it uses the
project's 1M-row seeder `bench/seed.py` when present; otherwise it inserts
synthetic rows with set-based SQL (generate_series; about two years of cases,
one assignment each plus a second for 10 %, result photos for most resolved
LINE work; LINE acknowledges and resolves faster than radio/phone/fax). Rows
are bench data ('B' + 9 digits references) in this database only.

Then it builds the reports' summary table once (`reports.facts.refresh()`, the
cold start a deployment does once; timed), and measures each page through
Django's test client with a logged-in executive (middleware, view, queries,
template): warm-up runs, then --runs timed renders, median and p90, in three
situations: nothing changed since the last view; 20 cases of the month changed
before each view (a history row each, so the page rebuilds their facts and the
month's cached percentiles are invalid); and the percentile cache emptied before
each view (the worst case). It ends with the per-query times of one render of
each page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bkk_d")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkk1555.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

SEED_SQL = """
SELECT setseed(0.1555);
CREATE TEMP TABLE bench_cat AS
  SELECT row_number() OVER (ORDER BY id) - 1 AS i, id, is_best, sla_ack_minutes,
         COALESCE(sla_make_safe_hours, 2) AS safe_h, COALESCE(sla_resolve_hours, 72) AS res_h
  FROM complaints_category;
CREATE TEMP TABLE bench_district AS
  SELECT row_number() OVER (ORDER BY d.id) - 1 AS i, d.id, a.id AS office
  FROM agencies_district d JOIN agencies_agency a ON a.district_id = d.id;
CREATE TEMP TABLE bench_dept AS
  SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM agencies_agency WHERE kind IN ('department', 'external');

INSERT INTO complaints_complaint (reference, channel, complainant_name, complainant_phone, is_best, description,
    address, landmark, received_at, status, created_at, updated_at, category_id, district_id)
SELECT 'B' || lpad((g + %(offset)s)::text, 9, '0'),
       (ARRAY['phone', 'line', 'web', 'mis', 'phone', 'line'])[1 + g % 6],
       '', '', c.is_best, 'bench', '', '', r.ts, 'closed', r.ts, r.ts, c.id, d.id
FROM generate_series(1, %(n)s) AS g
CROSS JOIN LATERAL (SELECT now() - (random() * interval '730 days') AS ts, g AS k) AS r
JOIN bench_cat c ON c.i = (g * 7919) %% (SELECT count(*) FROM bench_cat)
JOIN bench_district d ON d.i = (g * 104729) %% (SELECT count(*) FROM bench_district);

CREATE TEMP TABLE bench_a AS
SELECT x.*,
       x.dispatched_at + x.ack_delay AS acknowledged_at,
       CASE WHEN x.is_best THEN x.dispatched_at + x.ack_delay + x.safe_delay END AS made_safe_at,
       x.dispatched_at + x.ack_delay + x.res_delay AS resolved_at
FROM (
  SELECT c.id AS complaint_id, c.received_at, c.is_best, cat.sla_ack_minutes, cat.safe_h, cat.res_h,
         COALESCE(d.office, (SELECT id FROM bench_dept WHERE i = 0)) AS agency_id,
         ch.channel,
         c.received_at + (2 + random() * 20) * interval '1 minute' AS dispatched_at,
         CASE WHEN ch.channel = 'line' THEN (2 + random() * random() * 60) ELSE (10 + random() * 240) END
           * interval '1 minute' AS ack_delay,
         CASE WHEN ch.channel = 'line' THEN (20 + random() * 150) ELSE (60 + random() * 400) END
           * interval '1 minute' AS safe_delay,
         CASE WHEN ch.channel = 'line' THEN (1 + random() * 40) ELSE (4 + random() * 110) END
           * interval '1 hour' AS res_delay,
         random() AS fate
  FROM complaints_complaint c
  JOIN bench_cat cat ON cat.id = c.category_id
  LEFT JOIN bench_district d ON d.id = c.district_id
  CROSS JOIN LATERAL (SELECT CASE WHEN r < 0.55 THEN 'line' WHEN r < 0.80 THEN 'radio' WHEN r < 0.95 THEN 'phone'
                                  ELSE 'fax' END AS channel FROM (SELECT random() + c.id * 0 AS r) AS rr) AS ch
  WHERE c.reference LIKE 'B%%'
    AND NOT EXISTS (SELECT 1 FROM complaints_assignment e WHERE e.complaint_id = c.id)
) AS x;

INSERT INTO complaints_assignment (status, channel, dispatched_at, ack_due_at, safe_due_at, resolve_due_at,
    acknowledged_at, acknowledged_by_name, made_safe_at, resolved_at, first_resolved_at, verified_at, closed_at,
    result_note, reject_reason, reopen_count, updated_at, agency_id, complaint_id, escalation_level)
SELECT CASE WHEN received_at > now() - interval '3 days' AND fate < 0.5 THEN 'dispatched'
            WHEN received_at > now() - interval '3 days' THEN 'in_progress'
            WHEN fate < 0.03 THEN 'rejected'
            WHEN fate < 0.05 THEN 'resolved'
            WHEN fate < 0.06 THEN 'in_progress'
            ELSE 'verified' END,
       channel, dispatched_at,
       dispatched_at + sla_ack_minutes * interval '1 minute',
       CASE WHEN is_best THEN dispatched_at + safe_h * interval '1 hour' END,
       dispatched_at + res_h * interval '1 hour',
       CASE WHEN received_at > now() - interval '3 days' AND fate < 0.5 THEN NULL ELSE acknowledged_at END,
       '',
       CASE WHEN received_at > now() - interval '3 days' OR fate < 0.06 THEN NULL ELSE made_safe_at END,
       CASE WHEN received_at > now() - interval '3 days' OR fate < 0.03 OR (fate >= 0.05 AND fate < 0.06) THEN NULL
            ELSE resolved_at END,
       CASE WHEN received_at > now() - interval '3 days' OR fate < 0.03 OR (fate >= 0.05 AND fate < 0.06) THEN NULL
            ELSE resolved_at END,
       CASE WHEN fate >= 0.06 AND received_at <= now() - interval '3 days' THEN resolved_at + interval '3 hours' END,
       CASE WHEN fate < 0.03 AND received_at <= now() - interval '3 days' THEN acknowledged_at END,
       '', '', CASE WHEN fate > 0.99 THEN 1 ELSE 0 END, now(), agency_id, complaint_id, 0
FROM bench_a;

-- A second agency for one case in ten (the category's department), always closed.
INSERT INTO complaints_assignment (status, channel, dispatched_at, ack_due_at, safe_due_at, resolve_due_at,
    acknowledged_at, acknowledged_by_name, made_safe_at, resolved_at, first_resolved_at, verified_at,
    result_note, reject_reason, reopen_count, updated_at, agency_id, complaint_id, escalation_level)
SELECT 'verified', channel, dispatched_at, dispatched_at + sla_ack_minutes * interval '1 minute', NULL,
       dispatched_at + res_h * interval '1 hour', acknowledged_at, '', NULL, resolved_at, resolved_at,
       resolved_at + interval '3 hours', '', '', 0, now(),
       (SELECT id FROM bench_dept WHERE i = complaint_id %% (SELECT count(*) FROM bench_dept)), complaint_id, 0
FROM bench_a WHERE complaint_id %% 10 = 0 AND received_at <= now() - interval '3 days';

INSERT INTO complaints_photo (stage, image, thumbnail, sha256, phash, width, height, flags, created_at,
    assignment_id, complaint_id)
SELECT 'after', 'bench.jpg', 'bench.jpg', md5(a.id::text) || md5(a.id::text), '', 800, 600, '[]', a.resolved_at,
       a.id, a.complaint_id
FROM complaints_assignment a JOIN bench_a b ON b.complaint_id = a.complaint_id
WHERE a.resolved_at IS NOT NULL AND (a.channel = 'line' OR a.id %% 3 = 0);

UPDATE complaints_complaint c SET status = 'in_progress'
WHERE c.reference LIKE 'B%%' AND c.received_at > now() - interval '3 days';
ANALYZE;
"""


def seed(n: int) -> None:
    if (ROOT / "bench" / "seed.py").exists():
        print("seeding with bench/seed.py …", flush=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "seed.py")], check=True, env=os.environ.copy())
        return
    print(f"seeding {n:,} complaints with set-based SQL …", flush=True)
    t = time.perf_counter()
    from complaints.models import Complaint

    offset = Complaint.objects.filter(reference__startswith="B").count()
    with connection.cursor() as cursor:
        cursor.execute(SEED_SQL, {"n": n, "offset": offset})
    print(f"  seeded in {time.perf_counter() - t:.0f} s", flush=True)


def measure(client: Client, url: str, runs: int, touch=None) -> list[float]:
    for _ in range(2):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(runs):
        if touch:
            touch()
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def summary(name: str, times: list[float]) -> str:
    times = sorted(times)
    p90 = times[int(0.9 * (len(times) - 1))]
    return f"{name:<38} median {statistics.median(times):7.1f} ms   p90 {p90:7.1f} ms   (n={len(times)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/reports.py needs PostgreSQL (DATABASE_URL=postgres://…)")
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)

    from complaints.models import Assignment, Complaint
    from reports import facts, tables
    from reports.models import AssignmentFact
    from testing.factories import make_user

    have = Complaint.objects.count()
    if have < args.complaints:
        seed(args.complaints - have)
    total = Complaint.objects.count()
    assignments = Assignment.objects.count()
    print(f"database: {total:,} complaints, {assignments:,} assignments", flush=True)

    t = time.perf_counter()
    built = facts.refresh()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_assignmentfact")
    print(
        f"summary table: {built:,} rows (re)built in {time.perf_counter() - t:.0f} s "
        f"({AssignmentFact.objects.count():,} in total)",
        flush=True,
    )

    from django.contrib.auth.models import User

    from bkk1555.roles import EXECUTIVE
    from complaints.models import TimelineEntry
    from reports.models import FigureCache

    user = User.objects.filter(username="bench-executive").first() or make_user("bench-executive", EXECUTIVE)
    client = Client()
    client.force_login(user)
    month = tables.last_full_month(timezone.now())
    start, end = facts.month_range(month)
    in_month = Complaint.objects.filter(received_at__gte=start, received_at__lt=end).count()
    print(f"month measured: {month:%Y-%m} ({in_month:,} complaints received)\n", flush=True)
    key = f"?month={month:%Y-%m}"
    urls = {"month overview": f"/reports/{key}", "agency table": f"/reports/agencies/{key}"}

    month_cases = list(
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        .filter(assignments__isnull=False)
        .values_list("pk", flat=True)[: 20 * (4 * args.runs + 20)]
    )
    cursor_pos = [0]

    def busy():
        # Between two views, 20 cases of the month change (a busy few minutes at the centre):
        # a history row each and a moved updated_at, as every workflow step writes.
        ids = month_cases[cursor_pos[0] : cursor_pos[0] + 20]
        cursor_pos[0] += 20
        assert len(ids) == 20, "ran out of cases to change"
        now = timezone.now()
        TimelineEntry.objects.bulk_create(
            [TimelineEntry(complaint_id=c, kind=TimelineEntry.Kind.NOTE, text="bench", created_at=now) for c in ids]
        )
        Assignment.objects.filter(complaint_id__in=ids).update(updated_at=now)

    def cold():
        FigureCache.objects.all().delete()

    for name, url in urls.items():
        print(summary(name + ": nothing changed", measure(client, url, args.runs)), flush=True)
        print(summary(name + ": 20 cases changed before each", measure(client, url, args.runs, busy)), flush=True)
        print(summary(name + ": percentile cache emptied", measure(client, url, args.runs, cold)), flush=True)

    for name, url in urls.items():
        busy()
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:6]
        print(
            f"\n{name} after 20 changes: {len(ctx.captured_queries)} queries, "
            f"{sum(float(q['time']) for q in ctx.captured_queries) * 1000:.0f} ms in the database; slowest:"
        )
        for q in slow:
            print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:150]}")
    TimelineEntry.objects.filter(text="bench", kind=TimelineEntry.Kind.NOTE).delete()


if __name__ == "__main__":
    main()
