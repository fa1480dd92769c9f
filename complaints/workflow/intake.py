"""A complaint comes in: record it, correct its details, suggest who should fix it."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from agencies.models import Agency, District, Subdistrict

from .. import errors
from ..actor import as_actor
from ..models import Category, Complaint
from ..sla import dispatch_deadline
from .core import K, atomic, lock_complaint, log, next_reference, normalise_phone, now_or

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
)


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
) -> Complaint:
    """Record a new complaint from any channel and give it a reference number."""
    if not (description or "").strip():
        raise errors.WorkflowError(errors.DESCRIPTION_REQUIRED)
    district = _check_place(district, subdistrict)
    received_at = now_or(received_at)
    actor = as_actor(by)
    complaint = Complaint.objects.create(
        reference=next_reference(received_at),
        channel=channel,
        external_ref=external_ref or None,
        complainant_name=complainant_name or "",
        complainant_phone=normalise_phone(complainant_phone),
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
    return complaint


@atomic
def edit_details(*, complaint: Complaint, by, changes: dict) -> list[str]:
    """Correct descriptive fields (never status or deadlines, which may have moved since the
    officer opened the page). Returns the fields changed; the timeline names them."""
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not descriptive fields: {sorted(unknown)}")
    complaint = lock_complaint(complaint)
    if "description" in changes and not str(changes["description"] or "").strip():
        raise errors.WorkflowError(errors.DESCRIPTION_REQUIRED)
    if "complainant_phone" in changes:
        changes = {**changes, "complainant_phone": normalise_phone(changes["complainant_phone"])}
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
