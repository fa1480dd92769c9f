"""A complaint comes in: record it, correct its details, suggest who should fix it."""

from __future__ import annotations

import datetime as dt
import math
import re

import phonenumbers
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import geo
from agencies.models import Agency, District, Subdistrict
from bkk1555.thaidate import thai_date, thai_datetime

from .. import errors, notify, rules
from ..actor import as_actor
from ..models import Category, Complaint, ExtraComplainant
from ..sla import BANGKOK, dispatch_deadline
from .core import K, atomic, check_case_open, lock_complaint, log, new_public_token, next_reference, now_or

# The descriptive fields of a complaint: what intake records and an officer may correct later.
# (Status, deadlines and the reference belong to the workflow.)
DETAIL_FIELDS = (
    "channel",
    "category",
    "description",
    "address",
    "landmark",
    "district",
    "subdistrict",
    "lat",
    "lng",
    "complainant_name",
    "complainant_phone",
    "no_contact",
    "complainant_phone_ext",
    "complainant_line_user_id",
)
# What an officer may correct later: the details, and the public text Open311 and the public page show.
EDITABLE_FIELDS = (*DETAIL_FIELDS, "public_description")


# Sane lengths for people's words (the columns allow at most these; the API and forms say the same).
MAX_LENGTHS = {"description": 5000, "address": 500, "landmark": 300, "complainant_name": 200}
CLOCK_SKEW = dt.timedelta(minutes=1)
EXTENSION_RE = re.compile(r"\s*(?:ต่อ|ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
# A LINE user id as LINE's webhook gives it: "U" and 32 hex digits (per channel provider).
LINE_USER_ID_RE = re.compile(r"^U[0-9a-f]{32}$")


def split_phone(raw: str) -> tuple[str, str]:
    """A Thai number in one normal form (national digits, 0812345678 / 021234567) and its
    extension apart ("02-123-4567 ต่อ 101" → ("021234567", "101")); refuses what is not one."""
    raw = (raw or "").strip()
    if not raw:
        return "", ""
    ext = ""
    match = EXTENSION_RE.search(raw)
    if match:
        ext, raw = match[1], raw[: match.start()]
    try:
        number = phonenumbers.parse(raw, "TH")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or number.country_code != 66 or not phonenumbers.is_valid_number(number):
        raise errors.InvalidDetail(errors.PHONE_INVALID, field="complainant_phone", phone=raw[:40])
    return "0" + str(number.national_number), ext or (number.extension or "")


def check_details(values: dict, *, category: Category | None = None, received_at: dt.datetime | None = None) -> dict:
    """The rules every entry point shares (the console's form, the API, the MIS import): refuse
    what cannot be true, and return the values normalised (phone and extension apart, the
    district and, where the reference layer is certain, the khwaeng from the point when none was
    given)."""
    out = dict(values)
    for field, limit in MAX_LENGTHS.items():
        if len(str(out.get(field) or "")) > limit:
            label = Complaint._meta.get_field(field).verbose_name
            raise errors.InvalidDetail(errors.TEXT_TOO_LONG, field=field, max=limit, label=label)
    if received_at is not None:
        now = timezone.now()
        if received_at > now + CLOCK_SKEW:
            raise errors.InvalidDetail(errors.RECEIVED_IN_FUTURE, field="received_at", when=thai_datetime(received_at))
        start = dt.datetime.combine(dt.date.fromisoformat(settings.INTAKE_EARLIEST), dt.time.min, BANGKOK)
        if received_at < start:
            raise errors.InvalidDetail(
                errors.RECEIVED_TOO_EARLY, field="received_at", when=thai_datetime(received_at), start=thai_date(start)
            )
    lat, lng = out.get("lat"), out.get("lng")
    if (lat is None) != (lng is None):
        raise errors.InvalidDetail(errors.COORDINATE_PAIR, field="lat")
    if lat is not None:
        code = geo.district_code_at(float(lat), float(lng))
        if code is None:
            raise errors.InvalidDetail(errors.OUTSIDE_BANGKOK, field="lat", lat=lat, lng=lng)
        if out.get("district") is None and out.get("subdistrict") is None:
            out["district"] = District.objects.filter(code=code).first()
        if out.get("subdistrict") is None and out.get("district") is not None and out["district"].code == code:
            khwaeng = _khwaeng_at(float(lat), float(lng), out["district"])
            if khwaeng is not None:  # filled when the reference layer is certain, never cleared
                out["subdistrict"] = khwaeng
    if "complainant_phone" in out:
        phone, ext = split_phone(out["complainant_phone"])
        out["complainant_phone"] = phone
        if ext or not out.get("complainant_phone_ext"):
            out["complainant_phone_ext"] = ext
    if "complainant_line_user_id" in out:
        out["complainant_line_user_id"] = _check_line_user(out["complainant_line_user_id"], out.get("channel"))
    if category is not None and category.is_best:
        has_place = lat is not None or str(out.get("address") or "").strip()
        if (out.get("district") is None and out.get("subdistrict") is None) or not has_place:
            raise errors.InvalidDetail(errors.BEST_NEEDS_PLACE, field="district")
    return out


def _khwaeng_at(lat: float, lng: float, district: District) -> Subdistrict | None:
    """The point's khwaeng when the reference layer is certain of it (agencies.geo), else None."""
    khwaeng = {k.code: k for k in Subdistrict.objects.filter(district=district)}
    found = geo.subdistrict_code_at(lat, lng, district.code, list(khwaeng))
    return khwaeng.get(found) if found else None


def _check_line_user(raw, channel) -> str:
    """The complainant's LINE user id (notices go back by LINE push): only for a case that
    came from a LINE user of the OA, in LINE's own form."""
    uid = str(raw or "").strip()
    if not uid:
        return ""
    if not LINE_USER_ID_RE.match(uid):
        raise errors.InvalidDetail(errors.LINE_USER_ID_INVALID, field="complainant_line_user_id", value=uid[:40])
    if channel is not None and channel != Complaint.Channel.LINE:
        raise errors.InvalidDetail(errors.LINE_USER_ID_NOT_LINE, field="complainant_line_user_id")
    return uid


def _check_place(district: District | None, subdistrict: Subdistrict | None) -> District | None:
    if subdistrict is not None and district is not None and subdistrict.district_id != district.pk:
        raise errors.WorkflowError(errors.SUBDISTRICT_MISMATCH)
    if subdistrict is not None and district is None:
        return subdistrict.district
    return district


@atomic
def receive(
    *,
    category: Category,
    description: str,
    channel: str = Complaint.Channel.PHONE_1555,
    by=None,
    received_at: dt.datetime | None = None,
    complainant_name: str = "",
    complainant_phone: str = "",
    address: str = "",
    landmark: str = "",
    district: District | None = None,
    subdistrict: Subdistrict | None = None,
    lat=None,
    lng=None,
    external_ref: str | None = None,
    complainant_line_user_id: str = "",
    no_contact: bool = False,
    complainant_phone_ext: str = "",
) -> Complaint:
    """Record a new complaint from any channel and give it a reference number."""
    if not (description or "").strip():
        raise errors.WorkflowError(errors.DESCRIPTION_REQUIRED)
    checked = check_details(
        {
            "description": description,
            "address": address,
            "landmark": landmark,
            "complainant_name": complainant_name,
            "complainant_phone": complainant_phone,
            "complainant_phone_ext": complainant_phone_ext,
            "complainant_line_user_id": complainant_line_user_id,
            "channel": channel,
            "district": district,
            "subdistrict": subdistrict,
            "lat": lat,
            "lng": lng,
        },
        category=category,
        received_at=received_at,
    )
    subdistrict = checked.get("subdistrict") or subdistrict  # the point's, when none was chosen
    district = _check_place(checked["district"], subdistrict)
    received_at = now_or(received_at)
    actor = as_actor(by)
    complaint = Complaint.objects.create(
        reference=next_reference(received_at),
        channel=channel,
        external_ref=external_ref or None,
        complainant_name=complainant_name or "",
        complainant_phone=checked["complainant_phone"],
        complainant_phone_ext=checked["complainant_phone_ext"],
        complainant_line_user_id=checked["complainant_line_user_id"],
        no_contact=bool(no_contact),
        public_token=new_public_token(),
        category=category,
        is_best=category.is_best,
        description=description,
        address=address or "",
        landmark=landmark or "",
        district=district,
        subdistrict=subdistrict,
        lat=lat,
        lng=lng,
        received_at=received_at,
        dispatch_due_at=dispatch_deadline(category, received_at),
        created_by=actor.user if isinstance(actor.user, AbstractBaseUser) else None,
    )
    log(complaint=complaint, kind=K.RECEIVED, by=actor, text=complaint.get_channel_display(), at=received_at)
    notify.case_received(complaint)  # the complainant's notice with the reference (issue 11)
    return complaint


@atomic
def edit_details(*, complaint: Complaint, by, changes: dict) -> list[str]:
    """Correct descriptive fields (never status or deadlines, which may have moved since the
    officer opened the page). Returns the fields changed; the timeline names them."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not descriptive fields: {sorted(unknown)}")
    complaint = lock_complaint(complaint)
    if "description" in changes and not str(changes["description"] or "").strip():
        raise errors.WorkflowError(errors.DESCRIPTION_REQUIRED)
    # The same rules as intake, on the case as it would be after the change.
    merged = {
        f: changes.get(f, getattr(complaint, f))
        for f in ("lat", "lng", "district", "subdistrict", "address", "channel", "complainant_line_user_id")
    }
    checked = check_details({**changes, **merged}, category=changes.get("category", complaint.category))
    if "complainant_phone" in changes:
        changes = {
            **changes,
            "complainant_phone": checked["complainant_phone"],
            "complainant_phone_ext": checked["complainant_phone_ext"],
        }
    if "complainant_line_user_id" in changes:
        changes = {**changes, "complainant_line_user_id": checked["complainant_line_user_id"]}
    if "district" not in changes and complaint.district_id is None and checked.get("district") is not None:
        changes = {**changes, "district": checked["district"]}
    if "subdistrict" not in changes and complaint.subdistrict_id is None and checked.get("subdistrict") is not None:
        changes = {**changes, "subdistrict": checked["subdistrict"]}
    district = changes.get("district", complaint.district)
    subdistrict = changes.get("subdistrict", complaint.subdistrict)
    if district is not None or subdistrict is not None:
        placed = _check_place(district, subdistrict)
        if placed != district:
            changes = {**changes, "district": placed}
    fields = [f for f, v in changes.items() if getattr(complaint, f) != v]
    if not fields:
        return []
    for f in fields:
        setattr(complaint, f, changes[f])
    complaint.save(update_fields=[*fields, "updated_at"])
    names = ", ".join(str(Complaint._meta.get_field(f).verbose_name) for f in fields)
    log(complaint=complaint, kind=K.NOTE, by=by, text=_("แก้ไขข้อมูล: %(f)s") % {"f": names}, data={"edited": fields})
    return fields


def suggested_agencies(complaint: Complaint) -> list[Agency]:
    """The district office of the complaint's district plus the category's responsible agency."""
    category = complaint.category
    suggestions: list[Agency] = []
    office = (
        Agency.objects.filter(district_id=complaint.district_id, is_active=True).first()
        if complaint.district_id
        else None
    )
    if office and category.responsible_is_district_office:
        suggestions.append(office)
    if category.responsible_agency_id and category.responsible_agency.is_active:
        suggestions.append(category.responsible_agency)
    if office and office not in suggestions:
        suggestions.append(office)
    return suggestions


# --- duplicates before saving ------------------------------------------------------------

DUPLICATE_DAYS = 30
_M_PER_DEG = 111_320.0


def _metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6_371_000 * 2 * math.asin(math.sqrt(a))


def similar_open_cases(
    *, category: Category, lat, lng, now: dt.datetime | None = None, limit: int = 10
) -> list[tuple[Complaint, int]]:
    """Open cases of the same category within the category's radius (Category.duplicate_radius_m)
    received in the last 30 days, nearest first, as (complaint, metres). A box on the
    (category, received_at) index, then the exact distance in Python over what the box holds."""
    if lat is None or lng is None:
        return []
    now = now or timezone.now()
    lat, lng = float(lat), float(lng)
    radius = category.duplicate_radius_m
    dlat = radius / _M_PER_DEG
    dlng = radius / (_M_PER_DEG * max(math.cos(math.radians(lat)), 0.1))
    candidates = (
        Complaint.objects.filter(
            category=category,
            received_at__gte=now - dt.timedelta(days=DUPLICATE_DAYS),
            lat__range=(lat - dlat, lat + dlat),
            lng__range=(lng - dlng, lng + dlng),
        )
        .exclude(status__in=rules.ENDED_COMPLAINT)
        .select_related("category", "district")
        .prefetch_related("photos")
        .order_by("-received_at")[:200]
    )
    near = [(c, round(_metres(lat, lng, float(c.lat), float(c.lng)))) for c in candidates]
    return sorted(((c, m) for c, m in near if m <= radius), key=lambda cm: cm[1])[:limit]


@atomic
def add_complainant(
    *,
    complaint: Complaint,
    by,
    channel: str = Complaint.Channel.PHONE_1555,
    name: str = "",
    phone: str = "",
    description: str = "",
    received_at: dt.datetime | None = None,
) -> ExtraComplainant:
    """Attach another call about the same problem to the case already recorded: the caller
    is a complainant of it (told the outcome too), not the author of a second case. The
    timeline says a call came, never who called (it is published in Open311)."""
    actor = as_actor(by)
    complaint = lock_complaint(complaint)
    check_case_open("add_complainant", complaint, closed_too=True)
    checked = check_details(
        {"complainant_name": name, "complainant_phone": phone, "description": description},
        received_at=received_at,
    )
    received_at = now_or(received_at)
    extra = ExtraComplainant.objects.create(
        complaint=complaint,
        channel=channel,
        name=name or "",
        phone=checked["complainant_phone"],
        phone_ext=checked["complainant_phone_ext"],
        description=description or "",
        received_at=received_at,
        created_by=actor.user if isinstance(actor.user, AbstractBaseUser) else None,
    )
    log(
        complaint=complaint,
        kind=K.NOTE,
        by=actor,
        text=_("มีผู้ร้องแจ้งเรื่องเดียวกันเพิ่ม (%(channel)s)") % {"channel": extra.get_channel_display()},
        data={"extra_complainant": extra.pk},
        at=received_at,
    )
    return extra
