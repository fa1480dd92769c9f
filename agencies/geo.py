"""Which Bangkok district and khwaeng a point lies in, from the polygons in the reference data
(agencies/reference/bkk_districts.geojson, 50 polygons; bkk_subdistricts.geojson, 167 of the
180 khwaeng): a bounding-box test, then ray casting. Pure Python and loaded once: no GIS
library to install for a few hundred polygons."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "reference"
GEOJSON = REFERENCE / "bkk_districts.geojson"
KHWAENG_GEOJSON = REFERENCE / "bkk_subdistricts.geojson"

Ring = list[tuple[float, float]]


@lru_cache(maxsize=1)
def _districts() -> list[tuple[str, tuple[float, float, float, float], list[Ring]]]:
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    out = []
    for feature in data["features"]:
        code = str(feature["properties"]["ADM2_PCODE"]).removeprefix("TH")
        rings = [[(float(x), float(y)) for x, y in ring] for ring in feature["geometry"]["coordinates"]]
        xs = [x for x, _ in rings[0]]
        ys = [y for _, y in rings[0]]
        out.append((code, (min(xs), min(ys), max(xs), max(ys)), rings))
    return out


def _inside(x: float, y: float, ring: Ring) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


# The polygons are generalised: the river and the khlong between two districts can fall in
# a gap, and a pin dropped on a bridge or a pier is still in Bangkok. Within this distance
# of a district's edge the point belongs to the nearest district.
EDGE_TOLERANCE_M = 300
_M_PER_DEG = 111_320.0


def _edge_metres(x: float, y: float, ring: Ring) -> float:
    kx = _M_PER_DEG * math.cos(math.radians(y))
    best = float("inf")
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        ax, ay, bx, by = (x1 - x) * kx, (y1 - y) * _M_PER_DEG, (x2 - x) * kx, (y2 - y) * _M_PER_DEG
        dx, dy = bx - ax, by - ay
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def district_code_at(lat: float, lng: float) -> str | None:
    """The DOPA code (1001–1050) of the district containing the point, or None outside Bangkok."""
    x, y = float(lng), float(lat)
    margin = EDGE_TOLERANCE_M / _M_PER_DEG * 1.5
    near: list[tuple[float, str]] = []
    for code, (minx, miny, maxx, maxy), rings in _districts():
        if minx <= x <= maxx and miny <= y <= maxy and _inside(x, y, rings[0]):
            if not any(_inside(x, y, hole) for hole in rings[1:]):
                return code
        if minx - margin <= x <= maxx + margin and miny - margin <= y <= maxy + margin:
            near.append((_edge_metres(x, y, rings[0]), code))
    metres, code = min(near, default=(float("inf"), None))
    return code if metres <= EDGE_TOLERANCE_M else None


@lru_cache(maxsize=1)
def _khwaeng() -> dict[str, list[tuple[str, tuple[float, float, float, float], list[Ring]]]]:
    """Khwaeng polygons by district code. The layer (RTSD 2019) predates 13 khwaeng split off
    since; in their districts a parent polygon still covers the children's ground."""
    data = json.loads(KHWAENG_GEOJSON.read_text(encoding="utf-8"))
    out: dict[str, list] = {}
    for feature in data["features"]:
        rings = [[(float(x), float(y)) for x, y in ring] for ring in feature["geometry"]["coordinates"]]
        xs = [x for x, _ in rings[0]]
        ys = [y for _, y in rings[0]]
        props = feature["properties"]
        out.setdefault(str(props["district_code"]), []).append(
            (str(props["code"]), (min(xs), min(ys), max(xs), max(ys)), rings)
        )
    return out


def khwaeng_codes_with_polygons() -> frozenset[str]:
    return frozenset(code for rows in _khwaeng().values() for code, _, _ in rows)


def subdistrict_code_at(lat: float, lng: float, district_code: str, all_codes: list[str]) -> str | None:
    """The khwaeng (6-digit DOPA code) of `district_code` containing the point, when the layer
    can say so for certain: None where the district has a khwaeng the layer does not draw
    (`all_codes` are the district's khwaeng today; the point may be in a newer one) or where
    the point is in none of the district's polygons (beyond the same edge tolerance as the
    district rule)."""
    rows = _khwaeng().get(str(district_code), [])
    drawn = {code for code, _, _ in rows}
    if not rows or any(code not in drawn for code in all_codes):
        return None
    x, y = float(lng), float(lat)
    near: list[tuple[float, str]] = []
    for code, (minx, miny, maxx, maxy), rings in rows:
        if minx <= x <= maxx and miny <= y <= maxy and _inside(x, y, rings[0]):
            if not any(_inside(x, y, hole) for hole in rings[1:]):
                return code
        near.append((_edge_metres(x, y, rings[0]), code))
    metres, code = min(near, default=(float("inf"), None))
    return code if metres <= EDGE_TOLERANCE_M else None


def geojson_text() -> str:
    """The polygons for the intake map (drawn offline, tiles or not)."""
    return GEOJSON.read_text(encoding="utf-8")
