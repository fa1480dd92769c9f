"""Per-request plumbing for running many web nodes: request id, latency, replica reads.

`RequestMiddleware` (first in MIDDLEWARE):
- takes nginx's `X-Request-ID` (or makes one), puts it in the log context and answers it back;
- times the request into `bkk1555_http_request_duration_seconds{group}` (bkk1555/metrics.py);
- for GET/HEAD on the views in `dbrouter.REPLICA_VIEWS` lets reads come from the replica,
  and if the replica fails in the middle of such a request, runs the view again on the primary.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.db import DatabaseError
from django.urls import Resolver404, resolve

from . import dbrouter, logs, metrics

log = logging.getLogger(__name__)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        rid = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = rid
        rid_token = logs.request_id.set(rid)
        group, replica = "other", False
        try:
            match = resolve(request.path_info)
            namespace = ":".join(match.namespaces)
            group = metrics.view_group(namespace, match.url_name or "", request.path_info)
            replica = request.method in ("GET", "HEAD") and dbrouter.view_reads_replica(namespace, match.url_name or "")
        except Resolver404:
            pass
        request.reads_replica = replica and dbrouter.configured()
        try:
            if request.reads_replica:
                with dbrouter.replica_reads():
                    response = self.get_response(request)
            else:
                response = self.get_response(request)
        finally:
            metrics.REQUEST_SECONDS.labels(group, request.method if request.method in _METHODS else "other").observe(
                time.perf_counter() - started
            )
            logs.request_id.reset(rid_token)
        response["X-Request-ID"] = rid
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request._bkk1555_view = (view_func, view_args, view_kwargs)

    def process_exception(self, request, exception):
        """The replica died under a read-only request: note it, answer from the primary."""
        if not getattr(request, "reads_replica", False) or not isinstance(exception, DatabaseError):
            return None
        view = getattr(request, "_bkk1555_view", None)
        if view is None:
            return None
        log.warning("replica failed during %s; answering from the primary", request.path_info)
        dbrouter.mark_down()
        request.reads_replica = False
        view_func, args, kwargs = view
        with dbrouter.primary_reads():
            response = view_func(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
        return response


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
