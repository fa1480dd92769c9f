"""Real Celery workers (subprocesses) against Redis, PostgreSQL and the stub LINE server.

The worker uses the test's own database (pytest-django's `test_<name>`), the
stub runs in this process on loopback, and the test publishes to Redis for
real (eager mode is switched off here). Waits poll; nothing sleeps blindly.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone

from bkk1555 import publisher
from bkk1555.celery import app
from complaints import reminders, workflow
from complaints.models import Reminder
from line_oa import delivery, outbox
from line_oa.models import OutboxMessage
from testing.factories import AgencyFactory, CoordinatorFactory, make_complaint
from testing.line_stub import LineStub

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

S = OutboxMessage.Status
PUSH = "/v2/bot/message/push"
TOKEN = "worker-test-token"
TEXT = [{"type": "text", "text": "ทดสอบ worker"}]
BASE_DIR = Path(django_settings.BASE_DIR)


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _test_database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """`celery -A bkk1555 worker -Q line,default` in its own process group."""

    def __init__(self, env: dict, log_path: Path, name: str):
        self.log_path = log_path
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "bkk1555", "worker", "-Q", "line,default", "-P", "solo",
                "-n", f"{name}@%h", "--without-mingle", "--without-gossip", "--loglevel", "INFO",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self):
        wait_for(lambda: "ready." in self.output() or self.proc.poll() is not None, 60, what="worker start")
        assert self.proc.poll() is None, self.output()
        return self

    def kill(self):
        """SIGKILL: no cleanup, no ack — like a machine losing power."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def _use_broker(url: str) -> None:
    """Point this process's Celery app at `url`, dropping pooled connections to the old one."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def stub(settings):
    line = LineStub(token=TOKEN).start()
    settings.LINE_API_BASE = line.url
    settings.LINE_CHANNEL_ACCESS_TOKEN = TOKEN
    yield line
    line.stop()


@pytest.fixture
def broker():
    """Publish to the real Redis (REDIS_URL), with our queues empty at the start and the end."""
    url = os.environ["REDIS_URL"]
    _empty_queues(url)
    _use_broker(url)
    app.conf.task_always_eager = False
    yield url
    app.conf.task_always_eager = True
    _use_broker(url)
    _empty_queues(url)


def _empty_queues(url: str) -> None:
    """Only Celery's queues and kombu's unacked bookkeeping: never the whole Redis database."""
    import redis

    redis.Redis.from_url(url).delete("line", "default", "unacked", "unacked_index", "unacked_mutex")


@pytest.fixture
def workers(stub, broker, tmp_path):
    """Start workers on demand; every one is stopped (or already killed) at the end."""
    started: list[Worker] = []
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": broker,
        "LINE_API_BASE": stub.url,
        "LINE_DATA_API_BASE": stub.url,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_REQUEST_TIMEOUT_SECONDS": "10",
        "OUTBOX_RETRY_BASE_SECONDS": "1",
        # Short so the crash test is quick; production keeps the lease above the hard time limit.
        "OUTBOX_LEASE_SECONDS": "3",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DB_CONN_MAX_AGE": "0",
    }

    def start(**extra) -> Worker:
        w = Worker({**env, **{k: str(v) for k, v in extra.items()}}, tmp_path / f"worker{len(started)}.log",
                   f"w{len(started)}")  # fmt: skip
        started.append(w)
        return w.wait_ready()

    yield start
    for w in started:
        w.stop()


@pytest.fixture
def agency_with_coordinator(db):
    agency = AgencyFactory(code="DO1001", name_th="สำนักงานเขตพระนคร")
    coordinator = CoordinatorFactory(agency=agency, is_lead=True)
    return agency, coordinator


def dispatch(agency, officer, category):
    case = make_complaint(category=category)
    [assignment] = workflow.dispatch(complaint=case, agencies=[agency], by=officer)
    return OutboxMessage.objects.get(assignment=assignment, purpose=OutboxMessage.Purpose.DISPATCH)


def status_of(message) -> str:
    return OutboxMessage.objects.values_list("status", flat=True).get(pk=message.pk)


def test_a_dispatch_card_is_delivered_exactly_once_by_a_real_worker(
    workers, stub, agency_with_coordinator, officer, best_category
):
    agency, coordinator = agency_with_coordinator
    workers()
    message = dispatch(agency, officer, best_category)
    wait_for(lambda: status_of(message) == S.SENT, what="the card to be sent")
    delivery.sweep()  # a sweep after the fact finds nothing to do
    time.sleep(0.5)
    [req] = stub.requests_to(PUSH)
    assert req.retry_key == str(message.retry_key) and req.body["to"] == coordinator.line_user_id
    assert req.body["messages"] == message.messages


def test_two_server_errors_then_success_deliver_once_with_one_retry_key(
    workers, stub, agency_with_coordinator, officer, best_category
):
    agency, _ = agency_with_coordinator
    workers()
    stub.fail_next(500, times=2)
    message = dispatch(agency, officer, best_category)
    wait_for(lambda: status_of(message) == S.SENT, what="delivery after two 500s")
    attempts = stub.requests_to(PUSH)
    assert [r.status for r in attempts] == [500, 500, 200]
    assert {r.retry_key for r in attempts} == {str(message.retry_key)}
    assert len(stub.sent_messages()) == len(message.messages)
    message.refresh_from_db()
    assert message.attempts == 3


def test_a_conflict_marks_the_row_sent_and_nothing_is_resent(workers, stub, agency_with_coordinator):
    agency, coordinator = agency_with_coordinator
    workers()
    with transaction.atomic():
        message = outbox.enqueue(to=[coordinator.line_user_id], messages=TEXT, purpose="officer", agency=agency)
        stub.accepted_keys[str(message.retry_key)] = "accepted-earlier"  # LINE already took this key
    wait_for(lambda: status_of(message) == S.SENT, what="the 409 to mark the row sent")
    message.refresh_from_db()
    assert message.line_request_id == "accepted-earlier"
    assert [r.status for r in stub.requests_to(PUSH)] == [409]
    assert stub.sent_messages() == []


def test_a_worker_killed_mid_delivery_is_recovered_by_the_sweep_exactly_once(
    workers, stub, agency_with_coordinator, settings
):
    """kombu gives a dead worker's unacked message back only after the visibility timeout
    (an hour here), so the outbox sweep is what delivers — and the retry key keeps it single."""
    settings.OUTBOX_LEASE_SECONDS = 3
    settings.OUTBOX_PENDING_GRACE_SECONDS = 0
    agency, coordinator = agency_with_coordinator
    first = workers()
    stub.hang_next(6)
    with transaction.atomic():
        message = outbox.enqueue(to=[coordinator.line_user_id], messages=TEXT, purpose="officer", agency=agency)
    wait_for(lambda: stub.requests_to(PUSH), what="the worker to start sending")
    first.kill()
    assert status_of(message) == S.SENDING
    workers()
    assert status_of(message) == S.SENDING  # nobody gave the message back to the new worker

    def swept_and_sent():
        delivery.sweep()
        return status_of(message) == S.SENT

    wait_for(swept_and_sent, timeout=40, interval=1, what="the sweep to deliver")
    time.sleep(6)  # let the hung request finish, whatever LINE did with it
    assert len(stub.sent_messages()) == 1
    assert {r.retry_key for r in stub.requests_to(PUSH)} == {str(message.retry_key)}
    message.refresh_from_db()
    assert message.attempts == 2


def test_a_dispatch_while_redis_is_down_succeeds_and_the_sweep_delivers_later(
    workers, stub, broker, agency_with_coordinator, officer, best_category, settings
):
    agency, _ = agency_with_coordinator
    _use_broker("redis://127.0.0.1:1/0")  # nothing listens there
    started = time.monotonic()
    message = dispatch(agency, officer, best_category)
    assert time.monotonic() - started < 10  # the officer is not kept waiting long
    assert status_of(message) == S.PENDING
    assert publisher.publisher.wait_idle(20)  # its publish failed in the background
    _use_broker(broker)  # Redis is back
    workers()
    settings.OUTBOX_PENDING_GRACE_SECONDS = 0
    assert delivery.sweep() == 1
    wait_for(lambda: status_of(message) == S.SENT, what="the swept row to be delivered")
    assert len(stub.requests_to(PUSH)) == 1


def test_overdue_reminders_for_many_assignments_are_each_delivered_once(
    workers, stub, officer, best_category, agency_with_coordinator
):
    agency, coordinator = agency_with_coordinator
    cases = [make_complaint(category=best_category) for _ in range(20)]
    past = timezone.now() - dt.timedelta(hours=1)
    for case in cases:
        workflow.dispatch(complaint=case, agencies=[agency], by=officer, at=past)
    OutboxMessage.objects.all().delete()  # only the reminders matter here
    workers()
    result = reminders.sweep()
    again = reminders.sweep()
    assert again.reminders == 0
    # acknowledge stage, levels 1–3 (BEST: +0/+15/+30); no centre group → level 3 has no message
    assert result.reminders == 20 * 3 and Reminder.objects.count() == 60
    wait_for(lambda: OutboxMessage.objects.filter(status=S.SENT).count() == 40, what="40 reminders delivered")
    keys = [r.retry_key for r in stub.requests_to(PUSH)]
    assert len(keys) == 40 == len(set(keys))
    assert len(stub.sent_messages(to=coordinator.line_user_id)) == 40
