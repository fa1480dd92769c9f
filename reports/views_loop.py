"""The pages about the end of the loop: outcomes and the centre's review, the survey, and
closing the loop with the complainants (notices, confirmations, audits)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from . import closing, facts, tables
from .metrics import METRICS
from .views import PERM, _chart, _context, _kpis, _now, parse_month, reports_view  # noqa: F401


@reports_view
def outcomes(request):
    """The end of the loop: how the centre reviewed results and how the month's cases ended."""
    now = _now()
    month = parse_month(request, now)
    facts.refresh_recent()
    trend = tables.review_trend_table(month, now)
    current = trend.rows[-1]
    kpis = _kpis(
        ["fixed_pct", "outcome_planned", "plan_late", "sent_back_pct", "accepted_flagged", "review_p50"],
        current,
        trend.rows[-2],
    )
    return render(
        request,
        "reports/outcomes.html",
        _context(
            request,
            now,
            month,
            "outcomes",
            kpis=kpis,
            trend=trend,
            agencies=tables.review_agency_table(month, now),
            categories=tables.review_category_table(month, now),
            planned=tables.planned_fixes_table(month, now),
            export_key="review_trends",
        ),
    )


@reports_view
def survey(request):
    now = _now()
    month = parse_month(request, now)
    table = tables.survey_table(month)
    chart = _chart(
        "line",
        [r["month"] for r in table.rows],
        [{"label": str(METRICS["survey_avg"].label), "data": [r.get("survey_avg") for r in table.rows]}],
        min=1,
        max=5,
        category_title=_("เดือนที่สำรวจ"),
        value_title=_("คะแนนเฉลี่ย (1–5)"),
    )
    return render(
        request,
        "reports/survey.html",
        _context(
            request,
            now,
            month,
            "survey",
            table=table,
            chart=chart,
            comments=tables.survey_comments(month),
            export_key="survey",
        ),
    )


@reports_view
def closing_loop(request):
    """Closing the loop with complainants: notices, confirmations, reopens, recurrence, field audits."""
    now = _now()
    month = parse_month(request, now)
    return render(
        request,
        "reports/closing.html",
        _context(
            request,
            now,
            month,
            "closing",
            league=closing.league_table(month),
            by_agency=closing.closing_table(month, "agency"),
            by_category=closing.closing_table(month, "category"),
            notices=closing.notices_table(month),
        ),
    )
