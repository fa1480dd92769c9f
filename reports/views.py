"""The executives' pages. Thin: parse the month, make the facts current, build tables, render."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Min
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control

from agencies.models import Agency
from bkk1555.thaidate import thai_datetime, thai_month
from complaints.models import Complaint

from . import closing, dispatch_clock, exports, facts, tables
from .metrics import ELAPSED_NOTE, METRICS, SLA_NOTE
from .models import RefreshState

PERM = "reports.view_reports"
GEOJSON = Path(settings.BASE_DIR) / "agencies" / "reference" / "bkk_districts.geojson"


def reports_view(view):
    """Login (to the admin login page) and the reports permission (403 without it)."""
    return login_required(permission_required(PERM, raise_exception=True)(view))


def _now() -> dt.datetime:
    return timezone.now()


def parse_month(request, now: dt.datetime) -> dt.date:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(x) for x in raw.split("-"))
        first = dt.date(year, month, 1)
    except (ValueError, OverflowError):
        return tables.last_full_month(now)
    current = timezone.localtime(now).date().replace(day=1)
    if first > current or first.year < 2000:
        return tables.last_full_month(now)
    return first


def month_choices(now: dt.datetime) -> list[tuple[str, str]]:
    current = timezone.localtime(now).date().replace(day=1)
    earliest = Complaint.objects.aggregate(m=Min("received_at"))["m"]
    first = facts.month_of(earliest) if earliest else tables.shift(current, -12)
    first = min(first, tables.shift(current, -12))
    out = []
    m = current
    while m >= first and len(out) < 120:
        label = thai_month(m.year, m.month)
        out.append((m.strftime("%Y-%m"), _("%(month)s (ยังไม่สิ้นเดือน)") % {"month": label} if m == current else label))
        m = tables.shift(m, -1)
    return out


def _context(request, now: dt.datetime, month: dt.date, page: str, **extra) -> dict:
    state = RefreshState.objects.filter(pk=1).first()
    return {
        "page": page,
        "month": month,
        "month_key": month.strftime("%Y-%m"),
        "month_label": thai_month(month.year, month.month),
        "months": month_choices(now),
        "generated_at": thai_datetime(now),
        "full_refresh_at": thai_datetime(state.full_refresh_at) if state and state.full_refresh_at else "",
        "sla_note": SLA_NOTE,
        "elapsed_note": ELAPSED_NOTE,
        **extra,
    }


def _chart(kind: str, labels: list, datasets: list[dict], **options) -> dict:
    """A chart spec for reports.js, rendered with json_script. Every chart names its axes
    (`category_title`, `value_title` with the unit); a dataset in another unit goes on the
    second value axis (`"yAxisID": "y2"`, titled `value2_title`): never two units on one axis."""
    return {"type": kind, "labels": labels, "datasets": datasets, "options": options}


MONTH_AXIS = gettext_lazy("เดือนที่รับเรื่อง")
SLA_AXIS = gettext_lazy("ทันกำหนด (%)")
MINUTES_AXIS = gettext_lazy("รับเรื่อง มัธยฐาน (นาที)")
HOURS_AXIS = gettext_lazy("แก้ไขเสร็จ มัธยฐาน (ชั่วโมง)")


def _kpis(keys: list[str], figures: dict, prev: dict) -> list[dict]:
    out = []
    for key in keys:
        m = METRICS[key]
        out.append({"metric": m, "value": figures.get(key), "prev": prev.get(key)})
    return out


@reports_view
def overview(request):
    now = _now()
    month = parse_month(request, now)
    prev, last_year = tables.shift(month, -1), tables.shift(month, -12)
    facts.refresh_recent()
    figures = tables.overview_figures(month, now)
    table = tables.overview_table(month, now, figures)
    labels = [thai_month(m.year, m.month) for m in (last_year, prev, month)]
    stages = [("ack_sla_pct", _("รับเรื่อง")), ("safe_sla_pct", _("ทำให้ปลอดภัย (BEST)")), ("res_sla_pct", _("แก้ไขเสร็จ"))]
    sla_chart = _chart(
        "bar",
        [label for _, label in stages],
        [
            {"label": labels[i], "data": [figures[m].get(k) for k, _ in stages]}
            for i, m in enumerate((last_year, prev, month))
        ],
        max=100,
        unit="%",
        category_title=_("ขั้นงาน"),
        value_title=SLA_AXIS,
    )
    kpis = _kpis(["received", "best_share", "ack_sla_pct", "resolve_sla_p50", "overdue"], figures[month], figures[prev])
    return render(
        request,
        "reports/overview.html",
        _context(
            request,
            now,
            month,
            "overview",
            table=table,
            kpis=kpis,
            sla_chart=sla_chart,
            export_key="overview",
            dispatch_clock=dispatch_clock.time_to_dispatch(month),
        ),
    )


@reports_view
def agencies(request):
    now = _now()
    month = parse_month(request, now)
    facts.refresh_recent()
    sort = request.GET.get("sort", "dispatched")
    descending = request.GET.get("dir", "desc") != "asc"
    table = tables.agency_table(month, now, sort=sort, descending=descending)
    top = sorted(table.rows, key=lambda r: -r["dispatched"])[:15]
    chart = _chart(
        "bar",
        [r["name"] for r in top],
        [{"label": f"{METRICS['ack_sla_pct'].label} (%)", "data": [r.get("ack_sla_pct") for r in top]}],
        indexAxis="y",
        max=100,
        unit="%",
        category_title=_("หน่วยงาน (15 แห่งที่ส่งต่อมากที่สุด)"),
        value_title=_("รับเรื่องทันกำหนด (%)"),
    )
    return render(
        request,
        "reports/agencies.html",
        _context(
            request,
            now,
            month,
            "agencies",
            table=table,
            chart=chart,
            sort=sort if sort in tables.AGENCY_SORTS else "dispatched",
            sortable=sorted(tables.AGENCY_SORTS),
            descending=descending,
            export_key="agencies",
        ),
    )


@reports_view
def agency_detail(request, pk: int):
    now = _now()
    month = parse_month(request, now)
    agency = get_object_or_404(Agency, pk=pk)
    facts.refresh_recent()
    open_table = tables.slowest_open_table(agency.pk, month, now)
    trend = tables.trend_table(month, now, agency_id=agency.pk)
    chart = _trend_chart(trend)
    return render(
        request,
        "reports/agency_detail.html",
        _context(
            request,
            now,
            month,
            "agencies",
            agency=agency,
            open_table=open_table,
            trend=trend,
            chart=chart,
            export_key="agency_open",
            export_extra=f"&agency={agency.pk}",
        ),
    )


def _trend_chart(trend: tables.Table) -> dict:
    labels = [r["month"] for r in trend.rows]
    return _chart(
        "line",
        labels,
        [
            {"label": f"{METRICS['ack_sla_pct'].label} (%)", "data": [r.get("ack_sla_pct") for r in trend.rows]},
            {"label": f"{METRICS['res_sla_pct'].label} (%)", "data": [r.get("res_sla_pct") for r in trend.rows]},
        ],
        max=100,
        unit="%",
        category_title=MONTH_AXIS,
        value_title=SLA_AXIS,
    )


@reports_view
def categories(request):
    now = _now()
    month = parse_month(request, now)
    facts.refresh_recent()
    table = tables.category_table(month, now)
    top = table.rows[:10]
    chart = _chart(
        "bar",
        [r["name"] for r in top],
        [{"label": METRICS["received"].label, "data": [r["received"] for r in top]}],
        indexAxis="y",
        category_title=_("ประเภทเรื่อง (10 อันดับแรก)"),
        value_title=_("จำนวนเรื่อง"),
    )
    return render(
        request,
        "reports/categories.html",
        _context(request, now, month, "categories", table=table, chart=chart, export_key="categories"),
    )


@reports_view
def areas(request):
    now = _now()
    month = parse_month(request, now)
    facts.refresh_recent()
    districts = tables.district_table(month, now)
    zones = tables.zone_table(month, now)
    points = [
        {
            "code": r["code"],
            "name": r["name"],
            "lat": r["lat"],
            "lng": r["lng"],
            "received": r["received"],
            "best": r["best"],
        }
        for r in districts.rows
    ]
    return render(
        request,
        "reports/areas.html",
        _context(request, now, month, "areas", districts=districts, zones=zones, points=points, export_key="districts"),
    )


@reports_view
def trends(request):
    now = _now()
    month = parse_month(request, now)
    facts.refresh_recent()
    table = tables.trend_table(month, now)
    labels = [r["month"] for r in table.rows]
    volume = _chart(
        "bar",
        labels,
        [
            {"label": METRICS["received"].label, "data": [r["received"] for r in table.rows]},
            {"label": METRICS["resolved"].label, "data": [r["resolved"] for r in table.rows]},
        ],
        category_title=MONTH_AXIS,
        value_title=_("จำนวน (เรื่อง / การส่งต่อ)"),
    )
    speed = _chart(
        "line",
        labels,
        [
            {"label": _("รับเรื่อง มัธยฐาน (นาที, นาฬิกา SLA)"), "data": [r.get("ack_sla_p50") for r in table.rows]},
            {
                "label": _("แก้ไขเสร็จ มัธยฐาน (ชม., นาฬิกา SLA)"),
                "data": [_hours(r.get("resolve_sla_p50")) for r in table.rows],
                "yAxisID": "y2",
            },
            {
                "label": _("แก้ไขเสร็จ มัธยฐาน (ชม., เวลาจริง)"),
                "data": [_hours(r.get("resolve_p50")) for r in table.rows],
                "yAxisID": "y2",
            },
        ],
        category_title=MONTH_AXIS,
        value_title=MINUTES_AXIS,
        value2_title=HOURS_AXIS,
    )
    return render(
        request,
        "reports/trends.html",
        _context(
            request,
            now,
            month,
            "trends",
            table=table,
            volume_chart=volume,
            speed_chart=speed,
            sla_chart=_trend_chart(table),
            export_key="trends",
        ),
    )


def _hours(minutes):
    return round(minutes / 60, 1) if minutes is not None else None


@reports_view
def channels(request):
    now = _now()
    month = parse_month(request, now)
    facts.refresh_recent()
    table = tables.channel_table(month, now)
    best = tables.channel_table(month, now, best=True)
    normal = tables.channel_table(month, now, best=False)
    versus = tables.line_vs_rest_table(month, now, table)
    labels = [r["name"] for r in table.rows]
    chart = _chart(
        "bar",
        labels,
        [
            {"label": _("รับเรื่อง มัธยฐาน (นาที, เวลาจริง)"), "data": [r.get("ack_p50") for r in table.rows]},
            {
                "label": _("แก้ไขเสร็จ มัธยฐาน (ชม., เวลาจริง)"),
                "data": [_hours(r.get("resolve_p50")) for r in table.rows],
                "yAxisID": "y2",
            },
        ],
        category_title=_("ช่องทางประสาน"),
        value_title=MINUTES_AXIS,
        value2_title=HOURS_AXIS,
    )
    return render(
        request,
        "reports/channels.html",
        _context(
            request,
            now,
            month,
            "channels",
            table=table,
            best_table=best,
            normal_table=normal,
            versus=versus,
            verdicts=tables.verdicts(versus),
            chart=chart,
            export_key="channels",
        ),
    )


def _agency_id(request) -> int:
    try:
        return get_object_or_404(Agency, pk=int(request.GET.get("agency", ""))).pk
    except ValueError:
        raise Http404("agency") from None


EXPORTS = {
    "closing_agency": lambda month, now, request: closing.closing_table(month, "agency"),
    "closing_category": lambda month, now, request: closing.closing_table(month, "category"),
    "closing_league": lambda month, now, request: closing.league_table(month),
    "closing_notices": lambda month, now, request: closing.notices_table(month),
    "overview": lambda month, now, request: tables.overview_table(month, now),
    "agencies": lambda month, now, request: tables.agency_table(
        month, now, sort=request.GET.get("sort", "dispatched"), descending=request.GET.get("dir", "desc") != "asc"
    ),
    "categories": lambda month, now, request: tables.category_table(month, now),
    "districts": lambda month, now, request: tables.district_table(month, now),
    "zones": lambda month, now, request: tables.zone_table(month, now),
    "trends": lambda month, now, request: tables.trend_table(month, now),
    "channels": lambda month, now, request: tables.channel_table(month, now),
    "channels_best": lambda month, now, request: tables.channel_table(month, now, best=True),
    "channels_normal": lambda month, now, request: tables.channel_table(month, now, best=False),
    "line_vs_rest": lambda month, now, request: tables.line_vs_rest_table(month, now, tables.channel_table(month, now)),
    "survey": lambda month, now, request: tables.survey_table(month),
    "survey_comments": lambda month, now, request: tables.survey_comments_table(month),
    "agency_open": lambda month, now, request: tables.slowest_open_table(_agency_id(request), month, now),
    "agency_trend": lambda month, now, request: tables.trend_table(month, now, agency_id=_agency_id(request)),
    "review_trends": lambda month, now, request: tables.review_trend_table(month, now),
    "review_agencies": lambda month, now, request: tables.review_agency_table(month, now),
    "review_categories": lambda month, now, request: tables.review_category_table(month, now),
    "planned_fixes": lambda month, now, request: tables.planned_fixes_table(month, now),
}


@reports_view
def export(request, key: str, fmt: str):
    if key not in EXPORTS or fmt not in ("csv", "xlsx"):
        raise Http404("no such export")
    now = _now()
    month = parse_month(request, now)
    facts.refresh_recent()
    table = EXPORTS[key](month, now, request)
    title = _("%(title)s — %(month)s (สร้างเมื่อ %(when)s)") % {
        "title": table.title,
        "month": thai_month(month.year, month.month),
        "when": thai_datetime(now),
    }
    filename = f"bkk1555-{key}-{month:%Y-%m}"
    if fmt == "csv":
        return exports.csv_response(table, filename, title)
    return exports.xlsx_response(table, filename, title)


@reports_view
@cache_control(max_age=86400, private=True)
def districts_geojson(request):
    return HttpResponse(GEOJSON.read_bytes(), content_type="application/geo+json")
