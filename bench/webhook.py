"""Webhook ingest benchmark: gunicorn on PostgreSQL, load from wrk in a second process.

    .venv/bin/python bench/webhook.py                 # 20 s, 32 connections, 4 gunicorn workers
    .venv/bin/python bench/webhook.py --duration 10 --connections 16 --workers 3
    .venv/bin/python bench/webhook.py --fastpath     # the webhook route without Django's middleware

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bkk_b), Redis
(REDIS_URL, default redis://127.0.0.1:6379/2) and wrk (Debian: apt-get install -y wrk).

What it does: migrates the database, empties line_oa_webhookevent (in that database
only), writes pre-signed callback bodies of 1–5 events each (every 20th body a
redelivery of an earlier one, flagged isRedelivery, same webhookEventIds), starts
gunicorn (sync workers, DEBUG off) and runs wrk with a Lua script that POSTs them in
order, each signed exactly like LINE (base64 HMAC-SHA256 with the channel secret).
Processing is *queued, not run*: every request publishes its Celery task to Redis and
no worker consumes it during the measure; the queue is purged afterwards. Then it
counts rows: every event of every body answered 200 must be stored exactly once
(lost = 0; duplicates are impossible by the unique key, and checked anyway).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-channel-secret"

LUA = r"""
local path = "%(path)s"
local bodies, sigs, n = {}, {}, 0
for line in io.lines(path) do
  local tab = line:find("\t", 1, true)
  n = n + 1
  sigs[n] = line:sub(1, tab - 1)
  bodies[n] = line:sub(tab + 1)
end
local threads = {}
issued, completed, non200 = 0, 0, 0
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads - 1)
end
function request()
  local i = tid + issued * %(threads)d + 1
  if i > n then i = ((i - 1) %% n) + 1 end
  issued = issued + 1
  return wrk.format("POST", "/line/webhook/",
    {["Content-Type"] = "application/json", ["X-Line-Signature"] = sigs[i]}, bodies[i])
end
function response(status, headers, body)
  if status == 200 then completed = completed + 1 else non200 = non200 + 1 end
end
function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write(string.format("BENCH %%d %%d %%d %%d\n", t:get("tid"), t:get("issued"), t:get("completed"), t:get("non200")))
  end
  io.write(string.format("LAT p50=%%.2f p90=%%.2f p99=%%.2f p999=%%.2f max=%%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
"""


def _event(user: str, i: int) -> dict:
    return {
        "type": "message",
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": "01B" + uuid.uuid4().hex[:23].upper(),
        "deliveryContext": {"isRedelivery": False},
        "replyToken": uuid.uuid4().hex,
        "message": {
            "type": "text",
            "id": str(500000000000000000 + i),
            "quoteToken": uuid.uuid4().hex,
            "text": "ท่อระบายน้ำอุดตัน น้ำท่วมขังหน้าซอย กำลังดำเนินการ",
        },
    }


def make_bodies(count: int) -> list[tuple[str, bytes, list[str]]]:
    from line_oa.webhook import sign_body

    out = []
    k = 0
    for n in range(count):
        if n % 20 == 19 and out:
            _, earlier, ids = out[n // 2]
            data = json.loads(earlier)
            for e in data["events"]:
                e["deliveryContext"]["isRedelivery"] = True
        else:
            events = []
            for _ in range(1 + n % 5):
                k += 1
                events.append(_event(f"U{k % 400:032x}", k))
            data = {"destination": "U" + "b" * 32, "events": events}
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        out.append((sign_body(raw, SECRET), raw, [e["webhookEventId"] for e in data["events"]]))
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except Exception:  # noqa: BLE001
            time.sleep(0.3)
    raise SystemExit(f"server did not come up at {url}")


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def cpu_seconds(master: int) -> dict:
    """CPU used so far by gunicorn (master and workers) and by this database's backends."""
    from django.db import connection

    workers = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        backends = [r[0] for r in cur.fetchall()]
    hz = os.sysconf("SC_CLK_TCK")
    return {
        "web": sum(_ticks(int(p)) for p in [master, *workers]) / hz,
        "db": {p: _ticks(p) / hz for p in backends},
    }


def run_wrk(url: str, bodies_file: Path, threads: int, connections: int, duration: int) -> str:
    script = bodies_file.with_suffix(".lua")
    script.write_text(LUA % {"path": bodies_file, "threads": threads})
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "-s", str(script), url]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--fastpath", action="store_true", help="serve line_oa.fastpath:application (no middleware)")
    parser.add_argument(
        "--gthreads", type=int, default=0, help="gunicorn gthread threads per worker (0 = sync workers)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install -y wrk")
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bkk_b"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2"),
        "LINE_CHANNEL_SECRET": SECRET,
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "bkk1555.settings",
    }
    if not env["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("the benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    import django

    django.setup()
    from django.db import connection

    from bkk1555.celery import app
    from line_oa.models import WebhookEvent

    def reset() -> None:
        with connection.cursor() as cur:
            cur.execute("TRUNCATE line_oa_webhookevent")
        app.control.purge()

    reset()
    load_before = os.getloadavg()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    tmp = Path(tempfile.mkdtemp(prefix="bench-webhook-"))
    n_bodies = args.duration * 2000
    bodies = make_bodies(n_bodies)
    bodies_file = tmp / "bodies.tsv"
    bodies_file.write_bytes(b"".join(sig.encode() + b"\t" + raw + b"\n" for sig, raw, _ in bodies))
    warm = tmp / "warm.tsv"
    warm.write_bytes(b"".join(sig.encode() + b"\t" + raw + b"\n" for sig, raw, _ in make_bodies(400)))
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "line_oa.fastpath:application" if args.fastpath else "bkk1555.wsgi:application",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            *(["--worker-class", "gthread", "--threads", str(args.gthreads)] if args.gthreads else []),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_up(url + "/healthz")
        run_wrk(url, warm, args.threads, args.connections, 3)  # warm-up: connections, imports, caches
        time.sleep(1)
        reset()
        before = cpu_seconds(gunicorn.pid)
        output = run_wrk(url, bodies_file, args.threads, args.connections, args.duration)
        after = cpu_seconds(gunicorn.pid)
    finally:
        gunicorn.terminate()
        gunicorn.wait(15)
    time.sleep(0.5)
    import redis

    queued = redis.Redis.from_url(env["REDIS_URL"]).llen("default")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    lat = dict(re.findall(r"(p\d+|max)=([\d.]+)", output))
    per_thread = [tuple(map(int, m)) for m in re.findall(r"BENCH (\d+) (\d+) (\d+) (\d+)", output)]
    # wrk keeps `connections / threads` requests in flight per thread, so the first
    # `completed - in_flight` bodies of each thread were certainly answered 200.
    in_flight = args.connections // args.threads
    answered, sent, non200 = set(), set(), 0
    # wrk calls request() once on thread 0 before the run to verify the script
    # (script_verify_request): that body is never sent.
    for tid, issued, completed, bad in per_thread:
        non200 += bad
        skip = 1 if tid == 0 else 0
        for j in range(skip, issued):
            i = (tid + j * args.threads) % n_bodies
            sent.update(bodies[i][2])
            if j < skip + completed - in_flight:
                answered.update(bodies[i][2])
    rows = WebhookEvent.objects.count()
    stored = set(WebhookEvent.objects.values_list("webhook_event_id", flat=True))
    lost = len(answered - stored)
    where = {}
    for tid, issued, completed, _ in per_thread:
        for j in range(issued):
            for eid in bodies[(tid + j * args.threads) % n_bodies][2]:
                where.setdefault(eid, []).append((tid, j, completed))
    lost_examples = [(eid, where.get(eid)) for eid in list(answered - stored)[:5]]
    events_in_bodies = sum(
        len(bodies[(t + j * args.threads) % n_bodies][2]) for t, iss, c, _ in per_thread for j in range(c)
    )
    done_requests = sum(c for _, _, c, _ in per_thread)
    web_cpu = after["web"] - before["web"]
    db_cpu = sum(v - before["db"].get(p, 0) for p, v in after["db"].items())
    cpu_ms = (web_cpu + db_cpu) / max(done_requests, 1) * 1000
    report = {
        "cpu_ms_per_request": {
            "web": round(web_cpu / max(done_requests, 1) * 1000, 3),
            "postgres": round(db_cpu / max(done_requests, 1) * 1000, 3),
        },
        # What two cores would serve if nothing else ran (wrk and Redis excluded).
        "requests_per_s_on_two_free_cores": round(2000 / cpu_ms) if cpu_ms else None,
        "requests_per_s": rps,
        "latency_ms": {k: float(v) for k, v in lat.items()},
        "requests_answered_200": sum(c for _, _, c, _ in per_thread),
        "non_200": non200,
        "events_in_answered_bodies": events_in_bodies,
        "unique_events_certainly_answered": len(answered),
        "rows_stored": rows,
        "rows_not_sent": len(stored - sent),
        "lost": lost,
        "lost_examples": lost_examples,
        "duplicates": rows - len(stored),
        "processing_tasks_queued": queued,
        "workers": args.workers,
        "gthreads": args.gthreads,
        "fastpath": args.fastpath,
        "load_average_before": load_before,
        "connections": args.connections,
        "duration_s": args.duration,
    }
    print(output)
    print(json.dumps(report, indent=2))
    reset()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
