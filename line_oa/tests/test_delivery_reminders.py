"""Reminders and escalations go out through the real client and pass the stub's validation."""

import datetime as dt

import pytest

from complaints import reminders, workflow
from line_oa.models import OutboxMessage
from testing.factories import AgencyFactory, CoordinatorFactory, make_complaint

pytestmark = pytest.mark.django_db
CENTRE_GROUP = "C" + "c" * 32


def test_reminders_pass_lines_message_validation(
    line_stub, best_category, district_office, coordinator, officer, django_capture_on_commit_callbacks
):
    AgencyFactory(code="C1555", kind="centre", line_group_id=CENTRE_GROUP)
    member = CoordinatorFactory(agency=district_office)
    case = make_complaint(category=best_category, district=district_office.district)
    [a] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    workflow.acknowledge(assignment=a, by=member)
    a.refresh_from_db()
    line_stub.reset()
    with django_capture_on_commit_callbacks(execute=True):
        result = reminders.sweep(now=a.resolve_due_at + dt.timedelta(minutes=31))
    assert result.reminders == 6  # make safe and resolve, three levels each
    assert line_stub.invalid_requests() == []
    assert set(
        OutboxMessage.objects.filter(purpose__in=["reminder", "escalation"]).values_list("status", flat=True)
    ) == {OutboxMessage.Status.SENT}
    sent = line_stub.sent_messages()
    with_button = [m for m in sent if "quickReply" in m]
    assert len(with_button) == 4  # levels 1 and 2 of both stages
    assert all(m["quickReply"]["items"][0]["action"]["data"] == f"action=report&a={a.pk}" for m in with_button)
    assert len(line_stub.sent_messages(to=CENTRE_GROUP)) == 2  # one escalation per stage
