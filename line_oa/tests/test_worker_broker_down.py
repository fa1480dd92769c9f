"""A dead broker never costs the centre a decision: the row waits, the sweep sends it."""

import time

import pytest

from bkk1555 import publisher
from bkk1555.celery import app
from complaints import workflow
from line_oa import delivery
from line_oa.models import OutboxMessage
from testing.factories import make_complaint

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dead_broker():
    """Publish for real (not eager) to a Redis port nobody listens on."""
    saved = app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = None
    app.amqp._producer_pool = None
    yield
    assert publisher.publisher.wait_idle(20)  # the publisher thread is done with the dead broker
    app.conf.broker_url = saved
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.task_always_eager = True


def test_a_dispatch_while_the_broker_is_down_succeeds_and_leaves_the_card_pending(
    dead_broker, best_category, district_office, coordinator, officer
):
    case = make_complaint(category=best_category, district=district_office.district)
    started = time.monotonic()
    [assignment] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    assert time.monotonic() - started < 10
    card = OutboxMessage.objects.get(assignment=assignment)
    assert card.status == OutboxMessage.Status.PENDING and card.attempts == 0


def test_the_sweep_delivers_what_the_broker_lost(line_stub, settings, best_category, district_office, coordinator):
    settings.OUTBOX_PENDING_GRACE_SECONDS = 0
    row = OutboxMessage.objects.create(to=[coordinator.line_user_id], messages=[{"type": "text", "text": "x"}],
                                       purpose="dispatch")  # fmt: skip
    assert delivery.sweep() == 1  # eager here: the sweep's re-queue delivers in-process
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT
    assert delivery.sweep() == 0
