"""Photos of a case: validated with Pillow, thumbnailed, hashed, and checked by the fake-fix guard.

A result photo is flagged for the verifying officer when it was seen before
(same bytes, or the same perceptual hash as an earlier photo, e.g. the
"before" photo sent back as the "after"), or when it has no location near the
site.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math

import imagehash
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from . import errors
from .actor import as_actor
from .errors import InvalidImage
from .models import Assignment, Complaint, Photo

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
THUMB_SIZE = (480, 480)
NEAR_SITE_METRES = 300
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "HEIF": "heic", "MPO": "jpg"}


def _open(content: bytes) -> Image.Image:
    if not content:
        raise InvalidImage(errors.IMAGE_EMPTY)
    if len(content) > MAX_BYTES:
        raise InvalidImage(errors.IMAGE_TOO_LARGE, mb=MAX_BYTES // (1024 * 1024))
    try:
        probe = Image.open(io.BytesIO(content))
        probe.verify()
        image = Image.open(io.BytesIO(content))
        if image.width * image.height > MAX_PIXELS:
            raise InvalidImage(errors.IMAGE_TOO_MANY_PIXELS)
        image.load()
    except InvalidImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidImage(errors.IMAGE_BROKEN) from exc
    if image.format not in FORMATS:
        raise InvalidImage(errors.IMAGE_FORMAT)
    return image


def distance_metres(lat1, lng1, lat2, lng2) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


NEAR_DUPLICATE_BITS = 8  # Hamming distance of 64-bit perceptual hashes that counts as "the same picture"
NEAR_DUPLICATE_DAYS = 365
NEAR_DUPLICATE_CANDIDATES = 20_000


def similar_photo(*, complaint: Complaint, sha256: str, phash: str) -> tuple[int, int] | None:
    """(photo id, complaint id) of an earlier photo this one repeats, else None.

    The same bytes or the same perceptual hash anywhere; or a near-identical picture
    (re-saved, resized, re-compressed: within a few bits) among this case's photos and
    its district's photos of the last year.
    """
    same = Q(sha256=sha256) | Q(phash=phash) if phash else Q(sha256=sha256)
    exact = Photo.objects.filter(same).values_list("pk", "complaint_id").first()
    if exact or not phash:
        return exact
    nearby = Q(complaint=complaint)
    if complaint.district_id:
        since = timezone.now() - dt.timedelta(days=NEAR_DUPLICATE_DAYS)
        nearby |= Q(complaint__district_id=complaint.district_id, created_at__gte=since)
    mine = imagehash.hex_to_hash(phash)
    candidates = (
        Photo.objects.filter(nearby)
        .exclude(phash="")
        .order_by("-created_at")
        .values_list("pk", "phash", "complaint_id")[:NEAR_DUPLICATE_CANDIDATES]
    )
    for pk, other, complaint_id in candidates:
        if mine - imagehash.hex_to_hash(other) <= NEAR_DUPLICATE_BITS:
            return pk, complaint_id
    return None


def location_flags(*, complaint: Complaint, lat, lng) -> list[str]:
    if lat is None or lng is None:
        return ["no_location"]
    if complaint.lat is not None and complaint.lng is not None:
        if distance_metres(lat, lng, complaint.lat, complaint.lng) > NEAR_SITE_METRES:
            return ["far_from_site"]
    return []


FLAG_TEXT = {
    "reused": _("รูปนี้เคยถูกส่งมาแล้ว (อาจไม่ใช่รูปผลงานจริง)"),
    "no_location": _("ไม่มีตำแหน่งที่ถ่ายภาพ"),
    "far_from_site": _("ตำแหน่งที่ถ่ายอยู่ห่างจากจุดเกิดเหตุ"),
}


def store_photo(
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
    """Validate and store a photo of the case, judged by the fake-fix guard. Returns the photo
    and the (photo id, complaint id) it repeats, if any. The timeline entry is the workflow's
    (`workflow.add_photo`), which is what every entry point calls.

    Raises InvalidImage for anything that is not a usable picture; nothing is stored then."""
    actor = as_actor(by)
    image = _open(content)
    sha256 = hashlib.sha256(content).hexdigest()
    upright = ImageOps.exif_transpose(image).convert("RGB")
    phash = str(imagehash.phash(upright))
    similar = None
    flags: list[str] = []
    if stage == Photo.Stage.AFTER:  # the fake-fix guard looks at result photos only
        similar = similar_photo(complaint=complaint, sha256=sha256, phash=phash)
        flags = (["reused"] if similar else []) + location_flags(complaint=complaint, lat=lat, lng=lng)
    thumb = upright.copy()
    thumb.thumbnail(THUMB_SIZE)
    buf = io.BytesIO()
    thumb.save(buf, "JPEG", quality=80)
    photo = Photo(
        complaint=complaint,
        assignment=assignment,
        stage=stage,
        sha256=sha256,
        phash=phash,
        width=upright.width,
        height=upright.height,
        lat=lat,
        lng=lng,
        flags=flags,
        created_at=at or timezone.now(),
        uploaded_by_user=actor.user,
        uploaded_by_coordinator=actor.coordinator,
    )
    photo.image.save(f"{sha256}.{FORMATS[image.format]}", ContentFile(content), save=False)
    photo.thumbnail.save(f"{sha256}.jpg", ContentFile(buf.getvalue()), save=False)
    photo.save()
    return photo, similar


@transaction.atomic
def apply_location(*, assignment: Assignment, since: dt.datetime, lat, lng) -> list[Photo]:
    """A location sent after the result photos: give it to the assignment's result photos since
    `since` that have none, and re-judge their location flags. Returns the photos now far from
    the site (the workflow's `record_location` notes them on the timeline)."""
    far = []
    photos = Photo.objects.select_for_update().filter(
        assignment=assignment, stage=Photo.Stage.AFTER, lat__isnull=True, created_at__gte=since
    )
    for photo in photos:
        kept = [f for f in photo.flags if f not in ("no_location", "far_from_site")]
        photo.flags = kept + location_flags(complaint=assignment.complaint, lat=lat, lng=lng)
        photo.lat, photo.lng = lat, lng
        photo.save(update_fields=["lat", "lng", "flags"])
        if "far_from_site" in photo.flags:
            far.append(photo)
    return far
