"""A data subject's request (PDPA s.30): everything the system holds about one phone number."""

from __future__ import annotations

import re

from django.utils import timezone

from complaints.models import Complaint, Photo, TimelineEntry

from .models import PIIAccess


def normalise_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]
    return digits


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None


def subject_data(phone: str) -> dict:
    """Cases filed with this phone number, their history and photos, and who read them."""
    digits = normalise_phone(phone)
    if len(digits) < 9:
        raise ValueError("a full phone number is needed")
    complaints = list(Complaint.objects.filter(complainant_phone=digits).select_related("category").order_by("id"))
    ids = [c.pk for c in complaints]
    timeline: dict[int, list] = {}
    for t in TimelineEntry.objects.filter(complaint_id__in=ids).order_by("created_at", "id"):
        timeline.setdefault(t.complaint_id, []).append({"at": _iso(t.created_at), "kind": t.kind, "text": t.text})
    photos: dict[int, list] = {}
    for p in Photo.objects.filter(complaint_id__in=ids).order_by("created_at", "id"):
        photos.setdefault(p.complaint_id, []).append(
            {
                "stage": p.stage,
                "at": _iso(p.created_at),
                "sha256": p.sha256,
                "taken_at": _iso(p.taken_at),
                "has_original": bool(p.image),
            }
        )
    access = [
        {"at": _iso(a.at), "who": a.username, "action": a.action, "channel": a.channel, "reference": a.reference}
        for a in PIIAccess.objects.filter(complaint_id__in=ids).order_by("at", "id")
    ]
    return {
        "generated_at": _iso(timezone.now()),
        "phone": digits,
        "controller": "กรุงเทพมหานคร (ศูนย์รับแจ้งทุกข์ 1555) / Bangkok Metropolitan Administration",
        "lawful_basis": "ภารกิจเพื่อประโยชน์สาธารณะ (PDPA ม.24(4)) / public task",
        "complaints": [
            {
                "reference": c.reference,
                "received_at": _iso(c.received_at),
                "channel": c.channel,
                "category": c.category.name_th,
                "status": c.status,
                "complainant_name": c.complainant_name,
                "complainant_phone": c.complainant_phone,
                "description": c.description,
                "address": c.address,
                "landmark": c.landmark,
                "lat": str(c.lat) if c.lat is not None else None,
                "lng": str(c.lng) if c.lng is not None else None,
                "closed_at": _iso(c.closed_at),
                "timeline": timeline.get(c.pk, []),
                "photos": photos.get(c.pk, []),
            }
            for c in complaints
        ],
        "access_log": access,
    }
