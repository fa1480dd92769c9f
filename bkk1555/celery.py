import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkk1555.settings")

app = Celery("bkk1555")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
