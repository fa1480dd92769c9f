"""Rich menus per audience, drawn in code (Pillow, the vendored Sarabun font) so they can be rebuilt.

- ``guest`` — the default menu, for anyone not registered: how to register.
- ``coordinator`` — linked per user at registration: งานของฉัน, รายงานผล, ติดต่อศูนย์ 1555, วิธีใช้.

``sync()`` (``manage.py line_richmenus``) is idempotent: a menu whose definition and image are
unchanged (same digest) and still exists on LINE is kept; otherwise a new one is created, its
image uploaded, the old one deleted, and registered coordinators linked to the new one.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from agencies.models import Coordinator

from . import client
from .messages import liff_url
from .models import RichMenu

log = logging.getLogger(__name__)
FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "sarabun"
WIDTH, HEIGHT = 2500, 843
GREEN, BLUE, GREY = (6, 199, 85), (21, 101, 192), (75, 85, 99)


@dataclass(frozen=True)
class Tile:
    label: str  # drawn on the image
    sub: str
    action: dict
    colour: tuple[int, int, int]


def _tiles(audience: str) -> list[Tile]:
    if audience == "guest":
        return [
            Tile("ลงทะเบียนผู้ประสานงาน", "ส่งรหัส 8 หลักจากศูนย์ฯ ในแชตนี้", _message("วิธีลงทะเบียน", "ลงทะเบียน"), GREEN),
            Tile(
                "ติดต่อศูนย์ 1555", "โทร 1555 ตลอด 24 ชั่วโมง", {"type": "uri", "label": "โทร 1555", "uri": "tel:1555"}, BLUE
            ),
        ]
    return [
        Tile("งานของฉัน", "เรื่องค้าง ล่าสุดก่อน", _message("งานของฉัน", "งาน"), GREEN),
        Tile("รายงานผล", "รูป ตำแหน่ง ผลงาน", _report_action(), BLUE),
        Tile("ติดต่อศูนย์ 1555", "ส่งข้อความถึงเจ้าหน้าที่", _message("ติดต่อศูนย์", "ติดต่อศูนย์ 1555"), GREY),
        Tile("วิธีใช้", "ขั้นตอนการรับและรายงาน", _message("วิธีใช้", "วิธีใช้"), GREY),
    ]


def _report_action() -> dict:
    """The report form (LIFF, its case picker) when the OA has a LIFF app; else the chat's list of open work."""
    form = liff_url()
    return {"type": "uri", "label": "รายงานผล", "uri": form} if form else _message("รายงานผล", "รายงานผล")


def _message(label: str, text: str) -> dict:
    return {"type": "message", "label": label, "text": text}


def definition(audience: str) -> dict:
    tiles = _tiles(audience)
    width = WIDTH // len(tiles)
    return {
        "size": {"width": WIDTH, "height": HEIGHT},
        "selected": audience == "coordinator",
        "name": f"bkk1555-{audience}",
        "chatBarText": "เมนู 1555",
        "areas": [
            {"bounds": {"x": i * width, "y": 0, "width": width, "height": HEIGHT}, "action": t.action}
            for i, t in enumerate(tiles)
        ],
    }


@lru_cache(maxsize=8)
def _font(script: str, weight: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / f"sarabun-{script}-{weight}-normal.woff2"), size)


def _runs(text: str):
    """Split text into Thai and Latin runs: the vendored Sarabun comes as two subsets."""
    run, thai = "", None
    for ch in text:
        is_thai = "\u0e00" <= ch <= "\u0e7f"
        if thai is not None and is_thai != thai and ch != " ":
            yield run, thai
            run = ""
        run += ch
        thai = is_thai if ch != " " else thai
    if run:
        yield run, bool(thai)


def _draw_centred(
    draw: ImageDraw.ImageDraw, text: str, cx: int, y: int, weight: int, size: int, fill, *, max_width: int
) -> None:
    while True:  # the largest size that fits the tile
        parts = [(r, _font("thai" if t else "latin", weight, size)) for r, t in _runs(text)]
        widths = [draw.textlength(r, font=f) for r, f in parts]
        if sum(widths) <= max_width or size <= 24:
            break
        size -= 4
    x = cx - sum(widths) / 2
    for (r, f), w in zip(parts, widths, strict=True):
        draw.text((x, y), r, font=f, fill=fill)
        x += w


def image(audience: str) -> bytes:
    tiles = _tiles(audience)
    width = WIDTH // len(tiles)
    canvas = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    for i, t in enumerate(tiles):
        x0 = i * width
        draw.rounded_rectangle((x0 + 24, 24, x0 + width - 24, HEIGHT - 24), radius=48, fill=t.colour)
        room = width - 120
        _draw_centred(draw, t.label, x0 + width // 2, HEIGHT // 2 - 150, 700, 150, "white", max_width=room)
        _draw_centred(draw, t.sub, x0 + width // 2, HEIGHT // 2 + 60, 400, 64, "white", max_width=room)
    out = io.BytesIO()
    canvas.save(out, "PNG", optimize=True)
    return out.getvalue()


def digest(menu: dict, picture: bytes) -> str:
    return hashlib.sha256(json.dumps(menu, sort_keys=True).encode() + picture).hexdigest()


def sync(*, relink: bool = False) -> dict[str, str]:
    """Make LINE's rich menus match the code. Returns {audience: 'kept'|'created'}."""
    existing = set(client.rich_menu_ids())
    result = {}
    for audience in ("guest", "coordinator"):
        menu, picture = definition(audience), image(audience)
        want = digest(menu, picture)
        row = RichMenu.objects.filter(audience=audience).first()
        if row and row.digest == want and row.rich_menu_id in existing:
            result[audience] = "kept"
        else:
            menu_id = client.create_rich_menu(menu)
            client.set_rich_menu_image(menu_id, picture)
            old = row.rich_menu_id if row else None
            RichMenu.objects.update_or_create(audience=audience, defaults={"rich_menu_id": menu_id, "digest": want})
            if old and old in existing:
                try:
                    client.delete_rich_menu(old)
                except client.LineError:
                    log.warning("Old rich menu %s not deleted", old)
            result[audience] = "created"
        if audience == "guest" and result[audience] == "created":
            client.set_default_rich_menu(RichMenu.objects.get(audience="guest").rich_menu_id)
    if relink or result["coordinator"] == "created":
        for user_id in Coordinator.objects.reachable().values_list("line_user_id", flat=True):
            link_coordinator(user_id)
    return result


def link_coordinator(line_user_id: str) -> bool:
    """Give a registered coordinator the coordinators' menu (at registration). False if none exists or LINE refused."""
    row = RichMenu.objects.filter(audience="coordinator").first()
    if row is None or not line_user_id:
        return False
    try:
        client.link_rich_menu(user_id=line_user_id, rich_menu_id=row.rich_menu_id)
    except client.LineError as exc:
        log.info("Rich menu not linked to %s: %s", line_user_id, exc)
        return False
    return True


def unlink(line_user_id: str) -> bool:
    """Back to the default (guest) menu: at unfollow or when the coordinator is deactivated."""
    if not line_user_id or not RichMenu.objects.exists():
        return False  # no menus made yet (manage.py line_richmenus): nothing to unlink
    try:
        client.unlink_rich_menu(user_id=line_user_id)
    except client.LineError as exc:
        log.info("Rich menu not unlinked from %s: %s", line_user_id, exc)
        return False
    return True
