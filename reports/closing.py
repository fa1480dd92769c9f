"""Closing the loop with complainants (issue 11): the figures per month, agency and category.

Definitions are in docs/metrics.md ("Closing the loop"). The unit for reopens, recurrence and
false closures is a *closure as fixed* — each one is recorded by the audit sampler's draw
(audits.AuditDraw), whether the case was audited or not. The agency of a case is the agency of
its first live assignment. Computed from the rows on request (not from the facts table).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from audits.models import AuditDraw, FieldAudit
from bkk1555.localized import localized
from complaints import rules
from complaints.models import Assignment, Complaint, TimelineEntry
from complaints.photos import distance_metres
from notices.models import Confirmation, Notice

from .facts import month_range
from .tables import Column, Table

INFORM_DAYS = 15
REOPEN_DAYS = 30
RECUR_DAYS = 90
RECUR_METRES = 50


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """The 95 % Wilson score interval of k successes in n trials, as fractions."""
    if n <= 0:
        return None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _pct(k: int, n: int) -> float | None:
    return round(100 * k / n, 1) if n else None


def _key_of(by: str, complaint_agency: dict, complaint_category: dict, cid: int):
    if by == "agency":
        return complaint_agency.get(cid)
    if by == "category":
        return complaint_category.get(cid)
    return "all"


def _agencies(ids) -> dict[int, str]:
    """The agency of each case: its first live assignment's (one query for the whole set)."""
    agency_of: dict[int, str] = {}
    for cid, name_th, name_en in (
        Assignment.objects.filter(complaint_id__in=ids)
        .filter(rules.live_q())
        .order_by("complaint_id", "-dispatched_at")
        .values_list("complaint_id", "agency__name_th", "agency__name_en")
    ):
        agency_of[cid] = localized(name_th, name_en)  # ordered newest first per case, so the first dispatched wins last
    return agency_of


def figures(month: dt.date, by: str = "agency") -> dict:
    """{key: {figure: value}} for the month; key is an agency name, a category name or "all".

    A bounded number of queries however many cases the month has (reports/tests/test_closing.py
    counts them): every figure is computed from a few set-wide queries, never one per case."""
    start, end = month_range(month)
    received = Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
    draws = list(
        AuditDraw.objects.filter(drawn_at__gte=start, drawn_at__lt=end).values("id", "complaint_id", "drawn_at")
    )
    confirmations = list(
        Confirmation.objects.filter(answered_at__gte=start, answered_at__lt=end).values_list("complaint_id", "answer")
    )
    received_rows = list(received.values_list("pk", "no_contact"))
    ids = {pk for pk, _ in received_rows} | {d["complaint_id"] for d in draws} | {cid for cid, _ in confirmations}
    agency_of = _agencies(ids)
    category_of = {
        pk: localized(th, en)
        for pk, th, en in Complaint.objects.filter(pk__in=ids).values_list(
            "pk", "category__name_th", "category__name_en"
        )
    }
    out: dict = defaultdict(lambda: defaultdict(int))

    # informed of the outcome within 15 days of receipt (of complainants who can be reached)
    for cid, no_contact in received_rows:
        key = _key_of(by, agency_of, category_of, cid)
        if no_contact:
            continue
        out[key]["reachable"] += 1
    told = Notice.objects.filter(
        complaint__in=received, event=Notice.Event.ENDED, status=Notice.Status.SENT
    ).values_list("complaint_id", "sent_at", "complaint__received_at")
    informed = {cid for cid, sent, rec in told if sent and sent - rec <= dt.timedelta(days=INFORM_DAYS)}
    for cid in informed:
        out[_key_of(by, agency_of, category_of, cid)]["informed_15d"] += 1

    # closures as fixed, reopened within 30 days, recurrence within 90 days and 50 m
    reopened_at = defaultdict(list)
    for cid, at in TimelineEntry.objects.filter(
        complaint_id__in={d["complaint_id"] for d in draws}, kind=TimelineEntry.Kind.REOPENED
    ).values_list("complaint_id", "created_at"):
        reopened_at[cid].append(at)
    recurred = recurrences(start, end)
    for d in draws:
        key = _key_of(by, agency_of, category_of, d["complaint_id"])
        out[key]["fixed_closures"] += 1
        if any(
            d["drawn_at"] < at <= d["drawn_at"] + dt.timedelta(days=REOPEN_DAYS)
            for at in reopened_at[d["complaint_id"]]
        ):
            out[key]["reopened_30d"] += 1
        if d["id"] in recurred:
            out[key]["recurred_90d"] += 1

    # confirmations answered in the month
    for cid, answer in confirmations:
        out[_key_of(by, agency_of, category_of, cid)]["confirm_" + answer] += 1

    # field audits of closures in the month
    for audit in FieldAudit.objects.filter(closed_at__gte=start, closed_at__lt=end).values(
        "complaint_id", "status", "agency__name_th", "agency__name_en"
    ):
        agency = localized(audit["agency__name_th"], audit["agency__name_en"])
        key = agency if by == "agency" else _key_of(by, agency_of, category_of, audit["complaint_id"])
        if audit["status"] in (FieldAudit.Status.CONFIRMED, FieldAudit.Status.FALSE_CLOSURE):
            out[key]["audited"] += 1
            out[key]["false_closures"] += audit["status"] == FieldAudit.Status.FALSE_CLOSURE

    for row in out.values():
        row["informed_15d_pct"] = _pct(row["informed_15d"], row["reachable"])
        answered = row["confirm_fixed"] + row["confirm_not_fixed"]
        row["not_fixed_pct"] = _pct(row["confirm_not_fixed"], answered)
        row["reopened_30d_pct"] = _pct(row["reopened_30d"], row["fixed_closures"])
        row["recurred_90d_pct"] = _pct(row["recurred_90d"], row["fixed_closures"])
        row["false_closure_pct"] = _pct(row["false_closures"], row["audited"])
        ci = wilson(row["false_closures"], row["audited"])
        row["false_closure_ci"] = f"{100 * ci[0]:.1f}–{100 * ci[1]:.1f}" if ci else None
    return {k: dict(v) for k, v in out.items() if k is not None}


# About 65 m of latitude (and of longitude at Bangkok's 13.7° N): the box the join keeps; the
# exact distance (complaints.photos.distance_metres) then decides within RECUR_METRES.
RECUR_BOX = Decimal("0.0006")


def recurrences(start: dt.datetime, end: dt.datetime) -> set[int]:
    """The ids of the closures as fixed (AuditDraw) in [start, end) that recurred: a new case of
    the same category received within RECUR_DAYS after the closure, within RECUR_METRES.

    One query for the whole month: the closures joined to the later cases of their category
    inside a small box (complaint → category → its cases → their draws), then the exact distance
    of each pair in Python. Only pairs in the box come back, so the rows are few."""
    closed = "category__complaints__"
    drawn = closed + "audit_draws__drawn_at"
    box = Value(RECUR_BOX, output_field=DecimalField(max_digits=9, decimal_places=6))
    pairs = (
        Complaint.objects.filter(
            Q(received_at__gt=start) & Q(received_at__lte=end + dt.timedelta(days=RECUR_DAYS)),
            lat__isnull=False,
            lng__isnull=False,
            received_at__gt=F(drawn),
            received_at__lte=F(drawn) + dt.timedelta(days=RECUR_DAYS),
            lat__gte=F(closed + "lat") - box,
            lat__lte=F(closed + "lat") + box,
            lng__gte=F(closed + "lng") - box,
            lng__lte=F(closed + "lng") + box,
            **{drawn + "__gte": start, drawn + "__lt": end},
        )
        .order_by()
        .values_list(closed + "audit_draws__id", closed + "id", closed + "lat", closed + "lng", "pk", "lat", "lng")
    )
    return {
        draw_id
        for draw_id, cid, lat, lng, new_id, new_lat, new_lng in pairs
        if new_id != cid and distance_metres(lat, lng, new_lat, new_lng) <= RECUR_METRES
    }


def _dec(x: float) -> Decimal:
    return Decimal(str(x))


COLUMNS = [
    Column("reachable", gettext_lazy("ผู้ร้องที่ติดต่อได้"), "int"),
    Column("informed_15d_pct", gettext_lazy("แจ้งผลภายใน 15 วัน (%)"), "pct", "higher"),
    Column("fixed_closures", gettext_lazy("ปิดเรื่องว่าแก้ไขแล้ว"), "int"),
    Column("confirm_fixed", gettext_lazy("ผู้ร้องยืนยันแก้ไขแล้ว"), "int"),
    Column("confirm_not_fixed", gettext_lazy("ผู้ร้องแจ้งยังไม่แก้ไข"), "int"),
    Column("not_fixed_pct", gettext_lazy("อัตรายังไม่แก้ไข (%)"), "pct", "lower"),
    Column("reopened_30d_pct", gettext_lazy("เปิดใหม่ภายใน 30 วัน (%)"), "pct", "lower"),
    Column("recurred_90d_pct", gettext_lazy("เกิดซ้ำภายใน 90 วัน 50 ม. (%)"), "pct", "lower"),
    Column("audited", gettext_lazy("ตรวจภาคสนามแล้ว"), "int"),
    Column("false_closure_pct", gettext_lazy("ปิดเรื่องไม่จริง (%)"), "pct", "lower"),
    Column("false_closure_ci", gettext_lazy("ช่วงความเชื่อมั่น 95 % (Wilson)"), "text"),
]


def closing_table(month: dt.date, by: str = "agency") -> Table:
    data = figures(month, by)
    rows = [{"name": k, **v} for k, v in sorted(data.items(), key=lambda kv: str(kv[0]))]
    title = {"agency": _("ปิดวงจรกับผู้ร้อง รายหน่วยงาน"), "category": _("ปิดวงจรกับผู้ร้อง รายประเภท")}.get(by, _("ปิดวงจรกับผู้ร้อง"))
    name = Column("name", _("หน่วยงาน") if by == "agency" else pgettext("report column", "ประเภท"))
    return Table(f"closing_{by}", title, [name, *COLUMNS], rows)


def league_table(month: dt.date) -> Table:
    """Agencies ranked by false-closure rate from audits — only those with at least
    LEAGUE_MIN_CASES closures as fixed in the month; the interval is shown beside the rate."""
    data = figures(month, "agency")
    n_min = settings.LEAGUE_MIN_CASES
    ranked = [{"name": k, **v} for k, v in data.items() if v.get("fixed_closures", 0) >= n_min and v.get("audited")]
    ranked.sort(key=lambda r: (r["false_closure_pct"], -r["audited"]))
    for i, r in enumerate(ranked, 1):
        r["rank"] = i
    unranked = [{"name": k, "rank": None, **v} for k, v in data.items() if k not in {r["name"] for r in ranked}]
    columns = [
        Column("rank", _("อันดับ"), "int"),
        Column("name", _("หน่วยงาน")),
        Column("fixed_closures", _("ปิดเรื่องว่าแก้ไขแล้ว"), "int"),
        Column("audited", _("ตรวจภาคสนามแล้ว"), "int"),
        Column("false_closure_pct", _("ปิดเรื่องไม่จริง (%)"), "pct", "lower"),
        Column("false_closure_ci", _("ช่วงความเชื่อมั่น 95 % (Wilson)")),
    ]
    note = _("จัดอันดับเฉพาะหน่วยงานที่ปิดเรื่องว่าแก้ไขแล้วอย่างน้อย %(n)s เรื่องในเดือน") % {"n": n_min}
    return Table("closing_league", _("ตารางอันดับการปิดเรื่องไม่จริง"), columns, ranked + unranked, note=note)


def notices_table(month: dt.date) -> Table:
    start, end = month_range(month)
    rows = list(
        Notice.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(channel=Notice.Channel.NONE)
        .values("channel")
        .annotate(
            sent=Count("id", filter=Q(status=Notice.Status.SENT)),
            failed=Count("id", filter=Q(status__in=[Notice.Status.FAILED, Notice.Status.UNKNOWN])),
            credits=Sum("credits"),
            satang=Sum("cost_satang"),
        )
        .order_by("channel")
    )
    for r in rows:
        r["channel"] = str(Notice.Channel(r["channel"]).label)
        r["baht"] = round((r.pop("satang") or 0) / 100, 2)
    columns = [
        Column("channel", _("ช่องทาง")),
        Column("sent", _("ส่งแล้ว"), "int"),
        Column("failed", _("ส่งไม่สำเร็จ/ไม่ทราบผล"), "int"),
        Column("credits", _("เครดิต SMS"), "int"),
        Column("baht", _("ค่าใช้จ่าย (บาท)"), "num"),
    ]
    return Table("closing_notices", _("การแจ้งผู้ร้อง รายช่องทาง"), columns, rows)
