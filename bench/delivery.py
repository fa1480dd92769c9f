"""Outbox delivery benchmark: 2 Celery worker processes push through the stub LINE server.

    .venv/bin/python bench/delivery.py                       # burst of 2,000, then 20/s for 15 s
    .venv/bin/python bench/delivery.py --burst 500 --rate 10 --seconds 10

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bkk_c) and
Redis (REDIS_URL, default redis://127.0.0.1:6379/3; that database is flushed).

Starts the stub LINE server (`testing.line_stub`, Nagle off — see STUB) and two workers
(`celery -A bkk1555 worker -Q line -P solo`, one process each), then writes outbox
rows the way the workflow does — one row per transaction, queued on commit — to one
LINE user each (a push). "Burst" writes them as fast as it can (throughput);
"paced" writes them at a steady rate (latency at a realistic load). For every row
the time from commit (`created_at`, set in the transaction) to delivered (`sent_at`,
after LINE's 200) comes from the database. Deletes its rows afterwards.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
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
from django.db import connection, transaction  # noqa: E402

from line_oa import outbox  # noqa: E402
from line_oa.models import OutboxMessage  # noqa: E402

TOKEN = "bench-token"
# The stub, with Nagle's algorithm off on its sockets: http.server writes headers and body
# in two sends, and the second waits ~40 ms for the client's delayed ACK — a stub artefact
# (LINE's servers do not do that) that would otherwise dominate every request.
STUB = (
    "import sys, http.server; http.server.BaseHTTPRequestHandler.disable_nagle_algorithm = True; "
    "from testing.line_stub import main; main(sys.argv[1:])"
)
S = OutboxMessage.Status


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


def produce(n: int, rate: float | None, tag: str) -> list[int]:
    ids = []
    started = time.monotonic()
    for i in range(n):
        if rate:
            target = started + i / rate
            if (pause := target - time.monotonic()) > 0:
                time.sleep(pause)
        with transaction.atomic():
            row = outbox.enqueue(
                to=[f"U{i:032x}"], messages=[{"type": "text", "text": f"{tag} {i} ทดสอบการส่ง"}], purpose="officer"
            )
        ids.append(row.pk)
    return ids


def measure(ids: list[int], label: str, timeout: float) -> dict:
    wait_for(
        lambda: OutboxMessage.objects.filter(pk__in=ids, status=S.SENT).count() == len(ids),
        timeout,
        f"{label}: all {len(ids)} delivered",
    )
    rows = list(OutboxMessage.objects.filter(pk__in=ids).values_list("created_at", "sent_at", "attempts"))
    latencies = sorted((sent - created).total_seconds() for created, sent, _ in rows)
    span = (max(s for _, s, _ in rows) - min(c for c, _, _ in rows)).total_seconds()
    sending = (max(s for _, s, _ in rows) - min(s for _, s, _ in rows)).total_seconds()
    result = {
        "n": len(ids),
        "msgs_per_s": len(ids) / span,
        "drain_per_s": (len(ids) - 1) / sending if sending else float("nan"),
        "p50": statistics.median(latencies),
        "p95": latencies[int(0.95 * (len(latencies) - 1))],
        "max": latencies[-1],
        "retried": sum(1 for *_, a in rows if a > 1),
    }
    print(
        f"{label}: {result['n']:,} messages, {result['msgs_per_s']:.0f} msg/s first commit→last delivery, "
        f"{result['drain_per_s']:.0f} msg/s first→last delivery, commit→delivered "
        f"p50 {result['p50'] * 1000:.0f} ms, p95 {result['p95'] * 1000:.0f} ms, max {result['max'] * 1000:.0f} ms, "
        f"{result['retried']} needed a retry"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/delivery.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", interactive=False, verbosity=0)
    OutboxMessage.objects.all().delete()
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    port = free_port()
    stub_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "LINE_API_BASE": stub_url,
        "LINE_DATA_API_BASE": stub_url,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LOG_LEVEL": "WARNING",
    }
    procs: list[subprocess.Popen] = []
    logs = tempfile.mkdtemp(prefix="bench-delivery-")
    try:
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", STUB, "--port", str(port), "--token", TOKEN],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        for i in range(args.workers):
            log = open(Path(logs) / f"worker{i}.log", "w")  # noqa: SIM115 - lives as long as the worker
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "bkk1555", "worker", "-Q", "line", "-P", "solo",
                     "-n", f"bench{i}@%h", "--without-mingle", "--without-gossip", "--loglevel", "INFO"],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                )
            )  # fmt: skip
        wait_for(
            lambda: all("ready." in (Path(logs) / f"worker{i}.log").read_text() for i in range(args.workers)),
            90,
            "the workers",
        )
        print(f"{args.workers} workers ready; stub LINE at {stub_url}")
        t0 = time.monotonic()
        burst = produce(args.burst, None, "burst")
        print(f"burst: {args.burst:,} rows committed in {time.monotonic() - t0:.1f} s")
        measure(burst, "burst", 600)
        paced = produce(int(args.rate * args.seconds), args.rate, "paced")
        measure(paced, f"paced {args.rate:.0f}/s", 120)
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        OutboxMessage.objects.all().delete()
        redis.Redis.from_url(settings.REDIS_URL).flushdb()


if __name__ == "__main__":
    main()
