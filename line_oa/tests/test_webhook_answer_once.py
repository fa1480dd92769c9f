"""Issue 15, fault 2: a retried event never answers twice.

The worker dies (here: a BaseException, which nothing in the task catches, like SIGKILL) at the
worst moments of processing an acknowledgement; the event is then retried the ways production
retries it (the sweep after the lease, a redelivered task). Exactly one answer must reach LINE.
"""

import datetime as dt

import pytest
from django.utils import timezone

from complaints import workflow
from complaints.models import TimelineEntry
from line_oa import client, tasks_webhook
from line_oa.models import WebhookEvent

from . import events as ev

pytestmark = pytest.mark.django_db

REPLY, PUSH = "/v2/bot/message/reply", "/v2/bot/message/push"


class Killed(BaseException):
    """The worker process dying here: nothing after this point runs."""


@pytest.fixture
def retry(django_capture_on_commit_callbacks):
    """Every way a dead worker's event comes back: the sweep after the lease, and a redelivered task."""

    def go(event_id: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            WebhookEvent.objects.filter(webhook_event_id=event_id, status="processing").update(
                claimed_at=timezone.now() - tasks_webhook.PROCESSING_LEASE - dt.timedelta(seconds=1)
            )
            tasks_webhook.sweep_pending_events()
            tasks_webhook.process_event(event_id)

    return go


def accepted(stub, path: str, to: str | None = None) -> list:
    return [r for r in stub.requests_to(path) if r.status == 200 and (to is None or r.body.get("to") == to)]


def acknowledgements(assignment) -> int:
    return TimelineEntry.objects.filter(assignment=assignment, kind="acknowledged").count()


def test_killed_right_after_the_reply_went_out_the_retry_answers_nothing(
    dispatched, coordinator, line_stub, store, retry, monkeypatch
):
    pushes_before = len(accepted(line_stub, PUSH, coordinator.line_user_id))  # the dispatch card
    event_id = store(ev.postback(ev.user(coordinator.line_user_id), f"action=ack&a={dispatched.pk}"))
    real_reply = client.reply

    def reply_then_die(**kwargs):
        real_reply(**kwargs)
        raise Killed

    with monkeypatch.context() as m, pytest.raises(Killed):
        m.setattr(client, "reply", reply_then_die)
        tasks_webhook.process_event(event_id)
    retry(event_id)

    [reply] = accepted(line_stub, REPLY)
    assert "รับเรื่อง" in reply.body["messages"][0]["text"]
    assert len(accepted(line_stub, PUSH, coordinator.line_user_id)) == pushes_before  # no billed push
    assert acknowledgements(dispatched) == 1
    row = WebhookEvent.objects.get(webhook_event_id=event_id)
    assert row.status == "done" and row.attempts == 1
    assert row.answer == reply.body["messages"]  # what was answered is on the event


def test_killed_after_the_acknowledgement_but_before_the_answer_the_retry_answers_once_and_right(
    dispatched, coordinator, line_stub, store, retry, monkeypatch
):
    pushes_before = len(accepted(line_stub, PUSH, coordinator.line_user_id))
    event_id = store(ev.postback(ev.user(coordinator.line_user_id), f"action=ack&a={dispatched.pk}"))
    real_ack = workflow.acknowledge

    def acknowledge_then_die(**kwargs):
        real_ack(**kwargs)
        raise Killed

    with monkeypatch.context() as m, pytest.raises(Killed):
        m.setattr(workflow, "acknowledge", acknowledge_then_die)
        tasks_webhook.process_event(event_id)
    retry(event_id)

    # One answer, and it is the acknowledgement itself (with its รายงานผล button), not "already acknowledged".
    [reply] = accepted(line_stub, REPLY)
    [message] = reply.body["messages"]
    assert "เมื่อดำเนินการแล้ว กด “รายงานผล”" in message["text"] and message["quickReply"]["items"]
    assert len(accepted(line_stub, PUSH, coordinator.line_user_id)) == pushes_before
    assert acknowledgements(dispatched) == 1
    row = WebhookEvent.objects.get(webhook_event_id=event_id)
    assert row.status == "done" and row.attempts == 2 and row.answered_via == "reply"


def test_a_refused_reply_token_is_answered_by_one_push_and_recorded(
    dispatched, coordinator, line_stub, store, django_capture_on_commit_callbacks
):
    event = ev.postback(ev.user(coordinator.line_user_id), f"action=ack&a={dispatched.pk}")
    line_stub.used_reply_tokens.add(event["replyToken"])  # expired or used: LINE answers 400
    event_id = store(event)
    pushes_before = len(accepted(line_stub, PUSH, coordinator.line_user_id))
    with django_capture_on_commit_callbacks(execute=True):
        tasks_webhook.process_event(event_id)
        tasks_webhook.process_event(event_id)  # a duplicate task finds the event done
    assert accepted(line_stub, REPLY) == []
    [push] = accepted(line_stub, PUSH, coordinator.line_user_id)[pushes_before:]
    assert "รับเรื่อง" in push.body["messages"][0]["text"]
    row = WebhookEvent.objects.get(webhook_event_id=event_id)
    assert row.answered_via == "push" and row.answer == push.body["messages"]


def test_an_event_that_answers_nothing_stores_no_answer(coordinator, line_stub, store):
    event_id = store(ev._base("unfollow", ev.user(coordinator.line_user_id), reply=False))
    assert tasks_webhook.process_event(event_id) == "done"
    row = WebhookEvent.objects.get(webhook_event_id=event_id)
    assert row.answer is None and row.answered_via == ""
