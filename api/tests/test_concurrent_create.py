"""Retries that arrive at the same moment still create one complaint (PostgreSQL, real connections)."""

import threading
import time

import pytest
from django.db import connection

from api import idempotency
from complaints.models import Complaint

from .conftest import client_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
URL = "/api/v1/complaints/"
RACERS = 5


@pytest.fixture
def slow_receive(monkeypatch):
    """Hold the winner's transaction open, so every racer is past the read-only
    fast path before anything commits: the unique index alone must decide."""
    from api import views

    real = views.workflow.receive

    def slow(**kwargs):
        complaint = real(**kwargs)
        time.sleep(0.5)
        return complaint

    monkeypatch.setattr(views.workflow, "receive", slow)


@pytest.fixture
def conflict_replays(monkeypatch):
    """Counts lookups made after an IntegrityError, i.e. replays decided by the index."""
    calls = {"n": 0}
    real = idempotency._existing

    def counting(**kwargs):
        calls["n"] += 1
        return real(**kwargs)

    monkeypatch.setattr(idempotency, "_existing", counting)
    return calls


def race(user, body, headers):
    barrier = threading.Barrier(RACERS)
    results = []

    def one():
        try:
            client = client_for(user)
            barrier.wait()
            response = client.post(URL, body, format="json", **headers)
            results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.fixture
def body(best_category, district_office):
    # A BEST case needs a district and a place (intake refuses it otherwise).
    return {
        "category": best_category.code,
        "description": "ต้นไม้ล้มขวางถนน",
        "district": district_office.district.code,
        "address": "ถนนราชดำเนินกลาง",
    }


def _check(results, conflict_replays):
    assert len(results) == RACERS
    codes = sorted(code for code, _ in results)
    assert codes == [200] * (RACERS - 1) + [201], results
    assert len({data["id"] for _, data in results}) == 1
    assert Complaint.objects.count() == 1
    # Every loser went through the fast path and then once more after its INSERT failed.
    assert conflict_replays["n"] == 1 + 2 * (RACERS - 1)


def test_simultaneous_retries_with_one_idempotency_key_create_one_complaint(
    mis_user, body, slow_receive, conflict_replays
):
    results = race(mis_user, body, {"HTTP_IDEMPOTENCY_KEY": "retry-storm-1"})
    _check(results, conflict_replays)


def test_simultaneous_retries_with_one_external_ref_create_one_complaint(
    mis_user, body, slow_receive, conflict_replays
):
    results = race(mis_user, {**body, "external_ref": "MIS-RACE-1"}, {})
    _check(results, conflict_replays)
    # The losers' reference numbers were given back: the next complaint is number 2.
    from testing.factories import make_complaint

    assert make_complaint(category=Complaint.objects.get().category).reference.endswith("-000002")
