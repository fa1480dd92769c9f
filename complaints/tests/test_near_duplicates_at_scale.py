"""The short form of bench/near_duplicates.py: a few thousand stored photos whose hashes crowd
together like a city's street photos; copies of the planted originals are found, new scenes
are not. Correctness only (timings are the benchmark's: docs/benchmarks.md)."""

import pytest

from testing.factories import make_complaint
from testing.neardup_bench import check, seed

pytestmark = pytest.mark.django_db


def test_copies_are_found_and_new_scenes_are_not_among_crowded_hashes():
    complaints = [make_complaint().pk for _ in range(3)]
    planted = seed(total=3000, complaint_ids=complaints, bases=30, planted=10)
    result = check(planted=planted, asking=make_complaint(), unrelated=10)
    assert result.asked["copy"] == 10
    assert result.found["copy"] >= 9  # one crop in fourteen goes unseen (docs/benchmarks.md)
    assert result.found["new scene"] == 0
