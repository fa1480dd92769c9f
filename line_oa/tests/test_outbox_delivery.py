"""Outbox delivery through the real client against the stub LINE server (tasks eager)."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.utils import timezone

from complaints import workflow
from line_oa import delivery, outbox
from line_oa.models import OutboxMessage
from testing.factories import make_complaint

S = OutboxMessage.Status
PUSH = "/v2/bot/message/push"
MULTICAST = "/v2/bot/message/multicast"
TEXT = [{"type": "text", "text": "ทดสอบ"}]

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatch(best_category, district_office, coordinator, officer, django_capture_on_commit_callbacks):
    def run():
        case = make_complaint(category=best_category, district=district_office.district)
        with django_capture_on_commit_callbacks(execute=True):
            [assignment] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
        return OutboxMessage.objects.get(assignment=assignment, purpose=OutboxMessage.Purpose.DISPATCH)

    return run


def row(to, **kwargs):
    return OutboxMessage.objects.create(to=to, messages=TEXT, purpose=OutboxMessage.Purpose.OFFICER_MESSAGE, **kwargs)


def test_dispatch_card_is_pushed_once_with_the_rows_retry_key(line_stub, dispatch, coordinator):
    message = dispatch()
    message.refresh_from_db()
    [req] = line_stub.requests_to(PUSH)
    assert req.retry_key == str(message.retry_key) and req.body["to"] == coordinator.line_user_id
    assert message.status == S.SENT and message.attempts == 1 and message.recipients_count == 1
    assert message.line_request_id and message.sent_at


def test_a_sent_row_is_never_sent_again(line_stub, dispatch):
    message = dispatch()
    assert delivery.deliver(message.pk).status == "skipped"
    assert len(line_stub.requests_to(PUSH)) == 1


def test_server_error_keeps_the_row_pending_with_backoff_then_the_same_key_delivers(line_stub, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 10
    message = row(["U1"])
    line_stub.fail_next(500, times=2)
    first = delivery.deliver(message.pk)
    message.refresh_from_db()
    assert first.status == "retry" and 5 <= first.retry_in <= 15
    assert message.status == S.PENDING and message.error_status == 500 and "500" in message.last_error
    assert message.next_attempt_at > timezone.now()
    assert delivery.deliver(message.pk).status == "skipped"  # not due yet
    with time_machine.travel(message.next_attempt_at + dt.timedelta(seconds=1)):
        second = delivery.deliver(message.pk)
        assert second.status == "retry" and 10 <= second.retry_in <= 30  # doubled
    message.refresh_from_db()
    with time_machine.travel(message.next_attempt_at + dt.timedelta(seconds=1)):
        assert delivery.deliver(message.pk).status == "sent"
    keys = {r.retry_key for r in line_stub.requests_to(PUSH)}
    assert keys == {str(message.retry_key)} and len(line_stub.requests_to(PUSH)) == 3
    assert len(line_stub.sent_messages()) == 1


@pytest.mark.parametrize("status", [429, 502, 503])
def test_rate_limit_and_server_errors_are_retried(line_stub, status):
    message = row(["U1"])
    line_stub.fail_next(status)
    assert delivery.deliver(message.pk).status == "retry"


def test_conflict_means_line_already_has_it_and_the_row_is_sent(line_stub):
    message = row(["U1"])
    line_stub.accepted_keys[str(message.retry_key)] = "accepted-request-id"
    assert delivery.deliver(message.pk).status == "sent"
    message.refresh_from_db()
    assert message.status == S.SENT and message.line_request_id == "accepted-request-id"
    assert line_stub.sent_messages() == []


def test_other_client_errors_fail_at_once_keeping_lines_answer(line_stub):
    message = row(["U1"])
    line_stub.fail_next(400)
    assert delivery.deliver(message.pk).status == "failed"
    message.refresh_from_db()
    assert message.status == S.FAILED and message.error_status == 400 and message.attempts == 1
    assert "stub fault injected" in message.last_error


def test_an_invalid_message_fails_without_any_request(line_stub):
    message = OutboxMessage.objects.create(to=["U1"], messages=[{"type": "nonsense"}], purpose="officer")
    assert delivery.deliver(message.pk).status == "failed"
    message.refresh_from_db()
    assert message.status == S.FAILED and message.last_error
    assert line_stub.requests_to(PUSH) == []


def test_retries_stop_at_the_limit_and_the_row_fails(line_stub, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = row(["U1"])
    line_stub.fail_next(503, times=5)
    assert delivery.deliver(message.pk).status == "retry"
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
    assert delivery.deliver(message.pk).status == "failed"
    message.refresh_from_db()
    assert message.status == S.FAILED and message.attempts == 2 and message.error_status == 503


def test_a_timeout_is_retried(line_stub, settings):
    settings.LINE_REQUEST_TIMEOUT = 0.3
    message = row(["U1"])
    line_stub.hang_next(1.0)
    assert delivery.deliver(message.pk).status == "retry"
    message.refresh_from_db()
    assert message.status == S.PENDING and message.error_status is None


def test_a_row_claimed_by_a_live_worker_is_not_taken(line_stub):
    message = row(["U1"], status=S.SENDING, claimed_at=timezone.now())
    assert delivery.deliver(message.pk).status == "skipped"
    assert line_stub.requests == []


def test_a_row_whose_worker_died_is_taken_over_after_the_lease(line_stub, settings):
    message = row(["U1"], status=S.SENDING, claimed_at=timezone.now() - dt.timedelta(seconds=121), attempts=1)
    assert delivery.deliver(message.pk).status == "sent"
    message.refresh_from_db()
    assert message.attempts == 2


def test_a_worker_that_lost_its_lease_cannot_overwrite_the_outcome(line_stub):
    message = row(["U1"])
    claimed = delivery.claim(message.pk)
    # Another worker took it over meanwhile and failed it.
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now() + dt.timedelta(seconds=1))
    assert delivery._finish(claimed, status=S.SENT) is False
    assert OutboxMessage.objects.get(pk=message.pk).status == S.SENDING


def test_many_users_go_out_in_multicasts_of_at_most_500_with_stable_keys(line_stub):
    users = [f"U{i:032x}" for i in range(1201)]
    message = row(users)
    assert delivery.deliver(message.pk).status == "sent"
    batches = line_stub.requests_to(MULTICAST)
    assert [len(r.body["to"]) for r in batches] == [500, 500, 201]
    keys = [r.retry_key for r in batches]
    assert len(set(keys)) == 3 and str(message.retry_key) not in keys
    assert keys == [str(uuid.uuid5(message.retry_key, f"unit-{i}")) for i in range(3)]
    message.refresh_from_db()
    assert message.recipients_count == 1201


def test_groups_are_pushed_one_by_one_and_users_multicast(line_stub):
    message = row(["C" + "1" * 32, "C" + "2" * 32, "U1", "U2"])
    assert delivery.deliver(message.pk).status == "sent"
    assert sorted(r.body["to"] for r in line_stub.requests_to(PUSH)) == ["C" + "1" * 32, "C" + "2" * 32]
    [multi] = line_stub.requests_to(MULTICAST)
    assert multi.body["to"] == ["U1", "U2"]
    message.refresh_from_db()
    assert message.recipients_count == 4  # LINE cannot count these groups' members (404): 1 each


def test_a_group_push_is_billed_once_per_member(line_stub):
    group = "C" + "3" * 32
    line_stub.group_members[group] = 8
    message = row([group, "U1"])
    assert delivery.deliver(message.pk).status == "sent"
    message.refresh_from_db()
    assert message.recipients_count == 9  # 8 members of the group + 1 user
    assert sorted(r.body["to"] for r in line_stub.requests_to(PUSH)) == sorted([group, "U1"])


def test_a_retry_after_a_partial_send_does_not_deliver_the_first_batch_twice(line_stub):
    message = row(["C" + "1" * 32, "C" + "2" * 32])
    line_stub.fail_next(500, path=PUSH)  # the first group's push fails…
    assert delivery.deliver(message.pk).status == "retry"
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
    line_stub.reset()
    line_stub.accepted_keys[str(uuid.uuid5(message.retry_key, "unit-1"))] = "earlier"
    assert delivery.deliver(message.pk).status == "sent"
    assert len(line_stub.sent_messages()) == 1  # only the group that had not received it


def test_without_a_line_endpoint_eager_mode_leaves_rows_pending(settings, dispatch):
    settings.LINE_API_BASE = ""
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    message = dispatch()
    message.refresh_from_db()
    assert message.status == S.PENDING and message.attempts == 0


def test_enqueue_skips_messages_without_recipients():
    assert outbox.enqueue(to=["", None], messages=TEXT, purpose="officer") is None
    assert outbox.enqueue_many([outbox.Outgoing(to=[], messages=TEXT, purpose="officer")]) == []
    assert not OutboxMessage.objects.exists()


def test_a_burst_is_delivered_in_batches_each_row_on_its_own(line_stub):
    from line_oa import tasks

    good, refused, flaky = row(["U1"]), row(["U2"]), row(["U3"])
    line_stub.fail_next(400, path=PUSH)  # the batch's first request: refused's
    counts = tasks.send_outbox_batch.apply(args=[[refused.pk, good.pk, flaky.pk]]).get()
    assert counts == {"failed": 1, "sent": 2}
    assert {m.pk: m.status for m in OutboxMessage.objects.all()} == {
        good.pk: S.SENT,
        refused.pk: S.FAILED,
        flaky.pk: S.SENT,
    }


def test_enqueue_many_stores_rows_and_queues_them_after_commit(line_stub, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ids = outbox.enqueue_many([outbox.Outgoing(to=[f"U{i}"], messages=TEXT, purpose="reminder") for i in range(3)])
    assert len(ids) == 3
    assert set(OutboxMessage.objects.filter(pk__in=ids).values_list("status", flat=True)) == {S.SENT}
    assert len(line_stub.requests_to(PUSH)) == 3
