"""The public case page: /c/<reference>/<token>/ — no login, Thai, small, never personal data.

Four queries: the case (with its category, district and the complainant's answer), its live
work (with agencies), its result photos, its latest notice. The token is compared in
constant time; wrong links are counted per client address and refused (429) past
PUBLIC_PAGE_MISSES_PER_HOUR, so guessing 128-bit tokens is hopeless and cheap to stop.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from complaints import errors as domain_errors
from complaints import rules
from complaints.models import Complaint, Photo

from . import confirm, texts
from .models import Confirmation, Notice

MAX_PHOTO_BYTES = 10 * 1024 * 1024
HOUR = 3600


def client_ip(request) -> str:
    """The client's address: behind NUM_PROXIES proxies, the one they saw."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.NUM_PROXIES and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[max(len(hops) - settings.NUM_PROXIES, 0)]
    return request.META.get("REMOTE_ADDR", "")


def _bucket(prefix: str, key: str) -> str:
    return f"public:{prefix}:{key}:{int(timezone.now().timestamp()) // HOUR}"


def _count(prefix: str, key: str) -> int:
    name = _bucket(prefix, key)
    try:
        cache.add(name, 0, HOUR)
        return cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, HOUR)
        return 1


def _peek(prefix: str, key: str) -> int:
    return cache.get(_bucket(prefix, key), 0)


@dataclass(frozen=True)
class Step:
    at: dt.datetime | dt.date | None
    text: str
    done: bool = True


def steps(complaint: Complaint, assignments: list) -> list[Step]:
    """The case's history in plain words, from the case and its work (no names, no notes)."""
    out = [Step(complaint.received_at, _("รับเรื่องแล้ว"))]
    for a in assignments:
        name = a.agency.name_th
        out.append(Step(a.dispatched_at, _("ส่งต่อ %(agency)s") % {"agency": name}))
        if a.acknowledged_at:
            out.append(Step(a.acknowledged_at, _("%(agency)s รับเรื่องแล้ว") % {"agency": name}))
        if a.made_safe_at:
            out.append(Step(a.made_safe_at, _("ทำให้ปลอดภัยแล้ว")))
        if a.planned_for and a.status == rules.AssignmentStatus.MADE_SAFE:
            out.append(Step(a.planned_for, _("กำหนดแก้ไขถาวร"), done=False))
        if a.verified_at:
            out.append(Step(a.verified_at, _("แก้ไขแล้ว (%(agency)s)") % {"agency": name}))
    if complaint.outcome and complaint.outcome not in (rules.Outcome.FIXED, rules.Outcome.PLANNED):
        out.append(Step(complaint.closed_at, texts.outcome_words(complaint)))
    return sorted(out, key=lambda s: (s.done is False, _sort_key(s.at)))


def _sort_key(value) -> dt.datetime:
    if value is None:
        return dt.datetime.max.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(23, 59), tzinfo=timezone.get_current_timezone())


def public_photo_url(photo: Photo) -> str:
    """A result photo as the public may see it: only the re-encoded derivative without metadata
    (the original and its thumbnail are private). Faces and plates are not blurred: docs/privacy.md."""
    return photo.public_image.url if photo.public_image else ""


def no_notice_reason(notice: Notice | None) -> str:
    if notice is not None and notice.status == Notice.Status.SKIPPED:
        return str(Notice.Reason(notice.reason).label) if notice.reason else ""
    return ""


def _find(reference: str, token: str) -> Complaint | None:
    complaint = (
        Complaint.objects.select_related("category", "district", "confirmation", "duplicate_of")
        .filter(reference=reference)
        .first()
    )
    if (
        complaint is None
        or not complaint.public_token
        or not secrets.compare_digest(complaint.public_token.encode(), (token or "").encode())
    ):
        return None
    return complaint


def _refused() -> HttpResponse:
    response = HttpResponse(_("ขออภัย มีการเปิดลิงก์ที่ไม่ถูกต้องมากเกินไป โปรดลองใหม่ภายหลัง"), status=429)
    response["Retry-After"] = str(HOUR)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def case_page(request, reference: str, token: str):
    translation.activate(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or "th")
    ip = client_ip(request)
    if _peek("miss", ip) >= settings.PUBLIC_PAGE_MISSES_PER_HOUR:
        return _refused()
    complaint = _find(reference, token)
    if complaint is None:
        _count("miss", ip)
        raise Http404
    message = ""
    if request.method == "POST":
        message = _handle_answer(request, complaint)
        if not message:
            return redirect(request.path + "?answered=1")
    return _render(request, complaint, message)


def _handle_answer(request, complaint: Complaint) -> str:
    """Returns an error to show, or "" when the answer was recorded."""
    if _count("answer", complaint.reference) > settings.PUBLIC_ANSWERS_PER_HOUR:
        return _("ตอบบ่อยเกินไป โปรดลองใหม่ภายหลัง")
    upload = request.FILES.get("photo")
    content = None
    if upload is not None:
        if upload.size > MAX_PHOTO_BYTES:
            return _("รูปใหญ่เกินไป (ไม่เกิน 10 MB)")
        content = upload.read()
    try:
        confirm.answer(
            complaint=complaint,
            said=request.POST.get("answer", ""),
            comment=request.POST.get("comment", ""),
            photo=content,
        )
    except confirm.AnswerClosed:
        return _("เรื่องนี้ไม่อยู่ในช่วงที่ตอบได้แล้ว")
    except domain_errors.WorkflowError as exc:
        return str(exc)
    return ""


def _render(request, complaint: Complaint, message: str):
    assignments = list(complaint.assignments.live().select_related("agency").order_by("dispatched_at", "id"))
    photos = []
    if complaint.outcome == rules.Outcome.FIXED:
        photos = list(
            Photo.objects.filter(complaint=complaint, stage=Photo.Stage.AFTER, assignment__in=assignments)
            .exclude(thumbnail="")
            .order_by("-created_at")[:2]
        )
    notice = Notice.objects.filter(complaint=complaint).only("status", "reason").order_by("-id").first()
    try:
        confirmation = complaint.confirmation
    except Confirmation.DoesNotExist:
        confirmation = None
    context = {
        "complaint": complaint,
        "description": texts.public_text(complaint),
        "steps": steps(complaint, assignments),
        "photos": [public_photo_url(p) for p in photos],
        "outcome": texts.outcome_words(complaint) if complaint.outcome else "",
        "status": complaint.get_status_display(),
        "ask": confirm.answer_window_open(complaint, confirmation),
        "confirmation": confirmation,
        "answered": request.GET.get("answered") == "1",
        "message": message,
        "no_notice": no_notice_reason(notice),
        "Answer": Confirmation.Answer,
    }
    response = render(request, "notices/public_case.html", context, status=400 if message else 200)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the address holds the token: never leak it to map sites
    response["Cache-Control"] = "private, no-store"
    return response
