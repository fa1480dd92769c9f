"""Flood-day storm against the deploy/ topology, with faults injected (issue 15). One command:

    .venv/bin/python bench/storm.py                      # 1,000 cases over 6 minutes
    .venv/bin/python bench/storm.py --cases 5000 --minutes 20 --threads 8

Needs nginx, redis-sentinel and PostgreSQL's server binaries (Debian packages); runs as
root (initdb via the postgres user) or as a user that may run initdb. Starts everything on
loopback from the deploy/ files (testing/topology.py): nginx → 2 gunicorn nodes, a `line`
and a `default` worker, 2 beats (one leads), Redis master + replica + Sentinel, PostgreSQL
primary + streaming replica, and the LINE stub with 30–120 ms latency and 1 % errors.

Traffic (testing/storm.py): cases recorded and dispatched through the API at a steady rate
(40 % BEST), each case's coordinator acknowledges over the webhook; half of them then report
the result (รายงานผล, a photo downloaded from LINE's content API, the location, เสร็จสิ้น);
10 % are never answered so reminders fire (BEST acknowledge SLA 1 minute here); officers'
API lists and Open311 are loaded all along. Faults, by share of the intake done:
10 % web1 SIGKILLed (back at 20 %), 25 % Redis master SIGKILLed (Sentinel promotes the
replica; the old one comes back as a replica), 35 % the Redis master frozen 20 s (SIGSTOP),
45 % LINE answers 500/429 for 60 s, 55 % PostgreSQL replica stopped (back at 75 %),
65 % the LINE worker SIGKILLed, 60–80 % the default worker SIGKILLed every 5 s while it
processes webhook events, 80 % the leading beat SIGKILLed.

Prints the ledger (lost / doubled must all be 0), latencies, time to recover from each fault
and CPU seconds per component; the figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkk1555.settings")

import django  # noqa: E402

django.setup()

from testing import topology  # noqa: E402
from testing.images import jpeg_bytes  # noqa: E402
from testing.line_stub import LineStub  # noqa: E402
from testing.storm import Storm, percentile  # noqa: E402


class FloodStub(LineStub):
    """The stub with LINE-like latency, 1 % errors, and an outage switch."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rng = random.Random(1555)
        self.outage_until = 0.0

    def handle(self, method, path, headers, raw):
        time.sleep(self.rng.uniform(0.03, 0.12))
        if time.monotonic() < self.outage_until:
            return (429 if self.rng.random() < 0.5 else 500), {}, {"message": "stub outage"}
        if self.rng.random() < 0.01 and not path.startswith("/v2/bot/message/quota"):
            return 500, {}, {"message": "stub 1 % error"}
        return super().handle(method, path, headers, raw)


def postgres_cpu(topo) -> dict[str, float]:
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for data in ("pg-primary", "pg-replica"):
        try:
            master = int((topo.dir / data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError):
            continue
        total = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat.parent.name) == master or int(fields[1]) == master:
                total += (int(fields[11]) + int(fields[12])) / ticks
        out[data] = total
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=6.0, help="intake spread over this long")
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the work directory and its logs")
    args = parser.parse_args()
    reason = topology.missing()
    if reason:
        raise SystemExit(f"cannot run the topology here: {reason}")

    stub = FloodStub(token="storm-token").start()
    workdir = Path(tempfile.mkdtemp(prefix="bkk1555-storm-"))
    topo = topology.Topology(workdir, stub=stub, web_workers=3, concurrency=3)
    t0 = time.monotonic()
    faults: dict[str, object] = {}
    cpu_seen: dict[str, dict[int, float]] = {}
    stop = threading.Event()
    try:
        topo.start(topology.SETUP.format(agencies=args.agencies, ack_minutes=1))
        faults["startup_s"] = round(time.monotonic() - t0, 1)
        storm = Storm(topo, prefix="FLOOD")
        photo = jpeg_bytes(size=(640, 480))
        officer_ms: list[tuple[float, float]] = []  # (when, seconds) for intake+dispatch calls

        def sample_cpu():
            while not stop.wait(2):
                for name, seconds in {**topo.cpu_seconds(), **postgres_cpu(topo)}.items():
                    pid = topo.procs[name].pid if name in topo.procs else 0
                    cpu_seen.setdefault(name, {})[pid] = seconds

        threading.Thread(target=sample_cpu, daemon=True).start()

        coordinator_pool = ThreadPoolExecutor(4)

        def after_dispatch(n: int) -> None:
            ref = f"FLOOD-{n:06d}"
            case = storm.cases.get(ref)
            if case is None or n % 10 == 9:  # 10 % never answered: reminders fire
                return
            rows = topo.sql("SELECT id FROM complaints_assignment WHERE complaint_id = %s", (case["id"],))
            if not rows:
                return
            assignment_id, line_id = rows[0][0], case["agency"]["line_user_id"]

            def flow():
                storm.post_events(
                    [storm._event("postback", line_id, postback={"data": f"action=ack&a={assignment_id}"})]
                )
                if n % 2 == 0:
                    time.sleep(2)
                    storm.coordinator_reports(assignment_id, line_id, photo)

            coordinator_pool.submit(flow)

        def one(n: int) -> None:
            started = time.perf_counter()
            storm.intake_and_dispatch(n)
            officer_ms.append((time.monotonic() - t0, time.perf_counter() - started))
            after_dispatch(n)

        def freeze_redis():
            host, port = topo.redis_master()
            name = f"redis{topo.redis_ports.index(port) + 1}"
            started = time.monotonic()
            topo.kill(name, signal.SIGSTOP)
            time.sleep(20)
            topo.kill(name, signal.SIGCONT)
            faults["redis_freeze_at_s"] = round(started - t0, 1)

        def worker_killer():
            for _ in range(4):
                time.sleep(5)
                topo.kill("worker-default")
                topo.restart("worker-default")
            faults["default_worker_sigkills"] = 4

        marks = {
            int(args.cases * share): name
            for share, name in (
                (0.10, "kill_web1"),
                (0.20, "restart_web1"),
                (0.25, "redis_failover"),
                (0.35, "redis_freeze"),
                (0.45, "line_outage"),
                (0.55, "replica_stop"),
                (0.60, "worker_default_kills"),
                (0.65, "kill_worker_line"),
                (0.75, "replica_start"),
                (0.80, "kill_beat_leader"),
            )
        }

        def inject(name: str) -> None:
            at = round(time.monotonic() - t0, 1)
            faults.setdefault("timeline", []).append((at, name))
            if name == "kill_web1":
                topo.kill("web1")
            elif name == "restart_web1":
                topo.restart("web1")
            elif name == "redis_failover":
                old = topo.redis_master()
                faults["redis_failover_s"] = round(topo.kill_redis_master(), 2)
                name_old = f"redis{topo.redis_ports.index(old[1]) + 1}"
                topo.restart(name_old)  # Sentinel turns it into a replica of the new master
            elif name == "redis_freeze":
                threading.Thread(target=freeze_redis, daemon=True).start()
            elif name == "line_outage":
                stub.outage_until = time.monotonic() + 60
            elif name == "replica_stop":
                topo.pg_ctl("pg-replica", "stop")
            elif name == "replica_start":
                topo.pg_ctl("pg-replica", "start")
            elif name == "worker_default_kills":
                threading.Thread(target=worker_killer, daemon=True).start()
            elif name == "kill_worker_line":
                topo.kill("worker-line")
                topo.restart("worker-line")
            elif name == "kill_beat_leader":
                leader = next(
                    (
                        b
                        for b in ("beat1", "beat2")
                        if topo.procs[b].poll() is None and "taken" in topo.logs[b].read_text()
                    ),
                    None,
                )
                if leader:
                    killed = time.monotonic()
                    topo.kill(leader)
                    topology.wait_for(lambda: topo.beat_leaders() == 1, timeout=60, what="new beat leader")
                    faults["beat_takeover_s"] = round(time.monotonic() - killed, 2)

        pages = threading.Thread(target=storm.load_pages, args=(args.minutes * 60 + 60,), daemon=True)
        pages.start()
        interval = args.minutes * 60 / args.cases
        intake_start = time.monotonic()
        with ThreadPoolExecutor(args.threads) as pool:
            futures = []
            for n in range(args.cases):
                target = intake_start + n * interval
                delay = target - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                futures.append(pool.submit(one, n))
                if n in marks:
                    threading.Thread(target=inject, args=(marks[n],), daemon=True).start()
            for f in futures:
                f.result(timeout=1800)
        faults["intake_s"] = round(time.monotonic() - intake_start, 1)
        coordinator_pool.shutdown(wait=True)
        settle = time.monotonic()
        topology.wait_for(storm.settled, timeout=600, what="everything sent and processed", every=2)
        faults["settle_after_traffic_s"] = round(time.monotonic() - settle, 1)
        time.sleep(70)  # a reminder sweep for the unanswered cases, and a last look at the metrics
        pages.join(timeout=5)
        result = storm.results()
        stop.set()
        cpu = {name: round(sum(per_pid.values()), 1) for name, per_pid in cpu_seen.items()}
        freeze_at = faults.get("redis_freeze_at_s")
        during_freeze = [s for at, s in officer_ms if freeze_at and freeze_at <= at <= freeze_at + 25]
        report = {
            "cases": args.cases,
            "minutes": args.minutes,
            "ledger": result,
            "officer_intake_dispatch_p50": percentile([s for _, s in officer_ms], 50),
            "officer_intake_dispatch_p95": percentile([s for _, s in officer_ms], 95),
            "officer_intake_dispatch_max_during_freeze": max(during_freeze) if during_freeze else None,
            "faults": faults,
            "restarts": [
                (round(at - time.time() + (time.monotonic() - t0), 1), name, planned)
                for at, name, planned in topo.restarts
            ],
            "unplanned_exits": topo.unplanned_exits(),
            "cpu_seconds": cpu,
            "wall_s": round(time.monotonic() - t0, 1),
        }
        print(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        lost = result["cases_lost"] + result["events_lost"] + result["cards_twice"] + result["reminders_doubled"]
        if lost or result["ack_timeline_entries"] != result["assignments_acknowledged"]:
            print("STORM FAILED: something was lost or doubled", file=sys.stderr)
            sys.exit(1)
    finally:
        stop.set()
        topo.stop()
        stub.stop()
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
