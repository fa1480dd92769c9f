"""What a database connection costs: new per request vs persistent vs a pool (PostgreSQL, loopback).

    .venv/bin/python bench/connections.py                 # DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres

Times `SELECT 1` with (a) a new connection each time (CONN_MAX_AGE=0, no pool), (b) one
persistent connection (CONN_MAX_AGE>0: what each sync gunicorn worker and Celery process
keeps), (c) psycopg_pool (what Django 5.2's DB_POOL=true uses) with getconn/putconn
around each query. Figures in docs/capacity.md (connection handling).
"""

from __future__ import annotations

import os
import statistics
import time

import psycopg
from psycopg_pool import ConnectionPool

URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres").replace(
    "postgres://", "postgresql://"
)


def timed(fn, n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    def fresh():
        with psycopg.connect(URL) as conn:
            conn.execute("SELECT 1").fetchone()

    persistent = psycopg.connect(URL, autocommit=True)

    def reuse():
        persistent.execute("SELECT 1").fetchone()

    pool = ConnectionPool(URL, min_size=2, max_size=4, open=True)

    def pooled():
        with pool.connection() as conn:
            conn.execute("SELECT 1").fetchone()

    for name, fn, n in (
        ("new connection per query", fresh, 300),
        ("persistent connection", reuse, 3000),
        ("psycopg_pool", pooled, 3000),
    ):
        fn()
        median, p95 = timed(fn, n)
        print(f"| {name} | {median:.3f} | {p95:.3f} |")
    backends = persistent.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
    ).fetchone()[0]
    rss = persistent.execute("SHOW max_connections").fetchone()[0]
    print(f"client backends now: {backends}, max_connections: {rss}")
    pool.close()


if __name__ == "__main__":
    main()
