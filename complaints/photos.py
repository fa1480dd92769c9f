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
from decimal import Decimal

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
# Pixel caps, from what a phone camera produces. A baseline JPEG is decoded with
# libjpeg's DCT scaling (Image.draft) straight to about the derivative's size, so a
# 50 MP photo (48/50 MP sensors in full-resolution mode) costs a few tens of MB.
# Other formats (PNG, WebP, GIF, progressive JPEG) are decoded whole: 12.6 MP
# (4096 x 3072, more than any phone screenshot) keeps one decode near 50-100 MB.
# A 154 KB 6300 x 6300 PNG used to take ~460 MB; it is now refused before decoding.
MAX_PIXELS = 50_000_000
MAX_PIXELS_FULL_DECODE = 12_600_000
# Pillow's own guard as a last line, for any other code path that opens an image.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
WORKING_SIZE = 2048  # longest side kept in memory after decoding
# JPEG DCT scaling keeps at least this on both sides: a 50 MP (8160 x 6120) photo decodes
# at 1/4 (2040 x 1530, 9 MB), a 12 MP one at 1/2 (2000 x 1500).
DRAFT_SIZE = (1024, 1024)
PUBLIC_SIZE = (1600, 1600)
THUMB_SIZE = (480, 480)
NEAR_SITE_METRES = 300
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "HEIF": "heic", "MPO": "jpg"}

def _too_big() -> InvalidImage:
    return InvalidImage(errors.IMAGE_TOO_LARGE, mb=MAX_BYTES // (1024 * 1024))


def check_upload_size(upload) -> None:
    """Refuse an uploaded file by its size before anyone reads it into memory."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _too_big()


def read_upload(upload) -> bytes:
    """The bytes of an uploaded file, at most MAX_BYTES: the declared size is checked
    first and the read is bounded, so a 200 MB body never sits in memory whole."""
    check_upload_size(upload)
    upload.seek(0)
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise _too_big()
    return content


def validate_image(content: bytes) -> str:
    """Pillow's name for the format of a usable image (e.g. "JPEG"); InvalidImage otherwise."""
    image = _open(content)
    return "JPEG" if image.format == "MPO" else image.format


def _open(content: bytes) -> Image.Image:
    """Decode an uploaded image with bounded memory; the result is at most WORKING_SIZE on its longest side."""
    if not content:
        raise InvalidImage(errors.IMAGE_EMPTY)
    if len(content) > MAX_BYTES:
        raise _too_big()
    try:
        probe = Image.open(io.BytesIO(content))
        if probe.format not in FORMATS:
            raise InvalidImage(errors.IMAGE_FORMAT)
        pixels = probe.width * probe.height
        full_decode = probe.format not in ("JPEG", "MPO") or bool(probe.info.get("progressive"))
        if pixels > MAX_PIXELS or (full_decode and pixels > MAX_PIXELS_FULL_DECODE):
            raise InvalidImage(errors.IMAGE_TOO_MANY_PIXELS)
        probe.verify()
        image = Image.open(io.BytesIO(content))
        if not full_decode:
            image.draft("RGB", DRAFT_SIZE)
        image.load()
        if max(image.size) > WORKING_SIZE:
            image.thumbnail((WORKING_SIZE, WORKING_SIZE))
    except InvalidImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidImage(errors.IMAGE_BROKEN) from exc
    image.original_size = probe.size  # type: ignore[attr-defined]
    return image


_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _DATETIME = 36867, 306


def _exif_facts(image: Image.Image) -> dict:
    """Capture time and GPS position from the EXIF, for the guard; the rest of the EXIF is dropped."""
    facts: dict = {}
    try:
        exif = image.getexif()
        raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
        if isinstance(raw, str):
            taken = dt.datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007 - made aware below
            facts["taken_at"] = timezone.make_aware(taken)  # phone clocks in Bangkok: local time
        gps = exif.get_ifd(_GPS_IFD)
        if gps.get(2) and gps.get(4):

            def degrees(value, ref) -> float:
                d, m, s_ = (float(x) for x in value)
                out = d + m / 60 + s_ / 3600
                return -out if ref in ("S", "W") else out

            lat, lng = degrees(gps[2], gps.get(1)), degrees(gps[4], gps.get(3))
            if -90 <= lat <= 90 and -180 <= lng <= 180:
                facts["exif_lat"] = round(Decimal(str(lat)), 6)
                facts["exif_lng"] = round(Decimal(str(lng)), 6)
    except Exception:  # noqa: BLE001 - broken EXIF is common and never a reason to refuse a photo
        pass
    return facts


def _jpeg(image: Image.Image, size: tuple[int, int], quality: int) -> bytes:
    """Re-encode without any metadata: no EXIF, XMP, ICC or comments survive."""
    copy = image.copy()
    copy.thumbnail(size)
    # Pillow writes a JPEG comment, XMP and ICC profile from `info` unless told otherwise.
    copy.info = {}
    buf = io.BytesIO()
    copy.save(buf, "JPEG", quality=quality, optimize=True)
    return buf.getvalue()


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
) -> tuple[Photo, tuple[int, int] | None]:
    """Validate and store a photo of the case, judged by the fake-fix guard. Returns the photo
    and the (photo id, complaint id) it repeats, if any. The timeline entry is the workflow's
    (`workflow.add_photo`), which is what every entry point calls.

    Raises InvalidImage for anything that is not a usable picture; nothing is stored then."""
    actor = as_actor(by)
    image = _open(content)
    ext = FORMATS[image.format]
    sha256 = hashlib.sha256(content).hexdigest()
    facts = _exif_facts(image)
    upright = ImageOps.exif_transpose(image).convert("RGB")
    width, height = image.original_size
    if (upright.width > upright.height) != (width > height):  # rotated by its EXIF orientation
        width, height = height, width
    del image
    phash = str(imagehash.phash(upright))
    similar = None
    flags: list[str] = []
    if stage == Photo.Stage.AFTER:  # the fake-fix guard looks at result photos only
        similar = similar_photo(complaint=complaint, sha256=sha256, phash=phash)
        flags = (["reused"] if similar else []) + location_flags(complaint=complaint, lat=lat, lng=lng)
    photo = Photo(
        complaint=complaint,
        assignment=assignment,
        stage=stage,
        sha256=sha256,
        phash=phash,
        width=width,
        height=height,
        **facts,
        lat=lat,
        lng=lng,
        flags=flags,
        created_at=at or timezone.now(),
        uploaded_by_user=actor.user,
        uploaded_by_coordinator=actor.coordinator,
    )
    photo.image.save(f"{sha256}.{ext}", ContentFile(content), save=False)
    photo.thumbnail.save(f"{sha256}.jpg", ContentFile(_jpeg(upright, THUMB_SIZE, 80)), save=False)
    photo.public_image.save(f"{sha256}.jpg", ContentFile(_jpeg(upright, PUBLIC_SIZE, 85)), save=False)
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
