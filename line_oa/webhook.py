"""`POST /line/webhook/`: verify, store, queue, answer — nothing else on the hot path.

LINE counts a webhook as failed when it gets no answer within 2 seconds, so the
view only checks the signature (HMAC-SHA256 of the raw body with the channel
secret, base64, constant-time compare) before parsing anything, stores every
event in one statement (INSERT … ON CONFLICT DO NOTHING on the unique
webhookEventId: a redelivery is stored once) and queues processing of the new
events after commit. The processing task claims each row with a conditional update, so an
event is never processed twice.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.db import DataError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from bkk1555.safejson import refuse_constant, too_deep

from .models import WebhookEvent

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
# A signed body can still be absurd (a leaked secret, the public demo secret). LINE sends
# a handful of events per request; 10,000 tiny ones took 3.3 s to store on SQLite and
# held a worker for minutes, so a body with more is refused. LINE's events nest about
# six levels deep.
MAX_EVENTS = 200
MAX_DEPTH = 32
# Event times LINE can send: milliseconds between 2000 and 2100.
_MIN_TS, _MAX_TS = 946_684_800_000, 4_102_444_800_000


def sign_body(body: bytes, secret: str | None = None) -> str:
    """X-Line-Signature as LINE computes it (used by the simulator and tests)."""
    secret = settings.LINE_CHANNEL_SECRET if secret is None else secret
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def signature_is_valid(body: bytes, signature: str | None, secret: str | None = None) -> bool:
    secret = settings.LINE_CHANNEL_SECRET if secret is None else secret
    if not signature or not secret:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature.strip().encode("ascii", "replace"))


def _row(event: dict, now: dt.datetime) -> WebhookEvent:
    source = event.get("source") if isinstance(event.get("source"), dict) else {}
    source_type = str(source.get("type") or "")
    chat_id = source.get("groupId") or source.get("roomId") or source.get("userId") or ""
    event_id = event.get("webhookEventId")
    if not isinstance(event_id, str) or not event_id:
        # Not in today's LINE, but never lose or double an event over it.
        event_id = "sha-" + hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()[:60]
    ts = event.get("timestamp")
    ok = isinstance(ts, int | float) and not isinstance(ts, bool) and _MIN_TS <= ts <= _MAX_TS
    event_time = dt.datetime.fromtimestamp(ts / 1000, tz=dt.UTC) if ok else None
    context = event.get("deliveryContext") if isinstance(event.get("deliveryContext"), dict) else {}
    return WebhookEvent(
        webhook_event_id=event_id[:64],
        event_type=str(event.get("type") or "unknown")[:40],
        source_type=source_type[:10],
        source_id=str(chat_id)[:64],
        user_id=str(source.get("userId") or "")[:64],
        is_redelivery=bool(context.get("isRedelivery")),
        event_time=event_time,
        payload=event,
        received_at=now,
    )


def _queue(event_ids: list[str]) -> None:
    from .tasks_webhook import enqueue_processing

    enqueue_processing(event_ids)


@csrf_exempt
def webhook(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        return HttpResponse(status=413)
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return HttpResponse(status=413)
    if not signature_is_valid(body, request.headers.get("X-Line-Signature")):
        log.warning("LINE webhook: missing or wrong signature from %s", request.META.get("REMOTE_ADDR"))
        return HttpResponse(status=403)
    try:
        data = json.loads(body, parse_constant=refuse_constant)
        events = data["events"]
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            raise TypeError("events is not a list of objects")
        if len(events) > MAX_EVENTS or too_deep(events, MAX_DEPTH):
            raise ValueError("too many events or nested too deep")
    except (ValueError, KeyError, TypeError, RecursionError):
        return HttpResponse(status=400)
    if events:
        now = timezone.now()
        try:
            new_ids = store([_row(e, now) for e in events])
        except DataError:  # e.g. a \u0000 that PostgreSQL's jsonb cannot hold
            return HttpResponse(status=400)
        if new_ids:
            # Publish once the answer is on its way: LINE's clock stops at the response,
            # and rows whose publish never happened are re-queued by the sweep.
            return AnswerThenQueue(lambda: transaction.on_commit(lambda: _queue(new_ids)))
    return HttpResponse(status=200)


class AnswerThenQueue(HttpResponse):
    """A 200 whose `after` callback runs when the server closes the response (after sending it)."""

    def __init__(self, after):
        super().__init__(status=200)
        self._after = after

    def close(self):
        super().close()
        after, self._after = self._after, None
        if after is not None:
            after()


_COLUMNS = (
    "webhook_event_id",
    "event_type",
    "source_type",
    "source_id",
    "user_id",
    "is_redelivery",
    "event_time",
    "payload",
    "received_at",
    "status",
    "attempts",
    "error",
)


def store(rows: list[WebhookEvent]) -> list[str]:
    """Insert the events in one statement, skipping ids already stored; return the new ids.

    On PostgreSQL this is a single INSERT … ON CONFLICT DO NOTHING RETURNING in
    autocommit: one round trip and one commit per webhook request, and a
    redelivery is neither stored nor queued again. Elsewhere (SQLite) it is
    bulk_create(ignore_conflicts=True) in a transaction and every id is queued
    (the task's claim skips what was already processed).
    """
    rows = list({r.webhook_event_id: r for r in rows}.values())
    if connection.vendor != "postgresql":
        with transaction.atomic():
            WebhookEvent.objects.bulk_create(rows, ignore_conflicts=True)
        return [r.webhook_event_id for r in rows]
    one = "(%s,%s,%s,%s,%s,%s,%s,%s::jsonb,%s,'pending',0,'')"
    sql = (
        f"INSERT INTO {WebhookEvent._meta.db_table} ({','.join(_COLUMNS)}) VALUES "
        + ",".join([one] * len(rows))
        + " ON CONFLICT (webhook_event_id) DO NOTHING RETURNING webhook_event_id"
    )
    params = []
    for r in rows:
        params += [
            r.webhook_event_id,
            r.event_type,
            r.source_type,
            r.source_id,
            r.user_id,
            r.is_redelivery,
            r.event_time,
            json.dumps(r.payload, ensure_ascii=False),
            r.received_at,
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
