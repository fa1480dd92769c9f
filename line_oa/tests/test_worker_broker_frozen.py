"""Issue 15, fault 3: a Redis that freezes (accepts connections, never answers) must not hold an
officer's request. The committed outbox row is the guarantee; the task is published by a
background thread, and the sweep sends what the frozen broker never got."""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bkk1555 import publisher
from bkk1555.celery import app
from line_oa import delivery
from line_oa.models import OutboxMessage
from testing.factories import make_complaint

pytestmark = pytest.mark.django_db(transaction=True)

PORTS = range(6480, 6500)  # this worktree's share of spare ports


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no spare port in 6480-6499")


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.settimeout(0.5)
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def frozen_redis(tmp_path):
    """A redis-server of our own, SIGSTOPped: the kernel still accepts connections, nothing answers."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while not _answers(port):
        assert time.monotonic() < deadline and proc.poll() is None, "redis-server did not start"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGSTOP)
    yield port, proc
    os.kill(proc.pid, signal.SIGCONT)
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def broker_frozen(frozen_redis):
    """Publish for real (not eager) to the frozen Redis, with production's transport options."""
    port, proc = frozen_redis
    saved = (app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    app.conf.broker_transport_options = {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 5}
    app._pool = None
    app.amqp._producer_pool = None
    yield proc
    os.kill(proc.pid, signal.SIGCONT)
    assert publisher.publisher.wait_idle(20)  # the thread is done with this broker before the next test
    app.conf.broker_url, app.conf.broker_transport_options = saved
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.task_always_eager = True


def test_a_dispatch_while_redis_is_frozen_returns_at_once_and_the_sweep_delivers_the_card(
    broker_frozen, line_stub, settings, officer, best_category, district_office, coordinator
):
    case = make_complaint(category=best_category, district=district_office.district)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=officer).key}")
    timings = []
    for _ in range(3):  # the first and the ones after (the thread is busy with the frozen broker)
        case = make_complaint(category=best_category, district=district_office.district)
        started = time.monotonic()
        response = api.post(f"/api/v1/complaints/{case.pk}/dispatch/", {"agencies": [district_office.code]},
                            format="json")  # fmt: skip
        timings.append(time.monotonic() - started)
        assert response.status_code == 200, response.content
    assert max(timings) < 1.0, timings
    cards = OutboxMessage.objects.filter(purpose=OutboxMessage.Purpose.DISPATCH)
    assert cards.count() == 3 and set(cards.values_list("status", flat=True)) == {"pending"}

    # Redis comes back; the sweep (run here in-process) sends each card once.
    os.kill(broker_frozen.pid, signal.SIGCONT)
    assert publisher.publisher.wait_idle(20)
    app.conf.task_always_eager = True
    settings.OUTBOX_PENDING_GRACE_SECONDS = 0
    assert delivery.sweep() == 3
    assert set(cards.values_list("status", flat=True)) == {"sent"}
    pushes = [r for r in line_stub.requests_to("/v2/bot/message/push") if r.status == 200]
    assert len(pushes) == 3 and len({r.retry_key for r in pushes}) == 3
