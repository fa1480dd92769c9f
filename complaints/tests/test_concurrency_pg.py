"""Races between real concurrent database connections (PostgreSQL; SQLite serialises writers anyway)."""

import pytest

from complaints import workflow
from complaints.errors import AlreadyAcknowledged, TransitionRefused
from complaints.models import Assignment, Complaint, TimelineEntry
from testing.concurrency import race
from testing.factories import AgencyFactory, CoordinatorFactory, make_complaint

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_reference_numbers_have_no_gaps_or_duplicates_under_concurrency(best_category, district_office):
    district = district_office.district
    results = race(8, lambda i: make_complaint(category=best_category, district=district).reference)
    assert all(isinstance(r, str) for r in results), results
    numbers = sorted(int(r.split("-")[1]) for r in results)
    assert numbers == list(range(1, 9))


def test_two_officers_dispatching_at_once_create_one_assignment(best_category, district_office, officer, supervisor):
    case = make_complaint(category=best_category, district=district_office.district)
    users = [officer, supervisor]
    results = race(2, lambda i: workflow.dispatch(complaint=case, agencies=[district_office], by=users[i]))
    created = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, TransitionRefused)]
    assert len(created) == 1 and len(refused) == 1, results
    assert Assignment.objects.filter(complaint=case).count() == 1
    assert TimelineEntry.objects.filter(complaint=case, kind="dispatched").count() == 1
    assert Complaint.objects.get(pk=case.pk).status == Complaint.Status.DISPATCHED


def test_two_coordinators_acknowledging_at_once_leave_one_acknowledgement(best_category, district_office, officer):
    case = make_complaint(category=best_category, district=district_office.district)
    [a] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    people = [CoordinatorFactory(agency=district_office), CoordinatorFactory(agency=district_office)]
    results = race(2, lambda i: workflow.acknowledge(assignment=a, by=people[i]))
    ok = [r for r in results if isinstance(r, Assignment)]
    late = [r for r in results if isinstance(r, AlreadyAcknowledged)]
    assert len(ok) == 1 and len(late) == 1, results
    a.refresh_from_db()
    assert a.acknowledged_by == ok[0].acknowledged_by
    assert late[0].by_name == ok[0].acknowledged_by.name
    assert TimelineEntry.objects.filter(complaint=case, kind="acknowledged").count() == 1


def test_dispatches_of_different_agencies_at_once_both_land(best_category, district_office, officer, supervisor):
    case = make_complaint(category=best_category, district=district_office.district)
    agencies = [district_office, AgencyFactory(code="MEA")]
    users = [officer, supervisor]
    results = race(2, lambda i: workflow.dispatch(complaint=case, agencies=[agencies[i]], by=users[i]))
    assert all(isinstance(r, list) for r in results), results
    assert Assignment.objects.filter(complaint=case).count() == 2
