"""Fast bulk inserts that return ids, for bursts such as the reminder sweep's.

Django 5.2's bulk_create() on PostgreSQL sends rows as UNNEST arrays, and psycopg
escapes every backslash and quote inside text arrays in Python: JSON of Thai text is
all \\u escapes, so 5,000 outbox rows cost seconds. On PostgreSQL `insert_rows` takes
the ids from the table's sequence and streams plain values with COPY (psycopg's C
adapters), without building model instances; elsewhere (SQLite) it falls back to
bulk_create(), which returns ids there too.
"""

from __future__ import annotations

import json

from django.db import connection, models
from django.utils import timezone


def _column_values(field: models.Field, rows: list[dict], now):
    """The field's value for every row: given, or its default (a callable one per row)."""
    if field.attname in rows[0]:
        values = [row[field.attname] for row in rows]
    elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        values = [now] * len(rows)
    elif field.has_default() and callable(field.default):
        values = [field.default() for _ in rows]
    else:
        default = field.get_default()
        values = [default] * len(rows)
    if isinstance(field, models.JSONField):
        values = [None if v is None else json.dumps(v, cls=field.encoder) for v in values]
    return values


def insert_rows(model: type[models.Model], rows: list[dict]) -> list[int]:
    """Insert rows given as {attname: value} (missing fields take their defaults); return ids in order.

    Every dict must have the same keys. No save(), no signals: for append-only bursts."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        return [obj.pk for obj in model.objects.bulk_create([model(**row) for row in rows], batch_size=500)]
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    columns = [_column_values(f, rows, timezone.now()) for f in fields]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in [meta.pk.column, *(f.column for f in fields)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # noqa: S608 - names from _meta
            for row in zip(ids, *columns, strict=True):
                copy.write_row(row)
    return ids
