"""The reports' figures, aggregated in the database.

Every assignment figure belongs to the month its complaint was received in
(Asia/Bangkok), whenever the work happened: a case received at 23:30 on
31 October is October's, even if it is resolved in November. "Now" matters
for what is still open or overdue; it is passed in so tests can fix it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from complaints import rules
from complaints.models import Assignment, Complaint, Photo
from complaints.sla import BANGKOK

from .facts import month_range
from .models import AssignmentFact, FigureCache
from .percentiles import grouped_percentiles

S = Assignment.Status
OPEN = [s.value for s in Assignment.OPEN_STATUSES]
DONE = [S.RESOLVED.value, S.VERIFIED.value]
SIDE_EXITS = [S.REJECTED.value, S.CANCELLED.value]

TIME_COLUMNS = [
    "ack_minutes",
    "ack_sla_minutes",
    "safe_minutes",
    "safe_sla_minutes",
    "resolve_minutes",
    "resolve_sla_minutes",
]


def overdue_q(now: dt.datetime) -> Q:
    """Open work past the deadline of the stage it is in: the domain's one overdue rule
    (the agencies' stages; the centre's review is reported apart)."""
    return rules.overdue_q(now, owner="agency")


def static_counts() -> dict:
    """Counts that depend only on the facts (cacheable). Side exits (rejected, cancelled)
    are not judged for SLA; a stage done by its deadline is "in", done after it "late"."""
    live = ~Q(status__in=SIDE_EXITS)
    return {
        "dispatched": Count("pk"),
        "resolved": Count("pk", filter=Q(status__in=DONE)),
        "reopened": Count("pk", filter=Q(reopen_count__gt=0)),
        "rejected": Count("pk", filter=Q(status=S.REJECTED)),
        "rerouted": Count("pk", filter=Q(rerouted=True)),
        "ack_in": Count("pk", filter=live & Q(ack_due_at__isnull=False, acknowledged_at__lte=F("ack_due_at"))),
        "ack_late": Count("pk", filter=live & Q(acknowledged_at__gt=F("ack_due_at"))),
        "safe_in": Count("pk", filter=live & Q(safe_due_at__isnull=False, safe_at__lte=F("safe_due_at"))),
        "safe_late": Count("pk", filter=live & Q(safe_at__gt=F("safe_due_at"))),
        "res_in": Count("pk", filter=live & Q(resolve_due_at__isnull=False, resolved_at__lte=F("resolve_due_at"))),
        "res_late": Count("pk", filter=live & Q(resolved_at__gt=F("resolve_due_at"))),
    }


def live_counts(now: dt.datetime) -> dict:
    """Counts that depend on "now", over open work only (a partial index holds it): a
    stage not yet done counts as missed once its deadline has passed, and is left out
    while it still can be met. Only open work can have a stage not done: acknowledging,
    making safe and resolving set their times, and side exits are not judged."""
    return {
        "open": Count("pk"),
        "overdue": Count("pk", filter=overdue_q(now)),
        "ack_wait": Count("pk", filter=Q(acknowledged_at__isnull=True, ack_due_at__lt=now)),
        "safe_wait": Count("pk", filter=Q(safe_at__isnull=True, safe_due_at__lt=now)),
        "res_wait": Count("pk", filter=Q(resolved_at__isnull=True, resolve_due_at__lt=now)),
    }


def _share(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 1) if den else None


CACHE_TTL = dt.timedelta(minutes=15)


def months_version(months: list[dt.date]) -> str:
    """Changes whenever a fact of these months is rewritten (one index descent per month)."""
    parts = []
    for m in sorted(set(months)):
        latest = AssignmentFact.objects.filter(month=m).aggregate(t=Max("computed_at"))["t"]
        parts.append(f"{m:%Y%m}:{latest.timestamp() if latest else '-'}")
    return "|".join(parts)


def _cached(kind: str, group: str, cache: tuple[str, list[dt.date]] | None, compute, encode, decode) -> dict:
    """compute() -> {group value: figures}, kept in FigureCache while the months' facts are
    unchanged. The TTL only bounds the one change the version cannot see: a fact deleted
    with its case."""
    if cache is None:
        return compute()
    key, months = cache
    key = f"{kind}:{key}"
    version = months_version(months)
    hit = FigureCache.objects.filter(key=key, version=version, computed_at__gte=timezone.now() - CACHE_TTL).first()
    if hit is not None:
        return {_decode(group, k): decode(v) for k, v in hit.payload}
    result = compute()
    payload = [[_encode(k), encode(v)] for k, v in result.items()]
    FigureCache.objects.update_or_create(key=key, defaults={"version": version, "payload": payload})
    return result


def cached_percentiles(qs, group: str, cache: tuple[str, list[dt.date]] | None) -> dict:
    """Percentiles do not depend on "now" (only finished stages have times): reusable."""
    return _cached(
        "pct",
        group,
        cache,
        lambda: grouped_percentiles(qs, group, TIME_COLUMNS),
        lambda values: [[c, p, v] for (c, p), v in values.items()],
        lambda values: {(c, p): v for c, p, v in values},
    )


def cached_static_counts(qs, group: str, cache: tuple[str, list[dt.date]] | None) -> dict:
    def compute():
        return {row.pop(group): row for row in qs.order_by().values(group).annotate(**static_counts())}

    return _cached("counts", group, cache, compute, dict, dict)


def _encode(key):
    return key.isoformat() if isinstance(key, dt.date) else key


def _decode(group: str, key):
    if group == "month" and isinstance(key, str):
        return dt.date.fromisoformat(key)
    return key


def assignment_figures(
    qs, group: str, now: dt.datetime, *, photos: bool = False, cache: tuple[str, list[dt.date]] | None = None
) -> dict[object, dict]:
    """Counts, SLA shares and percentiles of the facts in `qs`, per `group` value.

    Three queries: counts that depend only on the facts, counts over the open work that
    depend on "now", and the percentiles (one query on PostgreSQL), plus one for result
    photos. With `cache=(key, months)` the first and the third come from FigureCache
    while the months' facts are unchanged."""
    out: dict[object, dict] = {key: dict(row) for key, row in cached_static_counts(qs, group, cache).items()}
    waiting = {
        row.pop(group): row for row in qs.filter(status__in=OPEN).order_by().values(group).annotate(**live_counts(now))
    }
    for key, row in out.items():
        live = waiting.get(key, {})
        row["open"] = live.get("open", 0)
        row["overdue"] = live.get("overdue", 0)
        row["ack_out"] = row["ack_late"] + live.get("ack_wait", 0)
        row["safe_out"] = row["safe_late"] + live.get("safe_wait", 0)
        row["res_out"] = row["res_late"] + live.get("res_wait", 0)
        row["ack_sla_pct"] = _share(row["ack_in"], row["ack_in"] + row["ack_out"])
        row["safe_sla_pct"] = _share(row["safe_in"], row["safe_in"] + row["safe_out"])
        row["res_sla_pct"] = _share(row["res_in"], row["res_in"] + row["res_out"])
        for col in TIME_COLUMNS:
            for p in (50, 90):
                row[f"{col.removesuffix('_minutes')}_p{p}"] = None
    pcts = cached_percentiles(qs, group, cache)
    for key, values in pcts.items():
        if key not in out:
            continue
        for (col, p), v in values.items():
            out[key][f"{col.removesuffix('_minutes')}_p{int(p * 100)}"] = round(v, 1) if v is not None else None
    if photos:
        _add_photo_figures(qs, group, out)
    return out


def _add_photo_figures(qs, group: str, out: dict) -> None:
    """Result photos (stage "after") of the resolved work in `qs`, per group."""
    resolved = qs.filter(status__in=DONE)
    photo_rows = (
        Photo.objects.filter(stage=Photo.Stage.AFTER, assignment__report_fact__in=resolved)
        .order_by()
        .values(f"assignment__report_fact__{group}")
        .annotate(photos=Count("pk"), with_photo=Count("assignment", distinct=True))
    )
    for row in photo_rows:
        key = row[f"assignment__report_fact__{group}"]
        if key in out:
            out[key]["photos"] = row["photos"]
            out[key]["with_photo"] = row["with_photo"]
    for row in out.values():
        row.setdefault("photos", 0)
        row.setdefault("with_photo", 0)
        row["photos_per_resolved"] = round(row["photos"] / row["resolved"], 2) if row["resolved"] else None
        row["with_photo_pct"] = _share(row["with_photo"], row["resolved"])


def complaint_counts(months: list[dt.date]) -> dict[dt.date, dict]:
    """Complaints received and BEST complaints per month (Bangkok months), from the complaints table."""
    out = {}
    for first in months:
        start, end = month_range(first)
        out[first] = Complaint.objects.filter(received_at__gte=start, received_at__lt=end).aggregate(
            received=Count("pk"), best=Count("pk", filter=Q(is_best=True))
        )
    return out


def complaint_counts_by_month(first: dt.date, last: dt.date) -> dict[dt.date, dict]:
    """The same for a run of months, in one grouped query."""
    start, _ = month_range(first)
    _, end = month_range(last)
    rows = (
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        .annotate(m=TruncMonth("received_at", tzinfo=BANGKOK))
        .order_by()
        .values("m")
        .annotate(received=Count("pk"), best=Count("pk", filter=Q(is_best=True)))
    )
    out = {}
    for row in rows:
        m = row.pop("m")
        m = m.date() if isinstance(m, dt.datetime) else m
        out[m.replace(day=1)] = row
    return out


def month_overview(months: list[dt.date], now: dt.datetime) -> dict[dt.date, dict]:
    """Everything on the overview page, for each of `months`."""
    complaints = complaint_counts(months)
    facts = {}
    for m in months:
        # One month at a time, so a change in this month leaves the others' cache valid.
        facts.update(
            assignment_figures(AssignmentFact.objects.filter(month=m), "month", now, cache=(f"month:{m:%Y%m}", [m]))
        )
    out = {}
    for m in months:
        row = {**_empty_figures(), **complaints[m], **facts.get(m, {})}
        row["best_share"] = _share(row["best"], row["received"])
        out[m] = row
    return out


def _empty_figures() -> dict:
    row = dict.fromkeys(["dispatched", "resolved", "open", "overdue", "reopened", "rejected", "rerouted"], 0)
    for k in ("ack_sla_pct", "safe_sla_pct", "res_sla_pct"):
        row[k] = None
    for col in TIME_COLUMNS:
        for p in (50, 90):
            row[f"{col.removesuffix('_minutes')}_p{p}"] = None
    return row


def slowest_open(agency_id: int, month: dt.date, now: dt.datetime, limit: int = 20) -> list[dict]:
    """The agency's oldest still-open work from the month's complaints — no personal data."""
    return list(
        AssignmentFact.objects.filter(agency_id=agency_id, month=month, status__in=OPEN)
        .order_by("dispatched_at")
        .values(
            "complaint__reference",
            "category__name_th",
            "category__name_en",
            "district__name_th",
            "district__name_en",
            "status",
            "dispatched_at",
            "is_best",
        )[:limit]
    )


# --- the end of the loop: the centre's review and the cases' outcomes ---------------------

Outcome = rules.Outcome
# Work that really held the case: an agency that said "not ours", or work the centre moved
# to another agency, does not share the case's outcome.
HELD = ~Q(status=S.REJECTED) & Q(rerouted=False)


def review_counts(now: dt.datetime) -> dict:
    """Sums over the facts and distinct cases (a case with two agencies counts once per
    group it is in). "Now" only for planned fixes past their date."""
    today = timezone.localtime(now).date()
    return {
        "results_reported": Sum("results_reported"),
        "sent_back": Sum("sent_back"),
        "accepted_flagged": Sum("accepted_flagged"),
        "cases_dispatched": Count("complaint", distinct=True, filter=HELD),
        **{f"outcome_{o}": Count("complaint", distinct=True, filter=HELD & Q(outcome=o)) for o in Outcome.values},
        "plan_late": Count("complaint", distinct=True, filter=HELD & Q(status__in=OPEN, planned_for__lt=today)),
        "planned_last": Max("planned_for", filter=HELD & Q(status__in=OPEN)),
    }


def review_figures(qs, group: str, now: dt.datetime) -> dict[object, dict]:
    """The centre's review and the outcomes of the facts in `qs`, per `group` value: one
    grouped query for the counts, one for the median review time."""
    out = {}
    for row in qs.order_by().values(group).annotate(**review_counts(now)):
        key = row.pop(group)
        for k in ("results_reported", "sent_back", "accepted_flagged"):
            row[k] = row[k] or 0
        row["sent_back_pct"] = _share(row["sent_back"], row["results_reported"])
        row["fixed_pct"] = _share(row["outcome_fixed"], row["cases_dispatched"])
        row["review_p50"] = None
        out[key] = row
    for key, values in grouped_percentiles(qs, group, ["review_minutes"], ps=(0.5,)).items():
        if key in out and values.get(("review_minutes", 0.5)) is not None:
            out[key]["review_p50"] = round(values[("review_minutes", 0.5)], 1)
    return out


def planned_fixes(month: dt.date, now: dt.datetime, limit: int = 200) -> list[dict]:
    """The month's cases waiting for a planned permanent fix, earliest date first — no personal data."""
    return list(
        AssignmentFact.objects.filter(HELD, month=month, status__in=OPEN, planned_for__isnull=False)
        .order_by("planned_for", "complaint_id")
        .values(
            "complaint__reference",
            "category__name_th",
            "category__name_en",
            "agency__name_th",
            "agency__name_en",
            "is_best",
            "planned_for",
            "assignment__plan_reason",
        )[:limit]
    )
