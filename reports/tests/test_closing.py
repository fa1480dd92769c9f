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
        workflow.add_photo(complaint=c, content=jpeg_bytes(seed=2 + 5 * i), by=coordinator, stage="after", assignment=a, at=day)
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
        complaint=cases[2], draw=draw, agency=district_office, token="t", status="false",
        closed_at=draw.drawn_at, due_at=draw.drawn_at,
    )
    # a recurrence: same category, 10 m away, 20 days later
    make_complaint(
        category=best_category, district=district_office.district, received_at=day + dt.timedelta(days=20),
        lat=cases[0].lat + closing._dec(0.00009), lng=cases[0].lng,
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
