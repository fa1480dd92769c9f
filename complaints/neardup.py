"""Has this picture been seen before? The fake-fix guard's near-duplicate search.

Every stored photo has two 64-bit perceptual hashes (DCT "phash"), kept as
`PhotoFingerprint` rows: one of the whole picture, one of its central 80 %. A new
result photo is compared with both:

- its whole-picture hash with the stored whole hashes: resizing, re-encoding (LINE's
  chat does both), brightness changes stay within a few bits;
- a cropped copy changes the whole-picture hash too much (median 10 bits for a 5–10 %
  crop on the labelled set), so the guard also guesses how the copy might have been
  cut from an original — 7.5 % off each axis, taken from one side, the other or half
  and half — and hashes where the original's central 80 % would lie in the copy under
  each guess (16 guesses). The right guess lands within a few bits of the original's
  centre hash.

"Near" is within `NEAR_BITS` of 64 bits for the whole picture, `GUESS_BITS` for a crop guess. To find those among a million rows without
reading them all, each hash is split into three bands of 21, 21 and 22 bits, each in an
indexed column (multi-index hashing): two hashes within 8 bits differ in at most 2 bits of
some band (pigeonhole), so looking up every band value within 2 bits of the query's (232
values per band) finds every whole-picture match. The 16 crop guesses are looked up
within 1 bit per band (66 values each: every match within 5 bits is found, and the
6-bit ones the lookup happens to meet count too) — the
budget that keeps one check under 50 ms at a million photos (docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import imagehash
from django.db import connection
from django.db.models import Q
from PIL import Image

from .models import Photo, PhotoFingerprint

NEAR_BITS = 8  # Hamming distance of two whole-picture hashes that counts as "the same picture"
# Stricter for the crop guesses: 16 guesses are 16 chances to meet an unrelated street photo.
# At a million stored photos, 8 bits flagged 13 of 200 new scenes; 6 bits flags 1 and still
# finds 93 % of 5–10 % crops (docs/benchmarks.md).
GUESS_BITS = 6
WINDOW_DAYS = 365  # how far back "reused anywhere" looks (the same bytes are found at any age)
CENTRE = 0.8  # the share of each side kept for the centre hash
CROP = 0.075  # how much of each side a crop guess removes
CROP_STEPS = (0.0, 0.5, 1.0)  # where the cut falls: all on one side, half and half, all on the other
HYPOTHESIS_SIZE = 256  # crop guesses are hashed from a copy this small (phash reads 32 x 32 anyway)
BANDS = ((43, 21), (22, 21), (0, 22))  # (shift, bits) of each band of the 64-bit hash
WHOLE_RADIUS, GUESS_RADIUS = 2, 1  # bits per band looked up around the query's band values

Kind = PhotoFingerprint.Kind


def _int(h: imagehash.ImageHash) -> int:
    return int("".join("1" if b else "0" for b in h.hash.flatten()), 2)


def from_hex(text: str) -> int:
    return int(text, 16)


def signed(value: int) -> int:
    """A 64-bit hash as PostgreSQL's bigint holds it."""
    return value - (1 << 64) if value >= 1 << 63 else value


def unsigned(value: int) -> int:
    return value & ((1 << 64) - 1)


def bands(value: int) -> tuple[int, int, int]:
    return tuple((value >> shift) & ((1 << bits) - 1) for shift, bits in BANDS)  # type: ignore[return-value]


def distance(a: int, b: int) -> int:
    return (unsigned(a) ^ unsigned(b)).bit_count()


def _region(image: Image.Image, x: tuple[float, float], y: tuple[float, float]) -> Image.Image:
    w, h = image.size
    return image.crop((round(x[0] * w), round(y[0] * h), round(x[1] * w), round(y[1] * h)))


def _axis_guesses() -> list[tuple[float, float]]:
    """Where the original's centre lies along one axis of a copy: uncropped, or cut by CROP at each step."""
    lo, hi = (1 - CENTRE) / 2, 1 - (1 - CENTRE) / 2
    out = [(lo, hi)]
    for step in CROP_STEPS:
        cut = CROP * step
        out.append(((lo - cut) / (1 - CROP), (hi - cut) / (1 - CROP)))
    return out


GUESSES = list(itertools.product(_axis_guesses(), repeat=2))


@dataclass(frozen=True)
class Hashes:
    whole: int
    centre: int
    guesses: tuple[int, ...]  # the centre hash under each crop guess (the first: no crop)

    @property
    def whole_hex(self) -> str:
        return f"{self.whole:016x}"


def hashes_of(image: Image.Image) -> Hashes:
    """The hashes of an upright RGB picture."""
    small = image.copy()
    small.thumbnail((HYPOTHESIS_SIZE, HYPOTHESIS_SIZE))
    guesses = tuple(_int(imagehash.phash(_region(small, x, y))) for x, y in GUESSES)
    return Hashes(whole=_int(imagehash.phash(image)), centre=guesses[0], guesses=guesses)


def fingerprints(photo: Photo, hashes: Hashes) -> list[PhotoFingerprint]:
    return [
        PhotoFingerprint(
            photo=photo,
            kind=kind,
            value=signed(value),
            band0=b[0],
            band1=b[1],
            band2=b[2],
            created_at=photo.created_at,
        )
        for kind, value in ((Kind.WHOLE, hashes.whole), (Kind.CENTRE, hashes.centre))
        for b in [bands(value)]
    ]


def _neighbours(value: int, bits: int, radius: int) -> list[int]:
    out = [value]
    for k in range(1, radius + 1):
        for flip in itertools.combinations(range(bits), k):
            out.append(value ^ sum(1 << i for i in flip))
    return out


def _probes(values: list[int], radius: int) -> list[list[int]]:
    per_band: list[set[int]] = [set() for _ in BANDS]
    for value in values:
        for i, ((_, bits), band) in enumerate(zip(BANDS, bands(value), strict=True)):
            per_band[i].update(_neighbours(band, bits, radius))
    return [sorted(s) for s in per_band]


def _candidates(kind: int, probes: list[list[int]], since: dt.datetime) -> list[tuple[int, int]]:
    """(photo id, hash) of the fingerprints of `kind` since `since` sharing a probed band value."""
    if connection.vendor == "postgresql":
        # One index-only scan per band (covering indexes, see the migration): an OR of
        # three ANY() lists makes the planner fall back to a sequential scan.
        table = PhotoFingerprint._meta.db_table
        sql = " UNION ALL ".join(
            f"SELECT photo_id, value FROM {table} WHERE kind = %s AND band{i} = ANY(%s) AND created_at >= %s"
            for i in range(len(BANDS))
        )
        params: list = []
        for band in probes:
            params += [kind, band, since]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    match = Q(band0__in=probes[0]) | Q(band1__in=probes[1]) | Q(band2__in=probes[2])
    return list(
        PhotoFingerprint.objects.filter(match, kind=kind, created_at__gte=since).values_list("photo_id", "value")
    )


@dataclass(frozen=True)
class Match:
    photo: int
    complaint: int
    bits: int


def nearest(
    hashes: Hashes, *, since: dt.datetime, exclude: set[int] = frozenset(), also: list[tuple[int, int, int]] = ()
) -> list[Match]:
    """Photos (other than `exclude`) whose whole picture or centre is near this one,
    closest first. `also` adds (photo id, kind, hash) rows to check whatever their age (the case's own)."""
    best: dict[int, int] = {}

    def consider(photo_id: int, kind: int, value: int) -> None:
        if photo_id in exclude:
            return
        mine, limit = ((hashes.whole,), NEAR_BITS) if kind == Kind.WHOLE else (hashes.guesses, GUESS_BITS)
        bits = min(distance(value, h) for h in mine)
        if bits <= limit and bits < best.get(photo_id, NEAR_BITS + 1):
            best[photo_id] = bits

    for photo_id, value in _candidates(Kind.WHOLE, _probes([hashes.whole], WHOLE_RADIUS), since):
        consider(photo_id, Kind.WHOLE, value)
    for photo_id, value in _candidates(Kind.CENTRE, _probes(list(hashes.guesses), GUESS_RADIUS), since):
        consider(photo_id, Kind.CENTRE, value)
    for photo_id, kind, value in also:
        consider(photo_id, kind, value)
    if not best:
        return []
    cases = dict(Photo.objects.filter(pk__in=best).values_list("pk", "complaint_id"))
    return sorted(
        (Match(photo=p, complaint=cases[p], bits=b) for p, b in best.items() if p in cases),
        key=lambda m: (m.bits, -m.photo),
    )
