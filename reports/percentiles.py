"""Grouped percentiles computed in the database, on PostgreSQL and SQLite.

PostgreSQL has `percentile_cont`. SQLite has none, so the same continuous
percentile (linear interpolation between the two nearest ranks, as
percentile_cont does) is computed with window functions: ROW_NUMBER and COUNT
over each group, then the two ranks around p·(n−1) are picked by conditional
aggregation. No value ever travels to Python except the results.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import F, QuerySet

PS = (0.5, 0.9)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def grouped_percentiles(
    qs: QuerySet, group: str, columns: list[str], ps: tuple[float, ...] = PS
) -> dict[object, dict[tuple[str, float], float | None]]:
    """{group value: {(column, p): value}} over the rows of `qs`; NULLs are ignored.

    `group` is a field path ("agency", "month", "channel", ...); `columns` are
    plain numeric fields of the queryset's model.
    """
    inner = qs.order_by().annotate(_g=F(group)).values("_g", *columns)
    sql, params = inner.query.sql_with_params()
    result: dict[object, dict[tuple[str, float], float | None]] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One sort per column: the array form gives every percentile of it at once.
            fractions = ", ".join(str(float(p)) for p in ps)
            selects = ", ".join(
                f"percentile_cont(ARRAY[{fractions}]::float8[]) WITHIN GROUP (ORDER BY {_q(c)})" for c in columns
            )
            cursor.execute(f"SELECT {_q('_g')}, {selects} FROM ({sql}) AS sub GROUP BY {_q('_g')}", params)
            for row in cursor.fetchall():
                slot = result[_key(row[0])] = {}
                for c, values in zip(columns, row[1:], strict=True):
                    for p, v in zip(ps, values or [None] * len(ps), strict=True):
                        slot[(c, p)] = v
        else:
            for c in columns:
                picks = []
                for i, p in enumerate(ps):
                    pos = f"({float(p)} * (n - 1))"
                    lo = f"CAST({pos} AS INTEGER)"
                    picks.append(
                        f"MAX(CASE WHEN rn = {lo} THEN x END) AS lo{i}, "
                        f"MAX(CASE WHEN rn = {lo} + 1 THEN x END) AS hi{i}, "
                        f"MAX({pos} - {lo}) AS fr{i}"
                    )
                ranked = (
                    f"SELECT {_q('_g')} AS g, {_q(c)} AS x, "
                    f"ROW_NUMBER() OVER (PARTITION BY {_q('_g')} ORDER BY {_q(c)}) - 1 AS rn, "
                    f"COUNT(*) OVER (PARTITION BY {_q('_g')}) AS n "
                    f"FROM ({sql}) AS sub WHERE {_q(c)} IS NOT NULL"
                )
                interpolated = ", ".join(f"lo{i} + (COALESCE(hi{i}, lo{i}) - lo{i}) * fr{i}" for i in range(len(ps)))
                cursor.execute(
                    f"SELECT g, {interpolated} FROM (SELECT g, {', '.join(picks)} FROM ({ranked}) AS r GROUP BY g) AS t",
                    params,
                )
                for row in cursor.fetchall():
                    slot = result.setdefault(_key(row[0]), {})
                    for i, p in enumerate(ps):
                        slot[(c, p)] = row[1 + i]
    return result


def _key(value):
    # SQLite hands dates back as text.
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value
