"""Every filter of the complaint list, ordering, cursor pagination, and constant query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from complaints import workflow
from testing.factories import (
    AgencyFactory,
    CategoryFactory,
    DistrictFactory,
    DistrictOfficeFactory,
    SubdistrictFactory,
    ZoneFactory,
    make_complaint,
)

LIST = "/api/v1/complaints/"


@pytest.fixture
def world(db, officer):
    now = timezone.now()
    north = ZoneFactory(code="02", name_th="กลุ่มเขตกรุงเทพเหนือ", name_en="North")
    d1 = DistrictFactory(code="1001")
    d2 = DistrictFactory(code="1005", zone=north)
    office1 = DistrictOfficeFactory(district=d1)
    mea = AgencyFactory(code="MEA")
    best = CategoryFactory(best=True, code="POTHOLE")
    normal = CategoryFactory(code="NOISE")
    sub = SubdistrictFactory(district=d1, code="100101")
    cases = {
        "best_d1_new": make_complaint(category=best, district=d1, received_at=now - dt.timedelta(days=1)),
        "best_d2_old": make_complaint(
            category=best, district=d2, received_at=now - dt.timedelta(days=40), channel="line"
        ),
        "normal_d1_web": make_complaint(
            category=normal,
            district=d1,
            subdistrict=sub,
            received_at=now - dt.timedelta(days=3),
            channel="web",
            external_ref="MIS-77",
            description="เสียงดังจากไซต์ก่อสร้างตลอดคืน",
        ),
        "normal_d2_dispatched": make_complaint(category=normal, district=d2, received_at=now - dt.timedelta(hours=5)),
    }
    # Dispatched long ago so the ack deadline has passed (the workflow takes an explicit time).
    workflow.dispatch(complaint=cases["best_d1_new"], agencies=[office1], by=officer, at=now - dt.timedelta(hours=20))
    [a] = workflow.dispatch(
        complaint=cases["normal_d2_dispatched"], agencies=[mea], by=officer, at=now - dt.timedelta(minutes=1)
    )
    workflow.acknowledge(assignment=a, by=officer, name="x")
    return cases


def refs(response):
    assert response.status_code == 200, response.content
    return {item["reference"] for item in response.json()["results"]}


def expect(world, *names):
    return {world[n].reference for n in names}


@pytest.mark.parametrize(
    "query,names",
    [
        ("", ["best_d1_new", "best_d2_old", "normal_d1_web", "normal_d2_dispatched"]),
        ("?status=new", ["best_d2_old", "normal_d1_web"]),
        ("?status=dispatched&status=in_progress", ["best_d1_new", "normal_d2_dispatched"]),
        ("?category=POTHOLE", ["best_d1_new", "best_d2_old"]),
        ("?category=NOISE,POTHOLE", ["best_d1_new", "best_d2_old", "normal_d1_web", "normal_d2_dispatched"]),
        ("?best=true", ["best_d1_new", "best_d2_old"]),
        ("?best=false", ["normal_d1_web", "normal_d2_dispatched"]),
        ("?district=1005", ["best_d2_old", "normal_d2_dispatched"]),
        ("?subdistrict=100101", ["normal_d1_web"]),
        ("?zone=02", ["best_d2_old", "normal_d2_dispatched"]),
        ("?agency=MEA", ["normal_d2_dispatched"]),
        ("?agency=DO1001", ["best_d1_new"]),
        ("?agency=MEA&agency_status=acknowledged", ["normal_d2_dispatched"]),
        ("?agency=MEA&agency_status=dispatched", []),
        ("?agency_status=dispatched", ["best_d1_new"]),
        ("?channel=web", ["normal_d1_web"]),
        ("?channel=line&channel=web", ["best_d2_old", "normal_d1_web"]),
        ("?overdue=ack", ["best_d1_new"]),
        ("?overdue=resolve", []),
        ("?overdue=safe", []),
        ("?q=ไซต์ก่อสร้าง", ["normal_d1_web"]),
        ("?q=MIS-77", ["normal_d1_web"]),
        ("?external_ref=MIS-77", ["normal_d1_web"]),
        ("?best=true&district=1001", ["best_d1_new"]),
    ],
)
def test_filters(officer_api, world, query, names):
    assert refs(officer_api.get(LIST + query)) == expect(world, *names)


def test_received_range(officer_api, world):
    after = (timezone.now() - dt.timedelta(days=30)).isoformat()
    before = (timezone.now() - dt.timedelta(days=2)).isoformat()
    response = officer_api.get(LIST, {"received_after": after, "received_before": before})
    assert refs(response) == expect(world, "normal_d1_web")


def test_filter_by_reference_text(officer_api, world):
    ref = world["best_d2_old"].reference
    assert refs(officer_api.get(LIST, {"q": ref})) == {ref}


def test_overdue_make_safe_and_resolve(officer_api, world, officer):
    best = world["best_d1_new"]
    [a] = best.assignments.all()
    workflow.acknowledge(assignment=a, by=officer, name="x")  # safe due 2 h after dispatch, 20 h ago
    assert refs(officer_api.get(LIST, {"overdue": "safe"})) == {best.reference}
    a.refresh_from_db()
    a.resolve_due_at = timezone.now() - dt.timedelta(minutes=1)
    a.save(update_fields=["resolve_due_at"])
    assert refs(officer_api.get(LIST, {"overdue": "resolve"})) == {best.reference}


@pytest.mark.parametrize(
    "query",
    [
        "?status=bogus",
        "?best=maybe",
        "?overdue=tomorrow",
        "?received_after=yesterday",
        "?channel=pigeon",
    ],
)
def test_bad_filter_values_are_400s(officer_api, world, query):
    response = officer_api.get(LIST + query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_unknown_codes_simply_match_nothing(officer_api, world):
    assert refs(officer_api.get(LIST, {"district": "9999"})) == set()


def test_ordering_oldest_first_and_newest_first(officer_api, world):
    oldest = officer_api.get(LIST, {"ordering": "received_at"}).json()["results"]
    newest = officer_api.get(LIST).json()["results"]
    assert oldest[0]["reference"] == world["best_d2_old"].reference
    assert [r["reference"] for r in newest] == [r["reference"] for r in reversed(oldest)]


def test_cursor_pagination_walks_every_case_once(officer_api, world):
    seen, url, pages = [], LIST + "?page_size=1", 0
    while url:
        body = officer_api.get(url).json()
        seen += [r["reference"] for r in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 4 and len(seen) == len(set(seen)) == 4


@pytest.mark.parametrize(
    "cursor",
    # garbled; base64 of "p=notadate", "p=2026-13-45T99:99", "p=<NUL>", "o=-5"
    ["not-a-cursor", "cD1ub3RhZGF0ZQ==", "cD0yMDI2LTEzLTQ1VDk5Ojk5", "cD0A", "bz0tNQ=="],
)
def test_a_cursor_that_is_not_a_position_is_a_400_in_the_error_shape(officer_api, world, cursor):
    response = officer_api.get(LIST, {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["error"]["fields"]


def test_a_huge_cursor_offset_is_capped_not_an_error(officer_api, world):
    assert officer_api.get(LIST, {"cursor": "bz05OTk5OTk5OTk5OTk5OTk5OTk5OQ=="}).status_code == 200


def test_query_count_does_not_grow_with_page_size(officer_api, world, django_assert_max_num_queries, best_category):
    for i in range(20):
        c = make_complaint(category=best_category, lat=Decimal("13.7"), lng=Decimal("100.5"))
        workflow.add_note(complaint=c, by=None, text=f"n{i}")
    # token+user, the role's permissions (user, group), the page, its assignments: 2 rows or 50 alike;
    # plus the PII access log's one row per page (an INSERT; in a test's transaction also its savepoint).
    with django_assert_max_num_queries(8) as small:
        officer_api.get(LIST, {"page_size": 2})
    with django_assert_max_num_queries(8) as large:
        officer_api.get(LIST, {"page_size": 50})
    assert len(small.captured_queries) == len(large.captured_queries)
