"""The report form's HTTP side: the page and its JSON calls (see ``liff`` for who may act and what
each step does). No cookie is involved (the LIFF ID token rides in ``Authorization``), so the JSON
views are exempt from CSRF."""

from __future__ import annotations

import json

from csp.decorators import csp_update
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from complaints.errors import WorkflowError
from complaints.photos import MAX_BYTES

from .liff import (
    SUBMISSION_CACHE_SECONDS,
    Refused,
    caller,
    coordinators_for,
    describe,
    open_work,
    result_photo_count,
    standin_enabled,
    submit_report,
    upload_photo,
)


def _refused(exc: Refused) -> JsonResponse:
    return JsonResponse(
        {"ok": False, "message": exc.message}, status=exc.status, json_dumps_params={"ensure_ascii": False}
    )


def _ok(**data) -> JsonResponse:
    return JsonResponse({"ok": True, **data}, json_dumps_params={"ensure_ascii": False})


# Inside LINE the SDK talks to LINE's own servers (liff.init, the ID token, the profile).
@csp_update({"connect-src": ["https://api.line.me", "https://access.line.me"]})
@require_GET
def page(request: HttpRequest):
    """The form's HTML; all data comes from the JSON calls once LIFF has a token.

    The stand-in `liff` replaces LINE's SDK in the demo (DEMO_MODE: there is no LINE behind the
    simulator), without a LIFF app, or when the simulator opened the page with a stand-in token."""
    standin = standin_enabled() and (
        settings.DEMO_MODE or not settings.LINE_LIFF_ID or request.GET.get("token", "").startswith("standin:")
    )
    return render(request, "line_oa/liff_report.html", {"liff_id": settings.LINE_LIFF_ID, "standin": standin})


@csrf_exempt
@require_POST
def context_view(request: HttpRequest):
    try:
        payload = json.loads(request.body or b"{}")
        who = caller(request, payload.get("assignment"))
    except Refused as exc:
        return _refused(exc)
    except ValueError:
        return _refused(Refused(_("คำขอไม่ถูกต้อง")))
    return _ok(assignment=describe(who.assignment), coordinator=who.coordinator.name)


@csrf_exempt
@require_POST
def mine_view(request: HttpRequest):
    """The case picker: opened from the rich menu, the form has no assignment yet."""
    try:
        rows = coordinators_for(request)
    except Refused as exc:
        return _refused(exc)
    return _ok(assignments=open_work(rows), coordinator=rows[0].name)


@csrf_exempt
@require_POST
def photo_view(request: HttpRequest):
    upload = request.FILES.get("photo")
    try:
        who = caller(request, request.POST.get("assignment"))
        if upload is None:
            raise Refused(_("ไม่พบไฟล์รูป"))
        if upload.size > MAX_BYTES:
            raise Refused(_("รูปภาพใหญ่เกิน 10 MB"))
        photo, created = upload_photo(
            who=who, content=upload.read(), lat=request.POST.get("lat"), lng=request.POST.get("lng")
        )
    except Refused as exc:
        return _refused(exc)
    return _ok(photo=photo.pk, created=created, flags=photo.flags, count=result_photo_count(who.assignment))


@csrf_exempt
@require_POST
def report_view(request: HttpRequest):
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return _refused(Refused(_("คำขอไม่ถูกต้อง")))
    submission = str(payload.get("submission") or "")[:64]
    try:
        who = caller(request, payload.get("assignment"))
        key = f"line_oa:liff:done:{who.coordinator.pk}:{submission}" if submission else ""
        if key and (answer := cache.get(key)):
            return _ok(message=answer, repeated=True, assignment=describe(who.assignment))
        answer = submit_report(
            who=who,
            step=str(payload.get("step", "")),
            note=str(payload.get("note", "")),
            lat=payload.get("lat"),
            lng=payload.get("lng"),
            accuracy=payload.get("accuracy"),
            photo_ids=payload.get("photos") or [],
        )
    except Refused as exc:
        return _refused(exc)
    except WorkflowError as exc:
        return JsonResponse(
            {"ok": False, "message": exc.message, "code": exc.code},
            status=409,
            json_dumps_params={"ensure_ascii": False},
        )
    if key:
        cache.set(key, answer, SUBMISSION_CACHE_SECONDS)
    who.assignment.refresh_from_db()
    return _ok(message=answer, assignment=describe(who.assignment))
