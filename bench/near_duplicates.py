"""Near-duplicate check benchmark: one new result photo against 1,000,000 stored photos.

    .venv/bin/python bench/near_duplicates.py                       # 1,000,000 photos, 300 checks
    .venv/bin/python bench/near_duplicates.py --photos 100000 --unrelated 100

Needs PostgreSQL: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bkk_neardup (its
own database, created if missing). Seeds once with COPY (testing/neardup_bench.py: hashes of
drawn street scenes, each copied with 10–24 bits flipped, all dated in the last 12 months;
100 planted originals), the fingerprint indexes dropped during the load and rebuilt after,
then ANALYZE. Kept between runs; `--reset` seeds again.

Then times `complaints.photos.find_repeat` — the exact-bytes/hash lookup, the banded index
search of the whole picture and the 16 crop guesses, the check of every candidate — for a
copy of each planted original (cropped, resized, low JPEG quality, brighter, LINE-chat
sized, in turn) and for new street scenes that are in no case. Hashing the new photo is
timed apart (it is CPU, not the database). Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkk1555.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bkk_neardup")


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from complaints.models import Photo, PhotoFingerprint  # noqa: E402
from testing.factories import make_complaint  # noqa: E402
from testing.neardup_bench import check, seed  # noqa: E402

FP = PhotoFingerprint._meta.db_table


def fingerprint_indexes(cursor) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname LIKE %s", [FP, "%band%"]
    )
    return cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=1_000_000)
    parser.add_argument("--bases", type=int, default=2000, help="distinct street scenes behind the stored hashes")
    parser.add_argument("--planted", type=int, default=100)
    parser.add_argument("--unrelated", type=int, default=200)
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/near_duplicates.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", interactive=False, verbosity=0)
    if args.reset:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {FP}, {Photo._meta.db_table} RESTART IDENTITY CASCADE")
    planted_path = Path(connection.settings_dict["NAME"]).name
    marker = ROOT / "var" / f"neardup-{planted_path}.txt"
    if PhotoFingerprint.objects.count() < args.photos * 2:
        t0 = time.perf_counter()
        complaints = [make_complaint().pk for _ in range(50)]
        with connection.cursor() as cursor:
            indexes = fingerprint_indexes(cursor)
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        planted = seed(total=args.photos, complaint_ids=complaints, bases=args.bases, planted=args.planted)
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _, definition in indexes:
                cursor.execute(definition)
            cursor.execute(f"VACUUM ANALYZE {FP}")
            cursor.execute(f"ANALYZE {Photo._meta.db_table}")
        marker.parent.mkdir(exist_ok=True)
        marker.write_text("\n".join(f"{s} {p}" for s, p in planted.items()))
        print(f"seeded {args.photos:,} photos ({args.bases:,} base scenes) in {time.perf_counter() - t0:.0f} s")
    planted = dict(tuple(map(int, line.split())) for line in marker.read_text().split("\n") if line)
    asking = make_complaint()
    print(f"{PhotoFingerprint.objects.count():,} fingerprints; warming up")
    check(planted=dict(list(planted.items())[:5]), asking=asking, unrelated=5, first_unrelated_seed=800_000)
    result = check(planted=planted, asking=asking, unrelated=args.unrelated)
    for group, times in result.times_ms.items():
        times = sorted(times)
        p95 = times[int(len(times) * 0.95) - 1]
        right = result.found[group] if group == "copy" else result.asked[group] - result.found[group]
        print(
            f"{group:10s} n={len(times):4d}  median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
            f"max {times[-1]:6.1f} ms  right {right}/{result.asked[group]}"
        )
    print(f"hashing the new photo (17 phashes): median {statistics.median(result.hashing_ms):.1f} ms")


if __name__ == "__main__":
    main()
