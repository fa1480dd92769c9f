"""Reminder sweep benchmark: 100,000 open assignments, 5,000 of them past the acknowledge deadline.

    .venv/bin/python bench/reminders.py                        # 100,000 / 5,000, three sweeps
    .venv/bin/python bench/reminders.py --assignments 20000 --overdue 5000

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bkk_c) and
Redis (REDIS_URL, default redis://127.0.0.1:6379/3; that database is flushed).

Seeds once (bulk INSERTs; kept between runs, recognised by the `BR-` references):
BEST complaints, each with one open assignment (dispatched) at one of the 50 district
offices, every office with a lead and an ordinary coordinator bound to LINE. Before
each sweep it resets the bench's reminders, outbox rows and timeline reminders, and
moves the deadlines: every (N / overdue)-th assignment is 1–14 minutes past its
acknowledge deadline (BEST offsets 0/15/30 → exactly one level due), the others are
due 1–48 hours from now. Then it times one `complaints.reminders.sweep()` — deciding,
inserting the Reminder rows, the timeline entries and the outbox rows, committing and
publishing the delivery tasks to Redis (one per 20 rows) — and counts its queries. No worker runs:
the published tasks are counted in Redis and thrown away.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkk1555.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bkk_c")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from agencies.models import Agency, Coordinator  # noqa: E402
from bkk1555 import publisher  # noqa: E402
from complaints import reminders  # noqa: E402
from complaints.models import Assignment, Category, Complaint, Reminder, TimelineEntry  # noqa: E402
from line_oa import outbox  # noqa: E402
from line_oa.models import OutboxMessage  # noqa: E402

PREFIX = "BR-"


def seed(n: int) -> None:
    have = Complaint.objects.filter(reference__startswith=PREFIX).count()
    if have == n:
        print(f"bench data present: {n:,} complaints/assignments")
        return
    if have:
        print(f"removing {have:,} bench complaints (wrong size)")
        Complaint.objects.filter(reference__startswith=PREFIX).delete()
    t0 = time.perf_counter()
    category = Category.objects.filter(is_best=True).order_by("code").first()
    offices = list(Agency.objects.filter(kind=Agency.Kind.DISTRICT_OFFICE).order_by("code"))
    for i, office in enumerate(offices):
        if not Coordinator.objects.filter(agency=office, line_user_id__isnull=False).exists():
            Coordinator.objects.create(
                agency=office, name=f"หัวหน้า {office.code}", line_user_id=f"U{i:031x}a", is_lead=True
            )
            Coordinator.objects.create(agency=office, name=f"ผู้ประสาน {office.code}", line_user_id=f"U{i:031x}b")
    Agency.objects.filter(code="C1555").update(line_group_id="C" + "c" * 32)
    now = timezone.now()
    rng = random.Random(1555)
    for start in range(0, n, 10_000):
        complaints = Complaint.objects.bulk_create(
            [
                Complaint(
                    reference=f"{PREFIX}{i:07d}",
                    category=category,
                    is_best=True,
                    description="ฝาท่อระบายน้ำหาย (bench)",
                    address="ถนนพระราม 4",
                    district_id=offices[i % len(offices)].district_id,
                    received_at=now - dt.timedelta(hours=1),
                    status=Complaint.Status.DISPATCHED,
                )
                for i in range(start, min(start + 10_000, n))
            ],
            batch_size=5000,
        )
        Assignment.objects.bulk_create(
            [
                Assignment(
                    complaint=c,
                    agency=offices[int(c.reference[len(PREFIX) :]) % len(offices)],
                    dispatched_at=now - dt.timedelta(hours=1),
                    ack_due_at=now + dt.timedelta(minutes=rng.randrange(60, 48 * 60)),
                    resolve_due_at=now + dt.timedelta(days=30),
                )
                for c in complaints
            ],
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_complaint; ANALYZE complaints_assignment")
    print(f"seeded {n:,} complaints and assignments in {time.perf_counter() - t0:.0f} s")


def reset(n: int, overdue: int) -> None:
    """Forget the last sweep and put exactly `overdue` assignments 1–14 minutes past their deadline."""
    ids = Assignment.objects.filter(complaint__reference__startswith=PREFIX)
    Reminder.objects.filter(assignment__in=ids).delete()
    TimelineEntry.objects.filter(kind__in=("reminder", "escalated"), assignment__in=ids).delete()
    OutboxMessage.objects.all().delete()
    step = max(n // overdue, 1)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE complaints_assignment a SET escalation_level = 0, status = 'dispatched',
              ack_due_at = CASE WHEN r.k %% %s = 0 AND r.k / %s < %s
                THEN now() - make_interval(mins => (1 + r.k %% 13)::int)
                ELSE now() + make_interval(mins => (60 + r.k %% 2820)::int) END
            FROM (SELECT a2.id, row_number() OVER (ORDER BY a2.id) - 1 AS k
                  FROM complaints_assignment a2 JOIN complaints_complaint c ON c.id = a2.complaint_id
                  WHERE c.reference LIKE %s) r
            WHERE a.id = r.id
            """,
            [step, step, overdue, PREFIX + "%"],
        )
        cursor.execute("VACUUM ANALYZE complaints_assignment")  # autocommit: the planner sees the new deadlines
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def sweep_once() -> dict:
    publish = {"seconds": 0.0}
    original = outbox.enqueue_send_many

    def timed(ids):
        t = time.perf_counter()
        original(ids)
        publish["seconds"] += time.perf_counter() - t

    outbox.enqueue_send_many = timed
    try:
        with CaptureQueriesContext(connection) as ctx:
            t0, c0 = time.perf_counter(), time.process_time()
            result = reminders.sweep()
            total, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        outbox.enqueue_send_many = original
    publisher.publisher.wait_idle(60)  # the tasks are published by the background thread (issue 15)
    queued = redis.Redis.from_url(settings.REDIS_URL).llen("line")
    timed_queries = sorted(((float(q["time"]), q["sql"][:60]) for q in ctx.captured_queries), reverse=True)
    return {
        "seconds": total,
        "cpu": cpu,
        "publish": publish["seconds"],
        "queries": len(ctx.captured_queries),
        "reminders": result.reminders,
        "messages": result.messages,
        "queued": queued,
        "sql": sum(t for t, _ in timed_queries),
        "slowest": timed_queries[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignments", type=int, default=100_000)
    parser.add_argument("--overdue", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/reminders.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    seed(args.assignments)
    runs = []
    for i in range(args.runs):
        reset(args.assignments, args.overdue)
        run = sweep_once()
        runs.append(run)
        print(
            f"run {i + 1}: {run['reminders']:,} reminders, {run['messages']:,} outbox rows, {run['queued']:,} batch "
            f"tasks in Redis, {run['queries']} queries, {run['seconds']:.2f} s (publishing {run['publish']:.2f} s; "
            f"this process's CPU {run['cpu']:.2f} s; SQL {run['sql']:.2f} s, COPY not included)"
        )
        for seconds, sql in run["slowest"]:
            print(f"    {seconds:.3f} s  {sql}")
        assert run["reminders"] == args.overdue and run["queued"] == -(-args.overdue // outbox.BATCH), run
    again = sweep_once()
    print(f"a second sweep right after: {again['reminders']} reminders, {again['seconds']:.2f} s")
    median = statistics.median(r["seconds"] for r in runs)
    best = min(r["seconds"] for r in runs)
    print(f"median {median:.2f} s, best {best:.2f} s for {args.overdue:,} of {args.assignments:,} — target < 2 s")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


if __name__ == "__main__":
    main()
