"""The report form inside LINE (LIFF): photos, the device's position, a note and the step, in one go.

The page (``/line/liff/report/?a=<assignment id>``) runs inside LINE with the vendored LIFF
SDK; it sends the user's LIFF ID token with every call (``Authorization: Bearer <token>``).
The token is verified by LINE's verify endpoint (through ``client.verify_id_token``, cached
until shortly before it expires), and its subject must be an active coordinator of the
assignment's agency. No cookie is involved, so the JSON views are exempt from CSRF.

Every step goes through the same functions as the chat: ``complaints.photos.add_photo``
(with the fake-fix guard), ``workflow.report_progress``, ``mark_made_safe`` and ``resolve``.
Retries are safe: the same photo bytes for the same assignment and coordinator within an
hour are the same photo, and a report carries a submission id answered from a cache the
second time.

In DEBUG or DEMO_MODE (the simulator), a *stand-in* token signed by this server replaces
LINE's ID token, so the form works without LINE.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Coordinator
from bkk1555.thaidate import thai_datetime
from complaints import workflow
from complaints.errors import InvalidImage
from complaints.models import Assignment, Photo
from complaints.photos import MAX_BYTES, NEAR_SITE_METRES, distance_metres

from . import client
from .messages import place

log = logging.getLogger(__name__)
A = Assignment.Status
STANDIN_SALT = "line_oa.liff.standin"
STANDIN_MAX_AGE = 12 * 3600
TOKEN_CACHE_SECONDS = 300
SUBMISSION_CACHE_SECONDS = 24 * 3600
SAME_PHOTO_WINDOW = dt.timedelta(hours=1)
STEPS = ("progress", "safe", "done")
NOTE_MAX = 2000


class Refused(Exception):
    """A LIFF call that must be answered with a Thai message and an HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def standin_enabled() -> bool:
    return bool(settings.DEBUG or settings.DEMO_MODE)


def standin_token(line_user_id: str) -> str:
    """A token the form accepts instead of LINE's ID token (simulator and tests, never in production)."""
    return "standin:" + signing.dumps(line_user_id, salt=STANDIN_SALT)


# --- who is calling --------------------------------------------------------------------------


def line_user_for(token: str) -> str:
    """The LINE user id the token proves, or Refused(401)."""
    if not token:
        raise Refused(_("กรุณาเปิดแบบฟอร์มจากในแอป LINE"), 401)
    if token.startswith("standin:"):
        if not standin_enabled():
            raise Refused(_("การยืนยันตัวตนไม่ถูกต้อง"), 401)
        try:
            return signing.loads(token[len("standin:") :], salt=STANDIN_SALT, max_age=STANDIN_MAX_AGE)
        except signing.BadSignature as exc:
            raise Refused(_("การยืนยันตัวตนไม่ถูกต้อง"), 401) from exc
    key = "line_oa:liff:" + hashlib.sha256(token.encode()).hexdigest()
    user_id = cache.get(key)
    if user_id:
        return user_id
    try:
        claims = client.verify_id_token(id_token=token, channel_id=settings.LINE_LOGIN_CHANNEL_ID)
    except client.LineError as exc:
        if exc.retryable:
            raise Refused(_("ติดต่อ LINE ไม่ได้ชั่วคราว กรุณาลองใหม่"), 503) from exc
        raise Refused(_("การยืนยันตัวตนหมดอายุ กรุณาปิดแล้วเปิดแบบฟอร์มใหม่"), 401) from exc
    ttl = min(TOKEN_CACHE_SECONDS, int(claims.get("exp", 0) - time.time()) - 30)
    if ttl > 0:
        cache.set(key, claims["sub"], ttl)
    return claims["sub"]


@dataclass
class Caller:
    coordinator: Coordinator
    assignment: Assignment


def caller(request: HttpRequest, assignment_id) -> Caller:
    """The coordinator behind the request, allowed to act on that assignment, or Refused."""
    user_id = line_user_for(_token(request))
    try:
        assignment = Assignment.objects.select_related("complaint__category", "complaint__district", "agency").get(
            pk=int(assignment_id)
        )
    except (TypeError, ValueError, Assignment.DoesNotExist) as exc:
        raise Refused(_("ไม่พบเรื่องนี้ในระบบ"), 404) from exc
    coordinator = (
        Coordinator.objects.select_related("agency")
        .filter(line_user_id=user_id, is_active=True, agency_id=assignment.agency_id)
        .first()
    )
    if coordinator is None:
        log.warning("LIFF: LINE user %s refused on assignment %s", user_id, assignment.pk)
        raise Refused(
            _("เรื่อง %(ref)s ไม่ได้ส่งถึงหน่วยงานของคุณ หรือบัญชีนี้ยังไม่ได้ลงทะเบียน") % {"ref": assignment.complaint.reference},
            403,
        )
    return Caller(coordinator, assignment)


def _token(request: HttpRequest) -> str:
    auth = request.headers.get("Authorization", "")
    return auth[7:].strip() if auth.startswith("Bearer ") else ""


def coordinators_for(request: HttpRequest) -> list[Coordinator]:
    """The active coordinator rows (one per agency) of the LINE user behind the request, or Refused(403)."""
    user_id = line_user_for(_token(request))
    rows = list(Coordinator.objects.select_related("agency").filter(line_user_id=user_id, is_active=True))
    if not rows:
        raise Refused(_("บัญชี LINE นี้ยังไม่ได้ลงทะเบียนเป็นผู้ประสานงาน กรุณาส่งรหัสจากศูนย์ฯ ในแชต"), 403)
    return rows


PICKER_LIMIT = 30


def open_work(coordinators: list[Coordinator]) -> list[dict]:
    """The open assignments of the coordinator's agencies, newest dispatch first (the form's case picker)."""
    rows = (
        Assignment.objects.open()
        .filter(agency_id__in=[c.agency_id for c in coordinators])
        .select_related("complaint__category", "complaint__district", "agency")
        .order_by("-dispatched_at", "-pk")[:PICKER_LIMIT]
    )
    return [
        {
            "id": a.pk,
            "reference": a.complaint.reference,
            "category": a.complaint.category.name_th,
            "place": place(a),
            "best": a.complaint.is_best,
            "status_label": a.get_status_display(),
            "resolve_due": thai_datetime(a.resolve_due_at) if a.resolve_due_at else "",
        }
        for a in rows
    ]


# --- what the form does ------------------------------------------------------------------------


def steps_for(assignment: Assignment) -> list[str]:
    if not assignment.is_open:
        return []
    steps = ["progress"]
    if assignment.complaint.is_best and assignment.status in (A.DISPATCHED, A.ACKNOWLEDGED, A.IN_PROGRESS):
        steps.append("safe")
    steps.append("done")
    return steps


def describe(assignment: Assignment) -> dict:
    c = assignment.complaint
    return {
        "id": assignment.pk,
        "reference": c.reference,
        "category": c.category.name_th,
        "place": place(assignment),
        "description": c.description[:500],
        "best": c.is_best,
        "status": assignment.status,
        "status_label": assignment.get_status_display(),
        "steps": steps_for(assignment),
        "photos": result_photo_count(assignment),
        "resolve_due": thai_datetime(assignment.resolve_due_at) if assignment.resolve_due_at else "",
        "site": {"lat": float(c.lat), "lng": float(c.lng)} if c.lat is not None and c.lng is not None else None,
    }


def result_photo_count(assignment: Assignment) -> int:
    """Result photos of the current round of work (since the last send-back or reopen)."""
    return workflow.result_photos(assignment).count()


def _decimal(value, lo: int, hi: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError) as exc:
        raise Refused(_("ตำแหน่งไม่ถูกต้อง")) from exc
    if not lo <= number <= hi:
        raise Refused(_("ตำแหน่งไม่ถูกต้อง"))
    return number


def upload_photo(*, who: Caller, content: bytes, lat=None, lng=None) -> tuple[Photo, bool]:
    """Store one result photo; the same bytes again within the hour are the same photo (a retry).
    Returns (photo, created)."""
    if len(content) > MAX_BYTES:
        raise Refused(_("รูปภาพใหญ่เกิน 10 MB"))
    if not who.assignment.is_open:
        raise Refused(_("เรื่องนี้ไม่อยู่ในสถานะที่รายงานผลได้แล้ว"), 409)
    sha = hashlib.sha256(content).hexdigest()
    same = Photo.objects.filter(
        assignment=who.assignment,
        sha256=sha,
        uploaded_by_coordinator=who.coordinator,
        created_at__gte=timezone.now() - SAME_PHOTO_WINDOW,
    ).first()
    if same is not None:
        return same, False
    lat, lng = _decimal(lat, -90, 90), _decimal(lng, -180, 180)
    try:
        with transaction.atomic():
            photo = workflow.add_photo(
                complaint=who.assignment.complaint,
                content=content,
                by=who.coordinator,
                stage=Photo.Stage.AFTER,
                assignment=who.assignment,
                lat=lat,
                lng=lng,
            )
    except InvalidImage as exc:
        raise Refused(exc.message) from exc
    return photo, True


def submit_report(
    *,
    who: Caller,
    step: str,
    note: str = "",
    lat=None,
    lng=None,
    accuracy=None,
    photo_ids: list[int] | None = None,
) -> str:
    """Record one report from the form; returns the Thai confirmation. WorkflowError refusals pass through."""
    if step not in STEPS:
        raise Refused(_("กรุณาเลือกขั้นตอน"))
    note = (note or "").strip()[:NOTE_MAX]
    if step == "progress" and not note and not photo_ids:
        raise Refused(_("กรุณาพิมพ์ความคืบหน้าหรือแนบรูป"))
    lat, lng = _decimal(lat, -90, 90), _decimal(lng, -180, 180)
    assignment, by = who.assignment, who.coordinator
    complaint = assignment.complaint
    ids = [int(i) for i in photo_ids or [] if str(i).isdigit()]
    first = Photo.objects.filter(pk__in=ids, assignment=assignment).order_by("created_at").first() if ids else None
    workflow.field_report(
        assignment=assignment,
        by=by,
        step=step,
        note=note or (_("ส่งรูปความคืบหน้า") if step == "progress" else ""),
        lat=lat,
        lng=lng,
        accuracy=float(accuracy) if accuracy not in (None, "") else None,
        photos_since=first.created_at if first else timezone.now() - SAME_PHOTO_WINDOW,
    )
    ref = complaint.reference
    if step == "progress":
        return _("บันทึกความคืบหน้าเรื่อง %(ref)s แล้ว") % {"ref": ref}
    if step == "safe":
        return _("บันทึกแล้ว: เรื่อง %(ref)s ทำให้ปลอดภัยแล้ว") % {"ref": ref}
    far = lat is not None and lng is not None and complaint.lat is not None and complaint.lng is not None
    far = far and distance_metres(lat, lng, complaint.lat, complaint.lng) > NEAR_SITE_METRES
    done = _("บันทึกผลเรื่อง %(ref)s: แก้ไขเสร็จแล้ว ขอบคุณครับ ศูนย์ฯ จะตรวจสอบผลและแจ้งผู้ร้อง") % {"ref": ref}
    if far:
        done += " " + _("(ตำแหน่งอยู่ห่างจุดเกิดเหตุ ศูนย์ฯ จะตรวจสอบเพิ่มเติม)")
    return done


# --- views -----------------------------------------------------------------------------------------
