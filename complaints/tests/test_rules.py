"""One rule per fact: the transition table decides what the buttons offer and what the
workflow refuses; the overdue rule gives the same answer in the sweep, the console and
the API — also at the exact deadline."""

import datetime as dt

import pytest
from django.utils import translation

from complaints import reminders, rules, workflow
from complaints.actor import Actor
from complaints.admin_filters import overdue_exists
from complaints.errors import TransitionRefused, WrongAgency
from complaints.models import Assignment, Complaint
from testing.factories import make_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(best_category, district_office, officer):
    complaint = make_complaint(category=best_category, district=district_office.district)
    [a] = workflow.dispatch(complaint=complaint, agencies=[district_office], by=officer, channel="phone")
    return a


def test_the_buttons_offered_are_exactly_the_actions_that_succeed(assignment, coordinator, officer):
    agency = Actor.of_coordinator(coordinator)
    assert workflow.allowed_actions(assignment, agency) == ["acknowledge", "progress", "reject", "report"]
    assert "verify" not in workflow.allowed_actions(assignment, officer)
    for action in ("made_safe", "resolve"):
        assert not workflow.allowed(action, assignment, agency)
    with pytest.raises(TransitionRefused):
        workflow.mark_made_safe(assignment=assignment, by=coordinator)
    workflow.acknowledge(assignment=assignment, by=coordinator)
    assignment.refresh_from_db()
    assert workflow.allowed("made_safe", assignment, agency)
    workflow.mark_made_safe(assignment=assignment, by=coordinator)


def test_another_agencys_member_may_not_act_and_is_told_so(assignment, other_coordinator):
    outsider = Actor.of_coordinator(other_coordinator)
    assert workflow.allowed_actions(assignment, outsider) == []
    with pytest.raises(WrongAgency) as err:
        workflow.acknowledge(assignment=assignment, by=outsider)
    assert err.value.code == "wrong_agency"


def test_every_action_in_the_table_names_real_states():
    states = set(Assignment.Status.values)
    for action, allowed in rules.TRANSITIONS.items():
        assert set(allowed) <= states, action


def test_a_refusal_reads_in_the_readers_language(assignment, officer):
    with pytest.raises(TransitionRefused) as err:
        workflow.verify(assignment=assignment, by=officer)
    assert err.value.th.startswith("ไม่สามารถตรวจสอบผลได้")
    assert err.value.en.startswith("Cannot verify")
    with translation.override("en"):
        assert str(err.value) == err.value.en
    assert err.value.as_dict()["code"] == "invalid_transition"


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_the_sweep_the_console_and_the_api_agree_at_the_deadline(assignment, officer, offset, client):
    due = assignment.ack_due_at
    now = due + dt.timedelta(seconds=offset)
    overdue = offset >= 0  # at the deadline the stage is due
    assert rules.overdue_stages(assignment, now) == (["ack"] if overdue else [])
    assert Assignment.objects.overdue(now, "ack").filter(pk=assignment.pk).exists() is overdue
    assert Complaint.objects.filter(overdue_exists("ack", now), pk=assignment.complaint_id).exists() is overdue
    swept = reminders.sweep(now=now)
    assert (swept.reminders > 0) is overdue


def test_the_partial_indexes_are_built_from_the_rule():
    conditions = {i.name: i.condition for i in Assignment._meta.indexes if i.condition is not None}
    for stage, rule in rules.OVERDUE.items():
        assert conditions[f"assignment_{stage}_due_idx"] == rule.owed_q()
