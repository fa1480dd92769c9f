"""The Celery app: Redis broker in production, kombu's filesystem transport for the demo.

Configuration lives in settings (`CELERY_*`): acks late, reject on worker
loss, prefetch 1, time limits, JSON only, queues `line` (outgoing LINE
messages) and `default` (webhook processing, sweeps). The beat schedule is
here because it names tasks, not settings an operator changes.

    celery -A bkk1555 worker -Q line,default      # as many as needed, on any machine
    celery -A bkk1555 beat                         # exactly one
"""

import os

from celery import Celery
from kombu import Queue

from .env import env_int

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkk1555.settings")

app = Celery("bkk1555")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


app.conf.task_queues = (Queue("default"), Queue("line"))
app.conf.beat_schedule = {
    # Both sweeps are idempotent: a late or doubled run never sends twice.
    "reminder-sweep": {
        "task": "complaints.tasks.sweep_reminders",
        "schedule": float(env_int("REMINDER_SWEEP_SECONDS", 60)),
        "options": {"queue": "default", "expires": 55},
    },
    "outbox-sweep": {
        "task": "line_oa.tasks.sweep_outbox",
        "schedule": 60.0,
        "options": {"queue": "default", "expires": 55},
    },
    # PDPA retention, in bounded batches; idempotent (what is done is not found again).
    "retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": 24 * 3600.0,
        "options": {"queue": "default", "expires": 3600},
    },
}
