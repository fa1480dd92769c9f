"""How the simulator draws LINE messages as HTML: text, images, locations, Flex bubbles and
their buttons (postbacks become little forms that go through the real webhook)."""

from __future__ import annotations

import json

from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .models import SimulatorMessage
from .simulator_menu import local_uri

_SIZES = {"xxs": ".7em", "xs": ".75em", "sm": ".85em", "md": "1em", "lg": "1.15em", "xl": "1.3em", "xxl": "1.5em"}


def _button_form(csrf: str, data: str, label: str, display: str, primary: bool = False, colour: str = "") -> str:
    style = f"background:{colour};color:#fff" if primary and colour else ""
    return format_html(
        '<form method="post" class="sim-btn"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="op" value="postback"><input type="hidden" name="data" value="{}">'
        '<input type="hidden" name="display" value="{}"><button type="submit" style="{}">{}</button></form>',
        csrf,
        data,
        display,
        style,
        label,
    )


def _action(action: dict, csrf: str, *, primary=False, colour="") -> str:
    kind = action.get("type")
    label = action.get("label", "")
    if kind == "postback":
        return _button_form(csrf, action.get("data", ""), label, action.get("displayText", ""), primary, colour)
    if kind == "uri":
        uri = local_uri(action["uri"])
        if uri != action["uri"]:  # the report form (LIFF) opens inside the simulator, as it would inside LINE
            return format_html('<a class="sim-link sim-liff" href="{}">{}</a>', uri, label)
        return format_html('<a class="sim-link" href="{}" target="_blank" rel="noopener">{}</a>', uri, label)
    if kind == "message":
        return format_html(
            '<form method="post" class="sim-btn"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="op" value="text"><input type="hidden" name="text" value="{}">'
            "<button>{}</button></form>",
            csrf,
            action.get("text", label),
            label,
        )
    if kind in ("camera", "cameraRoll"):
        return format_html('<a class="sim-link" href="#photo">{}</a>', label)
    if kind == "location":
        return format_html('<a class="sim-link" href="#location">{}</a>', label)
    return format_html("<span>{}</span>", label)


def _flex(node: dict, csrf: str) -> str:
    kind = node.get("type")
    if kind == "carousel":
        return format_html_join(
            "", '<div class="sim-carousel-item">{}</div>', ((_flex(b, csrf),) for b in node["contents"])
        )
    if kind == "bubble":
        parts = []
        for section in ("header", "hero", "body", "footer"):
            if section in node:
                parts.append(
                    format_html('<div class="sim-{}">{}</div>', section, mark_safe(_flex(node[section], csrf)))
                )  # noqa: S308
        return format_html('<div class="sim-bubble">{}</div>', mark_safe("".join(parts)))  # noqa: S308
    if kind == "box":
        direction = "column" if node.get("layout") == "vertical" else "row"
        style = f"display:flex;flex-direction:{direction};gap:4px;"
        if node.get("backgroundColor"):
            style += f"background:{escape(node['backgroundColor'])};padding:8px;border-radius:6px 6px 0 0;"
        inner = "".join(_flex(c, csrf) for c in node.get("contents", []))
        return format_html('<div style="{}">{}</div>', style, mark_safe(inner))  # noqa: S308
    if kind == "text":
        style = f"flex:{int(node.get('flex', 1))};font-size:{_SIZES.get(node.get('size', 'md'), '1em')};"
        if node.get("color"):
            style += f"color:{escape(node['color'])};"
        if node.get("weight") == "bold":
            style += "font-weight:bold;"
        return format_html('<span style="{}">{}</span>', style, node.get("text", ""))
    if kind == "image":
        return format_html('<img src="{}" alt="" style="width:100%;border-radius:4px">', node.get("url", ""))
    if kind == "separator":
        return mark_safe('<hr style="border:0;border-top:1px solid #ddd;margin:6px 0">')
    if kind == "button":
        return _action(
            node.get("action", {}), csrf, primary=node.get("style") == "primary", colour=node.get("color", "")
        )
    return ""


def render_action(action: dict, csrf: str) -> SafeString:
    """One action as the simulator draws it (a rich-menu area, a button)."""
    return mark_safe(_action(action, csrf))  # noqa: S308 - built with format_html


def render_message(msg: SimulatorMessage, csrf: str, *, with_quick_replies: bool) -> SafeString:
    m = msg.message
    kind = m.get("type")
    if kind == "read":  # LINE shows "Read" beside the coordinator's messages
        return format_html('<div class="sim-signal">✓ {}</div>', "อ่านแล้ว")
    if kind == "loading":
        return format_html('<div class="sim-signal">⋯ {}</div>', f"กำลังดำเนินการ (สูงสุด {m.get('seconds', 20)} วินาที)")
    if kind == "text":
        html = format_html('<div class="sim-text">{}</div>', m.get("text", ""))
    elif kind == "flex":
        html = format_html(
            '<div class="sim-flex" title="{}">{}</div>', m.get("altText", ""), mark_safe(_flex(m["contents"], csrf))
        )  # noqa: S308
    elif kind == "location":
        url = f"https://www.google.com/maps/search/?api=1&query={m.get('latitude')},{m.get('longitude')}"
        html = format_html(
            '<div class="sim-text">📍 <a href="{}" target="_blank" rel="noopener">{}</a><br><small>{}</small></div>',
            url,
            m.get("title", "ตำแหน่ง"),
            m.get("address", ""),
        )
    elif kind == "image":
        src = m.get("previewImageUrl") or m.get("originalContentUrl") or ""
        if m.get("simContentId"):
            src = reverse("line_oa:simulator_content", args=[m["simContentId"]])
        html = format_html('<img src="{}" alt="" style="max-width:220px;border-radius:8px">', src)
    else:
        html = format_html('<div class="sim-text"><code>{}</code></div>', json.dumps(m, ensure_ascii=False)[:500])
    if with_quick_replies and m.get("quickReply"):
        items = mark_safe("".join(_action(i["action"], csrf) for i in m["quickReply"].get("items", [])))  # noqa: S308
        html = format_html('{}<div class="sim-quick">{}</div>', html, items)
    return html
