"""An optional WSGI fast path for `POST /line/webhook/`.

The webhook needs none of the middleware stack (sessions, auth, CSRF, locale,
messages, axes, whitenoise): it authenticates by signature and answers an empty
200. This wrapper hands that one route straight to the view, keeping Django's
request_started / request_finished signals (database connection handling) and
the response's close() (which queues processing). Everything else goes to the
normal application. Measured saving: ≈ 0.45 ms CPU per webhook request
(docs/benchmarks.md).

Use it by wrapping the WSGI application (e.g. in bkk1555/wsgi.py)::

    from line_oa.fastpath import LineWebhookFastPath
    application = LineWebhookFastPath(get_wsgi_application())

or point gunicorn at ``line_oa.fastpath:application``.
"""

from __future__ import annotations

import logging

from django.core import signals
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/line/webhook/"


class LineWebhookFastPath:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != WEBHOOK_PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)
        from .webhook import webhook

        signals.request_started.send(sender=self.__class__, environ=environ)
        request = WSGIRequest(environ)
        try:
            response = webhook(request)
        except Exception:  # noqa: BLE001 - like Django's handler: log and answer 500 (LINE retries)
            log.exception("LINE webhook failed")
            response = HttpResponse(status=500)
        response._resource_closers.append(request.close)
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return response


def _application():
    from django.core.wsgi import get_wsgi_application

    return LineWebhookFastPath(get_wsgi_application())


application = _application()
