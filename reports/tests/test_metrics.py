"""Each metric against the hand-built data set (reports/tests/dataset.py) with known answers."""

import pytest

from reports import facts, queries, tables
from reports.models import AssignmentFact

from .dataset import NOV, NOW, OCT, OCT_LAST_YEAR, SEP

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(october):
    facts.refresh()
    return queries.month_overview([OCT, SEP, OCT_LAST_YEAR, NOV], NOW)


def test_complaints_count_in_the_bangkok_month_they_were_received(figures):
    # 31 Oct 23:30 is October's, 1 Nov 00:10 November's, 30 Sep 23:59 September's.
    assert figures[OCT]["received"] == 5
    assert figures[NOV]["received"] == 1
    assert figures[SEP]["received"] == 1
    assert figures[OCT_LAST_YEAR]["received"] == 1


def test_best_count_and_share(figures):
    assert figures[OCT]["best"] == 3
    assert figures[OCT]["best_share"] == 60.0


def test_assignment_counts_include_side_exits_and_work_finished_next_month(figures):
    oct_ = figures[OCT]
    assert oct_["dispatched"] == 6  # C3 counts twice: the rejected and the re-routed assignment
    assert oct_["resolved"] == 3  # C1 and C2 were resolved in November: still October's
    assert oct_["open"] == 2
    assert oct_["overdue"] == 2
    assert oct_["reopened"] == 1
    assert oct_["rejected"] == 1
    assert oct_["rerouted"] == 1


def test_acknowledge_percentiles_on_both_clocks(figures):
    oct_ = figures[OCT]
    # elapsed [10, 15, 30, 3900]; SLA clock [10, 15, 30, 60] (C2's weekend does not count)
    assert oct_["ack_p50"] == 22.5
    assert oct_["ack_p90"] == pytest.approx(2739.0)
    assert oct_["ack_sla_p50"] == 22.5
    assert oct_["ack_sla_p90"] == pytest.approx(51.0)


def test_make_safe_percentiles_are_best_only(figures):
    # C1 90 min, C3 (re-routed) 150 min from its own dispatch
    assert figures[OCT]["safe_p50"] == 120.0
    assert figures[OCT]["safe_p90"] == pytest.approx(144.0)
    assert figures[OCT]["safe_sla_p50"] == 120.0


def test_resolve_percentiles_count_reopened_work_until_its_second_resolution(figures):
    oct_ = figures[OCT]
    # elapsed [780, 5420, 5815]; SLA clock [620, 780, 1975]
    assert oct_["resolve_p50"] == 5420.0
    assert oct_["resolve_p90"] == pytest.approx(5736.0)
    assert oct_["resolve_sla_p50"] == 780.0
    assert oct_["resolve_sla_p90"] == pytest.approx(1736.0)


def test_sla_shares_skip_side_exits_and_count_missed_deadlines_of_open_work(figures):
    oct_ = figures[OCT]
    assert oct_["ack_sla_pct"] == 60.0  # C1, C2 (exactly on time), C4 in; C3-rerouted late, C5 never
    assert oct_["safe_sla_pct"] == 33.3  # C1 in; C3 late; C5 past due
    assert oct_["res_sla_pct"] == 60.0  # C1, C2, C4 in; C3 and C5 past due


def test_previous_month_and_last_year(figures):
    assert figures[SEP]["ack_p50"] == 5.0
    assert figures[SEP]["dispatched"] == 1
    assert figures[OCT_LAST_YEAR]["ack_p50"] == 20.0
    assert figures[OCT_LAST_YEAR]["ack_sla_pct"] == 0.0


def test_overview_table_shows_changes_against_previous_month_and_last_year(october):
    facts.refresh()
    table = tables.overview_table(OCT, NOW)
    received = next(r for r in table.rows if r["key"] == "received")
    assert (received["value"], received["prev"], received["prev_change"]) == (5, 1, 400.0)
    assert (received["year"], received["year_change"]) == (1, 400.0)
    ack = next(r for r in table.rows if r["key"] == "ack_sla_pct")
    assert ack["year_change"] == 60.0  # percentage points, not percent


def test_agency_league_table(october):
    facts.refresh()
    table = tables.agency_table(OCT, NOW, sort="dispatched")
    by_name = {r["name"]: r for r in table.rows}
    line = by_name["สำนักงานเขตพระนคร"]
    assert line["dispatched"] == 3
    assert line["ack_sla_pct"] == 66.7  # C1, C4 in; C5 missed
    assert line["ack_p50"] == 12.5
    assert line["overdue"] == 1
    assert line["photos_per_resolved"] == 0.5  # one photo over C1 and C4
    assert by_name["การไฟฟ้านครหลวง"]["rejected"] == 1
    assert [r["dispatched"] for r in table.rows] == sorted((r["dispatched"] for r in table.rows), reverse=True)
    ascending = tables.agency_table(OCT, NOW, sort="ack_p50", descending=False)
    values = [r["ack_p50"] for r in ascending.rows]
    assert values == [12.5, 30.0, 3900.0, None]  # no acknowledgement last


def test_channel_comparison(october):
    facts.refresh()
    rows = {r["channel"]: r for r in tables.channel_table(OCT, NOW).rows}
    assert rows["line"]["dispatched"] == 3
    assert rows["line"]["ack_p50"] == 12.5
    assert rows["line"]["with_photo_pct"] == 50.0
    assert rows["radio"]["ack_p50"] == 3900.0
    assert rows["radio"]["ack_sla_p50"] == 60.0
    assert rows["radio"]["with_photo_pct"] == 0.0
    assert rows["phone"]["dispatched"] == 2
    assert rows["fax"]["dispatched"] == 0
    best_rows = {r["channel"]: r for r in tables.channel_table(OCT, NOW, best=True).rows}
    assert best_rows["line"]["dispatched"] == 2


def test_category_district_and_zone_tables(october):
    facts.refresh()
    cats = {r["name"]: r for r in tables.category_table(OCT, NOW).rows}
    assert cats["ฝาท่อชำรุด"]["received"] == 3
    assert cats["ขยะตกค้าง"]["received"] == 2
    assert cats["ขยะตกค้าง"]["res_sla_pct"] == 100.0
    districts = {r["code"]: r for r in tables.district_table(OCT, NOW).rows}
    assert districts["1001"]["received"] == 3
    assert districts["1001"]["best"] == 2
    assert districts["1002"]["dispatched"] == 3
    zones = {r["name"]: r for r in tables.zone_table(OCT, NOW).rows}
    assert zones["กลุ่มเขตทดสอบ"]["received"] == 5


def test_trend_covers_twelve_months_ending_with_the_chosen_one(october):
    facts.refresh()
    rows = tables.trend_table(OCT, NOW).rows
    assert len(rows) == 12
    assert rows[-1]["month"] == "ตุลาคม 2569"
    assert rows[-1]["received"] == 5
    assert rows[-2]["received"] == 1
    assert rows[0]["month"] == "พฤศจิกายน 2568"


def test_slowest_open_cases_have_no_personal_data(october):
    facts.refresh()
    table = tables.slowest_open_table(october.line_agency.pk, OCT, NOW)
    assert [r["reference"] for r in table.rows] == [october.c5.reference]
    flat = str(table.value_rows())
    assert "สมชาย" not in flat and "0812345678" not in flat


def test_facts_follow_a_later_reopen(october, officer):
    from complaints import workflow

    from .dataset import at

    facts.refresh()
    assert AssignmentFact.objects.get(pk=october.c1.assignments.get().pk).resolve_minutes == 780.0
    workflow.verify(assignment=october.c1.assignments.get(), by=officer, at=at(2026, 11, 2, 9, 0))
    workflow.reopen(complaint=october.c1, by=officer, reason="ฝาท่อหลุดอีก", at=at(2026, 11, 3, 9, 0))
    assert facts.refresh_recent() == 1
    fact = AssignmentFact.objects.get(pk=october.c1.assignments.get().pk)
    assert fact.resolve_minutes is None and fact.reopen_count == 1
    assert queries.month_overview([OCT], NOW)[OCT]["reopened"] == 2
    assert facts.refresh_recent() == 0  # nothing new in the history
    assert facts.refresh() == 0  # and nothing stale when compared row by row


def test_refresh_builds_every_missing_fact_once(october):
    assert facts.refresh() == 8
    assert facts.refresh() == 0


def test_line_against_the_old_channels_together(october):
    facts.refresh()
    by_channel = tables.channel_table(OCT, NOW)
    line, rest = tables.line_vs_rest_table(OCT, NOW, by_channel).rows
    assert (line["dispatched"], rest["dispatched"]) == (3, 3)
    assert line["ack_p50"] == 12.5
    assert rest["ack_p50"] == 1965.0  # radio 3,900 and the re-routed phone job 30
    assert (line["with_photo_pct"], rest["with_photo_pct"]) == (50.0, 0.0)
    assert rest["best_share"] == 66.7
    ack = tables.verdicts(tables.line_vs_rest_table(OCT, NOW, by_channel))[0]
    assert ack["text"] == "LINE เร็วกว่า 157.2 เท่า" and ack["css"] == "good"


def test_verdict_says_so_when_line_is_slower():
    table = tables.Table("x", "x", [], [{"ack_p50": 60.0}, {"ack_p50": 30.0}])
    assert tables.verdicts(table)[0]["text"] == "LINE ช้ากว่า 2.0 เท่า"


def test_docs_carry_every_definition_shown_on_the_pages():
    from pathlib import Path

    from django.conf import settings

    from reports.metrics import METRICS

    text = (Path(settings.BASE_DIR) / "docs" / "metrics.md").read_text()
    missing = [m.key for m in METRICS.values() if str(m.definition) not in text or f"`{m.key}`" not in text]
    assert missing == []


def test_cached_percentiles_are_dropped_when_a_fact_of_the_month_changes(october, officer):
    from complaints import workflow
    from reports.models import FigureCache

    from .dataset import at

    facts.refresh()
    assert queries.month_overview([OCT], NOW)[OCT]["ack_p50"] == 22.5
    assert FigureCache.objects.count() == 2  # counts that do not depend on now, and percentiles
    assert queries.month_overview([OCT], NOW)[OCT]["ack_p50"] == 22.5  # from the cache
    # C5 is finally acknowledged, 45 min after dispatch: elapsed [10, 15, 30, 45, 3900]
    workflow.acknowledge(assignment=october.c5.assignments.get(), by=officer, at=at(2026, 10, 20, 8, 50))
    facts.refresh_recent()
    assert queries.month_overview([OCT], NOW)[OCT]["ack_p50"] == 30.0


def test_cancelling_a_whole_case_reaches_its_facts(october, officer):
    from complaints import workflow

    from .dataset import at

    facts.refresh()
    workflow.cancel(complaint=october.c5, by=officer, reason="ผู้ร้องแจ้งยกเลิก", at=at(2026, 11, 1, 9, 0))
    assert facts.refresh_recent() == 1
    assert queries.month_overview([OCT], NOW)[OCT]["overdue"] == 1


def test_a_change_that_writes_no_history_is_caught_by_the_periodic_reconcile(october):
    from django.utils import timezone

    from complaints.models import Assignment

    facts.refresh()
    a = october.c5.assignments.get()
    # Bypasses the workflow and its history, but moves updated_at as every save() does.
    Assignment.objects.filter(pk=a.pk).update(channel=Assignment.Channel.FAX, updated_at=timezone.now())
    assert facts.refresh_recent() == 0
    assert facts.refresh() == 1
    assert AssignmentFact.objects.get(pk=a.pk).channel == "fax"


def test_figures_that_depend_on_now_are_never_taken_from_the_cache(october):
    from .dataset import at

    facts.refresh()
    assert queries.month_overview([OCT], NOW)[OCT]["overdue"] == 2
    # At 08:10 on 20 Oct C5 (ack due 08:20) was not late yet; C3's resolve deadline had passed.
    early = queries.month_overview([OCT], at(2026, 10, 20, 8, 10))[OCT]
    assert early["overdue"] == 1
    assert queries.month_overview([OCT], NOW)[OCT]["overdue"] == 2


def test_the_periodic_task_rebuilds_facts_and_warms_the_page_cache(october):
    from reports.models import FigureCache
    from reports.tasks import refresh_facts

    refresh_facts.delay()
    assert AssignmentFact.objects.count() == 8
    assert FigureCache.objects.filter(key__startswith="pct:agency:").exists()
    assert FigureCache.objects.filter(key__startswith="counts:month:").exists()
