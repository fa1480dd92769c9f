"""The Celery app: Redis broker in production, kombu's filesystem transport for the demo.

Configuration lives in settings (`CELERY_*`): acks late, reject on worker
loss, prefetch 1, time limits, JSON only, queues `line` (outgoing LINE
messages) and `default` (webhook processing, sweeps). The whole beat schedule
is here, and only here: it names tasks, not settings an operator changes (the
periods that are settings come from settings.py).

    celery -A bkk1555 worker -Q line,default      # as many as needed, on any machine
    celery -A bkk1555 beat -S bkk1555.beat:LeaderScheduler   # one runs the schedule (leader lock)
"""

import os
import time

from celery import Celery, signals
from celery.schedules import crontab
from django.conf import settings
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkk1555.settings")

app = Celery("bkk1555")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


app.conf.task_queues = (Queue("default"), Queue("line"))
app.conf.beat_schedule = {
    # Both sweeps are idempotent: a late or doubled run never sends twice.
    "reminder-sweep": {
        "task": "complaints.tasks.sweep_reminders",
        "schedule": float(settings.REMINDER_SWEEP_SECONDS),
        "options": {"queue": "default", "expires": 55},
    },
    "outbox-sweep": {
        "task": "line_oa.tasks.sweep_outbox",
        "schedule": float(settings.OUTBOX_SWEEP_SECONDS),
        "options": {"queue": "default", "expires": max(5, settings.OUTBOX_SWEEP_SECONDS - 5)},
    },
    # Events stored while the broker was down, or left by a worker that died.
    "webhook-sweep": {
        "task": "line_oa.tasks_webhook.sweep_pending_events",
        "schedule": float(settings.WEBHOOK_SWEEP_SECONDS),
        "options": {"queue": "default", "expires": max(5, settings.WEBHOOK_SWEEP_SECONDS - 5)},
    },
    # The executives' figures: new history folded into the summary table.
    "reports-refresh-facts": {
        "task": "reports.tasks.refresh_facts",
        "schedule": 300.0,
        "options": {"queue": "default", "expires": 290},
    },
    # Once a day, early (Bangkok; the app's time zone): the quota warning reaches the morning shift.
    "line-quota": {
        "task": "line_oa.tasks.check_quota",
        "schedule": crontab(hour=6, minute=30),
        "options": {"queue": "default", "expires": 3600},
    },
    # PDPA retention, in bounded batches; idempotent (what is done is not found again).
    "retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": 24 * 3600.0,
        "options": {"queue": "default", "expires": 3600},
    },
    # Complainant notices the broker lost, a dead worker left, or whose retry came due (issue 11).
    "notices-sweep": {
        "task": "notices.tasks.sweep_notices",
        "schedule": float(settings.NOTICES_SWEEP_SECONDS),
        "options": {"queue": "default", "expires": max(5, settings.NOTICES_SWEEP_SECONDS - 5)},
    },
    # Photos an add form kept while it was shown again, left by a form nobody saved (a day old).
    "intake-photos-sweep": {
        "task": "complaints.tasks.sweep_intake_photos",
        "schedule": crontab(minute=5),
        "options": {"queue": "default", "expires": 3000},
    },
    # Field audits past their deadline: the supervisors' list shows them; a reminder goes to the auditor.
    "audits-overdue": {
        "task": "audits.tasks.remind_overdue_audits",
        "schedule": crontab(minute=15),
        "options": {"queue": "default", "expires": 3000},
    },
    # Field audits drawn when nobody could audit them: assigned once an auditor is eligible, else lapse.
    "audits-waiting": {
        "task": "audits.tasks.assign_waiting_audits",
        "schedule": crontab(minute=45),
        "options": {"queue": "default", "expires": 3000},
    },
}


# --- surviving a Redis master failover (issue 15) ---------------------------------------------
def _survive_failover() -> None:
    """kombu 5.7: once the connection to a dead Sentinel master is closed, its channels still
    try to use it — restoring unacknowledged messages while closing, acknowledging a task that
    finished after the reconnect — and fail with AttributeError ('NoneType' object has no
    attribute 'hostname') instead of a connection error. Celery calls that unrecoverable and
    the worker exits (systemd restarted it). Make it the connection error it is: Celery logs
    it and carries on with the new master; the message comes back after the visibility
    timeout, and the rows (outbox, webhook events) are claimed in the database, so a rerun
    does nothing twice."""
    from kombu.transport import redis as transport

    original = transport.Channel._connparams
    if getattr(original, "bkk1555_failover", False):
        return

    def _connparams(self, asynchronous=False):
        if getattr(self.connection, "client", None) is None:
            import redis

            raise redis.exceptions.ConnectionError("the broker connection of this channel was closed")
        return original(self, asynchronous=asynchronous)

    _connparams.bkk1555_failover = True
    transport.Channel._connparams = _connparams


@signals.worker_init.connect
def _worker_init(**kwargs):
    _survive_failover()


# --- what the operator sees from workers: task durations and failures (bkk1555/metrics.py),
# and the task id as the log lines' request_id (bkk1555/logs.py).
_started: dict[str, float] = {}


@signals.task_prerun.connect
def _task_started(task_id=None, task=None, **kwargs):
    from . import logs

    _started[task_id] = time.perf_counter()
    logs.request_id.set(task_id or "")


@signals.task_postrun.connect
def _task_finished(task_id=None, task=None, **kwargs):
    from . import logs, metrics

    started = _started.pop(task_id, None)
    if started is not None and task is not None:
        metrics.TASK_SECONDS.labels(task.name).observe(time.perf_counter() - started)
    logs.request_id.set("")


@signals.task_failure.connect
def _task_failed(sender=None, **kwargs):
    from . import metrics

    metrics.TASK_FAILURES.labels(getattr(sender, "name", "unknown")).inc()
