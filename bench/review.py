"""Time the centre's review queue (รอตรวจสอบผล) on a big database, as a logged-in officer.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bkk_a .venv/bin/python bench/seed.py --complaints 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bkk_a .venv/bin/python bench/review.py [--in-review 5000] [--runs 9]

First it makes exactly `--in-review` assignments await review (RESOLVED, with a review deadline;
extra ones are marked verified, missing ones taken from verified work) and gives each of them one
or two result photo rows, a quarter flagged (rows only, no image files: the queue never opens
them), and shared-location timeline rows for half of them plus `--locations` on finished work. This edits the seeded data, so run it after the other benchmarks or on its own copy.
Then it measures, per scenario, the median and worst of `--runs` requests after one warm-up and
the SQL query count; `--explain` prints EXPLAIN ANALYZE for queries of the last run over 20 ms.
Target (issue 10): the first page under 150 ms median at 1M complaints / 5,000 in review, with a
query count independent of the page size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time

import django_setup  # noqa: E402,F401 - the project on the path, Django set up
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bkk1555.roles import OFFICER  # noqa: E402
from complaints.admin_review import ReviewQueueAdmin, review_queue_count  # noqa: E402
from complaints.models import Assignment, Complaint, Photo, TimelineEntry  # noqa: E402

QUEUE = "/admin/complaints/reviewqueue/"
MARK = "benchreview"  # sha256 prefix of the photo rows this script owns
A = Assignment.Status


def prepare(in_review: int, seed: int, locations: int) -> None:
    """Exactly `in_review` results awaiting review, each with result photo rows."""
    now = timezone.now()
    rng = random.Random(seed)
    with transaction.atomic():
        waiting = Assignment.objects.filter(status=A.RESOLVED)
        n = waiting.count()
        if n > in_review:
            extra = list(waiting.order_by("-id").values_list("pk", flat=True)[: n - in_review])
            Assignment.objects.filter(pk__in=extra).update(status=A.VERIFIED, verified_at=now, review_due_at=None)
        elif n < in_review:
            more = list(
                Assignment.objects.filter(status=A.VERIFIED)
                .order_by("-id")
                .values_list("pk", flat=True)[: in_review - n]
            )
            Assignment.objects.filter(pk__in=more).update(status=A.RESOLVED, verified_at=None)
        missing = Assignment.objects.filter(status=A.RESOLVED, review_due_at__isnull=True)
        for a in missing.only("pk", "resolved_at").iterator():
            due = (a.resolved_at or now) + dt.timedelta(hours=2)
            Assignment.objects.filter(pk=a.pk).update(review_due_at=due)
        Photo.objects.filter(sha256__startswith=MARK).delete()
        rows = []
        for a in Assignment.objects.filter(status=A.RESOLVED).values("pk", "complaint_id", "resolved_at"):
            for i in range(rng.choice((1, 1, 2))):
                flags = rng.choice((["no_location"], ["far_from_site"], ["reused"])) if rng.random() < 0.25 else []
                rows.append(
                    Photo(
                        complaint_id=a["complaint_id"],
                        assignment_id=a["pk"],
                        stage=Photo.Stage.AFTER,
                        image="photos/bench.jpg",
                        thumbnail="thumbs/bench.jpg",
                        sha256=f"{MARK}{a['pk']:0>40}{i}",
                        flags=flags,
                        created_at=a["resolved_at"] or now,
                    )
                )
        Photo.objects.bulk_create(rows, batch_size=5000)
        # Locations shared from the site: half the results in review, and a background of
        # `locations` more on finished work, so the timeline looks like a year of LINE use.
        TimelineEntry.objects.filter(kind=TimelineEntry.Kind.LOCATION, text=MARK).delete()
        shared = [
            TimelineEntry(
                complaint_id=a["complaint_id"],
                assignment_id=a["pk"],
                kind=TimelineEntry.Kind.LOCATION,
                text=MARK,
                data={"lat": "13.75", "lng": "100.5"},
                actor_channel="line",
                created_at=a["resolved_at"] or now,
            )
            for a in Assignment.objects.filter(status=A.RESOLVED).values("pk", "complaint_id", "resolved_at")
            if rng.random() < 0.5
        ]
        for a in (
            Assignment.objects.filter(status=A.VERIFIED)
            .order_by("-id")
            .values("pk", "complaint_id", "resolved_at")[:locations]
        ):
            shared.append(
                TimelineEntry(
                    complaint_id=a["complaint_id"],
                    assignment_id=a["pk"],
                    kind=TimelineEntry.Kind.LOCATION,
                    text=MARK,
                    data={"lat": "13.75", "lng": "100.5"},
                    actor_channel="line",
                    created_at=a["resolved_at"] or now,
                )
            )
        TimelineEntry.objects.bulk_create(shared, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_assignment")
        cursor.execute("ANALYZE complaints_photo")
        cursor.execute("ANALYZE complaints_timelineentry")
    print(
        f"in review: {Assignment.objects.filter(status=A.RESOLVED).count():,}; result photo rows: {len(rows):,}; "
        f"shared locations: {len(shared):,}"
    )


def officer_client() -> Client:
    user, _ = User.objects.get_or_create(username="bench-officer", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=OFFICER))
    client = Client()
    client.force_login(user)
    return client


def measure(client: Client, url: str, runs: int, explain: bool, per_page: int | None = None):
    old = ReviewQueueAdmin.list_per_page
    if per_page:
        ReviewQueueAdmin.list_per_page = per_page
    try:
        assert client.get(url).status_code == 200, url  # warm-up
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, url
    finally:
        ReviewQueueAdmin.list_per_page = old
    if explain:
        for q in ctx.captured_queries:
            if float(q["time"]) * 1000 > 20:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN ANALYZE " + q["sql"])
                    print("\n".join(r[0] for r in cursor.fetchall()))
    return statistics.median(times), max(times), len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--in-review", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=1555)
    parser.add_argument("--locations", type=int, default=200_000, help="shared locations on finished work")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--no-prepare", action="store_true", help="measure the data as it is")
    args = parser.parse_args()
    if not Complaint.objects.filter(pk__gt=0)[1000:1001].exists():
        sys.exit("Too few complaints: seed first with bench/seed.py and set DATABASE_URL to that database.")
    if not args.no_prepare:
        prepare(args.in_review, args.seed, args.locations)
    client = officer_client()
    oldest = Assignment.objects.filter(status=A.RESOLVED).order_by("resolved_at", "id").first()
    agency = oldest.agency_id
    deep = max(1, min(20, Assignment.objects.filter(status=A.RESOLVED).count() // ReviewQueueAdmin.list_per_page))
    scenarios = [
        ("queue, first page (50 rows)", QUEUE, None),
        ("queue, first page (10 rows)", QUEUE, 10),
        ("queue, first page (200 rows)", QUEUE, 200),
        (f"queue, page {deep}", f"{QUEUE}?p={deep}", None),
        ("queue, overdue only", f"{QUEUE}?review=overdue", None),
        ("queue, flagged only", f"{QUEUE}?review=flagged", None),
        ("queue, one agency", f"{QUEUE}?agency={agency}", None),
        ("queue, BEST only", f"{QUEUE}?complaint__is_best__exact=1", None),
        ("review page (oldest result)", f"{QUEUE}{oldest.pk}/review/", None),
    ]
    print(f"complaints ≈ {Complaint.objects.count():,}; {connection.vendor}")
    print(f"{'scenario':<34} {'median ms':>10} {'worst ms':>9} {'queries':>8}")
    for name, url, per_page in scenarios:
        median, worst, queries = measure(client, url, args.runs, args.explain, per_page)
        print(f"{name:<34} {median:>10.1f} {worst:>9.1f} {queries:>8}")
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        count = review_queue_count()
        times.append((time.perf_counter() - t0) * 1000)
    print(f"{'review_queue_count() ' + str(count):<34} {statistics.median(times):>10.1f} {max(times):>9.1f} {2:>8}")


if __name__ == "__main__":
    main()
