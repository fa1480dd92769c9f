"""The fake-fix guard: what makes a reported result doubtful, judged in one place.

Each flag is a code with a Thai explanation (`FLAG_TEXT`, the one registry every page,
message and timeline entry reads) and why it matters (`FLAG_WHY`). A flagged result can
still be accepted, but only with a written justification (`workflow.accept`).

Photo flags are judged when a result photo is stored (`photos.store_photo`) and kept on
the photo; the report's own flag ("too fast") is judged when the agency resolves and kept
on the assignment (`Assignment.report_flags`) — `workflow.result_flags` reads both.
Decisions, in `docs/fake-fix-guard.md`:

- Missing metadata is never a flag by itself: LINE's chat strips EXIF, so most photos
  have no capture time or GPS. Only metadata that is there can count against a photo.
- "The same hands": a result photo counts as the agency's when its sender is one of the
  agency's coordinators or a member of the agency's bound LINE group. An officer of the
  centre uploading it counts only when the work was handed over by radio, phone or fax:
  those agencies have no LINE, the centre relays what they send by design, and the
  timeline names the officer. On work handed over in LINE the agency could have sent the
  photo itself, so an officer's upload is flagged — the people who check a result are
  never silently the ones who supplied its evidence, and the reviewer's justification
  records where the photo came from. Another agency's people and the system: flagged.
- "Too fast" is measured from the acknowledgement; when nobody acknowledged before the
  result (the field form acknowledges and resolves in one report), from the dispatch.
"""

from __future__ import annotations

import datetime as dt
import math

from django.utils.translation import gettext_lazy as _

from .actor import Actor
from .models import Assignment, Complaint, Photo

NEAR_SITE_METRES = 300
# Phones keep network time, but EXIF has no time zone and some cameras drift: a capture
# time this little before the work began is not held against anyone.
CLOCK_SLACK = dt.timedelta(minutes=5)

FLAG_TEXT = {
    "reused": _("รูปนี้เคยถูกส่งมาแล้ว (อาจไม่ใช่รูปผลงานจริง)"),
    "reused_anywhere": _("รูปนี้ตรงหรือคล้ายกับรูปของเรื่องอื่นในระบบ"),
    "no_location": _("ไม่มีตำแหน่งที่ถ่ายภาพ"),
    "far_from_site": _("ตำแหน่งที่ถ่ายอยู่ห่างจากจุดเกิดเหตุ"),
    "exif_far_from_site": _("พิกัดในข้อมูลภาพ (EXIF) อยู่ห่างจากจุดเกิดเหตุ"),
    "taken_before_work": _("ข้อมูลภาพระบุว่าถ่ายก่อนส่งเรื่องให้หน่วยงาน"),
    "too_fast": _("รายงานผลเร็วกว่าเวลาทำงานขั้นต่ำของเรื่องประเภทนี้"),
    "not_from_agency": _("รูปผลงานไม่ได้ส่งมาจากหน่วยงานที่รับผิดชอบ"),
}

FLAG_WHY = {
    "reused": _("รูปก่อนดำเนินการหรือรูปเดิมที่ส่งซ้ำไม่ใช่หลักฐานว่าแก้ไขแล้ว"),
    "reused_anywhere": _("รูปเดียวกันถูกใช้ปิดเรื่องอื่นมาแล้ว ภายใน 12 เดือนที่ผ่านมา"),
    "no_location": _("ไม่มีหลักฐานว่าถ่ายที่จุดเกิดเหตุ ขอให้หน่วยงานส่งตำแหน่ง"),
    "far_from_site": _("ตำแหน่งที่ส่งมาห่างจากจุดเกิดเหตุเกิน 300 เมตร"),
    "exif_far_from_site": _("กล้องบันทึกตำแหน่งไว้ห่างจากจุดเกิดเหตุเกิน 300 เมตร"),
    "taken_before_work": _("รูปที่ถ่ายก่อนหน่วยงานได้รับเรื่องไม่อาจเป็นรูปผลงานของเรื่องนี้"),
    "too_fast": _("งานประเภทนี้ไม่น่าจะเสร็จได้ในเวลาเท่านี้หลังรับเรื่อง"),
    "not_from_agency": _("ผู้ตรวจผลไม่ควรเป็นผู้ส่งหลักฐานเอง ให้ระบุว่าได้รูปมาจากใคร"),
}

LOCATION_FLAGS = ("no_location", "far_from_site")


def flag_text(code: str) -> str:
    return str(FLAG_TEXT.get(code, code))


def distance_metres(lat1, lng1, lat2, lng2) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _far(complaint: Complaint, lat, lng) -> bool:
    if complaint.lat is None or complaint.lng is None:
        return False
    return distance_metres(lat, lng, complaint.lat, complaint.lng) > NEAR_SITE_METRES


def location_flags(*, complaint: Complaint, lat, lng) -> list[str]:
    """The location shared with the result (LINE's location message, the form's GPS)."""
    if lat is None or lng is None:
        return ["no_location"]
    return ["far_from_site"] if _far(complaint, lat, lng) else []


def work_started_at(assignment: Assignment) -> dt.datetime:
    """The earliest moment the work shown in this round's results could have begun."""
    return assignment.rework_since or assignment.dispatched_at


def exif_flags(*, complaint: Complaint, assignment: Assignment | None, facts: dict) -> list[str]:
    """What the photo's own metadata says, when it says anything (absent metadata is no flag)."""
    flags = []
    taken = facts.get("taken_at")
    if assignment is not None and taken is not None and taken < work_started_at(assignment) - CLOCK_SLACK:
        flags.append("taken_before_work")
    lat, lng = facts.get("exif_lat"), facts.get("exif_lng")
    if lat is not None and lng is not None and _far(complaint, lat, lng):
        flags.append("exif_far_from_site")
    return flags


def sender_flags(*, assignment: Assignment | None, actor: Actor) -> list[str]:
    """ "The same hands": only the agency's own people supply its result photos (see the module doc)."""
    if assignment is None:
        return []
    if actor.agency is not None and actor.agency.pk == assignment.agency_id:
        return []  # a coordinator of the agency, or a member of its bound LINE group
    if actor.is_centre and assignment.channel != Assignment.Channel.LINE:
        return []  # the centre relays a radio/phone/fax agency's result
    return ["not_from_agency"]


def reuse_flags(*, complaint: Complaint, repeats: tuple[int, int] | None) -> list[str]:
    """`repeats` is the (photo id, complaint id) of the earlier photo this one repeats."""
    if repeats is None:
        return []
    return ["reused"] if repeats[1] == complaint.pk else ["reused_anywhere"]


def photo_flags(
    *,
    complaint: Complaint,
    assignment: Assignment | None,
    actor: Actor,
    facts: dict,
    lat,
    lng,
    repeats: tuple[int, int] | None,
) -> list[str]:
    """Every flag of a result photo, in the registry's order."""
    found = set(
        reuse_flags(complaint=complaint, repeats=repeats)
        + location_flags(complaint=complaint, lat=lat, lng=lng)
        + exif_flags(complaint=complaint, assignment=assignment, facts=facts)
        + sender_flags(assignment=assignment, actor=actor)
    )
    return [code for code in FLAG_TEXT if code in found]


def field_audit_flags(*, complaint: Complaint, lat, lng, repeats: tuple[int, int] | None) -> list[str]:
    """A field auditor's photo: an earlier photo sent again, or no position / far from the site,
    says the auditor may not have been there (the agency's own rules, EXIF against the work
    and "the same hands", are about results and do not apply)."""
    found = set(
        reuse_flags(complaint=complaint, repeats=repeats) + location_flags(complaint=complaint, lat=lat, lng=lng)
    )
    return [code for code in FLAG_TEXT if code in found]


def report_flags(*, assignment: Assignment, resolved_at: dt.datetime) -> list[str]:
    """Flags of the result report itself, judged at resolve: "too fast" for the category."""
    minimum = assignment.complaint.category.min_work_minutes
    if not minimum:
        return []
    started = assignment.acknowledged_at
    if started is None or started >= resolved_at:  # acknowledged by the result report itself
        started = assignment.dispatched_at
    if resolved_at - started < dt.timedelta(minutes=minimum):
        return ["too_fast"]
    return []


def current_round_results(assignment: Assignment):
    """This round's result photos of the assignment (after the last send-back or reopen)."""
    qs = Photo.objects.filter(assignment=assignment, stage=Photo.Stage.AFTER)
    return qs.filter(created_at__gte=assignment.rework_since) if assignment.rework_since else qs
