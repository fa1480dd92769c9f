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


def test_a_channel_of_a_closed_broker_connection_fails_with_a_connection_error():
    """Issue 15: kombu 5.7 raised AttributeError when a channel of the dead Sentinel master's closed
    connection restored or acknowledged messages; Celery called it unrecoverable and the worker exited.
    A connection error is what Celery logs and survives."""
    from types import SimpleNamespace

    import redis
    from kombu.transport import redis as transport

    from bkk1555.celery import _survive_failover

    _survive_failover()
    channel = transport.Channel.__new__(transport.Channel)
    channel.connection = SimpleNamespace(client=None)  # what Connection.close() leaves behind
    with pytest.raises(redis.exceptions.ConnectionError) as caught:
        channel._connparams()
    assert isinstance(caught.value, transport.Transport.connection_errors)
