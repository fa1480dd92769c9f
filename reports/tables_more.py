"""The survey's and the review's tables (satisfaction, results sent back, outcomes, planned fixes)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from agencies.models import Agency
from bkk1555.localized import localized
from bkk1555.thaidate import thai_date, thai_month
from complaints.models import Assignment, Category

from . import queries
from .metrics import REVIEW_KEYS
from .models import AssignmentFact, SurveyResponse
from .table_base import Column, Table, metric_column, names_of, shift


def survey_table(month: dt.date) -> Table:
    months = [shift(month, -i) for i in range(11, -1, -1)]
    agg = {
        row["survey__month"]: row
        for row in SurveyResponse.objects.filter(survey__month__gte=months[0], survey__month__lte=month)
        .order_by()
        .values("survey__month")
        .annotate(
            asked=Count("pk"),
            answered=Count("pk", filter=Q(score__isnull=False)),
            avg=Avg("score"),
            **{f"s{i}": Count("pk", filter=Q(score=i)) for i in range(1, 6)},
        )
    }
    rows = []
    for m in months:
        a = {**{"asked": 0, "answered": 0, "avg": None}, **{f"s{i}": 0 for i in range(1, 6)}, **agg.get(m, {})}
        rows.append(
            {
                "month": thai_month(m.year, m.month),
                "survey_asked": a["asked"],
                "survey_answered": a["answered"],
                "survey_rate": queries._share(a["answered"], a["asked"]),
                "survey_avg": round(a["avg"], 2) if a["avg"] is not None else None,
                **{f"s{i}": a[f"s{i}"] for i in range(1, 6)},
            }
        )
    columns = [
        Column("month", _("เดือน")),
        metric_column("survey_asked"),
        metric_column("survey_answered"),
        metric_column("survey_rate"),
        metric_column("survey_avg"),
        *(Column(f"s{i}", _("คะแนน %(n)s") % {"n": i}, "int") for i in range(1, 6)),
    ]
    return Table("survey", _("ความพึงพอใจของผู้ประสานงาน"), columns, rows)


def survey_comments(month: dt.date) -> list[dict]:
    """The month's comments, with the agency (its name in the reader's language, `agency`) but
    without the coordinator's name."""
    rows = list(
        SurveyResponse.objects.filter(survey__month=month)
        .exclude(comment="")
        .order_by("-answered_at")
        .values("score", "comment", "coordinator__agency__name_th", "coordinator__agency__name_en", "answered_at")[:50]
    )
    for r in rows:
        r["agency"] = localized(r.pop("coordinator__agency__name_th"), r.pop("coordinator__agency__name_en"))
    return rows


def survey_comments_table(month: dt.date) -> Table:
    rows = [
        {
            "score": c["score"],
            "comment": c["comment"],
            "agency": c["agency"],
            "answered": thai_date(c["answered_at"]),
        }
        for c in survey_comments(month)
    ]
    columns = [
        Column("score", _("คะแนน (1–5)"), "int"),
        Column("comment", _("ความคิดเห็น")),
        Column("agency", _("หน่วยงาน")),
        Column("answered", _("ตอบเมื่อ")),
    ]
    return Table("survey_comments", _("ความคิดเห็นของผู้ประสานงาน"), columns, rows)


# --- the end of the loop: review of results and outcomes -------------------------------------


def _review_rows(figures: dict, names: dict) -> list[dict]:
    rows = []
    for pk, row in figures.items():
        rows.append({"id": pk, "name": names.get(pk, str(pk)), **row})
    rows.sort(key=lambda r: (-r["results_reported"], -r["cases_dispatched"], r["name"]))
    return rows


def review_agency_table(month: dt.date, now: dt.datetime) -> Table:
    figures = queries.review_figures(AssignmentFact.objects.filter(month=month), "agency", now)
    names = names_of(Agency, figures)
    columns = [Column("name", _("หน่วยงาน")), *(metric_column(k) for k in REVIEW_KEYS)]
    title = _("การตรวจสอบผลและการยุติเรื่อง ตามหน่วยงาน")
    return Table("review_agencies", title, columns, _review_rows(figures, names))


def review_category_table(month: dt.date, now: dt.datetime) -> Table:
    figures = queries.review_figures(AssignmentFact.objects.filter(month=month), "category", now)
    names = names_of(Category, figures)
    columns = [Column("name", _("ประเภทเรื่อง")), *(metric_column(k) for k in REVIEW_KEYS)]
    title = _("การตรวจสอบผลและการยุติเรื่อง ตามประเภทเรื่อง")
    return Table("review_categories", title, columns, _review_rows(figures, names))


def review_trend_table(month: dt.date, now: dt.datetime) -> Table:
    months = [shift(month, -i) for i in range(11, -1, -1)]
    qs = AssignmentFact.objects.filter(month__gte=months[0], month__lte=month)
    figures = queries.review_figures(qs, "month", now)
    empty = {k: 0 for k in REVIEW_KEYS} | {"sent_back_pct": None, "fixed_pct": None, "review_p50": None}
    rows = [{"month": thai_month(m.year, m.month), "first": m, **empty, **figures.get(m, {})} for m in months]
    columns = [Column("month", _("เดือน")), *(metric_column(k) for k in REVIEW_KEYS)]
    return Table("review_trends", _("การตรวจสอบผลและการยุติเรื่อง รายเดือน"), columns, rows)


def planned_fixes_table(month: dt.date, now: dt.datetime) -> Table:
    today = timezone.localtime(now).date()
    reasons = dict(Assignment.PlanReason.choices)
    rows = [
        {
            "reference": r["complaint__reference"],
            "category": localized(r["category__name_th"], r["category__name_en"]),
            "best": "BEST" if r["is_best"] else "",
            "agency": localized(r["agency__name_th"], r["agency__name_en"]),
            "planned_for": thai_date(r["planned_for"]),
            "reason": str(reasons.get(r["assignment__plan_reason"], "")),
            "late": _("เลยกำหนด") if r["planned_for"] < today else "",
        }
        for r in queries.planned_fixes(month, now)
    ]
    columns = [
        Column("reference", _("เลขที่เรื่อง")),
        Column("category", pgettext("report column", "ประเภท")),
        Column("best", "BEST"),
        Column("agency", _("หน่วยงาน")),
        Column("planned_for", _("กำหนดแก้ไขถาวร")),
        Column("reason", _("เหตุที่ต้องรอ")),
        Column("late", _("สถานะ")),
    ]
    note = _("เรื่องเหล่านี้ยังไม่นับเป็นแก้ไขแล้ว จนกว่าหน่วยงานรายงานผลและศูนย์ฯ ยอมรับ")
    return Table("planned_fixes", _("เรื่องที่รอแก้ไขถาวร (ยังไม่แล้วเสร็จ)"), columns, rows, note=note)
