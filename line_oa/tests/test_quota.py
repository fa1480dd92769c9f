"""Quota watch: read daily, warn the centre at 80 %, hold what can wait at 100 %, release after."""

import pytest

from line_oa import quota
from line_oa.delivery import deliver
from line_oa.models import OutboxMessage, QuotaReading
from testing.factories import AgencyFactory

pytestmark = pytest.mark.django_db
S = OutboxMessage.Status
GROUP = "C" + "9" * 32
CENTRE_GROUP = "C" + "1" * 32


@pytest.fixture
def centre(db):
    return AgencyFactory(code="C1555", line_group_id=CENTRE_GROUP)


def test_the_reading_is_stored_and_the_centre_warned_once_at_80_percent(
    line_stub, centre, django_capture_on_commit_callbacks
):
    line_stub.quota = {"type": "limited", "value": 1000}
    line_stub.quota_usage = 799
    reading = quota.check()
    assert (reading.limit, reading.used, reading.paused, reading.warned_at) == (1000, 799, False, None)
    line_stub.quota_usage = 800
    with django_capture_on_commit_callbacks(execute=True):
        reading = quota.check()
    assert reading.warned_at is not None and reading.percent == 80.0
    [warning] = line_stub.sent_messages(to=CENTRE_GROUP)
    assert "800" in warning["text"] and "1,000" in warning["text"]
    with django_capture_on_commit_callbacks(execute=True):
        quota.check()
    assert len(line_stub.sent_messages(to=CENTRE_GROUP)) == 1
    assert QuotaReading.objects.count() == 1


def test_an_unlimited_plan_never_pauses(line_stub, centre):
    line_stub.quota = {"type": "none"}
    line_stub.quota_usage = 10**6
    reading = quota.check()
    assert reading.limit is None and not reading.paused and reading.warned_at is None


def test_at_100_percent_group_reminders_and_surveys_wait_while_dispatches_go(
    line_stub, centre, django_capture_on_commit_callbacks
):
    line_stub.quota = {"type": "limited", "value": 100}
    line_stub.quota_usage = 100
    with django_capture_on_commit_callbacks(execute=True):
        assert quota.check().paused
    text = [{"type": "text", "text": "x"}]
    reminder = OutboxMessage.objects.create(to=[GROUP], messages=text, purpose="reminder")
    survey = OutboxMessage.objects.create(to=["U" + "2" * 32], messages=text, purpose="survey")
    lead_reminder = OutboxMessage.objects.create(to=["U" + "3" * 32], messages=text, purpose="reminder")
    card = OutboxMessage.objects.create(to=[GROUP], messages=text, purpose="dispatch")
    assert deliver(reminder.pk).status == "paused"
    assert deliver(survey.pk).status == "paused"
    assert deliver(lead_reminder.pk).status == "sent"
    assert deliver(card.pk).status == "sent"
    held = OutboxMessage.objects.get(pk=reminder.pk)
    assert held.status == S.PENDING and held.attempts == 0 and held.next_attempt_at >= quota.next_month_start()
    # The sweep leaves held rows alone until the quota is back …
    from line_oa.delivery import overdue

    assert reminder.pk not in set(overdue().values_list("pk", flat=True))
    # … and the next reading with quota left sends them.
    line_stub.quota_usage = 10
    with django_capture_on_commit_callbacks(execute=True):
        assert not quota.check().paused
    assert OutboxMessage.objects.get(pk=reminder.pk).status == S.SENT
    assert OutboxMessage.objects.get(pk=survey.pk).status == S.SENT


def test_the_daily_task_is_in_the_beat_schedule():
    from bkk1555.celery import app

    assert app.conf.beat_schedule["line-quota"]["task"] == "line_oa.tasks.check_quota"


def test_supervisors_see_the_quota_and_redeliveries_next_to_the_billing(client, supervisor, line_stub, centre):
    from django.utils import timezone

    from line_oa.models import WebhookEvent

    line_stub.quota = {"type": "limited", "value": 1000}
    line_stub.quota_usage = 850
    quota.check()
    for i, again in enumerate((False, True, True)):
        WebhookEvent.objects.create(
            webhook_event_id=f"ev{i}", event_type="message", payload={}, received_at=timezone.now(), is_redelivery=again
        )
    client.force_login(supervisor)
    page = client.get("/admin/line_oa/outboxmessage/")
    assert page.context["quota"].used == 850 and page.context["redeliveries"] == {"events": 3, "redelivered": 2}
    assert "85.0%" in page.content.decode()
