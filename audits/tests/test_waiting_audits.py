"""Audits drawn with no eligible auditor are assigned by a periodic sweep once one exists
(never of the agency that fixed it), or lapse after AUDIT_ASSIGN_DAYS with their reason."""

import datetime as dt

import pytest
from django.utils import timezone

from audits import assign
from audits.models import Auditor, FieldAudit
from complaints import workflow
from line_oa.models import OutboxMessage
from testing.factories import AgencyFactory, CoordinatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(fixed_case, settings):
    settings.AUDIT_RATE_BEST = 1.0
    complaint = fixed_case()
    audit = FieldAudit.objects.get(complaint=complaint)
    assert audit.status == "no_auditor" and audit.auditor is None
    return audit


def test_the_sweep_is_in_the_beat_schedule():
    from bkk1555.celery import app

    assert app.conf.beat_schedule["audits-waiting"]["task"] == "audits.tasks.assign_waiting_audits"


def test_nobody_eligible_keeps_it_waiting(waiting, district_office):
    Auditor.objects.create(coordinator=CoordinatorFactory(agency=district_office, name="คนของเขตเอง"))
    assert assign.sweep() == {"assigned": 0, "lapsed": 0, "waiting": 1}
    waiting.refresh_from_db()
    assert waiting.status == "no_auditor" and not OutboxMessage.objects.filter(purpose="audit").exists()


def test_an_auditor_of_another_agency_gets_it_with_a_fresh_deadline_and_the_card(waiting, settings):
    settings.AUDIT_DUE_DAYS = 3
    auditor = Auditor.objects.create(coordinator=CoordinatorFactory(agency=AgencyFactory(code="CENTRE"), name="ผู้ตรวจ"))
    before = timezone.now()
    assert assign.sweep()["assigned"] == 1
    waiting.refresh_from_db()
    assert waiting.status == "pending" and waiting.auditor == auditor
    assert waiting.assigned_at >= before and waiting.due_at >= before + dt.timedelta(days=3)
    card = OutboxMessage.objects.get(purpose="audit")
    assert card.to == [auditor.coordinator.line_user_id] and waiting.complaint.reference in str(card.messages)
    assert assign.sweep() == {"assigned": 0, "lapsed": 0, "waiting": 0}  # once
    assert OutboxMessage.objects.filter(purpose="audit").count() == 1


def test_an_inactive_or_unreachable_auditor_is_not_eligible(waiting):
    centre = AgencyFactory(code="CENTRE")
    Auditor.objects.create(coordinator=CoordinatorFactory(agency=centre, name="พักงาน"), is_active=False)
    Auditor.objects.create(coordinator=CoordinatorFactory(agency=centre, name="ไม่มี LINE", line_user_id=None))
    assert assign.sweep()["waiting"] == 1


def test_it_lapses_after_the_limit_with_the_reason(waiting, settings):
    settings.AUDIT_ASSIGN_DAYS = 14
    later = waiting.closed_at + dt.timedelta(days=15)
    assert assign.sweep(now=later) == {"assigned": 0, "lapsed": 1, "waiting": 0}
    waiting.refresh_from_db()
    assert waiting.status == "lapsed" and "14 วัน" in waiting.lapsed_reason
    # An auditor who turns up afterwards does not revive it.
    Auditor.objects.create(coordinator=CoordinatorFactory(agency=AgencyFactory(code="CENTRE"), name="มาช้า"))
    assert assign.sweep(now=later)["assigned"] == 0


def test_a_case_reopened_meanwhile_is_not_audited(waiting, supervisor):
    workflow.reopen(complaint=waiting.complaint, by=supervisor, reason="ผู้ร้องแจ้งว่ายังไม่แก้ไข")
    Auditor.objects.create(coordinator=CoordinatorFactory(agency=AgencyFactory(code="CENTRE"), name="ผู้ตรวจ"))
    assert assign.sweep()["lapsed"] == 1
    waiting.refresh_from_db()
    assert waiting.status == "lapsed" and "เปิดใหม่" in waiting.lapsed_reason


def test_supervisors_see_the_lapse_reason(client, waiting, supervisor):
    assign.sweep(now=waiting.closed_at + dt.timedelta(days=30))
    client.force_login(supervisor)
    page = client.get("/admin/audits/fieldaudit/?status__exact=lapsed").content.decode()
    assert waiting.complaint.reference in page and "ไม่มีผู้ตรวจ" in page
