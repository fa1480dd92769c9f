"""What people add to a case: notes, photos, a location, a file. Each is one service, so
the admin, the API and LINE record evidence the same way (and the composites — a note
with a photo, a result with photos — commit all or nothing)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import errors, photos
from ..actor import as_actor
from ..models import Assignment, Complaint, Photo, TimelineEntry
from .agency import acknowledge, mark_made_safe, report_progress, resolve
from .core import K, atomic, log
from .intake import receive


@atomic
def add_note(
    *,
    complaint: Complaint,
    by,
    text: str,
    assignment: Assignment | None = None,
    at: dt.datetime | None = None,
) -> TimelineEntry:
    if not text.strip():
        raise errors.WorkflowError(errors.NOTE_EMPTY)
    return log(complaint=complaint, kind=K.NOTE, by=by, text=text, assignment=assignment, at=at)


@atomic
def add_photo(
    *,
    complaint: Complaint,
    content: bytes,
    by,
    stage: str = Photo.Stage.BEFORE,
    assignment: Assignment | None = None,
    lat=None,
    lng=None,
    at: dt.datetime | None = None,
) -> Photo:
    """Validate and store a photo of the case (fake-fix guard included) and add it to the timeline."""
    actor = as_actor(by)
    photo, similar = photos.store_photo(
        complaint=complaint, content=content, by=actor, stage=stage, assignment=assignment, lat=lat, lng=lng, at=at
    )
    log(
        complaint=complaint,
        kind=K.PHOTO,
        by=actor,
        assignment=assignment,
        text="; ".join(str(photos.FLAG_TEXT[f]) for f in photo.flags),
        data={"photo": photo.pk, "stage": stage, "flags": photo.flags},
        at=photo.created_at,
    )
    if similar and photo.flags:
        # Which earlier photo it repeats (this case's, or another case's), for the officer who verifies the result.
        code = "reused" if similar[1] == complaint.pk else "reused_anywhere"
        log(
            complaint=complaint,
            kind=K.NOTE,
            assignment=assignment,
            text=str(photos.FLAG_TEXT[code]),
            data={"photo": photo.pk, "flags": photo.flags, "similar_to": similar[0], "similar_case": similar[1]},
            at=photo.created_at,
        )
    return photo


@atomic
def add_note_with_photo(
    *,
    complaint: Complaint,
    by,
    text: str = "",
    content: bytes | None = None,
    stage: str = Photo.Stage.BEFORE,
    assignment: Assignment | None = None,
) -> None:
    """The case page's form: a note, a photo, or both — together or not at all."""
    if text.strip() or not content:
        add_note(complaint=complaint, by=by, text=text, assignment=assignment)
    if content:
        add_photo(complaint=complaint, content=content, by=by, stage=stage, assignment=assignment)


@atomic
def receive_with_photos(*, photos: list[bytes] = (), by=None, **details) -> Complaint:
    """Intake with the caller's photos: the case and its photos are recorded together or not at
    all (a photo the checks refuse leaves no case behind)."""
    complaint = receive(by=by, **details)
    for content in photos:
        add_photo(complaint=complaint, content=content, by=by, stage=Photo.Stage.BEFORE)
    return complaint


@atomic
def resolve_with_photos(
    *, assignment: Assignment, by, note: str = "", contents: list[bytes] = (), lat=None, lng=None
) -> Assignment:
    """Result photos (taken at lat/lng, when known) and the resolve commit together: a refused
    resolve keeps no photo rows."""
    for content in contents:
        add_photo(
            complaint=assignment.complaint,
            content=content,
            by=by,
            stage=Photo.Stage.AFTER,
            assignment=assignment,
            lat=lat,
            lng=lng,
        )
    return resolve(assignment=assignment, by=by, note=note)


@atomic
def record_location(
    *,
    assignment: Assignment,
    by,
    lat: Decimal,
    lng: Decimal,
    address: str = "",
    since: dt.datetime,
    accuracy: float | None = None,
    via: str = "chat",
) -> float | None:
    """A location sent from the site (LINE's location message, or the report form's GPS with
    its accuracy): on the timeline with its distance from the case, and given to the result
    photos since `since` that had none. Returns the distance in metres (or None)."""
    complaint = assignment.complaint
    distance = None
    if complaint.lat is not None and complaint.lng is not None:
        distance = photos.distance_metres(lat, lng, complaint.lat, complaint.lng)
    if via == "liff":
        text = _("ตำแหน่งจากแบบฟอร์มรายงานผล")
    else:
        text = _("ตำแหน่งที่ส่งจาก LINE (%(address)s)") % {"address": address or "-"}
    if accuracy is not None:
        text += " " + _("(ความแม่นยำ ±%(m)s ม.)") % {"m": f"{float(accuracy):,.0f}"}
    if distance is not None:
        text += " " + _("ห่างจุดเกิดเหตุประมาณ %(m)s ม.") % {"m": f"{distance:,.0f}"}
    log(
        complaint=complaint,
        kind=K.LOCATION,
        by=by,
        assignment=assignment,
        text=text,
        data={
            "lat": str(lat),
            "lng": str(lng),
            "distance_m": round(distance) if distance is not None else None,
            "accuracy_m": round(float(accuracy)) if accuracy is not None else None,
            "via": via,
        },
    )
    for photo in photos.apply_location(assignment=assignment, since=since, lat=lat, lng=lng):
        log(
            complaint=complaint,
            kind=K.NOTE,
            assignment=assignment,
            text=str(photos.FLAG_TEXT["far_from_site"]),
            data={"photo": photo.pk, "flags": photo.flags},
        )
    return distance


FILE_KINDS = {  # what a non-image attachment must really be: (magic test, extension)
    "video": (lambda b: b[4:8] == b"ftyp", "mp4"),
    "pdf": (lambda b: b.startswith(b"%PDF-"), "pdf"),
}


@atomic
def attach_file(*, assignment: Assignment, by, kind: str, content: bytes, name: str = "") -> str:
    """Keep a video or PDF in the case's timeline, with who sent it and when. Raises
    WorkflowError when the bytes are not what they claim to be. Returns the stored path."""
    check, ext = FILE_KINDS[kind]
    if not check(content):
        raise errors.WorkflowError(errors.FILE_NOT_WHAT_IT_CLAIMS)
    digest = hashlib.sha256(content).hexdigest()
    path = default_storage.save(f"line_media/{assignment.complaint_id}/{digest}.{ext}", ContentFile(content))
    label = _("วิดีโอจาก LINE: %(name)s") if kind == "video" else _("ไฟล์ PDF จาก LINE: %(name)s")
    log(
        complaint=assignment.complaint,
        kind=K.NOTE,
        by=by,
        assignment=assignment,
        text=label % {"name": name or path.rsplit("/", 1)[-1]},
        data={"file": path, "sha256": digest, "bytes": len(content)},
    )
    return path


FIELD_STEPS = ("progress", "safe", "done")


@atomic
def field_report(
    *,
    assignment: Assignment,
    by,
    step: str,
    note: str = "",
    lat=None,
    lng=None,
    accuracy: float | None = None,
    photos_since: dt.datetime | None = None,
) -> Assignment:
    """One report from the field form: the position (given to the result photos since
    `photos_since`) and the step — progress, made safe or done — all or nothing. Work nobody
    acknowledged yet is acknowledged first by the reporter — at the same moment as the
    result, which tells the fake-fix guard's "too fast" rule to count from the dispatch."""
    if step not in FIELD_STEPS:
        raise ValueError(step)
    now = timezone.now()
    if lat is not None and lng is not None:
        record_location(
            assignment=assignment,
            by=by,
            lat=lat,
            lng=lng,
            since=photos_since or assignment.dispatched_at,
            accuracy=accuracy,
            via="liff",
        )
    if step == "progress":
        report_progress(assignment=assignment, by=by, text=note)
        return assignment
    assignment.refresh_from_db()
    if assignment.status == Assignment.Status.DISPATCHED:
        acknowledge(assignment=assignment, by=by, at=now)
    if step == "safe":
        return mark_made_safe(assignment=assignment, by=by, note=note, at=now)
    return resolve(assignment=assignment, by=by, note=note, at=now)
