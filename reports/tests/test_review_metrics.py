"""The centre's review and the cases' outcomes against the hand-built October
(reports/tests/dataset.py: `build` and `build_review`), with the answers worked out there."""

import pytest
from django.urls import reverse

from reports import facts, queries, tables
from reports.models import AssignmentFact

from .dataset import NOW, OCT, build_review
from .test_pages import _csv_rows, frozen  # noqa: F401 - the frozen clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(october, officer):
    build_review(officer, october)
    facts.refresh()
    return october


def by_month(data):
    return queries.review_figures(AssignmentFact.objects.filter(month=OCT), "month", NOW)[OCT]


def test_results_sent_back_and_their_share(data):
    month = by_month(data)
    # C1 1, C2 1, C4 2, R1 2, R2 1, R5 1 results; R1 sent back once.
    assert month["results_reported"] == 8
    assert month["sent_back"] == 1
    assert month["sent_back_pct"] == 12.5


def test_results_accepted_despite_a_flag(data):
    assert by_month(data)["accepted_flagged"] == 1  # R2


def test_median_review_time_of_the_centre(data):
    # latest decided result per assignment: C4 355, R1 45, R2 120 minutes
    assert by_month(data)["review_p50"] == 120.0


def test_only_fixed_counts_as_fixed_and_the_other_outcomes_stand_apart(data):
    month = by_month(data)
    assert month["cases_dispatched"] == 10  # C1–C5, R1–R5 (C3 once: its rejected work does not count)
    assert month["outcome_fixed"] == 2  # R1, R2; C4 was fixed, then reopened: no outcome now
    assert month["fixed_pct"] == 20.0
    assert month["outcome_planned"] == 2  # R3, R5: still open
    assert month["outcome_no_action"] == 1  # R4
    assert month["outcome_outside"] == month["outcome_duplicate"] == month["outcome_cancelled"] == 0


def test_planned_fixes_past_their_date(data):
    assert by_month(data)["plan_late"] == 1  # R3 (10 Nov); R5 is due 20 Dec
    table = tables.planned_fixes_table(OCT, NOW)
    assert [(r["planned_for"], r["late"]) for r in table.rows] == [("10 พ.ย. 2569", "เลยกำหนด"), ("20 ธ.ค. 2569", "")]
    assert [r["reason"] for r in table.rows] == ["รองบประมาณ", "อยู่ระหว่างจัดซื้อจัดจ้าง"]


def test_per_agency(data):
    rows = {r["name"]: r for r in tables.review_agency_table(OCT, NOW).rows}
    line = rows[data.line_agency.name_th]
    assert (line["results_reported"], line["sent_back"], line["sent_back_pct"]) == (7, 1, 14.3)
    assert (line["accepted_flagged"], line["review_p50"]) == (1, 120.0)
    assert (line["cases_dispatched"], line["outcome_fixed"], line["fixed_pct"], line["outcome_planned"]) == (
        6,
        2,
        33.3,
        1,
    )
    right = rows[data.right_agency.name_th]
    assert (right["results_reported"], right["sent_back_pct"], right["review_p50"]) == (0, None, None)
    assert (right["cases_dispatched"], right["outcome_planned"], right["plan_late"]) == (3, 1, 1)
    assert (right["outcome_no_action"], right["fixed_pct"]) == (1, 0.0)
    assert rows[data.wrong_agency.name_th]["cases_dispatched"] == 0  # it said "not ours"


def test_per_category(data):
    rows = {r["name"]: r for r in tables.review_category_table(OCT, NOW).rows}
    best, normal = rows[data.best.name_th], rows[data.normal.name_th]
    assert (best["results_reported"], best["sent_back_pct"], best["review_p50"]) == (4, 25.0, 45.0)
    assert (best["cases_dispatched"], best["outcome_fixed"], best["outcome_planned"], best["plan_late"]) == (6, 1, 2, 1)
    assert (normal["results_reported"], normal["sent_back_pct"], normal["accepted_flagged"]) == (4, 0.0, 1)
    assert (normal["review_p50"], normal["cases_dispatched"], normal["fixed_pct"]) == (237.5, 4, 25.0)


def test_per_month_trend_ends_with_the_month(data):
    table = tables.review_trend_table(OCT, NOW)
    assert len(table.rows) == 12
    assert table.rows[-1]["outcome_fixed"] == 2 and table.rows[-1]["sent_back"] == 1
    assert table.rows[-2]["results_reported"] == 0  # September: acknowledged only


def test_a_later_decision_updates_the_facts(data, officer):
    from complaints import workflow
    from complaints.models import Assignment

    c4 = Assignment.objects.get(complaint__received_at__day=5, complaint__received_at__month=10)
    workflow.send_back(assignment=c4, by=officer, reason="ยังไม่เรียบร้อย")
    facts.refresh_recent()
    assert by_month(data)["sent_back"] == 2


def test_outcomes_page_shows_the_figures_with_definitions_and_exports(client, executive, data, frozen):  # noqa: F811
    client.force_login(executive)
    html = client.get(reverse("reports:outcomes"), {"month": "2026-10"}).content.decode()
    assert "อัตราแก้ไขแล้วจริง" in html and "20.0" in html
    assert "ไม่นับเป็นแก้ไขแล้ว" in html  # the definition is on the page
    assert "เลยกำหนด" in html
    rows = _csv_rows(client.get(reverse("reports:export", args=["review_agencies", "csv"]), {"month": "2026-10"}))
    header = rows[0]
    assert "ส่งกลับแก้ไข" in header and "สัดส่วนผลที่ถูกส่งกลับ (%)" in header
    line = next(r for r in rows if r and r[0] == data.line_agency.name_th)
    assert line[header.index("ผลที่หน่วยงานรายงาน")] == "7"


def test_outcomes_page_carries_no_personal_data(client, executive, data, frozen):  # noqa: F811
    client.force_login(executive)
    html = client.get(reverse("reports:outcomes"), {"month": "2026-10"}).content.decode()
    assert "สมชาย" not in html and "0812345678" not in html
