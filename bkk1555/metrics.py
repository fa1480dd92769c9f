"""Prometheus metrics at /metrics (prometheus_client), for the operator.

Two kinds:
- **Counted in the processes** (request latency by view group, LINE API answers by
  status, Celery task durations and failures — the reminder sweep is the task
  `complaints.tasks.sweep_reminders`). With several processes on a machine (gunicorn
  workers, Celery workers) set `PROMETHEUS_MULTIPROC_DIR` to one empty directory for
  all of them (the systemd units do): any web process's /metrics then sums the machine.
- **Read from the database and Redis at scrape time** (one collector, the same answer on
  every node): outbox backlog and oldest pending age per purpose, failed messages,
  webhook events pending/failed and the oldest pending age, reminders sent by level,
  Celery queue lengths, replica lag, LINE quota (asked from LINE at most every 5 minutes).

Protected by `METRICS_TOKEN` (`Authorization: Bearer …`); unset → 404. Alert rules: deploy/prometheus/alerts.yml.
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
import time

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import REGISTRY, CounterMetricFamily, GaugeMetricFamily

log = logging.getLogger(__name__)

REQUEST_SECONDS = Histogram(
    "bkk1555_http_request_duration_seconds",
    "Time to answer a request, by view group",
    ["group", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10),
)
LINE_ANSWERS = Counter(
    "bkk1555_line_api_responses_total",
    "Answers from the LINE API by call and HTTP status (2xx, a code, or 'network')",
    ["call", "status"],
)
TASK_SECONDS = Histogram(
    "bkk1555_celery_task_duration_seconds",
    "Celery task run time (the reminder sweep is complaints.tasks.sweep_reminders)",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 90),
)
TASK_FAILURES = Counter("bkk1555_celery_task_failures_total", "Celery tasks that raised", ["task"])

QUEUES = ("line", "default")
QUOTA_EVERY = 300.0
REMINDERS_EVERY = 60.0


class StateCollector:
    """Figures read from the database and Redis when Prometheus scrapes."""

    def __init__(self) -> None:
        self._quota_lock = threading.Lock()
        self._quota: tuple[float, dict | None] = (0.0, None)
        self._reminder_counts: tuple[float, list | None] = (0.0, None)

    def describe(self):
        return []  # collected at scrape time only

    def collect(self):
        for collect in (
            self._outbox,
            self._webhooks,
            self._reminders,
            self._queues,
            self._replica,
            self._quota_metrics,
        ):
            try:
                yield from collect()
            except Exception as exc:  # noqa: BLE001 - one broken source must not hide the others
                log.warning("metrics: %s failed: %s", collect.__name__, exc.__class__.__name__)
                up = GaugeMetricFamily("bkk1555_metrics_source_up", "1 when this source answered", labels=["source"])
                up.add_metric([collect.__name__.strip("_")], 0)
                yield up

    def _outbox(self):
        from django.db.models import Count, Min
        from django.utils import timezone

        from line_oa.models import OutboxMessage

        S = OutboxMessage.Status
        now = timezone.now()
        backlog = GaugeMetricFamily(
            "bkk1555_outbox_backlog", "Outgoing LINE messages not yet sent", labels=["purpose", "status"]
        )
        oldest = GaugeMetricFamily(
            "bkk1555_outbox_oldest_pending_seconds", "Age of the oldest unsent message", labels=["purpose"]
        )
        failed = GaugeMetricFamily("bkk1555_outbox_failed", "Messages that failed for good", labels=["purpose"])
        ages: dict[str, float] = {p: 0.0 for p in OutboxMessage.Purpose.values}
        counts = {(p, s): 0 for p in OutboxMessage.Purpose.values for s in (S.PENDING, S.SENDING)}
        rows = (
            OutboxMessage.objects.filter(status__in=[S.PENDING, S.SENDING])
            .values("purpose", "status")
            .annotate(n=Count("id"), first=Min("created_at"))
        )
        for row in rows:
            counts[(row["purpose"], row["status"])] = row["n"]
            age = (now - row["first"]).total_seconds()
            ages[row["purpose"]] = max(ages.get(row["purpose"], 0.0), age)
        for (purpose, status), n in counts.items():
            backlog.add_metric([purpose, status], n)
        for purpose, age in ages.items():
            oldest.add_metric([purpose], age)
        for row in OutboxMessage.objects.filter(status=S.FAILED).values("purpose").annotate(n=Count("id")):
            failed.add_metric([row["purpose"]], row["n"])
        yield from (backlog, oldest, failed)

    def _webhooks(self):
        from django.db.models import Count, Min
        from django.utils import timezone

        from line_oa.models import WebhookEvent

        S = WebhookEvent.Status
        now = timezone.now()
        waiting = GaugeMetricFamily("bkk1555_webhook_events", "Stored LINE webhook events not done", labels=["status"])
        oldest = GaugeMetricFamily(
            "bkk1555_webhook_oldest_pending_seconds", "Age of the oldest event still pending or processing"
        )
        counts = {s: 0 for s in (S.PENDING, S.PROCESSING, S.FAILED)}
        first = None
        rows = (
            WebhookEvent.objects.filter(status__in=list(counts))
            .values("status")
            .annotate(n=Count("id"), first=Min("received_at"))
        )
        for row in rows:
            counts[row["status"]] = row["n"]
            if row["status"] != S.FAILED and row["first"] is not None:
                first = row["first"] if first is None else min(first, row["first"])
        for status, n in counts.items():
            waiting.add_metric([status], n)
        oldest.add_metric([], (now - first).total_seconds() if first else 0.0)
        yield from (waiting, oldest)

    def _reminders(self):
        """Counted over the whole table, so at most once a minute per process (Prometheus scrapes more often)."""
        from django.db.models import Count

        from complaints.models import Reminder

        fetched_at, counts = self._reminder_counts
        if counts is None or time.monotonic() - fetched_at > REMINDERS_EVERY:
            rows = Reminder.objects.values("level").annotate(n=Count("id")).order_by("level")
            counts = [(str(row["level"]), row["n"]) for row in rows]
            self._reminder_counts = (time.monotonic(), counts)
        sent = CounterMetricFamily("bkk1555_reminders_sent", "Overdue reminders sent, by level", labels=["level"])
        for level, n in counts:
            sent.add_metric([level], n)
        yield sent

    def _queues(self):
        if not settings.REDIS_URL:
            return
        from .redisconf import client

        redis = client(
            settings.REDIS_URL,
            master=settings.REDIS_SENTINEL_MASTER,
            sentinel_password=settings.REDIS_SENTINEL_PASSWORD,
        )
        lengths = GaugeMetricFamily(
            "bkk1555_celery_queue_length", "Messages waiting in a Celery queue", labels=["queue"]
        )
        for queue in QUEUES:
            lengths.add_metric([queue], redis.llen(queue))
        yield lengths

    def _replica(self):
        from . import dbrouter

        status = dbrouter.check()
        if not status["configured"]:
            return
        yield GaugeMetricFamily("bkk1555_replica_up", "1 when the PostgreSQL replica answers", value=int(status["up"]))
        yield GaugeMetricFamily(
            "bkk1555_replica_used",
            "1 when reads are sent to the replica (up and not too far behind)",
            value=int(status["used"]),
        )
        if status["lag_seconds"] is not None:
            yield GaugeMetricFamily(
                "bkk1555_replica_lag_seconds", "How far the replica's replay is behind", value=status["lag_seconds"]
            )

    def _quota_metrics(self):
        if not settings.LINE_CHANNEL_ACCESS_TOKEN:
            return
        with self._quota_lock:
            fetched_at, quota = self._quota
            if time.monotonic() - fetched_at > QUOTA_EVERY:
                from line_oa import client as line

                try:
                    quota = line.get_quota()
                except Exception as exc:  # noqa: BLE001
                    log.warning("metrics: LINE quota unavailable: %s", exc.__class__.__name__)
                    quota = None
                self._quota = (time.monotonic(), quota)
        if not quota:
            return
        yield GaugeMetricFamily("bkk1555_line_quota_used", "Pushes billed this month", value=quota.get("totalUsage", 0))
        if quota.get("type") == "limited" and quota.get("value"):
            yield GaugeMetricFamily("bkk1555_line_quota_limit", "Monthly push quota", value=quota["value"])


STATE = StateCollector()
_registered = False
_register_lock = threading.Lock()


def registry():
    global _registered
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        reg = CollectorRegistry()
        multiprocess.MultiProcessCollector(reg)
        reg.register(STATE)
        return reg
    with _register_lock:
        if not _registered:
            REGISTRY.register(STATE)
            _registered = True
    return REGISTRY


def _authorised(request) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@never_cache
def metrics_view(request):
    if not _authorised(request):
        raise Http404
    return HttpResponse(generate_latest(registry()), content_type="text/plain; version=0.0.4; charset=utf-8")


def view_group(namespace: str, url_name: str, path: str) -> str:
    """A small fixed set of labels: never a path with ids in it."""
    if namespace in ("admin", "api", "open311", "reports"):
        return namespace
    if path.startswith("/line/webhook"):
        return "line_webhook"
    if namespace in ("line", "line_oa") or path.startswith("/line/"):
        return "line"
    if url_name in ("healthz", "healthz_live", "healthz_ready", "metrics"):
        return "ops"
    return "other"
