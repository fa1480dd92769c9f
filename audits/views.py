"""The audit form an auditor opens from the LINE card: answer, photo (required), position."""

from __future__ import annotations

import secrets
from decimal import Decimal, InvalidOperation

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from complaints import errors as domain_errors

from . import services
from .models import FieldAudit

MAX_PHOTO_BYTES = 10 * 1024 * 1024


def _coord(value) -> Decimal | None:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if abs(number) <= 180 else None


@require_http_methods(["GET", "POST"])
def audit_form(request, pk: int, token: str):
    audit = (
        FieldAudit.objects.select_related("complaint__category", "complaint__district", "agency").filter(pk=pk).first()
    )
    if audit is None or not secrets.compare_digest(audit.token.encode(), token.encode()):
        raise Http404
    message = ""
    if request.method == "POST" and audit.status == FieldAudit.Status.PENDING:
        upload = request.FILES.get("photo")
        if upload is None:
            message = _("ต้องแนบรูปถ่ายจากพื้นที่")
        elif upload.size > MAX_PHOTO_BYTES:
            message = _("รูปใหญ่เกินไป (ไม่เกิน 10 MB)")
        else:
            try:
                audit = services.record(
                    audit=audit,
                    said=request.POST.get("answer", ""),
                    photo=upload.read(),
                    lat=_coord(request.POST.get("lat")),
                    lng=_coord(request.POST.get("lng")),
                    comment=request.POST.get("comment", ""),
                )
            except services.AuditClosed:
                message = _("การตรวจนี้ปิดแล้ว")
            except domain_errors.WorkflowError as exc:
                message = str(exc)
    context = {
        "audit": audit,
        "c": audit.complaint,
        "message": message,
        "preset": request.GET.get("a", ""),
        "S": FieldAudit.Status,
    }
    response = render(request, "audits/audit_form.html", context, status=400 if message else 200)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
