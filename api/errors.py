"""One JSON error shape for the whole API, with Thai and English messages:

    {"error": {"code": "...", "th": "...", "en": "...", "fields": {...}}}

`fields` only appears on 400s for invalid input. Workflow refusals keep the
workflow's own code and messages: a refused transition is a 409, a broken image
or a plain validation refusal a 400.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DataError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from bkk1555.errors import CodedError
from complaints.errors import InvalidDetail, InvalidImage, WorkflowError

logger = logging.getLogger(__name__)

ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description="see components.schemas.Error")
ACTION_ERRORS = {400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}

# The API's own refusals, in the one catalogue (gettext: Thai msgids, English in locale/en).
MESSAGES = {
    "invalid": _("ข้อมูลไม่ถูกต้อง"),
    "parse_error": _("อ่านข้อมูลที่ส่งมาไม่ได้"),
    "not_authenticated": _("ต้องยืนยันตัวตนก่อน"),
    "authentication_failed": _("ยืนยันตัวตนไม่สำเร็จ"),
    "permission_denied": _("ไม่มีสิทธิ์ทำรายการนี้"),
    "not_found": _("ไม่พบข้อมูล"),
    "method_not_allowed": _("ไม่รองรับวิธีเรียกนี้"),
    "not_acceptable": _("ไม่รองรับรูปแบบข้อมูลที่ขอ"),
    "unsupported_media_type": _("ไม่รองรับชนิดข้อมูลที่ส่งมา"),
    "throttled": _("เรียกใช้บ่อยเกินไป กรุณารอสักครู่"),
    "idempotency_key_reused": _("คีย์ Idempotency-Key นี้เคยใช้กับข้อมูลอื่นแล้ว"),
}


def _both(code: str) -> tuple[str | None, str | None]:
    text = MESSAGES.get(code)
    if text is None:
        return None, None
    return CodedError(text).th, CodedError(text).en


def error_body(code: str, th: str | None = None, en: str | None = None, **extra) -> dict:
    default_th, default_en = _both(code if code in MESSAGES else "invalid")
    return {"error": {"code": code, "th": th or default_th, "en": en or default_en, **extra}}


def workflow_error_response(exc: WorkflowError) -> Response:
    # The base class (and a broken image) means "your input is wrong"; the subclasses
    # (invalid transition, wrong agency, already acknowledged, photo required) mean
    # "the case is not in a state that allows this".
    bad_input = type(exc) in (WorkflowError, InvalidImage, InvalidDetail)
    code = status.HTTP_400_BAD_REQUEST if bad_input else status.HTTP_409_CONFLICT
    body = exc.as_dict()
    if isinstance(exc, InvalidDetail) and exc.field:
        body["field"] = exc.field
    return Response({"error": body}, status=code)


def exception_handler(exc, context):
    if isinstance(exc, WorkflowError):
        return workflow_error_response(exc)
    if isinstance(exc, DataError):
        # The database refused a value the validation let through (e.g. an out-of-range
        # number or a NUL character in a lookup): bad input, not a server fault.
        logger.warning("DataError answered as 400: %s", exc)
        return Response(error_body("invalid"), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django log it and answer 500
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", fields=fields)
    elif isinstance(exc, exceptions.Throttled):
        response.data = error_body("throttled", retry_after=exc.wait)
    elif isinstance(exc, exceptions.APIException):
        code = exc.default_code if isinstance(exc.default_code, str) else "error"
        th, en = _both(code)
        # Keep DRF's specific wording (e.g. "Invalid cursor") in English when it says more.
        detail = str(exc.detail) if isinstance(exc.detail, str) else None
        response.data = error_body(code, th, en if detail is None or code in MESSAGES else detail)
    return response


@csrf_exempt  # a POST to a wrong URL is a 404, not a CSRF failure page
def not_found(request, *args, **kwargs):
    return JsonResponse(error_body("not_found"), status=404, json_dumps_params={"ensure_ascii": False})
