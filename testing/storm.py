"""Flood-day traffic against a running Topology, and the ledger that proves nothing was lost.

The clients behave like the real ones: the MIS retries a case with the same Idempotency-Key
until it gets an answer, an officer retries a dispatch (409 "already dispatched" means an
earlier try went through), LINE posts each event once (no redelivery). Every call has a
deadline; `Storm.results()` reads the topology's database and the LINE stub to count cases
lost, cards sent twice, events lost or processed twice, reminders doubled.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from .topology import CHANNEL_SECRET, Topology


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


class Storm:
    def __init__(self, topo: Topology, *, prefix: str = "STORM", best_share: float = 0.4, seed: int = 1555):
        self.topo = topo
        self.prefix = prefix
        self.best_share = best_share
        self.random = random.Random(seed)
        self.token = topo.setup["token"]
        self.agencies = topo.setup["agencies"]
        self.best, self.normal = topo.setup["categories"]
        self.lock = threading.Lock()
        self.cases: dict[str, dict] = {}  # external_ref → {"id", "assignment", "agency"}
        self.errors: list[str] = []
        self.retries = 0
        self.webhook_seconds: list[float] = []
        self.page_seconds: dict[str, list[float]] = {}
        self.events_sent: list[str] = []

    # --- calls with retries -------------------------------------------------------------------------
    def _call(self, path, *, method="GET", payload=None, headers=None, ok=(200, 201), deadline=60.0, also=()):
        body = json.dumps(payload).encode() if payload is not None else None
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json", **(headers or {})}
        end = time.monotonic() + deadline
        attempt = 0
        while True:
            attempt += 1
            try:
                status, _, raw = self.topo.http(path, method=method, body=body, headers=headers, timeout=15)
                if status in ok or status in also:
                    return status, json.loads(raw or b"null")
                problem = f"{status} {raw[:200]!r}"
            except Exception as exc:  # noqa: BLE001 - a node died under us: try again
                problem = repr(exc)
            if time.monotonic() > end:
                raise RuntimeError(f"{method} {path} gave up after {attempt} tries: {problem}")
            with self.lock:
                self.retries += 1
            time.sleep(min(2.0, 0.2 * attempt))

    def intake_and_dispatch(self, n: int) -> None:
        agency = self.agencies[n % len(self.agencies)]
        ref = f"{self.prefix}-{n:06d}"
        best = self.random.random() < self.best_share
        payload = {
            "external_ref": ref,
            "category": self.best if best else self.normal,
            "description": f"น้ำท่วมขัง ถนนหน้าซอย {n}",
            "district": agency["district"],
            "lat": "13.756",
            "lng": "100.502",
        }
        try:
            _, case = self._call(
                "/api/v1/complaints/", method="POST", payload=payload, headers={"Idempotency-Key": ref}
            )
            status, dispatched = self._call(
                f"/api/v1/complaints/{case['id']}/dispatch/",
                method="POST",
                payload={"agencies": [agency["code"]]},
                also=(409,),
            )
            with self.lock:
                self.cases[ref] = {"id": case["id"], "agency": agency}
        except Exception as exc:  # noqa: BLE001
            with self.lock:
                self.errors.append(f"{ref}: {exc}")

    def run_intake(self, count: int, *, threads: int = 4, start: int = 0, on_progress=None) -> None:
        with ThreadPoolExecutor(threads) as pool:
            futures = [pool.submit(self.intake_and_dispatch, start + n) for n in range(count)]
            for i, future in enumerate(futures):
                future.result(timeout=600)
                if on_progress:
                    on_progress(i + 1)

    # --- LINE webhook traffic ------------------------------------------------------------------------
    def post_events(self, events: list[dict]) -> int:
        raw = json.dumps({"destination": "U" + "f" * 32, "events": events}, ensure_ascii=False).encode()
        signature = base64.b64encode(hmac.new(CHANNEL_SECRET.encode(), raw, hashlib.sha256).digest()).decode()
        headers = {"Content-Type": "application/json", "X-Line-Signature": signature}
        end = time.monotonic() + 60
        while True:
            started = time.perf_counter()
            try:
                status, _, _ = self.topo.http("/line/webhook/", method="POST", body=raw, headers=headers, timeout=10)
                if status == 200:
                    with self.lock:
                        self.webhook_seconds.append(time.perf_counter() - started)
                        self.events_sent += [e["webhookEventId"] for e in events]
                    return status
            except Exception:  # noqa: BLE001 - LINE would redeliver only if asked; we resend the same ids
                pass
            if time.monotonic() > end:
                raise RuntimeError("webhook never answered 200")
            time.sleep(0.5)

    def _event(self, kind: str, line_user_id: str, **body) -> dict:
        event = {
            "type": kind,
            "mode": "active",
            "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": line_user_id},
            "webhookEventId": "01" + uuid.uuid4().hex[:24].upper(),
            "deliveryContext": {"isRedelivery": False},
            "replyToken": uuid.uuid4().hex,
        }
        event.update(body)
        return event

    def coordinator_reports(self, assignment_id: int, line_user_id: str, photo: bytes) -> None:
        """รายงานผล, a photo (LINE content), the location, เสร็จสิ้น — in one webhook body, in order."""
        message_id = str(700000000000000000 + assignment_id)
        self.topo.stub.add_content(message_id, photo)
        events = [
            self._event("postback", line_user_id, postback={"data": f"action=report&a={assignment_id}"}),
            self._event(
                "message",
                line_user_id,
                message={
                    "type": "image",
                    "id": message_id,
                    "quoteToken": uuid.uuid4().hex,
                    "contentProvider": {"type": "line"},
                },
            ),
            self._event(
                "message",
                line_user_id,
                message={
                    "type": "location",
                    "id": str(int(message_id) + 1),
                    "latitude": 13.756,
                    "longitude": 100.502,
                    "address": "กรุงเทพฯ",
                },
            ),
            self._event("postback", line_user_id, postback={"data": f"action=done&a={assignment_id}"}),
        ]
        self.post_events(events)

    def acknowledge_all(self, *, threads: int = 4) -> None:
        rows = self.topo.sql(
            "SELECT a.id, ag.code FROM complaints_assignment a JOIN complaints_complaint c ON c.id = a.complaint_id "
            "JOIN agencies_agency ag ON ag.id = a.agency_id WHERE c.external_ref LIKE %s",
            (f"{self.prefix}-%",),
        )
        line_ids = {a["code"]: a["line_user_id"] for a in self.agencies}

        def ack(row):
            assignment_id, code = row
            event = {
                "type": "postback",
                "mode": "active",
                "timestamp": int(time.time() * 1000),
                "source": {"type": "user", "userId": line_ids[code]},
                "webhookEventId": "01" + uuid.uuid4().hex[:24].upper(),
                "deliveryContext": {"isRedelivery": False},
                "replyToken": uuid.uuid4().hex,
                "postback": {"data": f"action=ack&a={assignment_id}"},
            }
            self.post_events([event])

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(ack, rows, timeout=600))

    # --- pages officers and executives load ------------------------------------------------------------
    def load_pages(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for name, path in (("api_list", "/api/v1/complaints/?best=true"), ("open311", "/open311/v2/requests.json")):
                started = time.perf_counter()
                try:
                    status, _, _ = self.topo.http(path, headers={"Authorization": f"Token {self.token}"}, timeout=10)
                    if status == 200:
                        self.page_seconds.setdefault(name, []).append(time.perf_counter() - started)
                except Exception:  # noqa: BLE001
                    pass
            time.sleep(0.2)

    # --- the ledger -------------------------------------------------------------------------------
    def settled(self) -> bool:
        pending = self.topo.sql("SELECT count(*) FROM line_oa_outboxmessage WHERE status IN ('pending', 'sending')")[0][
            0
        ]
        events = self.topo.sql("SELECT count(*) FROM line_oa_webhookevent WHERE status IN ('pending', 'processing')")[
            0
        ][0]
        return pending == 0 and events == 0

    def results(self) -> dict:
        sql = self.topo.sql
        like = (f"{self.prefix}-%",)
        cases = sql(
            "SELECT count(*), count(DISTINCT external_ref) FROM complaints_complaint WHERE external_ref LIKE %s", like
        )[0]
        assignments = sql(
            "SELECT count(*) FROM complaints_assignment a JOIN complaints_complaint c ON c.id = a.complaint_id "
            "WHERE c.external_ref LIKE %s",
            like,
        )[0][0]
        outbox = dict(
            sql("SELECT status, count(*) FROM line_oa_outboxmessage WHERE purpose = 'dispatch' GROUP BY status")
        )
        # A card twice = two dispatch rows for one assignment (each row has its own retry key, so LINE
        # would deliver both); one row sent twice is impossible past the stub, which honours the key.
        cards_twice = sql(
            "SELECT count(*) FROM (SELECT assignment_id FROM line_oa_outboxmessage "
            "WHERE purpose = 'dispatch' GROUP BY 1 HAVING count(*) > 1) d"
        )[0][0]
        accepted = [r for r in self.topo.stub.requests if r.status == 200 and r.path.endswith(("/push", "/multicast"))]
        keys = [r.retry_key for r in accepted]
        sent_rows = sql("SELECT count(*) FROM line_oa_outboxmessage WHERE status = 'sent'")[0][0]
        delivery = [
            float(x)
            for (x,) in sql(
                "SELECT EXTRACT(EPOCH FROM sent_at - created_at) FROM line_oa_outboxmessage "
                "WHERE purpose = 'dispatch' AND sent_at IS NOT NULL"
            )
        ]
        events = dict(sql("SELECT status, count(*) FROM line_oa_webhookevent GROUP BY status"))
        stored_ids = {x for (x,) in sql("SELECT webhook_event_id FROM line_oa_webhookevent")}
        acks = sql(
            "SELECT count(*) FROM complaints_timelineentry t JOIN complaints_assignment a ON a.id = t.assignment_id "
            "JOIN complaints_complaint c ON c.id = a.complaint_id WHERE c.external_ref LIKE %s AND t.kind = 'acknowledged'",
            like,
        )[0][0]
        resolved = sql(
            "SELECT count(*) FROM complaints_assignment a JOIN complaints_complaint c ON c.id = a.complaint_id "
            "WHERE c.external_ref LIKE %s AND a.status IN ('resolved', 'verified')",
            like,
        )[0][0]
        reminders = dict(sql("SELECT level, count(*) FROM complaints_reminder GROUP BY level"))
        acked = sql(
            "SELECT count(*) FROM complaints_assignment a JOIN complaints_complaint c ON c.id = a.complaint_id "
            "WHERE c.external_ref LIKE %s AND a.acknowledged_at IS NOT NULL",
            like,
        )[0][0]
        reminders_doubled = sql(
            "SELECT count(*) FROM (SELECT 1 FROM complaints_reminder GROUP BY assignment_id, stage, level HAVING count(*) > 1) d"
        )[0][0]
        replies = [r for r in self.topo.stub.requests if r.path.endswith("/reply")]
        used_twice = sum(1 for r in replies if r.status == 400)
        return {
            "cases_sent": len(self.cases) + len(self.errors),
            "cases_stored": cases[0],
            "cases_distinct": cases[1],
            "cases_lost": len(self.cases) + len(self.errors) - cases[1],
            "client_errors": self.errors[:5],
            "client_retries": self.retries,
            "assignments": assignments,
            "dispatch_outbox": outbox,
            "cards_twice": cards_twice,
            "pushes_accepted": len(accepted),
            "retry_keys_accepted_twice": len(keys) - len(set(keys)),
            "outbox_rows_sent": sent_rows,
            "events_sent": len(set(self.events_sent)),
            "events_lost": len(set(self.events_sent) - stored_ids),
            "events_by_status": events,
            "ack_timeline_entries": acks,
            "assignments_acknowledged": acked,
            "reminders_doubled": reminders_doubled,
            "reminders_by_level": reminders,
            "assignments_resolved": resolved,
            "reply_tokens_reused": used_twice,
            "delivery_p50": percentile(delivery, 50),
            "delivery_p95": percentile(delivery, 95),
            "delivery_p99": percentile(delivery, 99),
            "webhook_p50": percentile(self.webhook_seconds, 50),
            "webhook_p99": percentile(self.webhook_seconds, 99),
            "pages_p95": {k: percentile(v, 95) for k, v in self.page_seconds.items()},
            "pages_median": {k: statistics.median(v) for k, v in self.page_seconds.items() if v},
        }
