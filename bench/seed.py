"""Seed a PostgreSQL database with N complaints, their assignments and timeline rows, fast.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bkk_a .venv/bin/python bench/seed.py --complaints 1000000

Migrates and loads the reference data first, then writes the rows with COPY
(psycopg 3 `cursor.copy`), about a minute or two per million complaints on 2 cores.
Non-unique indexes of the three tables are dropped during the load and rebuilt
after it (faster than maintaining them row by row), then the tables are ANALYZEd
so the planner and the console's row estimate see the real sizes. Appends to what
is there; `--reset` first deletes all complaints (and what hangs off them).

Distributions (deterministic, `--seed`): received over the last `--days` days
(default 730, so no Buddhist-era year needs more than 999,999 references); ~30 %
BEST; districts and categories from the reference data; channels weighted like the
centre's intake; most cases older than two weeks closed, the rest open at every
stage, so some BEST and normal work is overdue now. Each dispatched case gets one
assignment (20 % get a second agency), with SLA deadlines (wall-clock here, also for
working-hours categories: a simplification that only shifts some deadlines) and
timeline rows for each state it reached. ReferenceCounter ends at the last number
used in each year, so the workflow continues without gaps or duplicates.
Reused by the reports and API benchmarks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkk1555.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from agencies.models import Agency, District  # noqa: E402
from bkk1555.thaidate import be_year  # noqa: E402
from complaints.models import Assignment, Category, Complaint, ReferenceCounter, TimelineEntry  # noqa: E402

TABLES = {
    Complaint: [
        "id", "reference", "channel", "external_ref", "complainant_name", "complainant_phone", "category_id",
        "is_best", "description", "address", "landmark", "district_id", "subdistrict_id", "lat", "lng",
        "received_at", "status", "duplicate_of_id", "closed_at", "created_by_id", "created_at", "updated_at",
        "dispatch_due_at", "first_dispatched_at", "complainant_phone_ext", "outcome", "outcome_note",
        "complainant_line_user_id", "no_contact", "public_token", "public_description",
    ],
    Assignment: [
        "id", "complaint_id", "agency_id", "status", "channel", "dispatched_at", "dispatched_by_id", "ack_due_at",
        "safe_due_at", "resolve_due_at", "acknowledged_at", "acknowledged_by_id", "acknowledged_by_name",
        "made_safe_at", "resolved_at", "first_resolved_at", "verified_at", "closed_at", "result_note",
        "reject_reason", "rerouted_to_id", "reopen_count", "escalation_level", "updated_at",
        "review_due_at", "sent_back_count", "plan_reason", "plan_note", "report_flags",
    ],
    TimelineEntry: [
        "id", "complaint_id", "assignment_id", "kind", "text", "data", "actor_user_id", "actor_coordinator_id",
        "created_at", "actor_display_name", "actor_channel",
    ],
}  # fmt: skip

N = r"\N"
OUTCOMES = {"closed": "fixed", "cancelled": "cancelled", "duplicate": "duplicate"}
FIRST = ["สมชาย", "สมหญิง", "วิชัย", "นภา", "ประเสริฐ", "กาญจนา", "สุรชัย", "อำไพ", "ธีรวัฒน์", "ปราณี"]
LAST = ["ใจดี", "รักไทย", "สุขสันต์", "มีสุข", "ทองคำ", "แก้วมณี", "ศรีสวัสดิ์", "บุญเรือง"]
ROADS = ["ถนนพระราม 4", "ถนนสุขุมวิท", "ถนนเพชรบุรี", "ถนนลาดพร้าว", "ถนนรามคำแหง", "ถนนพหลโยธิน", "ถนนเจริญกรุง"]
WHAT = ["บริเวณหน้าร้านสะดวกซื้อ", "ตรงข้ามโรงเรียน", "ใกล้ป้ายรถเมล์", "ปากซอย", "หน้าวัด", "ข้างตลาดสด"]
CHANNELS = (["phone"] * 45) + (["mis"] * 15) + (["web"] * 10) + (["line"] * 20) + ["letter", "walk_in", "other"] * 3


def ts(value: dt.datetime | None) -> str:
    return value.isoformat() if value else N


class Generator:
    def __init__(self, *, seed: int, days: int, now: dt.datetime):
        self.rng = random.Random(seed)
        self.days = days
        self.now = now
        cats = list(Category.objects.filter(is_active=True))
        self.best = [c for c in cats if c.is_best]
        self.normal = [c for c in cats if not c.is_best]
        self.districts = list(District.objects.prefetch_related("subdistricts"))
        self.subs = {d.pk: [s.pk for s in d.subdistricts.all()] for d in self.districts}
        self.offices = {a.district_id: a.pk for a in Agency.objects.filter(kind=Agency.Kind.DISTRICT_OFFICE)}
        self.others = list(Agency.objects.exclude(kind=Agency.Kind.DISTRICT_OFFICE).values_list("pk", flat=True))

    def status_for(self, age: dt.timedelta) -> str:
        r = self.rng.random()
        if age > dt.timedelta(days=14):
            table = [(0.86, "closed"), (0.91, "cancelled"), (0.93, "duplicate"), (0.95, "resolved"),
                     (0.975, "in_progress"), (0.985, "made_safe"), (1.0, "dispatched")]  # fmt: skip
        elif age > dt.timedelta(hours=6):
            table = [(0.45, "closed"), (0.5, "cancelled"), (0.52, "duplicate"), (0.65, "resolved"),
                     (0.82, "in_progress"), (0.9, "made_safe"), (1.0, "dispatched")]  # fmt: skip
        else:
            table = [(0.3, "new"), (0.7, "dispatched"), (0.95, "in_progress"), (1.0, "made_safe")]
        return next(s for limit, s in table if r < limit)


def generate(args, files, start_ids, counters):
    """Write the three TSV files; returns (complaints, assignments, timeline) counts and the counters."""
    g = Generator(seed=args.seed, days=args.days, now=args.now)
    rng = g.rng
    cid, aid, tid = start_ids
    span = args.days * 24 * 3600
    # Sorted received times so references run in time order within each year.
    offsets = sorted((rng.random() * span for _ in range(args.complaints)), reverse=True)
    fc, fa, ft = files
    na = nt = 0
    prev_id = None
    for off in offsets:
        received = args.now - dt.timedelta(seconds=off)
        year = be_year(received.astimezone(args.tz))
        counters[year] = counters.get(year, 0) + 1
        cid += 1
        best = rng.random() < 0.3
        cat = rng.choice(g.best if best else g.normal)
        best = cat.is_best
        district = rng.choice(g.districts)
        subs = g.subs[district.pk]
        age = args.now - received
        status = "new" if rng.random() < 0.002 else g.status_for(age)
        if status == "made_safe" and not best:
            status = "in_progress"
        phone = f"0{rng.choice('689')}{rng.randrange(10**7, 10**8)}"
        lat = float(district.lat) + rng.uniform(-0.01, 0.01)
        lng = float(district.lng) + rng.uniform(-0.01, 0.01)
        dup = prev_id if status == "duplicate" and prev_id else None
        if status == "duplicate" and dup is None:
            status = "cancelled"
        dispatched = received + dt.timedelta(minutes=rng.randrange(2, 30))
        if dispatched > args.now:
            status, dispatched = "new", None
        # Agency work times: (ack, safe, resolve) after dispatch.
        ack = (
            dispatched + dt.timedelta(minutes=rng.lognormvariate(0, 0.7) * (10 if best else 60)) if dispatched else None
        )
        safe = ack + dt.timedelta(minutes=rng.lognormvariate(0, 0.7) * 90) if ack else None
        resolved = ack + dt.timedelta(hours=rng.lognormvariate(0, 0.7) * (8 if best else 48)) if ack else None
        verified = resolved + dt.timedelta(hours=rng.uniform(0.5, 12)) if resolved else None
        if status in ("closed",) and verified and verified > args.now:
            status = "resolved"
        if status == "resolved" and resolved and resolved > args.now:
            status = "in_progress"
        if status in ("in_progress", "made_safe") and ack and ack > args.now:
            status = "dispatched"
        if status == "made_safe" and safe and safe > args.now:
            status = "in_progress"
        closed_at = (
            verified
            if status == "closed"
            else (dispatched or received)
            if status in ("cancelled", "duplicate")
            else None
        )
        fc.write(
            "\t".join(
                (
                    str(cid),
                    f"{year}-{counters[year]:06d}",
                    rng.choice(CHANNELS),
                    N,
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    phone,
                    str(cat.pk),
                    "t" if best else "f",
                    f"{cat.name_th} {rng.choice(WHAT)} {rng.randrange(1, 10**6)}",
                    f"{rng.choice(ROADS)} ซอย {rng.randrange(1, 120)} {district.name_th}",
                    rng.choice(WHAT),
                    str(district.pk),
                    str(rng.choice(subs)) if subs else N,
                    f"{lat:.6f}",
                    f"{lng:.6f}",
                    ts(received),
                    status,
                    str(dup) if dup else N,
                    ts(closed_at),
                    N,
                    ts(received),
                    ts(closed_at or received),
                    # The centre's dispatch clock (approximate for non-BEST: a wall-clock hour).
                    ts(received + dt.timedelta(minutes=10 if best else 60)),
                    ts(dispatched) if status not in ("new",) else N,
                    "",
                    OUTCOMES.get(status, ""),
                    "",
                    "",  # no LINE user: a phone complainant
                    "f",
                    f"{rng.getrandbits(128):032x}",  # the public page's token
                    "",
                )
            )  # fmt: skip
            + "\n"
        )
        nt += 1
        ft.write(f"{tid + nt}\t{cid}\t{N}\treceived\tโทร 1555\t{{}}\t{N}\t{N}\t{ts(received)}\t\tadmin\n")
        prev_id = cid
        if status == "new":
            continue
        agencies = [g.offices.get(district.pk) or rng.choice(g.others)]
        if rng.random() < 0.2:
            agencies.append(rng.choice(g.others))
        channel = "line" if rng.random() < 0.6 else rng.choice(["radio", "phone", "fax"])
        for agency in agencies:
            na += 1
            a_id = aid + na
            a_status = {
                "closed": "verified", "cancelled": "cancelled", "duplicate": "cancelled", "resolved": "resolved",
                "in_progress": "in_progress", "made_safe": "made_safe", "dispatched": "dispatched",
            }[status]  # fmt: skip
            reached = {
                "dispatched": 0, "cancelled": 0, "in_progress": 1, "made_safe": 2, "resolved": 3, "verified": 4,
            }[a_status]  # fmt: skip
            ack_due = dispatched + dt.timedelta(minutes=cat.sla_ack_minutes)
            safe_due = dispatched + dt.timedelta(hours=cat.sla_make_safe_hours) if cat.sla_make_safe_hours else None
            resolve_due = dispatched + dt.timedelta(hours=cat.sla_resolve_hours) if cat.sla_resolve_hours else None
            end = closed_at if a_status == "cancelled" else None
            fa.write(
                "\t".join(
                    (
                        str(a_id),
                        str(cid),
                        str(agency),
                        a_status,
                        channel,
                        ts(dispatched),
                        N,
                        ts(ack_due),
                        ts(safe_due if best else None),
                        ts(resolve_due),
                        ts(ack if reached >= 1 else None),
                        N,
                        "ผู้ประสานงาน" if reached >= 1 else "",
                        ts(safe if reached >= 2 and best else None),
                        ts(resolved if reached >= 3 else None),
                        ts(resolved if reached >= 3 else None),
                        ts(verified if reached >= 4 else None),
                        ts(end),
                        "",
                        "",
                        N,
                        "0",
                        "0",
                        ts(end or verified or dispatched),
                        # the centre's review deadline (wall clock: BEST 2 h, others 8 h after the result)
                        ts(resolved + dt.timedelta(hours=2 if best else 8) if a_status == "resolved" else None),
                        "0",
                        "",
                        "",
                        "[]",
                    )
                )  # fmt: skip
                + "\n"
            )
            events = [("dispatched", dispatched)]
            if reached >= 1:
                events.append(("acknowledged", ack))
            if reached >= 3:
                events.append(("resolved", resolved))
            if reached >= 4:
                events.append(("verified", verified))
            if a_status == "cancelled":
                events.append(("cancelled", end))
            for kind, at in events:
                nt += 1
                ft.write(f"{tid + nt}\t{cid}\t{a_id}\t{kind}\t\t{{}}\t{N}\t{N}\t{ts(at)}\t\tadmin\n")
    return cid - start_ids[0], na, nt


def copy_file(cursor, model, path: Path) -> None:
    cols = ", ".join(TABLES[model])
    with cursor.copy(f"COPY {model._meta.db_table} ({cols}) FROM STDIN") as copy, path.open("rb") as f:
        while block := f.read(1 << 20):
            copy.write(block)


def secondary_indexes(cursor, tables) -> list[tuple[str, str]]:
    """(name, definition) of the non-unique, non-primary indexes of `tables`."""
    cursor.execute(
        """
        SELECT c.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary
        """,
        [list(tables)],
    )
    return cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=1555)
    parser.add_argument("--reset", action="store_true", help="delete all complaints first")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/seed.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    from django.utils import timezone

    args.now = timezone.now()
    args.tz = timezone.get_current_timezone()
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    tables = [m._meta.db_table for m in TABLES]
    with connection.cursor() as cursor:
        if args.reset:
            cursor.execute(
                "TRUNCATE complaints_timelineentry, complaints_photo, complaints_reminder, complaints_assignment, "
                "complaints_complaint RESTART IDENTITY CASCADE"
            )
            ReferenceCounter.objects.all().delete()
        starts = []
        for model in TABLES:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
            starts.append(cursor.fetchone()[0])
    counters = dict(ReferenceCounter.objects.values_list("year_be", "last_number"))
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"{m._meta.db_table}.tsv" for m in TABLES]
        handles = [p.open("w", encoding="utf-8") for p in paths]
        counts = generate(args, handles, starts, counters)
        for h in handles:
            h.close()
        t1 = time.perf_counter()
        print(
            f"generated {counts[0]:,} complaints, {counts[1]:,} assignments, {counts[2]:,} timeline rows in {t1 - t0:.0f} s"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: their trigger events
            # would pile up and forbid CREATE INDEX. The generator writes only valid keys, so
            # as a superuser skip the per-row FK triggers altogether (replica role);
            # otherwise check them at each COPY's end.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL session_replication_role = replica")
            indexes = secondary_indexes(cursor, tables)
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            for model, path in zip(TABLES, paths, strict=True):
                copy_file(cursor, model, path)
            t2 = time.perf_counter()
            print(f"copied in {t2 - t1:.0f} s; rebuilding {len(indexes)} indexes")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _, definition in indexes:
                cursor.execute(definition)
            for model in TABLES:
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
            for year, last in counters.items():
                ReferenceCounter.objects.update_or_create(year_be=year, defaults={"last_number": last})
            t3 = time.perf_counter()
            print(f"indexes rebuilt in {t3 - t2:.0f} s")
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
    print(f"done in {time.perf_counter() - t0:.0f} s; reference counters: {dict(sorted(counters.items()))}")


if __name__ == "__main__":
    main()
