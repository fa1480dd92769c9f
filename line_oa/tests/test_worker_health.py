"""/healthz and the workers: the broker's state and the outbox backlog."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from line_oa.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.mark.redis
def test_healthz_reports_redis_up_when_it_answers(client, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["broker"] == "up"


def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    r = client.get("/healthz")
    assert r.status_code == 503 and r.json()["broker"] == "down"


def test_healthz_counts_outgoing_messages_nobody_is_sending(client, settings):
    settings.REDIS_URL = ""
    row = OutboxMessage.objects.create(to=["U1"], messages=[{"type": "text", "text": "x"}], purpose="dispatch")
    OutboxMessage.objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    OutboxMessage.objects.create(to=["U1"], messages=[{"type": "text", "text": "y"}], purpose="dispatch")
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["broker"] == "filesystem" and r.json()["outbox_overdue"] == 1
