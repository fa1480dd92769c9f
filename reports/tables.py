"""Every table the pages show, built once and used by the page and by its exports.

A Table carries its Thai column headers and raw values; the page formats the
values, the CSV/XLSX exports write them as they are (minutes as numbers,
shares as percentages), so an export always matches the page.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, Count, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from agencies.models import Agency, District, Zone
from bkk1555.localized import localized, localized_name
from bkk1555.thaidate import thai_date, thai_month
from complaints.models import Assignment, Category, Complaint

from . import queries
from .facts import month_range
from .metrics import METRICS, OVERVIEW_KEYS
from .models import AssignmentFact
from .table_base import Column, Table, last_full_month, metric_column, names_of, shift  # noqa: F401 - the pages' names
from .tables_more import (  # noqa: F401 - the pages and exports read every table from here
    planned_fixes_table,
    review_agency_table,
    review_category_table,
    review_trend_table,
    survey_comments,
    survey_comments_table,
    survey_table,
)


def _change(now_value, then_value, kind: str):
    """Percentage-point change for shares, relative change (%) for everything else."""
    if now_value is None or then_value is None:
        return None
    if kind == "pct":
        return round(now_value - then_value, 1)
    if then_value == 0:
        return None
    return round(100.0 * (now_value - then_value) / then_value, 1)


# --- overview ---------------------------------------------------------------------------


def overview_figures(month: dt.date, now: dt.datetime) -> dict[dt.date, dict]:
    return queries.month_overview([month, shift(month, -1), shift(month, -12)], now)


def overview_table(month: dt.date, now: dt.datetime, figures: dict | None = None) -> Table:
    figures = figures or overview_figures(month, now)
    prev, last_year = shift(month, -1), shift(month, -12)
    cur, p, y = figures[month], figures[prev], figures[last_year]
    rows = []
    for key in OVERVIEW_KEYS:
        m = METRICS[key]
        rows.append(
            {
                "metric": m.label,
                "key": key,
                "kind": m.kind,
                "better": m.better,
                "value": cur.get(key),
                "prev": p.get(key),
                "prev_change": _change(cur.get(key), p.get(key), m.kind),
                "year": y.get(key),
                "year_change": _change(cur.get(key), y.get(key), m.kind),
                "unit": m.unit or ("%" if m.kind == "pct" else ""),
                "definition": m.definition,
            }
        )
    columns = [
        Column("metric", _("ตัวชี้วัด")),
        Column("unit", _("หน่วย"), export_only=True),
        Column("value", thai_month(month.year, month.month), "row"),
        Column("prev", thai_month(prev.year, prev.month), "row"),
        Column("prev_change", _("เปลี่ยนแปลงจากเดือนก่อน (% หรือ จุด%)"), "delta"),
        Column("year", thai_month(last_year.year, last_year.month), "row"),
        Column("year_change", _("เปลี่ยนแปลงจากปีก่อน (% หรือ จุด%)"), "delta"),
        Column("definition", _("นิยาม")),
    ]
    return Table("overview", _("ภาพรวมประจำเดือน"), columns, rows)


# --- grouped tables ------------------------------------------------------------------------

AGENCY_KEYS = [
    "dispatched",
    "ack_sla_pct",
    "ack_sla_p50",
    "ack_p50",
    "resolve_sla_p50",
    "resolve_p50",
    "res_sla_pct",
    "overdue",
    "rejected",
    "photos_per_resolved",
]
AGENCY_SORTS = {"name", *AGENCY_KEYS}


def agency_table(month: dt.date, now: dt.datetime, sort: str = "dispatched", descending: bool = True) -> Table:
    figures = queries.assignment_figures(
        AssignmentFact.objects.filter(month=month), "agency", now, photos=True, cache=(f"agency:{month:%Y%m}", [month])
    )
    names = names_of(Agency, figures)
    rows = [{"id": pk, "name": names.get(pk, str(pk)), **row} for pk, row in figures.items()]
    sort = sort if sort in AGENCY_SORTS else "dispatched"

    def sort_key(row):
        value = row.get(sort)
        # Missing values go last whichever way the table is sorted.
        return (value is None, value if not descending or value is None else _neg(value), row["name"])

    rows.sort(key=sort_key)
    columns = [Column("name", _("หน่วยงาน")), *(metric_column(k) for k in AGENCY_KEYS)]
    return Table("agencies", _("เปรียบเทียบหน่วยงาน"), columns, rows)


def _neg(value):
    return -value if isinstance(value, (int, float)) else value


GROUP_KEYS = [
    "dispatched",
    "resolved",
    "ack_sla_pct",
    "res_sla_pct",
    "ack_sla_p50",
    "resolve_sla_p50",
    "resolve_p50",
    "overdue",
]


def _received_by(month: dt.date, field_name: str) -> dict:
    start, end = month_range(month)
    return dict(
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        .order_by()
        .values_list(field_name)
        .annotate(n=Count("pk"))
    )


def category_table(month: dt.date, now: dt.datetime) -> Table:
    figures = queries.assignment_figures(
        AssignmentFact.objects.filter(month=month), "category", now, cache=(f"category:{month:%Y%m}", [month])
    )
    received = _received_by(month, "category")
    cats = {c.pk: c for c in Category.objects.filter(pk__in=set(figures) | set(received))}
    rows = []
    for pk, cat in cats.items():
        rows.append(
            {
                "name": localized_name(cat),
                "best": "BEST" if cat.is_best else "",
                "received": received.get(pk, 0),
                **_zero(figures.get(pk)),
            }
        )
    rows.sort(key=lambda r: (-r["received"], r["name"]))
    columns = [
        Column("name", _("ประเภทเรื่อง")),
        Column("best", "BEST"),
        metric_column("received"),
        *(metric_column(k) for k in GROUP_KEYS),
    ]
    return Table("categories", _("ตามประเภทเรื่อง"), columns, rows)


def _zero(figures: dict | None) -> dict:
    if figures:
        return figures
    return {"dispatched": 0, "resolved": 0, "overdue": 0}


def district_table(month: dt.date, now: dt.datetime) -> Table:
    figures = queries.assignment_figures(
        AssignmentFact.objects.filter(month=month), "district", now, cache=(f"district:{month:%Y%m}", [month])
    )
    start, end = month_range(month)
    received = {
        row["district"]: row
        for row in Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        .order_by()
        .values("district")
        .annotate(received=Count("pk"), best=Count("pk", filter=Q(is_best=True)))
    }
    rows = []
    for d in District.objects.select_related("zone").order_by("code"):
        rec = received.get(d.pk, {})
        rows.append(
            {
                "code": d.code,
                "name": localized_name(d),
                "zone": localized_name(d.zone),
                "lat": float(d.lat),
                "lng": float(d.lng),
                "received": rec.get("received", 0),
                "best": rec.get("best", 0),
                **_zero(figures.get(d.pk)),
            }
        )
    columns = [
        Column("code", _("รหัสเขต")),
        Column("name", _("เขต")),
        Column("zone", _("กลุ่มเขต")),
        metric_column("received"),
        metric_column("best"),
        *(metric_column(k) for k in GROUP_KEYS),
    ]
    unknown = received.get(None, {}).get("received", 0)
    note = _("เรื่องที่ไม่ระบุเขต %(n)s เรื่อง") % {"n": f"{unknown:,}"} if unknown else ""
    return Table("districts", _("ตามเขต"), columns, rows, note=note)


def zone_table(month: dt.date, now: dt.datetime) -> Table:
    figures = queries.assignment_figures(
        AssignmentFact.objects.filter(month=month), "zone", now, cache=(f"zone:{month:%Y%m}", [month])
    )
    received = _received_by(month, "district__zone")
    rows = []
    for z in Zone.objects.order_by("code"):
        rows.append({"name": localized_name(z), "received": received.get(z.pk, 0), **_zero(figures.get(z.pk))})
    columns = [Column("name", _("กลุ่มเขต")), metric_column("received"), *(metric_column(k) for k in GROUP_KEYS)]
    return Table("zones", _("ตามกลุ่มเขต"), columns, rows)


CHANNEL_KEYS = [
    "dispatched",
    "best_share",
    "ack_sla_pct",
    "ack_sla_p50",
    "ack_p50",
    "res_sla_pct",
    "resolve_sla_p50",
    "resolve_p50",
    "with_photo_pct",
    "photos_per_resolved",
]


def channel_table(month: dt.date, now: dt.datetime, best: bool | None = None) -> Table:
    qs = AssignmentFact.objects.filter(month=month)
    if best is not None:
        qs = qs.filter(is_best=best)
    figures = queries.assignment_figures(
        qs, "channel", now, photos=True, cache=(f"channel:{best}:{month:%Y%m}", [month])
    )
    best_counts = dict(qs.filter(is_best=True).order_by().values_list("channel").annotate(n=Count("pk")))
    rows = []
    for value, label in Assignment.Channel.choices:
        row = {"channel": value, "name": str(label), **_zero(figures.get(value))}
        row["best_share"] = queries._share(best_counts.get(value, 0), row["dispatched"])
        rows.append(row)
    columns = [Column("name", _("ช่องทางประสาน")), *(metric_column(k) for k in CHANNEL_KEYS)]
    title = {
        None: _("เปรียบเทียบช่องทางประสาน"),
        True: _("เปรียบเทียบช่องทางประสาน — เฉพาะ BEST"),
        False: _("เปรียบเทียบช่องทางประสาน — เฉพาะเรื่องทั่วไป"),
    }[best]
    key = {None: "channels", True: "channels_best", False: "channels_normal"}[best]
    return Table(key, title, columns, rows)


def line_vs_rest_table(month: dt.date, now: dt.datetime, by_channel: Table) -> Table:
    """LINE against radio, phone and fax taken together (the old ways of coordinating)."""
    qs = AssignmentFact.objects.filter(month=month).annotate(
        route=Case(
            When(channel=Assignment.Channel.LINE, then=Value("line")), default=Value("other"), output_field=CharField()
        )
    )
    figures = queries.assignment_figures(qs, "route", now, cache=(f"route:{month:%Y%m}", [month]))
    rows = []
    for route, label in (("line", "LINE"), ("other", _("ช่องทางเดิม (วิทยุ โทรศัพท์ โทรสาร)"))):
        parts = [r for r in by_channel.rows if (r["channel"] == "line") == (route == "line")]
        row = {"channel": route, "name": label, **_zero(figures.get(route))}
        photos = sum(r.get("photos", 0) for r in parts)
        with_photo = sum(r.get("with_photo", 0) for r in parts)
        best = sum(round((r.get("best_share") or 0) * r["dispatched"] / 100) for r in parts)
        row["best_share"] = queries._share(best, row["dispatched"])
        row["with_photo_pct"] = queries._share(with_photo, row["resolved"])
        row["photos_per_resolved"] = round(photos / row["resolved"], 2) if row["resolved"] else None
        rows.append(row)
    columns = [Column("name", _("ช่องทางประสาน")), *(metric_column(k) for k in CHANNEL_KEYS)]
    return Table("line_vs_rest", _("LINE เทียบกับช่องทางเดิมรวมกัน"), columns, rows)


def verdicts(line_vs_rest: Table) -> list[dict]:
    """Plain-language comparisons for the channel page's headline cards (can say LINE is slower)."""
    line, rest = line_vs_rest.rows
    out = []
    for key in ("ack_p50", "resolve_p50", "ack_sla_pct", "with_photo_pct"):
        a, b = line.get(key), rest.get(key)
        m = METRICS[key]
        if a is None or b is None:
            text = _("ข้อมูลไม่พอเปรียบเทียบ")
            css = ""
        elif m.kind == "min":
            if a == b:
                text, css = _("เท่ากัน"), ""
            elif a < b:
                text = _("LINE เร็วกว่า %(x)s เท่า") % {"x": f"{b / a:,.1f}"} if a else _("LINE เร็วกว่า")
                css = "good"
            else:
                text = _("LINE ช้ากว่า %(x)s เท่า") % {"x": f"{a / b:,.1f}"} if b else _("LINE ช้ากว่า")
                css = "bad"
        else:
            diff = a - b
            points = {"n": f"{abs(diff):,.1f}"}
            if not diff:
                text = _("เท่ากัน")
            elif diff > 0:
                text = _("LINE สูงกว่า %(n)s จุด") % points
            else:
                text = _("LINE ต่ำกว่า %(n)s จุด") % points
            css = "good" if diff > 0 else ("bad" if diff < 0 else "")
        out.append({"metric": m, "line": a, "rest": b, "text": text, "css": css})
    return out


TREND_KEYS = [
    "received",
    "dispatched",
    "resolved",
    "ack_sla_pct",
    "res_sla_pct",
    "ack_sla_p50",
    "ack_p50",
    "resolve_sla_p50",
    "resolve_p50",
]


def trend_table(month: dt.date, now: dt.datetime, agency_id: int | None = None) -> Table:
    months = [shift(month, -i) for i in range(11, -1, -1)]
    qs = AssignmentFact.objects.filter(month__gte=months[0], month__lte=month)
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    figures = queries.assignment_figures(qs, "month", now, cache=(f"trend:{agency_id}:{month:%Y%m}", months))
    received = {} if agency_id is not None else queries.complaint_counts_by_month(months[0], month)
    rows = []
    for m in months:
        row = {"month": thai_month(m.year, m.month), "first": m, **_zero(figures.get(m))}
        row["received"] = received.get(m, {}).get("received", 0)
        rows.append(row)
    keys = [k for k in TREND_KEYS if not (agency_id and k == "received")]
    columns = [Column("month", _("เดือน")), *(metric_column(k) for k in keys)]
    return Table("trends", _("แนวโน้ม 12 เดือน"), columns, rows)


def slowest_open_table(agency_id: int, month: dt.date, now: dt.datetime) -> Table:
    rows = []
    labels = dict(Assignment.Status.choices)
    for r in queries.slowest_open(agency_id, month, now):
        age_min = (now - r["dispatched_at"]).total_seconds() / 60
        rows.append(
            {
                "reference": r["complaint__reference"],
                "category": localized(r["category__name_th"], r["category__name_en"]),
                "best": "BEST" if r["is_best"] else "",
                "district": localized(r["district__name_th"], r["district__name_en"]),
                "status": str(labels.get(r["status"], r["status"])),
                "dispatched": thai_date(r["dispatched_at"]),
                "age": round(age_min, 1),
            }
        )
    columns = [
        Column("reference", _("เลขที่เรื่อง")),
        Column("category", pgettext("report column", "ประเภท")),
        Column("best", "BEST"),
        Column("district", _("เขต")),
        Column("status", _("สถานะ")),
        Column("dispatched", _("ส่งต่อเมื่อ")),
        Column("age", _("อายุงาน (นาที, เวลาจริง)"), "min", "down"),
    ]
    return Table("agency_open", _("งานค้างที่นานที่สุด"), columns, rows)


# --- survey -----------------------------------------------------------------------------------
