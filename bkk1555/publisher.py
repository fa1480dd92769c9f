"""Publishing Celery tasks off the request path (issue 15, fault 3).

A committed outbox row (LINE messages, complainant notices) is what guarantees that a message
goes out; publishing its task only makes it go out sooner. So nothing that commits a decision
waits on the broker: ``later(name, args, queue)`` hands the task to this process's publisher
thread and returns at once. A Redis that is down, frozen (accepts connections, never answers)
or failing over holds that thread, never an officer's request or a worker's task. The thread
tries each batch once, without Celery's publish retries; what it could not publish is dropped
with a warning and the sweeps find those rows still pending (within OUTBOX_PENDING_GRACE_SECONDS).
A process that dies before its thread published loses only publishes, never rows.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections import deque

log = logging.getLogger(__name__)

MAX_WAITING = 20_000  # beyond this the broker is gone for a while: the sweeps take over


class Publisher:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: deque[tuple[str, list, str]] = deque()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._flushing = 0
        # One flush at a time in a process: the thread's and the one at exit (atexit) would
        # otherwise declare the queues at once, and kombu's filesystem transport (the demo's
        # broker) corrupts its exchange file when two of them create it together.
        self._one_flush = threading.Lock()
        self.dropped = 0

    def later(self, name: str, args: list, queue: str) -> bool:
        """Queue the task for publishing by the thread. False if too many are already waiting."""
        with self._lock:
            if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
                # First use, or after a fork: a thread of our own (the parent's did not come along).
                self._pid, self._items = os.getpid(), deque()
                self._thread = threading.Thread(target=self._run, name="task-publisher", daemon=True)
                self._thread.start()
            if len(self._items) >= MAX_WAITING:
                self.dropped += 1
                return False
            self._items.append((name, list(args), queue))
        self._wake.set()
        return True

    def _take(self) -> list[tuple[str, list, str]]:
        with self._lock:
            items = list(self._items)
            self._items.clear()
            self._wake.clear()
        return items

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self.flush()

    def flush(self) -> int:
        """Publish what is waiting, once; returns how many went to the broker."""
        from bkk1555.celery import app

        with self._lock:
            self._flushing += 1
        self._one_flush.acquire()
        sent, items = 0, self._take()
        try:
            if items:
                with app.producer_or_acquire() as producer:
                    for name, args, queue in items:
                        app.send_task(name, args=args, queue=queue, producer=producer, retry=False)
                        sent += 1
        except Exception:  # noqa: BLE001 - broker down or frozen: the rows stay pending for the sweeps
            log.warning("Could not queue %s task(s); the sweeps will send their rows", len(items) - sent, exc_info=True)
        finally:
            self._one_flush.release()
            with self._lock:
                self._flushing -= 1
        return sent

    def wait_idle(self, timeout: float) -> bool:
        """Until nothing waits and nothing is being published (tests; shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._items and not self._flushing:
                    return True
            time.sleep(0.02)
        return False


publisher = Publisher()
atexit.register(publisher.flush)


def later(name: str, args: list, queue: str) -> bool:
    return publisher.later(name, args, queue)
