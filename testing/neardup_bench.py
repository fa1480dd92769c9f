"""The near-duplicate check at scale, shared by bench/near_duplicates.py (a million photos on
PostgreSQL, timed) and its short form in the tests (a few thousand, correctness only).

Stored photos are not random bits: a city's result photos are streets, and their hashes
crowd together. So the stored hashes are those of `BASES` drawn street scenes
(testing/fakefix_set.py), each copied many times with 10–24 of its 64 bits flipped (as far
from the base as unrelated photos of similar scenes are, and sharing band values with it
often enough to make the index work). Among them, `planted` real photos whose copies the
checks must find. Every row is dated within the last 360 days: all in the window.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import statistics
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from PIL import Image

from complaints import neardup, photos
from complaints.models import Photo, PhotoFingerprint
from testing.fakefix_set import scene, variant

COPY_KINDS = ("cropped", "resized", "low_quality", "brighter", "line_chat")


def hashes_of_bytes(content: bytes) -> neardup.Hashes:
    return neardup.hashes_of(Image.open(io.BytesIO(content)).convert("RGB"))


def _jpeg(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def seed(*, total: int, complaint_ids: list[int], bases: int, planted: int, rng_seed: int = 1555) -> dict[int, int]:
    """Store `total` photos with their fingerprints. Returns {scene seed: photo id} of the planted originals."""
    rng = random.Random(rng_seed)
    base_hashes = [neardup.hashes_of(scene(s)) for s in range(1, bases + 1)]
    planted_seeds = list(range(1, planted + 1))  # planted originals are bases themselves, stored exactly
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Photo._meta.db_table}")
        first_id = cursor.fetchone()[0] + 1
    photo_rows, print_rows, out = [], [], {}

    def flip(value: int) -> int:
        for bit in rng.sample(range(64), rng.randint(10, 24)):
            value ^= 1 << bit
        return value

    for i in range(total):
        pk = first_id + i
        if i < planted:
            h = base_hashes[planted_seeds[i] - 1]
            whole, centre = h.whole, h.centre
            out[planted_seeds[i]] = pk
        else:
            h = base_hashes[rng.randrange(bases)]
            whole, centre = flip(h.whole), flip(h.centre)
        at = now - dt.timedelta(seconds=rng.randrange(360 * 86400))
        photo_rows.append((pk, rng.choice(complaint_ids), f"{rng.getrandbits(256):064x}", f"{whole:016x}", at))
        for kind, value in ((0, whole), (1, centre)):
            b = neardup.bands(value)
            print_rows.append((pk, kind, neardup.signed(value), b[0], b[1], b[2], at))
    _write(photo_rows, print_rows)
    return out


def _write(photo_rows, print_rows) -> None:
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.copy(
                f"COPY {Photo._meta.db_table} (id, complaint_id, stage, image, thumbnail, public_image, sha256, "
                "phash, width, height, flags, created_at) FROM STDIN"
            ) as copy:
                for pk, complaint_id, sha, phash, at in photo_rows:
                    copy.write_row((pk, complaint_id, "before", "", "", "", sha, phash, 800, 600, "[]", at))
            with cursor.copy(
                f"COPY {PhotoFingerprint._meta.db_table} (photo_id, kind, value, band0, band1, band2, created_at) "
                "FROM STDIN"
            ) as copy:
                for row in print_rows:
                    copy.write_row(row)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{Photo._meta.db_table}', 'id'), "
                f"(SELECT MAX(id) FROM {Photo._meta.db_table}))"
            )
        return
    Photo.objects.bulk_create(
        [
            Photo(pk=pk, complaint_id=c, stage="before", sha256=sha, phash=ph, width=800, height=600, created_at=at)
            for pk, c, sha, ph, at in photo_rows
        ],
        batch_size=2000,
    )
    PhotoFingerprint.objects.bulk_create(
        [
            PhotoFingerprint(photo_id=p, kind=k, value=v, band0=b0, band1=b1, band2=b2, created_at=at)
            for p, k, v, b0, b1, b2, at in print_rows
        ],
        batch_size=2000,
    )


@dataclass
class Checks:
    times_ms: dict[str, list[float]] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)
    asked: dict[str, int] = field(default_factory=dict)
    hashing_ms: list[float] = field(default_factory=list)

    def median(self, group: str) -> float:
        return statistics.median(self.times_ms[group])

    def add(self, group: str, ms: float, found: bool) -> None:
        self.times_ms.setdefault(group, []).append(ms)
        self.asked[group] = self.asked.get(group, 0) + 1
        self.found[group] = self.found.get(group, 0) + int(found)


def check(*, planted: dict[int, int], asking, unrelated: int, first_unrelated_seed: int = 900_000) -> Checks:
    """Ask about a copy of every planted original (each of COPY_KINDS in turn) and about
    `unrelated` new scenes: `found` counts right answers (copies found / new scenes found as copies)."""
    out = Checks()
    now = timezone.now()
    queries = [
        ("copy", seed_, photo_id, variant(scene(seed_), COPY_KINDS[i % len(COPY_KINDS)], seed_))
        for i, (seed_, photo_id) in enumerate(planted.items())
    ] + [("new scene", s, None, _jpeg(scene(s))) for s in range(first_unrelated_seed, first_unrelated_seed + unrelated)]
    for group, _seed, expected, content in queries:
        t0 = time.perf_counter()
        hashes = hashes_of_bytes(content)
        t1 = time.perf_counter()
        hit = photos.find_repeat(
            complaint=asking, assignment=None, sha256=f"{random.getrandbits(256):064x}", hashes=hashes, at=now
        )
        t2 = time.perf_counter()
        out.hashing_ms.append((t1 - t0) * 1000)
        right = hit is not None and hit[0] == expected if expected else hit is not None
        out.add(group, (t2 - t1) * 1000, right)
    return out
