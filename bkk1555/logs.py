"""Log lines with the same keys from web and workers; JSON when LOG_FORMAT=json.

Every record gets `request_id` (web: nginx's X-Request-ID or a new one; workers:
the Celery task id) and, when code sets it, `case` (a complaint reference). No
personal data is added here: names, phones and LINE ids stay out of log context.

    {"time": "2026-12-01T20:31:02.114+00:00", "level": "INFO", "logger": "line_oa.delivery",
     "message": "…", "request_id": "3f2a…", "case": "2569-000123", "process": "web"}
"""

from __future__ import annotations

import contextvars
import logging
import os
import sys

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("bkk1555_request_id", default="")
case_ref: contextvars.ContextVar[str] = contextvars.ContextVar("bkk1555_case", default="")


def _process_kind() -> str:
    argv = " ".join(sys.argv[:4])
    if "celery" in argv:
        return "beat" if " beat" in argv else "worker"
    if "gunicorn" in argv or "runserver" in argv or "wsgi" in argv:
        return "web"
    return os.path.basename(sys.argv[0]) if sys.argv else "python"


PROCESS = _process_kind()


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.case = case_ref.get()
        record.process_kind = PROCESS
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id, case, process."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timestamp", False)
        super().__init__("%(message)s", *args, **kwargs)

    def add_fields(self, log_record: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record["time"] = self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z")
        log_record["level"] = record.levelname
        log_record["logger"] = record.name
        log_record["request_id"] = getattr(record, "request_id", "")
        log_record["case"] = getattr(record, "case", "")
        log_record["process"] = getattr(record, "process_kind", PROCESS)
        for noise in ("process_kind", "color_message"):
            log_record.pop(noise, None)
