"""Closing-the-loop figures against a hand-built month."""

import datetime as dt

import pytest

from audits.models import AuditDraw, FieldAudit
from notices.models import Confirmation, Notice
from reports import closing
from reports.tables import last_full_month

pytestmark = pytest.mark.django_db


def test_wilson_interval_matches_the_textbook():
    low, high = closing.wilson(2, 20)
    assert round(low, 4) == 0.0279 and round(high, 4) == 0.3010
    assert closing.wilson(0, 0) is None
    assert closing.wilson(0, 10)[0] == 0.0


def test_a_hand_built_month(monkeypatch, best_category, district_office, officer, coordinator, settings):
    from django.utils import timezone

    from complaints import workflow
    from testing.factories import make_complaint
    from testing.images import jpeg_bytes

    monkeypatch.setattr("notices.outbox.after_commit", lambda fn: None)  # nothing sent by itself
    settings.NOTICES_SMS_BACKEND = "console"
    settings.AUDIT_RATE_BEST = 0.0
    month = last_full_month(timezone.now())
    day = dt.datetime.combine(month.replace(day=3), dt.time(9), dt.UTC)
    cases = []
    for i in range(4):
        c = make_complaint(
            category=best_category,
            district=district_office.district,
            received_at=day,
            no_contact=(i == 3),
            lat=closing._dec(13.70 + 0.01 * i),
            lng=closing._dec(100.50),
        )
        [a] = workflow.dispatch(complaint=c, agencies=[district_office], by=officer, at=day)
        workflow.acknowledge(assignment=a, by=coordinator, at=day)
        workflow.add_photo(
            complaint=c, content=jpeg_bytes(seed=2 + 5 * i), by=coordinator, stage="after", assignment=a, at=day
        )
        workflow.resolve(assignment=a, by=coordinator, at=day)
        workflow.accept(assignment=a, by=officer, justification="ok", at=day + dt.timedelta(days=1))
        cases.append(c)
    # two told in time, one late
    for i, days in ((0, 2), (1, 5), (2, 20)):
        Notice.objects.filter(complaint=cases[i], event="ended").update(
            status="sent", sent_at=day + dt.timedelta(days=days)
        )
    Confirmation.objects.create(complaint=cases[0], answer="fixed", answered_at=day + dt.timedelta(days=3))
    Confirmation.objects.create(complaint=cases[1], answer="not_fixed", answered_at=day + dt.timedelta(days=3))
    workflow.reopen(complaint=cases[1], by=officer, reason="ผู้ร้องแจ้ง", at=day + dt.timedelta(days=3))
    draw = AuditDraw.objects.get(complaint=cases[2])
    FieldAudit.objects.create(
        complaint=cases[2],
        draw=draw,
        agency=district_office,
        token="t",
        status="false",
        closed_at=draw.drawn_at,
        due_at=draw.drawn_at,
    )
    # a recurrence: same category, 10 m away, 20 days later
    make_complaint(
        category=best_category,
        district=district_office.district,
        received_at=day + dt.timedelta(days=20),
        lat=cases[0].lat + closing._dec(0.00009),
        lng=cases[0].lng,
    )
    row = closing.figures(month, "agency")[district_office.name_th]
    assert row["reachable"] == 3  # the no-contact case does not count; the new case has no agency yet
    assert row["informed_15d"] == 2 and row["informed_15d_pct"] == 66.7
    assert row["fixed_closures"] == 4
    assert row["reopened_30d"] == 1 and row["reopened_30d_pct"] == 25.0
    assert (row["confirm_fixed"], row["confirm_not_fixed"], row["not_fixed_pct"]) == (1, 1, 50.0)
    assert (row["audited"], row["false_closures"], row["false_closure_pct"]) == (1, 1, 100.0)
    assert row["false_closure_ci"] == "20.7–100.0"
    assert row["recurred_90d"] == 1


def test_the_league_ranks_only_agencies_with_enough_cases(settings, monkeypatch):
    settings.LEAGUE_MIN_CASES = 10
    monkeypatch.setattr(
        closing,
        "figures",
        lambda month, by: {
            "big": {"fixed_closures": 40, "audited": 10, "false_closure_pct": 10.0, "false_closure_ci": "1.8–40.4"},
            "small": {"fixed_closures": 3, "audited": 1, "false_closure_pct": 0.0, "false_closure_ci": "0.0–79.3"},
        },
    )
    table = closing.league_table(dt.date(2026, 10, 1))
    ranks = {r["name"]: r["rank"] for r in table.rows}
    assert ranks == {"big": 1, "small": None}


def test_the_page_and_its_exports_answer(client, executive):
    client.force_login(executive)
    assert client.get("/reports/closing/").status_code == 200
    for key in ("closing_agency", "closing_category", "closing_league", "closing_notices"):
        assert client.get(f"/reports/export/{key}.csv").status_code == 200


def _closed_month(month, category, district, n, *, start=0):
    """n cases closed as fixed in the month (a draw each), each with a new case of the same
    category 20 m away 10 days later, and a confirmation: the rows the figures read."""
    from testing.factories import make_complaint

    day = dt.datetime.combine(month.replace(day=5), dt.time(9), dt.UTC)
    for i in range(start, start + n):
        lat, lng = closing._dec(13.70 + 0.002 * i), closing._dec(100.50)
        case = make_complaint(category=category, district=district, received_at=day, lat=lat, lng=lng)
        draw = AuditDraw.objects.create(
            complaint=case, round=1, draw=0.5, rate=0.05, selected=False, drawn_at=day + dt.timedelta(days=1)
        )
        Confirmation.objects.create(complaint=case, answer="fixed", answered_at=day + dt.timedelta(days=2))
        make_complaint(
            category=category,
            district=district,
            received_at=day + dt.timedelta(days=10),
            lat=lat + closing._dec(0.00018),
            lng=lng,
        )
        assert draw.pk


def test_the_figures_take_a_bounded_number_of_queries(monkeypatch, best_category, district_office, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    monkeypatch.setattr("notices.outbox.after_commit", lambda fn: None)
    settings.NOTICES_SMS_BACKEND = "console"
    month = last_full_month(timezone.now())
    _closed_month(month, best_category, district_office.district, 2)
    with CaptureQueriesContext(connection) as few:
        small = closing.figures(month, "category")[best_category.name_th]
    _closed_month(month, best_category, district_office.district, 8, start=2)
    with CaptureQueriesContext(connection) as many:
        big = closing.figures(month, "category")[best_category.name_th]
    assert (small["fixed_closures"], small["recurred_90d"], small["confirm_fixed"]) == (2, 2, 2)
    assert (big["fixed_closures"], big["recurred_90d"], big["confirm_fixed"]) == (10, 10, 10)
    assert len(many.captured_queries) == len(few.captured_queries) <= 10


def test_recurrence_counts_only_the_same_category_near_and_within_90_days(
    best_category, normal_category, district_office
):
    from testing.factories import make_complaint

    day = dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC)
    lat, lng = closing._dec(13.73), closing._dec(100.53)
    d = district_office.district
    case = make_complaint(category=best_category, district=d, received_at=day - dt.timedelta(days=1), lat=lat, lng=lng)
    draw = AuditDraw.objects.create(complaint=case, round=1, draw=0.5, rate=0.05, selected=False, drawn_at=day)
    month = (day, day + dt.timedelta(days=1))
    # Not a recurrence: 60 m away, another category, 91 days later, received before the closure.
    for kwargs in (
        {"lat": lat + closing._dec(0.00054), "received_at": day + dt.timedelta(days=3)},
        {"category": normal_category, "received_at": day + dt.timedelta(days=3)},
        {"received_at": day + dt.timedelta(days=91)},
        {"received_at": day - dt.timedelta(hours=1)},
    ):
        make_complaint(**{"category": best_category, "district": d, "lat": lat, "lng": lng, **kwargs})
    assert closing.recurrences(*month) == set()
    # 45 m north, 30 days later: a recurrence.
    make_complaint(
        category=best_category,
        district=d,
        received_at=day + dt.timedelta(days=30),
        lat=lat + closing._dec(0.000405),
        lng=lng,
    )
    assert closing.recurrences(*month) == {draw.pk}
