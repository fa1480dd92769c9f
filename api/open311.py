"""Open311 GeoReport v2, read-only: https://wiki.open311.org/GeoReport_v2

Civic tools read the city's cases here with the standard's field names, in JSON or
XML by suffix. Only public fields leave: never the complainant's name or phone.
The free text (the case's public description, address, result notes) goes through
`complaints.privacy.scrub`, which masks phone numbers in any script or spacing,
national ID numbers, e-mails, LINE ids, house numbers and the names of the
complainant and of the agency's coordinators. A result note that is only a LINE
member's display name (an unbound group member) is never published.

Mapping: our states → open/closed (closed, cancelled and duplicate cases are
closed); the latest resolve deadline of the live assignments → expected_datetime;
their agencies → agency_responsible; the outcome in neutral words (api/outcomes.py)
with, for a fixed case, the result note → status_notes; the case's first photo's public
derivative (re-encoded, no EXIF) → media_url.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from itertools import chain
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db import DataError
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from agencies.models import Coordinator
from complaints.models import Assignment, Category, Complaint, Photo, TimelineEntry
from complaints.privacy import scrub

from .fields import to_utc
from .outcomes import status_notes
from .throttling import AnonymousRateThrottle

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-24T00:00:00+07:00"
MAX_DAYS = 90
MAX_RESULTS = 1000
MAX_IDS = 100
OPEN = (
    Complaint.Status.NEW,
    Complaint.Status.DISPATCHED,
    Complaint.Status.IN_PROGRESS,
    Complaint.Status.MADE_SAFE,
    Complaint.Status.RESOLVED,
)
CLOSED = (Complaint.Status.CLOSED, Complaint.Status.CANCELLED, Complaint.Status.DUPLICATE)
LIVE = Assignment.ACTIVE_STATUSES


class Open311Error(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# Plain rows (values()), not model instances: a page of 1,000 requests is built
# from three queries without instantiating thousands of models.
COMPLAINT_FIELDS = (
    "id",
    "reference",
    "status",
    "description",
    "public_description",
    "address",
    "landmark",
    "received_at",
    "updated_at",
    "lat",
    "lng",
    "complainant_name",  # read only to scrub it from the free text; never output
    "category__code",
    "category__name_th",
    "subdistrict__postal_codes",
    "outcome",
)
ASSIGNMENT_FIELDS = (
    "id",
    "complaint_id",
    "agency_id",
    "resolve_due_at",
    "result_note",
    "resolved_at",
    "dispatched_at",
    "acknowledged_by_name",
    "agency__name_th",
)
ASSIGNMENT_FIELDS += ("planned_for",)  # a planned permanent fix's date, in status_notes


def service_requests(queryset) -> list[dict]:
    rows = list(queryset.values(*COMPLAINT_FIELDS))
    ids = [row["id"] for row in rows]
    live: dict[int, list[dict]] = defaultdict(list)
    for a in (
        Assignment.objects.filter(complaint_id__in=ids, status__in=LIVE)
        .order_by("dispatched_at", "id")
        .values(*ASSIGNMENT_FIELDS)
    ):
        live[a["complaint_id"]].append(a)
    assignments = list(chain.from_iterable(live.values()))
    # People whose names must not be published: the agencies' coordinators (and their LINE names).
    people: dict[int, list[str]] = defaultdict(list)
    for agency_id, name, line_name in Coordinator.objects.filter(
        agency_id__in={a["agency_id"] for a in assignments}
    ).values_list("agency_id", "name", "line_display_name"):
        people[agency_id] += [name, line_name]
    # A result reported by nobody we know (an unbound LINE group member) carries only that
    # member's display name as its note: never publish it.
    anonymous = set(
        TimelineEntry.objects.filter(
            assignment_id__in=[a["id"] for a in assignments if a["result_note"]],
            kind__in=(TimelineEntry.Kind.RESOLVED, TimelineEntry.Kind.MADE_SAFE),
            actor_user__isnull=True,
            actor_coordinator__isnull=True,
        ).values_list("assignment_id", "text")
    )
    for a in assignments:
        if (a["id"], a["result_note"]) in anonymous:
            a["result_note"] = ""
        a["names"] = [a["acknowledged_by_name"], *people[a["agency_id"]]]
    first_photo: dict[int, str] = {}
    for p in (
        Photo.objects.filter(complaint_id__in=ids)
        .exclude(public_image="")
        .order_by("complaint_id", "created_at", "id")
        .values("complaint_id", "public_image")
    ):
        first_photo.setdefault(p["complaint_id"], p["public_image"])
    return [_service_request(row, live[row["id"]], first_photo.get(row["id"])) for row in rows]


def _media_url(name: str | None) -> str:
    if not name:
        return ""
    return settings.PUBLIC_BASE_URL.rstrip("/") + Photo._meta.get_field("public_image").storage.url(name)


def _service_request(row: dict, live: list[dict], photo: str | None) -> dict:
    names = [row["complainant_name"], *chain.from_iterable(a["names"] for a in live)]
    deadlines = [a["resolve_due_at"] for a in live if a["resolve_due_at"]]
    notes = [
        a["result_note"] for a in sorted(live, key=lambda a: a["resolved_at"] or a["dispatched_at"]) if a["result_note"]
    ]
    planned = max((a["planned_for"] for a in live if a["planned_for"]), default=None)
    note = status_notes(row["outcome"], row["status"], notes[-1] if notes else "", planned)
    address = ", ".join(p for p in (row["address"], row["landmark"]) if p)
    postal = row["subdistrict__postal_codes"] or ""
    return {
        "service_request_id": row["reference"],
        "status": "closed" if row["status"] in CLOSED else "open",
        "status_notes": scrub(note, names) if note else "",
        "service_name": row["category__name_th"],
        "service_code": row["category__code"],
        "description": public_description(row, names),
        "agency_responsible": ", ".join(a["agency__name_th"] for a in live),
        "service_notice": "",
        "requested_datetime": _iso(row["received_at"]),
        "updated_datetime": _iso(row["updated_at"]),
        "expected_datetime": _iso(max(deadlines)) if deadlines else None,
        "address": scrub(address, names),
        "address_id": "",
        "zipcode": postal.split(",")[0].strip(),
        "lat": float(row["lat"]) if row["lat"] is not None else None,
        "long": float(row["lng"]) if row["lng"] is not None else None,
        "media_url": _media_url(photo),
        # No public case page here: GeoReport v2 has no field for one (media_url is a photo), and
        # its token is the complainant's secret while Open311 answers anyone. /api/v1 gives it.
    }


def public_description(row: dict, names: list[str]) -> str:
    """The officer's public text if there is one, else the description; scrubbed either way."""
    return scrub(row["public_description"] or row["description"], names)


def service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name_th,
        "description": category.name_en,
        "metadata": False,
        "type": "realtime",
        "keywords": "BEST" if category.is_best else "",
        "group": "เรื่องเร่งด่วน BEST" if category.is_best else "เรื่องทั่วไป",
    }


# --- rendering ------------------------------------------------------------------------


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # XML 1.0 cannot carry most control characters, even escaped: drop them.
    return _XML_ILLEGAL.sub("", str(value))


def _to_xml(root: str, item: str | None, data) -> bytes:
    top = ET.Element(root)

    def fill(parent, obj):
        for key, value in obj.items():
            child = ET.SubElement(parent, key)
            if isinstance(value, list):
                inner = key[:-1] if key.endswith("s") else "item"
                for v in value:
                    if isinstance(v, dict):
                        fill(ET.SubElement(child, inner), v)
                    else:
                        ET.SubElement(child, inner).text = _xml_value(v)
            else:
                child.text = _xml_value(value)

    if item is None:
        fill(top, data)
    else:
        for obj in data:
            fill(ET.SubElement(top, item), obj)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="unicode").encode()


def render(fmt: str, data, *, root: str, item: str | None, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(_to_xml(root, item, data), content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(data, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


# --- views ----------------------------------------------------------------------------


@extend_schema(exclude=True)
class Open311View(APIView):
    """Public and read-only: no authentication, throttled per address, spec-shaped errors."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonymousRateThrottle]
    http_method_names = ["get", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        values = [*kwargs.values(), *request.query_params.values()]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise Open311Error(400, "ค่าที่ส่งมาไม่ถูกต้อง / invalid parameter value")

    def handle_exception(self, exc):
        fmt = (self.kwargs or {}).get("fmt") or "json"
        if isinstance(exc, Open311Error):
            code, description = exc.code, exc.description
        elif isinstance(exc, DataError):
            code, description = 400, "ค่าที่ส่งมาไม่ถูกต้อง / invalid parameter value"
        elif isinstance(exc, exceptions.Throttled):
            code, description = 429, "เรียกใช้บ่อยเกินไป / Too many requests"
        elif isinstance(exc, exceptions.MethodNotAllowed):
            code, description = 405, "อ่านได้อย่างเดียว / This endpoint is read-only"
        elif isinstance(exc, exceptions.APIException):
            code, description = exc.status_code, str(exc.detail)
        else:
            raise exc
        return render(fmt, [{"code": code, "description": description}], root="errors", item="error", status=code)


class DiscoveryView(Open311View):
    def get(self, request, fmt="json"):
        base = settings.PUBLIC_BASE_URL.rstrip("/") + "/open311/v2/"
        data = {
            "changeset": CHANGESET,
            "contact": "ศูนย์รับแจ้งทุกข์ กทม. 1555 (Bangkok Metropolitan Administration complaint centre, call 1555)",
            "key_service": "อ่านอย่างเดียว ไม่ต้องใช้คีย์ / read-only, no API key needed",
            "endpoints": [
                {
                    "specification": SPEC_URL,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        }
        return render(fmt, data, root="discovery", item=None)


class ServiceListView(Open311View):
    def get(self, request, fmt="json"):
        categories = Category.objects.filter(is_active=True).order_by("-is_best", "code")
        return render(fmt, [service(c) for c in categories], root="services", item="service")


class ServiceDefinitionView(Open311View):
    def get(self, request, code, fmt="json"):
        category = Category.objects.filter(is_active=True, code=code).first()
        if category is None:
            raise Open311Error(404, f"ไม่พบบริการ / service_code {code} not found")
        # No service has extra attributes (metadata is false), so the definition is empty.
        data = {"service_code": category.code, "attributes": []}
        return render(fmt, data, root="service_definition", item=None)


def _parse_when(name: str, raw: str) -> dt.datetime:
    value = None
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            if day is not None:
                value = dt.datetime.combine(day, dt.time.min)
    except ValueError:
        value = None
    if value is None:
        raise Open311Error(
            400, f"{name} ต้องเป็นวันเวลาแบบ W3C / {name} must be a W3C datetime, e.g. 2026-11-01T00:00:00+07:00"
        )
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return to_utc(value)
    except ValueError as exc:
        raise Open311Error(400, f"{name}: วันเวลาอยู่นอกช่วง / out of range") from exc


class RequestListView(Open311View):
    def get(self, request, fmt="json"):
        params = request.query_params
        qs = Complaint.objects.all()
        ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
        if ids:
            # The spec: with service_request_id, every other parameter is ignored.
            if len(ids) > MAX_IDS:
                raise Open311Error(400, f"ขอได้ไม่เกิน {MAX_IDS} เรื่องต่อครั้ง / at most {MAX_IDS} ids")
            qs = qs.filter(reference__in=ids)
        else:
            start = _parse_when("start_date", params["start_date"]) if params.get("start_date") else None
            end = _parse_when("end_date", params["end_date"]) if params.get("end_date") else None
            if start and end and end < start:
                raise Open311Error(400, "end_date ต้องไม่ก่อน start_date / end_date is before start_date")
            if start and end and end - start > dt.timedelta(days=MAX_DAYS):
                raise Open311Error(
                    400, f"ช่วงวันที่ห่างกันได้ไม่เกิน {MAX_DAYS} วัน / start_date and end_date at most {MAX_DAYS} days apart"
                )
            if start is None and end is None:
                end = timezone.now()
            if start is None:
                start = end - dt.timedelta(days=MAX_DAYS)
            if end is None:
                end = start + dt.timedelta(days=MAX_DAYS)
            qs = qs.filter(received_at__gte=start, received_at__lte=end)
            codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
            if codes:
                qs = qs.filter(category__code__in=codes)
            wanted = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
            if wanted - {"open", "closed"}:
                raise Open311Error(400, "status ต้องเป็น open หรือ closed / status must be open or closed")
            if wanted == {"open"}:
                qs = qs.filter(status__in=OPEN)
            elif wanted == {"closed"}:
                qs = qs.filter(status__in=CLOSED)
        data = service_requests(qs.order_by("-received_at", "-id")[:MAX_RESULTS])
        return render(fmt, data, root="service_requests", item="request")


class RequestDetailView(Open311View):
    def get(self, request, request_id, fmt="json"):
        data = service_requests(Complaint.objects.filter(reference=request_id))
        if not data:
            raise Open311Error(404, f"ไม่พบเรื่อง / service_request_id {request_id} not found")
        # The spec answers a single request as a one-element list.
        return render(fmt, data, root="service_requests", item="request")


@csrf_exempt
def not_found(request, *args, **kwargs):
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return render(fmt, [{"code": 404, "description": "ไม่พบ / not found"}], root="errors", item="error", status=404)
