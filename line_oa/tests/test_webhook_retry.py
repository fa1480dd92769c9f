"""Issue 15: a webhook event that failed for a passing reason (LINE 429/5xx or unreachable, a
deadlock, a lost database connection) is tried again with a backoff; other failures, and the
last attempt, stay failed for a supervisor. Only the worker whose claim holds records anything."""

import datetime as dt

import pytest
from django.db import IntegrityError, OperationalError, connection
from django.utils import timezone

from complaints.models import Photo
from line_oa import client, retrying, tasks_webhook
from line_oa.models import WebhookEvent

from . import events as ev
from .test_webhook_answer_once import accepted

pytestmark = pytest.mark.django_db

REPLY = "/v2/bot/message/reply"


@pytest.fixture
def requeued(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks_webhook, "_requeue", lambda event_id, countdown: calls.append((event_id, countdown)))
    return calls


@pytest.fixture
def reporting(dispatched, coordinator, send):
    """The coordinator has acknowledged and opened รายงานผล: a photo now attaches to the case."""
    me = ev.user(coordinator.line_user_id)
    send(ev.postback(me, f"action=ack&a={dispatched.pk}"))
    send(ev.postback(me, f"action=report&a={dispatched.pk}"))
    return me


def row(event_id) -> WebhookEvent:
    return WebhookEvent.objects.get(webhook_event_id=event_id)


def test_a_photo_download_that_meets_a_line_500_is_retried_not_failed(
    dispatched, reporting, line_stub, store, requeued, settings
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 5
    line_stub.add_content("img-r1", ev.photo(11))
    event_id = store(ev.image(reporting, "img-r1"))
    replies_before = len(accepted(line_stub, REPLY))
    line_stub.fail_next(500, path="/v2/bot/message/img-r1/content")

    assert tasks_webhook.process_event(event_id) == "retry"
    first = row(event_id)
    assert first.status == "pending" and first.attempts == 1 and "LINE 500" in first.error
    assert first.answer is None and len(accepted(line_stub, REPLY)) == replies_before  # nothing answered yet
    assert requeued == [(event_id, 5.0)]  # queued again after the backoff
    assert not Photo.objects.filter(assignment=dispatched, stage=Photo.Stage.AFTER).exists()

    assert tasks_webhook.process_event(event_id) == "done"  # the delayed task
    done = row(event_id)
    assert done.status == "done" and done.attempts == 2 and done.error == ""
    assert Photo.objects.filter(assignment=dispatched, stage=Photo.Stage.AFTER).count() == 1
    assert len(accepted(line_stub, REPLY)) == replies_before + 1


def test_after_the_last_attempt_a_retryable_error_fails_for_good(reporting, line_stub, store, requeued, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    line_stub.add_content("img-r2", ev.photo(12))
    event_id = store(ev.image(reporting, "img-r2"))
    line_stub.fail_next(503, times=5, path="/v2/bot/message/img-r2/content")
    assert tasks_webhook.process_event(event_id) == "retry"
    assert tasks_webhook.process_event(event_id) == "failed"
    last = row(event_id)
    assert last.status == "failed" and last.attempts == 2 and "LINE 503" in last.error
    assert len(requeued) == 1


def test_a_permanent_error_fails_at_once(coordinator, line_stub, store, requeued, monkeypatch):
    from line_oa import handlers

    def refused(event, sender):
        raise client.LineError("LINE 400: bad request", status=400, retryable=False)

    monkeypatch.setitem(handlers._HANDLERS, "follow", refused)
    event_id = store(ev.follow(ev.user(coordinator.line_user_id)))
    assert tasks_webhook.process_event(event_id) == "failed"
    assert row(event_id).status == "failed" and requeued == []


def test_a_worker_whose_lease_ran_out_records_nothing_over_the_one_that_took_over(
    coordinator, line_stub, store, requeued, monkeypatch
):
    from line_oa import handlers

    taken_at = timezone.now() + dt.timedelta(seconds=1)
    real_route = handlers.route

    def slow_then_deadlocked(event, sender):
        raise OperationalError("deadlock detected")

    def route(event):
        # Meanwhile the lease ran out and another worker claimed the event.
        WebhookEvent.objects.filter(webhook_event_id=event["webhookEventId"]).update(claimed_at=taken_at)
        return real_route(event)

    monkeypatch.setitem(handlers._HANDLERS, "follow", slow_then_deadlocked)
    monkeypatch.setattr(handlers, "route", route)
    event_id = store(ev.follow(ev.user(coordinator.line_user_id)))
    tasks_webhook.process_event(event_id)
    other = row(event_id)
    assert other.status == "processing" and other.claimed_at == taken_at and other.error == ""
    assert requeued == []


def test_the_sweep_leaves_a_retried_event_to_its_delayed_task_then_takes_it(
    coordinator, line_stub, store, requeued, monkeypatch, django_capture_on_commit_callbacks
):
    from line_oa import handlers

    monkeypatch.setitem(handlers._HANDLERS, "follow", lambda e, s: (_ for _ in ()).throw(OperationalError("x")))
    event_id = store(ev.follow(ev.user(coordinator.line_user_id)))
    WebhookEvent.objects.update(received_at=timezone.now() - dt.timedelta(minutes=5))
    assert tasks_webhook.process_event(event_id) == "retry"
    monkeypatch.undo()
    monkeypatch.setattr(tasks_webhook, "_requeue", lambda *a: None)
    assert tasks_webhook.sweep_pending_events() == 0  # its own delayed task comes first
    WebhookEvent.objects.update(claimed_at=timezone.now() - tasks_webhook.PENDING_GRACE - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks_webhook.sweep_pending_events() == 1  # the task was lost: the sweep is the net
    assert row(event_id).status == "done"


@pytest.mark.parametrize(
    ("error", "retry"),
    [
        (client.LineError("LINE 429", status=429, retryable=True), True),
        (client.LineError("LINE unreachable", retryable=True), True),
        (client.LineError("LINE 400", status=400), False),
        (OperationalError("server closed the connection unexpectedly"), True),
        (ConnectionResetError(), True),
        (IntegrityError("duplicate key"), False),
        (ValueError("a bug"), False),
    ],
)
def test_which_errors_are_retried(error, retry):
    assert retrying.is_retryable(error) is retry


def test_backoff_doubles_and_stays_below_the_sweeps_grace(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS, settings.WEBHOOK_PENDING_GRACE_SECONDS = 5, 60
    assert [retrying.backoff(n) for n in (1, 2, 3, 4, 5)] == [5, 10, 20, 40, 55]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_postgresql_deadlock_puts_the_acknowledgement_back_and_the_retry_applies_it_once(
    dispatched, coordinator, line_stub, store, requeued, monkeypatch, settings
):
    """Two transactions lock the assignment and the case in opposite orders; PostgreSQL aborts ours (40P01)."""
    import threading

    import psycopg

    from complaints import workflow
    from complaints.models import Assignment

    settings.WEBHOOK_RETRY_BASE_SECONDS = 5
    event_id = store(ev.postback(ev.user(coordinator.line_user_id), f"action=ack&a={dispatched.pk}"))
    s = connection.settings_dict
    other = psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"],
                            password=s["PASSWORD"] or None, dbname=s["NAME"], autocommit=False)  # fmt: skip
    complaint_table, assignment_table = dispatched.complaint._meta.db_table, Assignment._meta.db_table
    holding, done = threading.Event(), threading.Event()

    def other_transaction():
        with other.cursor() as cur:
            cur.execute(f"SELECT 1 FROM {assignment_table} WHERE id = %s FOR UPDATE", [dispatched.pk])
            holding.set()
            cur.execute("SELECT pg_sleep(0.5)")
            cur.execute(f"SELECT 1 FROM {complaint_table} WHERE id = %s FOR UPDATE", [dispatched.complaint_id])
        other.commit()
        done.set()

    real_ack = workflow.acknowledge
    calls = []

    def locks_the_case_first(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            with connection.cursor() as cur:
                cur.execute(f"SELECT 1 FROM {complaint_table} WHERE id = %s FOR UPDATE", [dispatched.complaint_id])
        return real_ack(**kwargs)

    monkeypatch.setattr(workflow, "acknowledge", locks_the_case_first)
    thread = threading.Thread(target=other_transaction)
    try:
        thread.start()
        assert holding.wait(10)
        assert tasks_webhook.process_event(event_id) == "retry"
        assert done.wait(15)
    finally:
        thread.join(15)
        other.close()
    first = row(event_id)
    assert first.status == "pending" and first.attempts == 1 and "deadlock" in first.error.lower()
    assert Assignment.objects.get(pk=dispatched.pk).status == "dispatched"  # rolled back with the event
    assert tasks_webhook.process_event(event_id) == "done"
    assert Assignment.objects.get(pk=dispatched.pk).status == "acknowledged"
    [reply] = accepted(line_stub, REPLY)
    assert "รับเรื่อง" in reply.body["messages"][0]["text"]
