"""The optional WSGI fast path answers the webhook like the full stack and passes everything else through."""

import io
import json

import pytest

from line_oa.fastpath import LineWebhookFastPath
from line_oa.models import WebhookEvent

from . import events as ev
from .conftest import CHANNEL_SECRET, sign


def _call(app, path, body=b"", signature=None, method="POST"):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
    }
    if signature:
        environ["HTTP_X_LINE_SIGNATURE"] = signature
    seen = {}
    result = app(environ, lambda status, headers, exc=None: seen.update(status=status))
    b"".join(result)
    getattr(result, "close", lambda: None)()
    return seen["status"]


@pytest.fixture
def _keep_test_connection():
    """As Django's test client does: the test's transaction must survive the request signals."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_test_connection")
def test_the_fast_path_verifies_stores_and_refuses_like_the_view(settings, django_capture_on_commit_callbacks):
    settings.LINE_CHANNEL_SECRET = CHANNEL_SECRET
    passed = []
    app = LineWebhookFastPath(
        lambda environ, start: passed.append(environ["PATH_INFO"]) or start("204 No Content", []) or []
    )
    raw = json.dumps(ev.callback(ev.text(ev.user("U" + "1" * 32), "hi"))).encode()
    with django_capture_on_commit_callbacks(execute=False):
        assert _call(app, "/line/webhook/", raw, sign(raw)) == "200 OK"
        assert _call(app, "/line/webhook/", raw, "forged") == "403 Forbidden"
    assert WebhookEvent.objects.count() == 1
    assert _call(app, "/admin/", method="GET") == "204 No Content" and passed == ["/admin/"]
