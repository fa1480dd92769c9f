"""LINE-by-phone (PNP) refused for good → the same notice by SMS, once.

LINE answers a PNP push with a 4xx other than 409/429 when it will never deliver it (422: the
number has no LINE account, or its user did not agree to notification messages; 400: LINE
refuses the request). The complainant gave a mobile number, so the notice goes by SMS instead:
its own outbox row (`fallback_of` the refused one, unique), sent by the same delivery code.
Only the worker that finished the PNP row as failed gets here, and the unique link makes a
second call (a supervisor's resend that is refused again) a no-op. Without an SMS gateway the
row is a skipped one with its reason, so the case page says why nobody was told.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from . import outbox, routing
from .models import Notice

log = logging.getLogger(__name__)

Ch = Notice.Channel
S = Notice.Status


def permanent_pnp_refusal(notice: Notice, status: int | None) -> bool:
    return notice.channel == Ch.PNP and status is not None and 400 <= status < 500 and status not in (409, 429)


def to_sms(notice: Notice) -> Notice | None:
    """The SMS replacing a refused PNP notice (None if one already exists)."""
    if Notice.objects.filter(fallback_of=notice).exists():
        return None
    enabled = routing.sms_enabled()
    row = Notice(
        complaint_id=notice.complaint_id,
        agency_id=notice.agency_id,
        event=notice.event,
        outcome=notice.outcome,
        channel=Ch.SMS if enabled else Ch.NONE,
        to=notice.to if enabled else "",
        text=notice.text,
        reason="" if enabled else Notice.Reason.NO_SMS_FALLBACK,
        status=S.PENDING if enabled else S.SKIPPED,
        event_at=notice.event_at,
        fallback_of=notice,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # another worker wrote it a moment ago
        return None
    log.info("Notice %s: LINE by phone refused; %s as notice %s", notice.pk, row.channel, row.pk)
    if row.status == S.PENDING:
        outbox.after_commit(lambda: outbox.enqueue_send(row.pk))
    return row
