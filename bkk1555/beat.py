"""One beat, whatever happens: a PostgreSQL advisory lock elects the beat that runs the schedule.

    celery -A bkk1555 beat --scheduler bkk1555.beat:LeaderScheduler

Every beat process started (by mistake, by a failover script, on two machines) asks
PostgreSQL for the session-level advisory lock `BEAT_LOCK_ID` on a connection of its
own. The one that holds it runs the schedule; the others tick every `FOLLOWER_TICK`
seconds and try again. The lock belongs to the connection, so when the leader dies —
SIGKILL, a lost machine, a network cut (TCP keepalives end the session) — PostgreSQL
frees it and a follower takes over within seconds. The leader checks its connection
every tick; if it is gone, it stops running the schedule before anything else.

Why PostgreSQL and not RedBeat (a lock in Redis): the database is already the one place
where work is claimed, it has no failover of its own in this topology, and a Redis
Sentinel failover can lose a lock written just before it (replication is asynchronous),
which would briefly give two leaders. PgBouncer in transaction mode would break this
lock: use session mode or connect the beat directly (docs/capacity.md).

On SQLite (the demo: one machine) an exclusive `flock` on a file under var/ does the same.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time

from celery.beat import PersistentScheduler
from django.conf import settings

log = logging.getLogger(__name__)

FOLLOWER_TICK = 5.0  # seconds between a follower's tries
LEADER_CHECK = 5.0  # at most this long between the leader's checks of its lock connection


class LeaderLock:
    """The lock, held on a connection that is not Django's (Django may close its own)."""

    def __init__(self, lock_id: int | None = None) -> None:
        self.lock_id = lock_id if lock_id is not None else settings.BEAT_LOCK_ID
        self._conn = None
        self._file = None
        self.checked_at = 0.0

    @property
    def postgres(self) -> bool:
        return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

    def _connect(self):
        import psycopg
        from django.db import connections

        params = connections["default"].get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        params.pop("prepare_threshold", None)
        params.pop("pool", None)
        params.update(
            autocommit=True,
            connect_timeout=5,
            keepalives=1,
            keepalives_idle=10,
            keepalives_interval=5,
            keepalives_count=3,
            application_name="bkk1555-beat-lock",
        )
        return psycopg.connect(**params)

    def acquire(self) -> bool:
        if not self.postgres:
            return self._acquire_file()
        try:
            if self._conn is None or self._conn.closed:
                self._conn = self._connect()
            got = self._conn.execute("SELECT pg_try_advisory_lock(%s)", [self.lock_id]).fetchone()[0]
        except Exception as exc:  # noqa: BLE001 - the database is away: not the leader
            log.warning("beat lock: cannot ask PostgreSQL (%s)", exc.__class__.__name__)
            self.release()
            return False
        if got:
            self.checked_at = time.monotonic()
        return bool(got)

    def still_held(self) -> bool:
        """Our session is alive and holds the lock (asked at most every LEADER_CHECK seconds)."""
        if not self.postgres:
            return self._file is not None
        if time.monotonic() - self.checked_at < LEADER_CHECK:
            return self._conn is not None and not self._conn.closed
        try:
            held = self._conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                "AND objid = %s AND granted",
                [self.lock_id & 0xFFFFFFFF],
            ).fetchone()[0]
        except Exception as exc:  # noqa: BLE001
            log.warning("beat lock: lost the lock connection (%s)", exc.__class__.__name__)
            self.release()
            return False
        self.checked_at = time.monotonic()
        if not held:
            self.release()
        return bool(held)

    def release(self) -> None:
        if self._conn is not None:
            # Unlock before closing: PostgreSQL frees a closed session's locks only when its
            # backend has exited, which a loaded server may take a moment to do.
            with contextlib.suppress(Exception):
                if not self._conn.closed:
                    self._conn.execute("SELECT pg_advisory_unlock(%s)", [self.lock_id])
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None
        if self._file is not None:
            with contextlib.suppress(Exception):
                self._file.close()
            self._file = None

    def _acquire_file(self) -> bool:
        if self._file is not None:
            return True
        path = settings.VAR_DIR / "beat.lock"
        os.makedirs(path.parent, exist_ok=True)
        handle = open(path, "a+")  # noqa: SIM115 - held open while leader
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True


class LeaderScheduler(PersistentScheduler):
    """celery beat's own scheduler, run only by the holder of the leader lock."""

    def __init__(self, *args, **kwargs):
        self.leader_lock = LeaderLock()
        self.leading = False
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        if self.leading and not self.leader_lock.still_held():
            log.warning("beat: lost the leader lock; no longer running the schedule")
            self.leading = False
        if not self.leading:
            if not self.leader_lock.acquire():
                return FOLLOWER_TICK
            log.info("beat: leader lock %s taken; running the schedule", self.leader_lock.lock_id)
            self.leading = True
        return min(super().tick(*args, **kwargs), LEADER_CHECK)

    def close(self):
        try:
            super().close()
        finally:
            self.leader_lock.release()
