"""The simulator's rich menu and report form: what a coordinator sees under a one-to-one chat
in LINE, and the LIFF form opened from a card's or the menu's รายงานผล.

The menu is drawn from the same definition and image ``richmenu.sync`` sends to LINE, its areas
clickable where LINE would put them. A ``https://liff.line.me/…`` address in a card or a menu
opens the local form with a stand-in token for the coordinator being played (DEBUG/DEMO_MODE
only; production verifies LINE's ID token).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from agencies.models import Coordinator

from . import liff, richmenu
from .models import RichMenu

LIFF_PREFIX = "https://liff.line.me/"
SESSION_KEY = "simulator_coordinator"


def local_uri(uri: str) -> str:
    """A LIFF address becomes the simulator's opener for it; any other address is kept."""
    if not uri.startswith(LIFF_PREFIX):
        return uri
    query = urlsplit(uri).query
    return reverse("line_oa:simulator_liff") + (f"?{query}" if query else "")


def menu(coordinator: Coordinator, *, is_group: bool) -> dict | None:
    """The rich menu LINE shows this person, with each area as a percentage box; None in a group
    (LINE shows rich menus in one-to-one chats only)."""
    if is_group:
        return None
    audience = "coordinator" if coordinator.is_active and coordinator.line_user_id else "guest"
    definition = richmenu.definition(audience)
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
    linked = RichMenu.objects.filter(audience=audience).exists()
    return {
        "audience": audience,
        "image": reverse("line_oa:simulator_richmenu", args=[audience]),
        "bar": definition["chatBarText"],
        "ratio": 100 * height / width,
        "areas": areas,
        "synced": linked,
    }


@lru_cache(maxsize=2)
def _image(audience: str) -> bytes:
    return richmenu.image(audience)


def image_view(request: HttpRequest, audience: str) -> HttpResponse:
    if audience not in ("guest", "coordinator"):
        return HttpResponse(status=404)
    return HttpResponse(_image(audience), content_type="image/png", headers={"Cache-Control": "max-age=3600"})


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
