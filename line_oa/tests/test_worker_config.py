"""The Celery configuration that keeps work when workers, Redis or LINE fail."""

import pytest

from bkk1555.celery import app


def test_tasks_are_acknowledged_late_and_given_back_when_a_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_tasks_have_time_limits_and_speak_json_only():
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.accept_content == ["json"] and app.conf.task_serializer == "json"


def test_the_outbox_lease_outlasts_the_hard_time_limit(settings):
    # A live worker must never see its row taken over by the sweep.
    assert settings.OUTBOX_LEASE_SECONDS > app.conf.task_time_limit


def test_line_messages_and_other_work_have_their_own_queues():
    assert {q.name for q in app.conf.task_queues} == {"line", "default"}
    assert app.conf.task_default_queue == "default"
    routes = app.conf.task_routes
    assert routes["line_oa.tasks.send_outbox_message"]["queue"] == "line"
    assert routes["line_oa.tasks.send_outbox_batch"]["queue"] == "line"


def test_beat_sweeps_reminders_and_the_outbox_every_minute():
    schedule = app.conf.beat_schedule
    assert schedule["reminder-sweep"]["task"] == "complaints.tasks.sweep_reminders"
    assert schedule["outbox-sweep"]["task"] == "line_oa.tasks.sweep_outbox"
    assert schedule["reminder-sweep"]["schedule"] == schedule["outbox-sweep"]["schedule"] == 60.0


def test_every_scheduled_and_routed_task_is_registered():
    app.loader.import_default_modules()
    names = {e["task"] for e in app.conf.beat_schedule.values()} | set(app.conf.task_routes)
    assert names <= set(app.tasks)


@pytest.mark.redis
def test_with_redis_the_visibility_timeout_outlasts_the_longest_task():
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit


def test_the_worker_keeps_reconnecting_to_the_broker_for_ever():
    assert app.conf.broker_connection_retry is True and app.conf.broker_connection_retry_on_startup is True
    assert app.conf.broker_connection_max_retries is None


def test_a_worker_survives_kombu_failing_to_close_the_connection_to_a_dead_sentinel_master():
    """Issue 15: kombu 5.7 raises AttributeError closing a lost Sentinel connection that holds
    unacknowledged messages; Celery called it unrecoverable and the worker exited."""
    from celery.worker.consumer.consumer import Consumer

    from bkk1555.celery import _survive_failover

    class LostSentinelConnection:
        connection_errors = channel_errors = ()

        def collect(self, **kwargs):
            pass

        def close(self):
            raise AttributeError("'NoneType' object has no attribute 'hostname'")

    _survive_failover()
    consumer = Consumer.__new__(Consumer)
    consumer.app, consumer.connection = app, LostSentinelConnection()
    Consumer.on_connection_error_after_connected(consumer, ConnectionError("Connection closed by server."))
    assert consumer.connection is None  # ready for the consumer's reconnect
