"""Reads that may come from the PostgreSQL streaming replica, and nothing else.

With `DATABASE_REPLICA_URL` set, the executives' reports, the API's list pages and
Open311 read from the replica (alias "replica"); everything else — the workflow,
the admin console, LINE, every task — reads and writes the primary. A read is sent
to the replica only when all of these hold:

- the code asked for it: inside `replica_reads()` (a context manager; the request
  middleware in bkk1555/observability.py opens it for GET/HEAD on the views named in
  `REPLICA_VIEWS`, so api/ and reports/ need no change);
- no transaction is open on the primary (a workflow step reads what it writes);
- the replica answered its last check (every `REPLICA_CHECK_SECONDS`) and was at most
  `REPLICA_MAX_LAG_SECONDS` behind. Down or late → the primary, until the next check.

The replica is never migrated and never written.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import time

from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)

REPLICA = "replica"
_wanted: contextvars.ContextVar[bool] = contextvars.ContextVar("bkk1555_replica_reads", default=False)

# URL names (namespace:name, or a namespace alone) whose GET/HEAD may read from the replica.
REPLICA_VIEWS = (
    "reports",
    "open311",
    "api:complaint-list",
    "api:assignment-list",
    "api:agency-list",
    "api:coordinator-list",
    "api:category-list",
    "api:zone-list",
    "api:district-list",
    "api:subdistrict-list",
)


def view_reads_replica(namespace: str, url_name: str) -> bool:
    return namespace in REPLICA_VIEWS or f"{namespace}:{url_name}" in REPLICA_VIEWS


@contextlib.contextmanager
def replica_reads():
    """Let reads in this block come from the replica (when it is configured, up and fresh)."""
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


@contextlib.contextmanager
def primary_reads():
    """Reads in this block come from the primary, whatever an outer block asked."""
    token = _wanted.set(False)
    try:
        yield
    finally:
        _wanted.reset(token)


def mark_down() -> None:
    """The replica just failed under a query: use the primary until the next check."""
    with state.lock:
        state.up = state.usable = False
        state.checked_at = time.monotonic()
    with contextlib.suppress(Exception):
        connections[REPLICA].close()


def configured() -> bool:
    return REPLICA in settings.DATABASES


LAG_SQL = (
    "SELECT pg_is_in_recovery(), CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


class _State:
    """The last check of the replica, per process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked_at = 0.0
        self.usable = False
        self.up = False
        self.lag: float | None = None

    def reset(self) -> None:
        with self.lock:
            self.checked_at, self.usable, self.up, self.lag = 0.0, False, False, None


state = _State()


def check(*, force: bool = False) -> dict:
    """Is the replica up, and how far behind? Cached for REPLICA_CHECK_SECONDS."""
    if not configured():
        return {"configured": False}
    now = time.monotonic()
    if force or now - state.checked_at >= settings.REPLICA_CHECK_SECONDS:
        with state.lock:
            if force or now - state.checked_at >= settings.REPLICA_CHECK_SECONDS:
                up, lag = False, None
                try:
                    conn = connections[REPLICA]
                    with conn.cursor() as cursor:
                        if conn.vendor == "postgresql":
                            cursor.execute(LAG_SQL)
                            in_recovery, lag_value = cursor.fetchone()
                            lag = float(lag_value or 0) if in_recovery else 0.0
                        else:
                            cursor.execute("SELECT 1")
                            lag = 0.0
                    up = True
                except Exception as exc:  # noqa: BLE001 - any failure means "down"
                    log.warning("replica down: %s", exc.__class__.__name__)
                    with contextlib.suppress(Exception):
                        connections[REPLICA].close()
                state.up, state.lag = up, lag
                state.usable = up and lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS
                state.checked_at = time.monotonic()
    return {"configured": True, "up": state.up, "lag_seconds": state.lag, "used": state.usable}


def _read_alias() -> str:
    if not _wanted.get() or not configured():
        return "default"
    if connections["default"].in_atomic_block:
        return "default"
    return REPLICA if check()["used"] else "default"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return _read_alias()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA
