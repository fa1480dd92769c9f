"""A labelled set for the fake-fix guard, drawn in code (deterministic seeds, nothing shipped).

Street scenes like the ones Bangkok's agencies photograph — sky, buildings, a road in
perspective with lane marks, trees, a pothole or a fallen branch, asphalt grain — each
from its own seed. For every original the set holds the copies an agency might send back
as its "result" (positives) and other photos of similar scenes (negatives):

- positives: resized, re-encoded at low JPEG quality, cropped 5–10 %, brightness changed,
  and what LINE's chat does to a photo (smaller and re-encoded);
- negatives: an unrelated scene drawn from another seed (same kind of street, same layout),
  and the same site after a real repair shot again from a slightly different place.

`docs/benchmarks.md` has the guard's precision and recall on it; `complaints/tests/
test_guard_accuracy.py` asserts a floor.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

SIZE = (800, 600)
POSITIVE_KINDS = ("resized", "low_quality", "cropped", "brighter", "darker", "line_chat")
NEGATIVE_KINDS = ("unrelated", "repaired_reshot")


@dataclass(frozen=True)
class Sample:
    original: int  # the seed of the scene it comes from (for negatives: the scene it must NOT match)
    kind: str
    content: bytes

    @property
    def is_copy(self) -> bool:
        return self.kind in POSITIVE_KINDS


def scene(seed: int, *, repaired: bool = False) -> Image.Image:
    """One street scene; `repaired` draws the same site with the hazard gone (a patch of new asphalt)."""
    rng = np.random.default_rng(seed)
    w, h = SIZE
    horizon = int(h * rng.uniform(0.28, 0.5))
    sky_top = rng.integers(120, 230, 3)
    sky_bottom = np.clip(sky_top + rng.integers(-40, 40, 3), 0, 255)
    t = np.linspace(0, 1, horizon)[:, None]
    sky = (sky_top[None, :] * (1 - t) + sky_bottom[None, :] * t).astype(np.uint8)
    pixels = np.zeros((h, w, 3), np.uint8)
    pixels[:horizon] = sky[:, None, :]
    ground = rng.integers(60, 120)
    pixels[horizon:] = (ground, ground + rng.integers(-8, 8), ground + rng.integers(-8, 8))
    image = Image.fromarray(pixels)
    draw = ImageDraw.Draw(image)
    # buildings along the horizon, with windows
    x = int(rng.integers(-60, 0))
    while x < w:
        bw, bh = int(rng.integers(50, 190)), int(rng.integers(40, horizon + 20))
        colour = tuple(int(c) for c in rng.integers(70, 240, 3))
        draw.rectangle((x, horizon - bh, x + bw, horizon), fill=colour)
        for wy in range(horizon - bh + 8, horizon - 12, int(rng.integers(14, 26))):
            for wx in range(x + 6, x + bw - 10, int(rng.integers(14, 24))):
                if rng.random() < 0.7:
                    draw.rectangle((wx, wy, wx + 6, wy + 8), fill=tuple(int(c) for c in rng.integers(20, 90, 3)))
        x += bw + int(rng.integers(0, 30))
    # the road in perspective, its edges and dashed lane marks
    vanish = int(w * rng.uniform(0.3, 0.7))
    left, right = int(rng.integers(-300, 120)), int(rng.integers(w - 120, w + 300))
    asphalt = int(rng.integers(50, 110))
    draw.polygon([(vanish - 12, horizon), (vanish + 12, horizon), (right, h), (left, h)], fill=(asphalt,) * 3)
    mark = (240, 240, 240) if rng.random() < 0.6 else (235, 200, 40)
    lanes = int(rng.integers(1, 4))
    for lane in range(1, lanes + 1):
        bottom = left + (right - left) * lane / (lanes + 1)
        for step in range(10):
            f0, f1 = step / 10, step / 10 + 0.05
            draw.line(
                [
                    (vanish + (bottom - vanish) * f0, horizon + (h - horizon) * f0),
                    (vanish + (bottom - vanish) * f1, horizon + (h - horizon) * f1),
                ],
                fill=mark,
                width=max(1, int(6 * f1)),
            )
    # trees and poles
    for _ in range(int(rng.integers(1, 5))):
        tx, ty = int(rng.integers(0, w)), int(rng.integers(horizon - 40, horizon + 60))
        r = int(rng.integers(25, 80))
        draw.rectangle((tx - 4, ty, tx + 4, ty + r * 2), fill=(90, 60, 30))
        draw.ellipse((tx - r, ty - r, tx + r, ty + r), fill=(int(rng.integers(20, 70)), int(rng.integers(90, 160)), 40))
    # the hazard on the road: a pothole (or, repaired, a patch of fresh asphalt)
    px, py = int(rng.uniform(0.3, 0.7) * w), int(horizon + (h - horizon) * rng.uniform(0.45, 0.85))
    pr = int(rng.integers(40, 110))
    if repaired:
        draw.rectangle((px - pr, py - pr // 3, px + pr, py + pr // 3), fill=(asphalt - 25,) * 3)
    else:
        draw.ellipse((px - pr, py - pr // 3, px + pr, py + pr // 3), fill=(25, 22, 20))
        draw.ellipse((px - pr // 2, py - pr // 6, px + pr // 3, py + pr // 5), fill=(60, 55, 45))
    # asphalt grain and a little lens softness
    grain = rng.normal(0, 9, (h, w, 1))
    out = np.clip(np.asarray(image, dtype=np.float32) + grain, 0, 255).astype(np.uint8)
    return Image.fromarray(out).filter(ImageFilter.GaussianBlur(0.8))


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _crop(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Cut 5–10 % off the width and off the height, split at random between the two sides."""
    w, h = image.size
    cut_w, cut_h = int(w * rng.uniform(0.05, 0.10)), int(h * rng.uniform(0.05, 0.10))
    left, top = int(rng.integers(0, cut_w + 1)), int(rng.integers(0, cut_h + 1))
    return image.crop((left, top, w - (cut_w - left), h - (cut_h - top)))


def variant(image: Image.Image, kind: str, seed: int) -> bytes:
    rng = np.random.default_rng(seed + 7919)
    if kind == "resized":
        factor = float(rng.choice([0.25, 0.4, 0.6, 1.5]))
        return jpeg(image.resize((int(image.width * factor), int(image.height * factor)), Image.LANCZOS))
    if kind == "low_quality":
        return jpeg(image, quality=int(rng.integers(10, 25)))
    if kind == "cropped":
        return jpeg(_crop(image, rng))
    if kind in ("brighter", "darker"):
        amount = float(rng.uniform(0.2, 0.35))
        return jpeg(ImageEnhance.Brightness(image).enhance(1 + amount if kind == "brighter" else 1 - amount))
    if kind == "line_chat":  # LINE's chat re-encodes and shrinks the photo
        small = image.copy()
        small.thumbnail((480, 480))
        return jpeg(small, quality=70)
    raise ValueError(kind)


def reshot(seed: int) -> bytes:
    """The same site after a real repair, photographed again a step to the side."""
    rng = np.random.default_rng(seed + 104729)
    image = scene(seed, repaired=True)
    w, h = image.size
    dx, dy = int(w * rng.uniform(0.04, 0.08)), int(h * rng.uniform(0.03, 0.06))
    zoom = image.crop((dx, dy, w - int(w * rng.uniform(0.0, 0.05)), h - int(h * rng.uniform(0.0, 0.05))))
    return jpeg(ImageEnhance.Brightness(zoom.resize(SIZE)).enhance(float(rng.uniform(0.9, 1.1))))


def labelled_set(originals: int = 40, *, first_seed: int = 1) -> tuple[list[tuple[int, bytes]], list[Sample]]:
    """(stored originals as (seed, JPEG bytes), queries). Every original gets one copy of each
    positive kind, one reshot of its repaired site, and one unrelated scene (a seed never stored)."""
    stored, queries = [], []
    for seed in range(first_seed, first_seed + originals):
        image = scene(seed)
        stored.append((seed, jpeg(image)))
        for kind in POSITIVE_KINDS:
            queries.append(Sample(seed, kind, variant(image, kind, seed)))
        queries.append(Sample(seed, "repaired_reshot", reshot(seed)))
        queries.append(Sample(seed, "unrelated", jpeg(scene(seed + 100_000))))
    return stored, queries


@dataclass
class Score:
    """How the guard did on the labelled set: per kind, how many were flagged (for copies:
    flagged as a copy of the right original)."""

    total: dict[str, int]
    flagged: dict[str, int]
    wrong_original: int = 0

    def rate(self, kind: str) -> float:
        return self.flagged[kind] / self.total[kind]

    @property
    def recall(self) -> float:
        return sum(self.flagged[k] for k in POSITIVE_KINDS) / sum(self.total[k] for k in POSITIVE_KINDS)

    def precision(self, negatives: tuple[str, ...] = ("unrelated",)) -> float:
        hits = sum(self.flagged[k] for k in POSITIVE_KINDS)
        false = sum(self.flagged[k] for k in negatives) + self.wrong_original
        return hits / (hits + false) if hits + false else 1.0


def evaluate(originals: int = 40, *, first_seed: int = 1) -> Score:
    """Store the originals as photos of separate cases, then ask the guard about every query as a
    result photo of yet another case (not stored, so queries never match each other).
    Needs a database (the tests' or a throwaway one)."""
    import hashlib

    from django.utils import timezone
    from PIL import ImageOps

    from complaints import neardup, photos, workflow
    from testing.factories import make_complaint

    stored, queries = labelled_set(originals, first_seed=first_seed)
    photo_of = {}
    for seed, content in stored:
        case = make_complaint()
        photo_of[seed] = workflow.add_photo(complaint=case, content=content, by=None).pk
    asking = make_complaint()
    now = timezone.now()
    total = dict.fromkeys(POSITIVE_KINDS + NEGATIVE_KINDS, 0)
    flagged = dict(total)
    wrong = 0
    for q in queries:
        upright = ImageOps.exif_transpose(photos._open(q.content)).convert("RGB")
        hashes = neardup.hashes_of(upright)
        sha = hashlib.sha256(q.content).hexdigest()
        found = photos.find_repeat(complaint=asking, assignment=None, sha256=sha, hashes=hashes, at=now)
        total[q.kind] += 1
        if found is None:
            continue
        if q.is_copy and found[0] != photo_of[q.original]:
            wrong += 1
        else:
            flagged[q.kind] += 1
    return Score(total=total, flagged=flagged, wrong_original=wrong)
