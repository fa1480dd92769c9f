"""The outbox in the admin: failed and stuck messages, resend for supervisors, billing per agency."""

import datetime as dt

import pytest
from django.utils import timezone

from line_oa.models import OutboxMessage
from testing.factories import AgencyFactory

S = OutboxMessage.Status
URL = "/admin/line_oa/outboxmessage/"
TEXT = [{"type": "text", "text": "ทดสอบ"}]

pytestmark = pytest.mark.django_db


def make(status=S.PENDING, **kwargs):
    return OutboxMessage.objects.create(to=["U1"], messages=TEXT, purpose="dispatch", status=status, **kwargs)


def test_officers_see_failed_messages_with_lines_reason(client, officer):
    make(S.FAILED, last_error="LINE 400: The property, 'to', in the request body is invalid", error_status=400)
    client.force_login(officer)
    r = client.get(URL, {"status__exact": "failed"})
    assert r.status_code == 200
    assert "The property, &#x27;to&#x27;" in r.content.decode() or "The property, 'to'" in r.content.decode()


def test_the_stuck_filter_lists_only_messages_nobody_is_working_on(client, officer):
    old = timezone.now() - dt.timedelta(minutes=10)
    stuck = make(S.PENDING)
    OutboxMessage.objects.filter(pk=stuck.pk).update(created_at=old)
    fresh = make(S.PENDING)
    dead = make(S.SENDING, claimed_at=old)
    OutboxMessage.objects.filter(pk=dead.pk).update(created_at=old)
    client.force_login(officer)
    r = client.get(URL, {"stuck": "yes"})
    ids = {obj.pk for obj in r.context["cl"].result_list}
    assert ids == {stuck.pk, dead.pk} and fresh.pk not in ids


def test_supervisors_resend_failed_messages_with_the_same_retry_key(client, supervisor):
    failed = make(S.FAILED, attempts=8, last_error="LINE 500")
    sent = make(S.SENT)
    key = failed.retry_key
    client.force_login(supervisor)
    r = client.post(URL, {"action": "resend", "_selected_action": [failed.pk, sent.pk]}, follow=True)
    assert r.status_code == 200
    failed.refresh_from_db()
    sent.refresh_from_db()
    # No LINE endpoint in this test: eager mode leaves it pending for the worker.
    assert failed.status == S.PENDING and failed.attempts == 0 and failed.retry_key == key
    assert sent.status == S.SENT


def test_officers_cannot_resend(client, officer):
    failed = make(S.FAILED)
    client.force_login(officer)
    r = client.get(URL)
    assert "resend" not in r.context["cl"].model_admin.get_actions(r.wsgi_request)
    client.post(URL, {"action": "resend", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.status == S.FAILED


def test_supervisors_see_billed_messages_per_agency_and_month(client, supervisor):
    agency = AgencyFactory(code="DO1001", name_th="สำนักงานเขตพระนคร")
    now = timezone.now()
    make(S.SENT, agency=agency, sent_at=now, recipients_count=3)
    make(S.SENT, agency=agency, sent_at=now, recipients_count=500)
    make(S.FAILED, agency=agency, recipients_count=0)
    client.force_login(supervisor)
    r = client.get(URL)
    [row] = r.context["billing"]
    assert row["agency__name_th"] == "สำนักงานเขตพระนคร" and row["messages"] == 503
    assert "503" in r.content.decode()


def test_officers_do_not_see_billing(client, officer):
    client.force_login(officer)
    assert client.get(URL).context.get("billing") is None


def test_nobody_adds_or_deletes_outbox_rows_by_hand(client, supervisor):
    message = make(S.FAILED)
    client.force_login(supervisor)
    assert client.get(URL + "add/").status_code == 403
    assert client.get(f"{URL}{message.pk}/delete/").status_code == 403
