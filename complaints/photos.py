"""Photos of a case: validated with Pillow, thumbnailed, hashed, and checked by the fake-fix guard.

A result photo is flagged for the verifying officer (complaints/guard.py has every flag and
why) when it repeats an earlier photo of this case or of any case of the last year
(complaints/neardup.py), when its location or its own metadata places it away from the site
or before the work began, or when it did not come from the agency's own people.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from . import errors, guard, neardup
from .actor import as_actor
from .errors import InvalidImage
from .guard import FLAG_TEXT, NEAR_SITE_METRES, distance_metres, location_flags  # noqa: F401 - their old home
from .models import Assignment, Complaint, Photo, PhotoFingerprint

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


def find_repeat(
    *, complaint: Complaint, assignment: Assignment | None, sha256: str, hashes: neardup.Hashes, at: dt.datetime
) -> tuple[int, int] | None:
    """(photo id, complaint id) of an earlier photo this one repeats, else None; this case's own first.

    The same bytes or the same perceptual hash at any age; a near-duplicate (resized,
    re-encoded, cropped a little, brighter or darker) among every photo of the last 12
    months, any case, any agency, and this case's own photos of any age. This round's
    other result photos of the same assignment do not count: people send a few shots of
    the same repair."""
    exclude = set(guard.current_round_results(assignment).values_list("pk", flat=True)) if assignment else set()
    same = Q(sha256=sha256) | Q(phash=hashes.whole_hex)
    exact = list(Photo.objects.filter(same).exclude(pk__in=exclude).values_list("pk", "complaint_id")[:50])
    if not exact:
        own = PhotoFingerprint.objects.filter(photo__complaint=complaint).exclude(photo__in=exclude)
        since = at - dt.timedelta(days=neardup.WINDOW_DAYS)
        matches = neardup.nearest(
            hashes, since=since, exclude=exclude, also=list(own.values_list("photo_id", "kind", "value"))
        )
        exact = [(m.photo, m.complaint) for m in matches]
    ours = [m for m in exact if m[1] == complaint.pk]
    return (ours or exact or [None])[0]


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
    hashes = neardup.hashes_of(upright)
    created_at = at or timezone.now()
    similar = None
    flags: list[str] = []
    if stage == Photo.Stage.AFTER:  # the fake-fix guard looks at result photos only
        similar = find_repeat(complaint=complaint, assignment=assignment, sha256=sha256, hashes=hashes, at=created_at)
        flags = guard.photo_flags(
            complaint=complaint, assignment=assignment, actor=actor, facts=facts, lat=lat, lng=lng, repeats=similar
        )
    elif stage == Photo.Stage.AUDIT:  # a field auditor's evidence: taken fresh, on the site
        similar = find_repeat(complaint=complaint, assignment=None, sha256=sha256, hashes=hashes, at=created_at)
        flags = guard.field_audit_flags(complaint=complaint, lat=lat, lng=lng, repeats=similar)
    photo = Photo(
        complaint=complaint,
        assignment=assignment,
        stage=stage,
        sha256=sha256,
        phash=hashes.whole_hex,
        width=width,
        height=height,
        **facts,
        lat=lat,
        lng=lng,
        flags=flags,
        created_at=created_at,
        uploaded_by_user=actor.user,
        uploaded_by_coordinator=actor.coordinator,
    )
    photo.image.save(f"{sha256}.{ext}", ContentFile(content), save=False)
    photo.thumbnail.save(f"{sha256}.jpg", ContentFile(_jpeg(upright, THUMB_SIZE, 80)), save=False)
    photo.public_image.save(f"{sha256}.jpg", ContentFile(_jpeg(upright, PUBLIC_SIZE, 85)), save=False)
    photo.save()
    PhotoFingerprint.objects.bulk_create(neardup.fingerprints(photo, hashes))
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
        kept = [f for f in photo.flags if f not in guard.LOCATION_FLAGS]
        found = set(kept + guard.location_flags(complaint=assignment.complaint, lat=lat, lng=lng))
        photo.flags = [code for code in guard.FLAG_TEXT if code in found]
        photo.lat, photo.lng = lat, lng
        photo.save(update_fields=["lat", "lng", "flags"])
        if "far_from_site" in photo.flags:
            far.append(photo)
    return far
