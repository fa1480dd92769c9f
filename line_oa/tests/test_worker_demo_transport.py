"""`make demo` without Redis: a real worker and beat over kombu's filesystem transport.

Everything runs in subprocesses against a throw-away SQLite file (the test's own
database is in memory, which other processes cannot see); the stub LINE server
runs in this process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from testing.line_stub import LineStub

pytestmark = pytest.mark.slow

BASE_DIR = Path(django_settings.BASE_DIR)
TOKEN = "demo-transport-token"
SETUP = """
import datetime as dt
from django.utils import timezone
from complaints import workflow
from testing.factories import CategoryFactory, CoordinatorFactory, DistrictOfficeFactory, make_complaint
office = DistrictOfficeFactory()
CoordinatorFactory(agency=office, line_user_id="U" + "d" * 32, is_lead=True)
best = CategoryFactory(best=True, code="DRAIN_COVER")
case = make_complaint(category=best, district=office.district)
workflow.dispatch(complaint=case, agencies=[office], by=None, at=timezone.now() - dt.timedelta(hours=1))
print("dispatched")
"""


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def test_worker_and_beat_deliver_cards_and_reminders_without_redis(tmp_path):
    stub = LineStub(token=TOKEN).start()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "DATABASE_URL", "CELERY_TASK_ALWAYS_EAGER")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        BKK1555_VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        LINE_API_BASE=stub.url,
        LINE_DATA_API_BASE=stub.url,
        LINE_CHANNEL_ACCESS_TOKEN=TOKEN,
        REMINDER_SWEEP_SECONDS="2",
        DJANGO_SETTINGS_MODULE="bkk1555.settings",
    )
    for folder in ("queue", "processed"):
        (tmp_path / "var" / "celery" / folder).mkdir(parents=True)
    py = sys.executable
    run = {"cwd": BASE_DIR, "env": env, "capture_output": True, "text": True, "timeout": 240}
    migrated = subprocess.run([py, "manage.py", "migrate", "--verbosity", "0"], **run)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    setup = subprocess.run([py, "manage.py", "shell", "-c", SETUP], **run)
    assert "dispatched" in setup.stdout, setup.stderr[-2000:]
    assert list((tmp_path / "var" / "celery" / "queue").iterdir()), "the card's task was not queued on disk"

    celery = [py, "-m", "celery", "-A", "bkk1555"]
    logs = {name: open(tmp_path / f"{name}.log", "w") for name in ("worker", "beat")}  # noqa: SIM115
    procs = [
        subprocess.Popen(
            [*celery, "worker", "-Q", "line,default", "-P", "solo", "--without-mingle", "--without-gossip"],
            cwd=BASE_DIR, env=env, stdout=logs["worker"], stderr=subprocess.STDOUT, start_new_session=True,
        ),
        subprocess.Popen(
            [*celery, "beat", "--schedule", str(tmp_path / "var" / "beat-schedule")],
            cwd=BASE_DIR, env=env, stdout=logs["beat"], stderr=subprocess.STDOUT, start_new_session=True,
        ),
    ]  # fmt: skip
    try:
        pushes = lambda: [r for r in stub.requests_to("/v2/bot/message/push") if r.status == 200]  # noqa: E731
        wait_for(lambda: len(pushes()) >= 1, 90, "the dispatch card")
        # BEST, dispatched an hour ago: acknowledge was due 45 minutes ago, so all three levels
        # are due; with no centre group, levels 1 and 2 reach the coordinator.
        wait_for(lambda: len(pushes()) >= 3, 90, "the reminders from beat's sweep")
        texts = [r.body["messages"][0].get("text", "") for r in pushes()[1:]]
        assert any("แจ้งเตือนครั้งที่ 1" in t for t in texts) and any("แจ้งเตือนครั้งที่ 2" in t for t in texts)
        time.sleep(5)  # more sweeps run meanwhile (every 2 s): nothing is sent twice
        assert len(pushes()) == 3
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        for log in logs.values():
            log.close()
        stub.stop()
