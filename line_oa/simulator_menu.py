"""The simulator's rich menu and report form: what a coordinator sees under a one-to-one chat
in LINE, and the LIFF form opened from a card's or the menu's รายงานผล.

The menu is drawn from the same definition and image ``richmenu.sync`` sends to LINE, its areas
clickable where LINE would put them. A ``https://liff.line.me/…`` address in a card or a menu
opens the local form with a stand-in token for the coordinator being played (DEBUG/DEMO_MODE
only; production verifies LINE's ID token).
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from urllib.parse import urlsplit

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from agencies.models import Coordinator

from . import liff, richmenu
from .fake_api import image_size, validate_other

LIFF_PREFIX = "https://liff.line.me/"
SESSION_KEY = "simulator_coordinator"


def local_uri(uri: str) -> str:
    """A LIFF address becomes the simulator's opener for it; any other address is kept."""
    if not uri.startswith(LIFF_PREFIX):
        return uri
    query = urlsplit(uri).query
    return reverse("line_oa:simulator_liff") + (f"?{query}" if query else "")


def menu(coordinator: Coordinator, *, is_group: bool) -> dict | None:
    """The rich menu LINE shows this person, each area as a percentage box; None in a group (LINE
    shows rich menus in one-to-one chats only). What the demo's fake LINE holds (after
    ``line_richmenus`` and the link at registration); before any sync, the code's own menu."""
    if is_group:
        return None
    shown = shown_menu(coordinator.line_user_id or "")
    if shown:
        menu_id, held = shown
        definition, image = held["definition"], reverse("line_oa:simulator_richmenu", args=[menu_id])
    else:
        audience = "coordinator" if coordinator.is_active and coordinator.line_user_id else "guest"
        definition, image = richmenu.definition(audience), reverse("line_oa:simulator_richmenu", args=[audience])
    width, height = definition["size"]["width"], definition["size"]["height"]
    areas = []
    for area in definition["areas"]:
        b = area["bounds"]
        areas.append(
            {
                "action": area["action"],
                "left": 100 * b["x"] / width,
                "top": 100 * b["y"] / height,
                "width": 100 * b["width"] / width,
                "height": 100 * b["height"] / height,
            }
        )
    return {
        "name": definition.get("name", ""),
        "image": image,
        "bar": definition["chatBarText"],
        "ratio": 100 * height / width,
        "areas": areas,
        "synced": shown is not None,
    }


@lru_cache(maxsize=2)
def _image(audience: str) -> bytes:
    return richmenu.image(audience)


def image_view(request: HttpRequest, name: str) -> HttpResponse:
    """A menu's picture: one the fake LINE holds (by id), or the code's own (by audience)."""
    held = _menus().get(name)
    if held and held["image"]:
        return HttpResponse(held["image"], content_type="image/png", headers={"Cache-Control": "max-age=3600"})
    if name not in ("guest", "coordinator"):
        return HttpResponse(status=404)
    return HttpResponse(_image(name), content_type="image/png", headers={"Cache-Control": "max-age=3600"})


def _store(chat_id: str, kind: str, messages: list[dict]) -> None:
    from .simulator import _store as store  # the simulator's own (it imports this module)

    store(chat_id, kind, messages)


def remember(request: HttpRequest, coordinator: Coordinator | None) -> None:
    if coordinator is not None:
        request.session[SESSION_KEY] = coordinator.pk


def liff_view(request: HttpRequest) -> HttpResponse:
    """Open the report form as the coordinator being played, as LINE would open the LIFF app."""
    pk = request.GET.get("c") or request.session.get(SESSION_KEY)
    coordinator = Coordinator.objects.filter(pk=pk, is_active=True, line_user_id__isnull=False).first() if pk else None
    if coordinator is None:
        return redirect(reverse("line_oa:simulator"))
    query = {"token": liff.standin_token(coordinator.line_user_id)}
    if request.GET.get("a"):
        query["a"] = request.GET["a"]
    return redirect(reverse("line_oa:liff_report") + "?" + urlencode(query))


# --- the fake LINE API's rich-menu and chat-signal endpoints (the demo's process only) ----------
#
# Kept in the web process's cache: the demo runs one web process, and a restart only means
# ``line_richmenus`` creates the menus again (it is idempotent against a LINE that forgot them).

MENUS_KEY, DEFAULT_KEY, TIMEOUT = "simulator:richmenus", "simulator:richmenu:default", None


def _menus() -> dict:
    return cache.get(MENUS_KEY) or {}


def _user_key(user_id: str) -> str:
    return f"simulator:richmenu:user:{user_id}"


def _answer(status: int, body: dict | None = None) -> JsonResponse:
    return JsonResponse(body or {}, status=status, json_dumps_params={"ensure_ascii": False})


def fake_api(request: HttpRequest, path: str) -> HttpResponse | None:
    """Answer the rich-menu, loading-animation and mark-as-read calls like LINE; None for other paths."""
    parts = path.strip("/").split("/")[2:]  # after v2/bot
    method = request.method
    if parts[:1] == ["chat"] and method == "POST":
        payload, error = validate_other(path, request.body)
        if error:
            return _answer(400, {"message": error})
        if parts[1:] == ["loading", "start"]:
            _store(payload["chatId"], "loading", [{"type": "loading", "seconds": payload.get("loadingSeconds", 20)}])
            return _answer(202)
        if parts[1:] == ["markAsRead"]:
            chat_id = str(payload["markAsReadToken"]).split(".")[1] if "." in payload["markAsReadToken"] else ""
            if chat_id:
                _store(chat_id, "read", [{"type": "read"}])
            return _answer(200)
        return None
    if parts[:1] == ["richmenu"]:
        return _richmenu(request, path, parts[1:])
    if parts[:1] == ["user"] and len(parts) >= 3 and parts[2] == "richmenu":
        user_id = parts[1]
        if method == "POST" and len(parts) == 4:
            if parts[3] not in _menus():
                return _answer(404, {"message": "Not found"})
            if user_id == "all":
                cache.set(DEFAULT_KEY, parts[3], TIMEOUT)
            else:
                cache.set(_user_key(user_id), parts[3], TIMEOUT)
            return _answer(200)
        if method == "DELETE" and len(parts) == 3:
            cache.delete(DEFAULT_KEY if user_id == "all" else _user_key(user_id))
            return _answer(200)
    return None


def _richmenu(request: HttpRequest, path: str, rest: list[str]) -> HttpResponse | None:
    menus = _menus()
    if request.method == "POST" and not rest:
        payload, error = validate_other(path, request.body)
        if error:
            return _answer(400, {"message": error})
        menu_id = "richmenu-" + secrets.token_hex(16)
        menus[menu_id] = {"definition": payload, "image": b""}
        cache.set(MENUS_KEY, menus, TIMEOUT)
        return _answer(200, {"richMenuId": menu_id})
    if request.method == "GET" and rest == ["list"]:
        return _answer(200, {"richmenus": [{"richMenuId": k, **v["definition"]} for k, v in menus.items()]})
    if not rest:
        return None
    if rest[0] not in menus:
        return _answer(404, {"message": "Not found"})
    if request.method == "POST" and rest[1:] == ["content"]:
        size = menus[rest[0]]["definition"]["size"]
        if image_size(request.body) != (size["width"], size["height"]):
            return _answer(400, {"message": "The image size does not match the rich menu's size"})
        menus[rest[0]]["image"] = request.body
        cache.set(MENUS_KEY, menus, TIMEOUT)
        return _answer(200)
    if request.method == "DELETE" and len(rest) == 1:
        del menus[rest[0]]
        cache.set(MENUS_KEY, menus, TIMEOUT)
        return _answer(200)
    return None


def shown_menu(line_user_id: str) -> tuple[str, dict] | None:
    """(id, menu) LINE would show this user now: their own, else the default; None before any sync."""
    menus = _menus()
    menu_id = cache.get(_user_key(line_user_id)) or cache.get(DEFAULT_KEY)
    if menu_id in menus and menus[menu_id]["image"]:
        return menu_id, menus[menu_id]
    return None
