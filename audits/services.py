"""The auditor's answer: "fixed for real" or "not found fixed", with a photo and a position.

"Not found fixed" reopens the case through the workflow (the agency hears it over LINE) and
counts as a false closure of the agency that closed it. The photo goes through the same
validation and fake-fix guard (position near the site) as any other photo of the case."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import rules, workflow
from complaints.actor import Actor
from complaints.models import Photo

from .models import FieldAudit

S = FieldAudit.Status


class AuditClosed(Exception):
    pass


@transaction.atomic
def record(
    *, audit: FieldAudit, said: str, photo: bytes, lat=None, lng=None, comment: str = "", now=None
) -> FieldAudit:
    now = now or timezone.now()
    audit = (
        FieldAudit.objects.select_for_update(of=("self",))  # the auditor is an outer join: lock only the audit
        .select_related("auditor__coordinator", "complaint")
        .get(pk=audit.pk)
    )
    if audit.status != S.PENDING or audit.auditor is None or said not in (S.CONFIRMED, S.FALSE_CLOSURE):
        raise AuditClosed
    if not photo:
        raise ValueError("photo required")
    actor = Actor.of_coordinator(audit.auditor.coordinator)
    stored = workflow.add_photo(
        complaint=audit.complaint, content=photo, by=actor, stage=Photo.Stage.AUDIT, lat=lat, lng=lng, at=now
    )
    comment = (comment or "").strip()[:1000]
    if said == S.FALSE_CLOSURE and audit.complaint.outcome == rules.Outcome.FIXED:
        reason = _("ตรวจสอบภาคสนามไม่พบการแก้ไข") + (f": {comment}" if comment else "")
        workflow.reopen(complaint=audit.complaint, by=actor, reason=reason, at=now)
    else:
        text = _("ตรวจสอบภาคสนาม: แก้ไขจริง") if said == S.CONFIRMED else _("ตรวจสอบภาคสนาม: ไม่พบการแก้ไข")
        workflow.add_note(complaint=audit.complaint, by=actor, text=f"{text} {comment}".strip(), at=now)
    audit.status = said
    audit.answered_at = now
    audit.photo = stored
    audit.lat, audit.lng = lat, lng
    audit.comment = comment
    audit.chosen, audit.chosen_at, audit.chat_photo_id, audit.chat_lat, audit.chat_lng = "", None, "", None, None
    audit.save(
        update_fields=[
            "status",
            "answered_at",
            "photo",
            "lat",
            "lng",
            "comment",
            "chosen",
            "chosen_at",
            "chat_photo_id",
            "chat_lat",
            "chat_lng",
        ]
    )
    return audit
