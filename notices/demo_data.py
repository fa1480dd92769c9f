"""Demo pointers of the complainant notices: the page listing the SMS and LINE notices that went
(or would have gone), and the public page of a case closed as fixed that still asks "is it fixed?"."""

from __future__ import annotations

from django.conf import settings

from complaints import rules
from complaints.models import Complaint

from .confirm import answer_window_open
from .models import Notice


def links(stdout) -> None:
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    shown = Notice.objects.exclude(channel=Notice.Channel.NONE).count()
    stdout.write(f"Complainant notices: {shown} sent by SMS or LINE, listed at {base}/notices/demo/")
    fixed = (
        Complaint.objects.filter(outcome=rules.Outcome.FIXED, confirmation__isnull=True, field_audits__isnull=True)
        .exclude(public_token="")
        .order_by("-closed_at")[:20]
    )
    case = next((c for c in fixed if answer_window_open(c)), None)
    if case is not None:
        stdout.write(
            f"Public page of {case.reference}, closed as fixed (แก้ไขแล้ว ขอบคุณ / ยังไม่ได้แก้ไข): {case.public_url}"
        )
