"""Running on many machines: Sentinel addresses, the replica router, the beat's leader lock,
/metrics, /healthz live vs ready, JSON logs. The real topology runs in test_topology.py."""

import json
import logging
import os

import pytest
from django.db import connection

from bkk1555 import dbrouter
from bkk1555.beat import LeaderLock
from bkk1555.redisconf import celery_transport_options, is_sentinel, parse_sentinel


def test_sentinel_url_is_parsed_into_sentinels_db_and_password():
    url = "sentinel://:s3cret@10.0.0.5:26379/2;sentinel://10.0.0.6:26380;sentinel://10.0.0.7"
    address = parse_sentinel(url)
    assert is_sentinel(url) and not is_sentinel("redis://127.0.0.1:6379/0")
    assert address.sentinels == (("10.0.0.5", 26379), ("10.0.0.6", 26380), ("10.0.0.7", 26379))
    assert address.db == 2 and address.password == "s3cret"


def test_celery_gets_the_master_name_only_for_sentinel():
    assert celery_transport_options("redis://127.0.0.1:6379/0", master="m") == {}
    options = celery_transport_options("sentinel://127.0.0.1:26379", master="bkk1555", sentinel_password="x")
    assert options == {"master_name": "bkk1555", "sentinel_kwargs": {"password": "x"}}


def test_settings_pass_the_master_name_to_the_broker(monkeypatch):
    import subprocess
    import sys

    code = (
        "import django, os; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_BROKER_URL, s.CELERY_BROKER_TRANSPORT_OPTIONS['master_name'], s.CACHES['default']['BACKEND'])"
    )
    env = {
        **os.environ,
        "REDIS_URL": "sentinel://127.0.0.1:26379;sentinel://127.0.0.1:26380",
        "REDIS_SENTINEL_MASTER": "flood",
        "CACHE_URL": "sentinel://127.0.0.1:26379/1",
        "DJANGO_SETTINGS_MODULE": "bkk1555.settings",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == [
        "sentinel://127.0.0.1:26379;sentinel://127.0.0.1:26380",
        "flood",
        "bkk1555.cache.SentinelRedisCache",
    ]


def test_reads_use_the_primary_without_a_replica():
    with dbrouter.replica_reads():
        assert dbrouter.ReplicaRouter().db_for_read(None) == "default"
    assert dbrouter.ReplicaRouter().db_for_write(None) == "default"
    assert not dbrouter.ReplicaRouter().allow_migrate("replica", "complaints")


def test_only_reports_open311_and_api_lists_may_read_the_replica():
    assert dbrouter.view_reads_replica("reports", "overview")
    assert dbrouter.view_reads_replica("open311", "requests")
    assert dbrouter.view_reads_replica("api", "complaint-list")
    assert not dbrouter.view_reads_replica("api", "complaint-detail")
    assert not dbrouter.view_reads_replica("api", "complaint-dispatch")
    assert not dbrouter.view_reads_replica("admin", "complaints_complaint_changelist")


@pytest.mark.django_db(transaction=True)
def test_only_one_beat_holds_the_leader_lock(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first, second = LeaderLock(lock_id=1555_0999), LeaderLock(lock_id=1555_0999)
    try:
        assert first.acquire()
        assert not second.acquire()
        first.checked_at = 0
        assert first.still_held()
        first.release()  # the leader dies: its session (or file) goes, the lock with it
        assert second.acquire()
    finally:
        first.release()
        second.release()
    if connection.vendor == "postgresql":
        assert first.postgres  # the PostgreSQL advisory lock was the one tested


@pytest.mark.django_db
def test_metrics_need_the_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    settings.METRICS_TOKEN = "t0ken"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    r = client.get("/metrics", HTTP_AUTHORIZATION="Bearer t0ken")
    assert r.status_code == 200
    text = r.content.decode()
    for name in (
        'bkk1555_outbox_backlog{purpose="dispatch",status="pending"}',
        'bkk1555_outbox_oldest_pending_seconds{purpose="dispatch"}',
        'bkk1555_webhook_events{status="pending"}',
        "bkk1555_webhook_oldest_pending_seconds",
        "bkk1555_http_request_duration_seconds_bucket",
    ):
        assert name in text, name


@pytest.mark.django_db
def test_outbox_backlog_and_age_are_counted(client, settings):
    import datetime as dt

    from django.utils import timezone

    from line_oa.models import OutboxMessage

    settings.METRICS_TOKEN = "t"
    row = OutboxMessage.objects.create(purpose="dispatch", to=["U1"], messages=[{"type": "text", "text": "x"}])
    OutboxMessage.objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(minutes=3))
    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer t").content.decode()
    line = next(
        x for x in text.splitlines() if x.startswith('bkk1555_outbox_oldest_pending_seconds{purpose="dispatch"}')
    )
    assert 170 < float(line.split()[-1]) < 400
    assert 'bkk1555_outbox_backlog{purpose="dispatch",status="pending"} 1.0' in text


def test_live_asks_no_dependency(client, monkeypatch):
    from bkk1555 import views

    monkeypatch.setattr(views, "_database_ok", lambda: False)
    r = client.get("/healthz/live")
    assert r.status_code == 200 and r.json()["status"] == "live"
    r = client.get("/healthz/ready")
    assert r.status_code == 503 and r.json()["down"] == ["database"]


@pytest.mark.django_db
def test_a_draining_node_is_not_ready(client, settings, tmp_path):
    settings.REDIS_URL = ""
    settings.DRAIN_FILE = str(tmp_path / "drain")
    assert client.get("/healthz/ready").status_code == 200
    (tmp_path / "drain").write_text("")
    r = client.get("/healthz/ready")
    assert r.status_code == 503 and r.json()["status"] == "draining"
    assert client.get("/healthz/live").status_code == 200


@pytest.mark.django_db
def test_requests_carry_a_request_id(client):
    r = client.get("/healthz/live", HTTP_X_REQUEST_ID="abc-123")
    assert r["X-Request-ID"] == "abc-123"
    assert len(client.get("/healthz/live", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"]) == 32


def test_json_logs_have_the_same_keys_everywhere():
    from bkk1555 import logs

    record = logging.LogRecord("line_oa.delivery", logging.INFO, __file__, 1, "sent %s", ("card",), None)
    token, case = logs.request_id.set("r1"), logs.case_ref.set("2569-000123")
    try:
        logs.ContextFilter().filter(record)
    finally:
        logs.request_id.reset(token)
        logs.case_ref.reset(case)
    line = json.loads(logs.JsonFormatter().format(record))
    assert {k: line[k] for k in ("level", "logger", "message", "request_id", "case")} == {
        "level": "INFO",
        "logger": "line_oa.delivery",
        "message": "sent card",
        "request_id": "r1",
        "case": "2569-000123",
    }
    assert "time" in line and "process" in line


def test_line_answers_are_counted(settings):
    from bkk1555.metrics import LINE_ANSWERS
    from line_oa import client as line
    from testing.line_stub import LineStub

    stub = LineStub(token="t").start()
    settings.LINE_CHANNEL_ACCESS_TOKEN, settings.LINE_API_BASE = "t", stub.url
    try:
        before = LINE_ANSWERS.labels("get_profile", "2xx")._value.get()
        line.get_profile("U" + "0" * 32)
        assert LINE_ANSWERS.labels("get_profile", "2xx")._value.get() == before + 1
        stub.fail_next(500)
        with pytest.raises(line.LineError):
            line.get_profile("U" + "0" * 32)
        assert LINE_ANSWERS.labels("get_profile", "500")._value.get() >= 1
    finally:
        stub.stop()
