"""The OA's monthly push quota: read daily, warn the centre at 80 %, pause what can wait at 100 %.

LINE bills pushes and multicasts (not replies) per recipient against a monthly quota. When
it runs out LINE refuses every push with 429 until the month turns, so at 100 % we stop
spending it on what can wait — level-1 reminders to groups and surveys — and keep it for
dispatch cards, escalations, confirmations and officers' answers. Paused rows stay pending
in the outbox with their next attempt at the start of next month (Bangkok time).
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from complaints.reminders import CENTRE_CODE

from . import client, messages
from .models import OutboxMessage, QuotaReading, WebhookEvent
from .outbox import enqueue, enqueue_send_many

log = logging.getLogger(__name__)
BANGKOK = ZoneInfo("Asia/Bangkok")
P = OutboxMessage.Purpose


def month_start(now: dt.datetime | None = None) -> dt.date:
    local = timezone.localtime(now or timezone.now(), BANGKOK)
    return local.date().replace(day=1)


def next_month_start(now: dt.datetime | None = None) -> dt.datetime:
    first = month_start(now)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return dt.datetime.combine(following, dt.time(0, 5), tzinfo=BANGKOK)


def check(*, now: dt.datetime | None = None) -> QuotaReading:
    """Read the quota and this month's consumption from LINE and act on them (the daily task)."""
    now = now or timezone.now()
    quota = client.get_quota()
    limit = int(quota["value"]) if quota.get("type") == "limited" and quota.get("value") else None
    used = int(quota.get("totalUsage") or 0)
    with transaction.atomic():
        reading, _created = QuotaReading.objects.select_for_update().get_or_create(
            month=month_start(now), defaults={"limit": limit, "used": used, "read_at": now}
        )
        reading.limit, reading.used, reading.read_at = limit, used, now
        reading.paused = bool(limit and used >= limit)
        warn = bool(limit) and reading.warned_at is None and used * 100 >= limit * settings.LINE_QUOTA_WARN_PERCENT
        if warn:
            reading.warned_at = now
            _warn_centre(reading)
        reading.save()
        if not reading.paused:
            _release_held()
    log.info("LINE quota %s: %s of %s used%s", reading.month, used, limit or "∞", " (paused)" if reading.paused else "")
    return reading


def _release_held() -> None:
    """The quota is back (a new month, a larger plan): send what was held for it now."""
    ids = list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, last_error="quota").values_list(
            "pk", flat=True
        )
    )
    if ids:
        OutboxMessage.objects.filter(pk__in=ids).update(next_attempt_at=None, last_error="")
        transaction.on_commit(lambda: enqueue_send_many(ids))


def _warn_centre(reading: QuotaReading) -> None:
    centre = Agency.objects.filter(code=CENTRE_CODE).first()
    if centre is None or not centre.line_group_id:
        log.warning("LINE quota at %s%% and no centre group to tell", reading.percent)
        return
    text = _(
        "⚠️ โควตาข้อความ LINE เดือนนี้ใช้ไปแล้ว %(used)s จาก %(limit)s (%(pct)s%%) "
        "เมื่อครบ 100%% ระบบจะพักการแจ้งเตือนระดับ 1 ถึงกลุ่มและแบบสอบถาม ส่วนการส่งต่อเรื่องและการยกระดับยังส่งตามปกติ"
    ) % {"used": f"{reading.used:,}", "limit": f"{reading.limit:,}", "pct": f"{reading.percent:.0f}"}
    enqueue(to=[centre.line_group_id], messages=[messages.text(text)], purpose=P.ESCALATION, agency=centre)


def paused(now: dt.datetime | None = None) -> bool:
    """Whether this month's quota is spent (as of the last reading)."""
    return QuotaReading.objects.filter(month=month_start(now), paused=True).exists()


def is_essential(message: OutboxMessage) -> bool:
    """What must go out even with the quota spent: all but surveys and level-1 reminders to groups."""
    if message.purpose == P.SURVEY:
        return False
    if message.purpose == P.REMINDER:
        return not any(str(r)[:1] in ("C", "R") for r in message.to)
    return True


def redeliveries(*, since: dt.datetime) -> dict:
    """Webhook events LINE delivered again (its isRedelivery flag) against all, since `since`."""
    qs = WebhookEvent.objects.filter(received_at__gte=since)
    return {"events": qs.count(), "redelivered": qs.filter(is_redelivery=True).count()}
