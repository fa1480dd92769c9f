"""The overdue sweep under real concurrency (PostgreSQL: separate connections in threads)."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from complaints import reminders, workflow
from complaints.models import Assignment, Reminder, TimelineEntry
from line_oa.models import OutboxMessage
from testing.concurrency import race
from testing.factories import AgencyFactory, CoordinatorFactory, make_complaint

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def overdue(best_category, officer):
    """40 BEST assignments over four agencies, dispatched an hour ago: three levels due each."""
    AgencyFactory(code="C1555", kind="centre", line_group_id="C" + "c" * 32)
    agencies = [AgencyFactory(code=f"AG{i}") for i in range(4)]
    for agency in agencies:
        CoordinatorFactory(agency=agency, is_lead=True)
        CoordinatorFactory(agency=agency)
    past = timezone.now() - dt.timedelta(hours=1)
    for i in range(40):
        workflow.dispatch(
            complaint=make_complaint(category=best_category), agencies=[agencies[i % 4]], by=officer, at=past
        )
    OutboxMessage.objects.all().delete()
    return Assignment.objects.all()


@pytest.mark.parametrize("sweeps", [2, 4])
def test_sweeps_racing_send_each_reminder_level_exactly_once(overdue, sweeps):
    now = timezone.now()
    results = race(sweeps, lambda i: reminders.sweep(now=now))
    assert all(isinstance(r, reminders.SweepResult) for r in results), results
    assert sum(r.reminders for r in results) == 120
    assert Reminder.objects.count() == 120
    assert OutboxMessage.objects.filter(purpose="reminder").count() == 80
    assert OutboxMessage.objects.filter(purpose="escalation").count() == 40
    assert TimelineEntry.objects.filter(kind__in=["reminder", "escalated"]).count() == 120
    assert set(Assignment.objects.values_list("escalation_level", flat=True)) == {3}


def test_a_sweep_does_not_wait_for_an_officer_holding_a_case(overdue, officer):
    """Rows another transaction holds are skipped this minute and picked up the next one."""
    held = overdue.first()
    locked = threading.Event()
    release = threading.Event()

    def hold():
        from django.db import transaction

        with transaction.atomic():
            Assignment.objects.select_for_update().get(pk=held.pk)
            locked.set()
            release.wait(20)
        connection.close()

    t = threading.Thread(target=hold)
    t.start()
    locked.wait(10)
    try:
        first = reminders.sweep()
    finally:
        release.set()
        t.join(20)
    assert first.reminders == 39 * 3
    assert not Reminder.objects.filter(assignment=held).exists()
    assert reminders.sweep().reminders == 3


def test_an_assignment_acknowledged_after_its_deadline_gets_no_reminder(overdue):
    a = overdue.select_related("agency").first()
    coordinator = a.agency.coordinators.first()
    workflow.acknowledge(assignment=a, by=coordinator)
    reminders.sweep()
    assert not Reminder.objects.filter(assignment=a, stage="ack").exists()
    assert Reminder.objects.filter(stage="ack").count() == 39 * 3
