"""The Celery app: Redis broker in production, kombu's filesystem transport for the demo.

Configuration lives in settings (`CELERY_*`): acks late, reject on worker
loss, prefetch 1, time limits, JSON only, queues `line` (outgoing LINE
messages) and `default` (webhook processing, sweeps). The whole beat schedule
is here, and only here: it names tasks, not settings an operator changes (the
periods that are settings come from settings.py).

    celery -A bkk1555 worker -Q line,default      # as many as needed, on any machine
    celery -A bkk1555 beat                         # exactly one
"""

import os

from celery import Celery
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
        "schedule": 60.0,
        "options": {"queue": "default", "expires": 55},
    },
    # Events stored while the broker was down, or left by a worker that died.
    "webhook-sweep": {
        "task": "line_oa.tasks_webhook.sweep_pending_events",
        "schedule": 120.0,
        "options": {"queue": "default", "expires": 110},
    },
    # The executives' figures: new history folded into the summary table.
    "reports-refresh-facts": {
        "task": "reports.tasks.refresh_facts",
        "schedule": 300.0,
        "options": {"queue": "default", "expires": 290},
    },
}
