"""The local LINE simulator (`/line/simulator/`, DEBUG or DEMO_MODE only, staff login).

Play an agency coordinator without a LINE account: pick a demo coordinator, see
what the system sent them rendered like a LINE chat (Flex bubbles readable,
buttons clickable), tap buttons, send text, upload a photo, share a location.
Everything the person does becomes a LINE-shaped webhook event, signed with the
channel secret and posted through the real webhook view; processing then runs
in the Celery worker exactly as in production.

The system's side talks to a fake LINE Messaging API served by this same
Django process under `/line/simulator/api/` (settings point LINE_API_BASE there
in DEMO_MODE): it checks the Bearer token, validates every body with the stub
server's validation (the SDK's own request models plus LINE's extra rules),
honours X-Line-Retry-Key (409 on a key already accepted), stores pushes and
replies as SimulatorMessage rows and serves uploaded photos as message content.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import secrets
import time
import uuid

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.signals import request_finished
from django.db import close_old_connections
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.test import RequestFactory
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from agencies.models import Agency, Coordinator
from complaints.errors import InvalidImage
from complaints.models import Assignment
from complaints.photos import read_upload, validate_image

from . import simulator_menu
from .fake_api import UUID_RE, sent_messages, validate_request
from .models import Conversation, SimulatorContent, SimulatorMessage
from .simulator_render import render_action, render_message
from .webhook import sign_body, webhook

API_PREFIX = "v2/bot/"
SIGNALS = ("read", "loading")


def enabled() -> bool:
    return bool(settings.DEBUG or settings.DEMO_MODE)


def _guard() -> None:
    if not enabled():
        raise Http404("the simulator exists only in DEBUG or DEMO_MODE")


# Who may play a coordinator: the centre's officers and supervisors (they dispatch). Not
# executives: a chat line shows a complainant's name and phone, and a tap acknowledges.
SIMULATOR_PERMISSION = "complaints.dispatch_complaint"


def simulator_user_required(view):
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        _guard()
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_active and user.is_staff and user.has_perm(SIMULATOR_PERMISSION)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _from_this_machine(request: HttpRequest) -> bool:
    """The fake LINE API is called by our own LINE client inside this demo, over loopback.

    The demo's token is public (it is in the source), so the token alone proves nothing."""
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


# Served back with a fixed type: a browser must never get HTML or SVG from here.
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


def _binary(item: SimulatorContent) -> HttpResponse:
    content_type = item.content_type if item.content_type in CONTENT_TYPES.values() else "application/octet-stream"
    response = HttpResponse(bytes(item.content), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if content_type == "application/octet-stream":
        response["Content-Disposition"] = "attachment"
    return response


# --- the fake LINE Messaging API ----------------------------------------------------------


def _json(status: int, body: dict, **headers) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for k, v in headers.items():
        response[k.replace("_", "-")] = v
    return response


def _store(chat_id: str, kind: str, messages: list[dict], *, retry_key: str = "", request_id: str = "") -> None:
    SimulatorMessage.objects.bulk_create(
        [
            SimulatorMessage(
                chat_id=chat_id, direction="out", kind=kind, message=m, retry_key=retry_key, request_id=request_id
            )
            for m in messages
        ]
    )


def reply_token_for(chat_id: str) -> str:
    return f"sim.{chat_id}.{secrets.token_hex(6)}"


@csrf_exempt
def api(request: HttpRequest, rest: str) -> HttpResponse:
    _guard()
    if not _from_this_machine(request):
        return _json(403, {"message": "The simulator's LINE API answers only this machine's LINE client"})
    if not secrets.compare_digest(
        request.headers.get("Authorization", ""), f"Bearer {settings.LINE_CHANNEL_ACCESS_TOKEN}"
    ):
        return _json(401, {"message": "Authentication failed"})
    path_ = "/" + API_PREFIX + rest
    request_id = str(uuid.uuid4())
    handled = simulator_menu.fake_api(request, path_)
    if handled is not None:
        return handled
    if request.method == "POST":
        payload, error = validate_request(path_, request.body)
        if error:
            return _json(400, {"message": error})
        if path_ == "/v2/bot/message/reply":
            parts = str(payload.get("replyToken", "")).split(".")
            if len(parts) != 3 or parts[0] != "sim":
                return _json(400, {"message": "Invalid reply token"})
            _store(parts[1], "reply", payload["messages"], request_id=request_id)
            return _json(200, {"sentMessages": sent_messages(payload)}, x_line_request_id=request_id)
        if path_ in ("/v2/bot/message/push", "/v2/bot/message/multicast"):
            key = request.headers.get("X-Line-Retry-Key", "")
            if key and not UUID_RE.match(key):
                return _json(400, {"message": "The retry key is invalid"})
            if key:
                first = SimulatorMessage.objects.filter(retry_key=key).first()
                if first is not None:
                    return _json(
                        409,
                        {"message": "The retry key is already accepted"},
                        x_line_request_id=request_id,
                        x_line_accepted_request_id=first.request_id,
                    )
            targets = payload["to"] if isinstance(payload["to"], list) else [payload["to"]]
            kind = "push" if path_.endswith("push") else "multicast"
            for target in targets:
                _store(target, kind, payload["messages"], retry_key=key, request_id=request_id)
            return _json(
                200, {"sentMessages": sent_messages(payload)} if kind == "push" else {}, x_line_request_id=request_id
            )
        return _json(404, {"message": "Not found"})
    parts = rest.strip("/").split("/")
    if parts[:1] == ["message"] and len(parts) == 3 and parts[2] == "content":
        item = SimulatorContent.objects.filter(message_id=parts[1]).first()
        if item is None:
            return _json(404, {"message": "Not found"})
        return _binary(item)
    if parts[:1] == ["profile"] and len(parts) == 2:
        c = Coordinator.objects.filter(line_user_id=parts[1]).first()
        name = (c.line_display_name or c.name) if c else f"ผู้ใช้ LINE {parts[1][-4:]}"
        return _json(200, {"userId": parts[1], "displayName": name, "language": "th"})
    if parts[:1] == ["group"] and len(parts) == 3 and parts[2] == "summary":
        agency = Agency.objects.filter(line_group_id=parts[1]).first()
        name = agency.line_group_name if agency and agency.line_group_name else f"กลุ่ม {parts[1][-4:]}"
        return _json(200, {"groupId": parts[1], "groupName": name})
    if parts[:1] == ["group"] and len(parts) == 4 and parts[2:] == ["members", "count"]:
        agency = Agency.objects.filter(line_group_id=parts[1]).first()
        if agency is None:
            return _json(404, {"message": "Not found"})
        return _json(200, {"count": Coordinator.objects.filter(agency=agency, is_active=True).count() or 1})
    if rest.strip("/") == "message/quota":
        return _json(200, {"type": "limited", "value": 15000})
    if rest.strip("/") == "message/quota/consumption":
        used = SimulatorMessage.objects.filter(kind__in=("push", "multicast")).values("request_id").distinct().count()
        return _json(200, {"totalUsage": used})
    return _json(404, {"message": "Not found"})


# --- events like LINE's -------------------------------------------------------------------


def _event(kind: str, source: dict, chat_id: str, **extra) -> dict:
    return {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": source,
        "webhookEventId": "SIM" + uuid.uuid4().hex[:23].upper(),
        "deliveryContext": {"isRedelivery": False},
        "replyToken": reply_token_for(chat_id),
        **extra,
    }


def deliver(event: dict) -> int:
    """Sign a callback body like LINE and pass it through the real webhook view."""
    body = json.dumps({"destination": "Usimulator", "events": [event]}, ensure_ascii=False).encode()
    request = RequestFactory().post(
        reverse("line_oa:webhook"),
        data=body,
        content_type="application/json",
        HTTP_X_LINE_SIGNATURE=sign_body(body),
    )
    response = webhook(request)
    # As a WSGI server would: closing fires request_finished, which queues the processing. But
    # this runs inside the simulator's own request: Django must not close the database
    # connection that request is still using (its test client guards its own close the same way).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return response.status_code


def _read(chat_id: str) -> dict:
    """LINE gives a message event in a one-to-one chat a token to mark it read with."""
    return {"markAsReadToken": f"simread.{chat_id}.{uuid.uuid4().hex[:12]}"} if chat_id.startswith("U") else {}


def _message_id() -> str:
    return str(700000000000000000 + secrets.randbelow(10**17))


# --- the page ---------------------------------------------------------------------------------


def _pick(request: HttpRequest) -> tuple[Coordinator | None, str, dict]:
    c = None
    cid = request.GET.get("c") or request.POST.get("c")
    if cid:
        c = Coordinator.objects.select_related("agency").filter(pk=cid, line_user_id__isnull=False).first()
    if c is None:
        return None, "", {}
    if (request.GET.get("chat") or request.POST.get("chat")) == "group" and c.agency.line_group_id:
        gid = c.agency.line_group_id
        return c, gid, {"type": "group", "groupId": gid, "userId": c.line_user_id}
    return c, c.line_user_id, {"type": "user", "userId": c.line_user_id}


def _thread(chat_id: str, csrf: str) -> list[dict]:
    rows = list(SimulatorMessage.objects.filter(chat_id=chat_id).order_by("-created_at", "-id")[:60])[::-1]
    # Read marks and the loading animation are signals, not messages: the quick replies stay on
    # the last message the system sent.
    said = [r for r in rows if r.kind not in SIGNALS]
    last_out = said[-1].pk if said and said[-1].direction == "out" else None
    return [{"row": r, "html": render_message(r, csrf, with_quick_replies=r.pk == last_out)} for r in rows]


@simulator_user_required
def page(request: HttpRequest) -> HttpResponse:
    _guard()
    coordinator, chat_id, source = _pick(request)
    if request.method == "POST" and coordinator is not None:
        _act(request, chat_id, source)
        query = f"?c={coordinator.pk}" + ("&chat=group" if source.get("type") == "group" else "")
        return redirect(reverse("line_oa:simulator") + query)
    csrf = get_token(request)
    simulator_menu.remember(request, coordinator)
    thread = _thread(chat_id, csrf) if chat_id else []
    if request.GET.get("fragment"):
        return render(request, "line_oa/simulator_thread.html", {"thread": thread})
    site = None
    if coordinator is not None:
        # "Share location" defaults to the site of the case being reported (else the newest open case).
        conv = Conversation.objects.filter(
            line_user_id=coordinator.line_user_id, chat_id=chat_id, assignment__isnull=False
        ).first()
        open_cases = Assignment.objects.filter(agency=coordinator.agency, status__in=Assignment.OPEN_STATUSES)
        site = (
            open_cases.filter(pk=conv.assignment_id).select_related("complaint").first() if conv else None
        ) or open_cases.select_related("complaint").order_by("-dispatched_at").first()
    coordinators = Coordinator.objects.filter(is_active=True, line_user_id__isnull=False).select_related("agency")[:300]
    return render(
        request,
        "line_oa/simulator.html",
        {
            "coordinators": coordinators,
            "coordinator": coordinator,
            "chat_id": chat_id,
            "is_group": source.get("type") == "group",
            "thread": thread,
            "site_lat": site.complaint.lat if site and site.complaint.lat is not None else "13.746400",
            "site_lng": site.complaint.lng if site and site.complaint.lng is not None else "100.534600",
            "title": _("จำลอง LINE"),
            "menu": _menu(coordinator, source, csrf),
        },
    )


def _menu(coordinator: Coordinator | None, source: dict, csrf: str) -> dict | None:
    if coordinator is None:
        return None
    menu = simulator_menu.menu(coordinator, is_group=source.get("type") == "group")
    if menu:
        for area in menu["areas"]:
            area["html"] = render_action(area["action"], csrf)
    return menu


def _act(request: HttpRequest, chat_id: str, source: dict) -> None:
    op = request.POST.get("op")
    incoming = None
    if op == "text":
        text = request.POST.get("text", "").strip()[:5000]
        if not text:
            return
        event = _event(
            "message", source, chat_id, message={"type": "text", "id": _message_id(), "text": text, **_read(chat_id)}
        )
        incoming = {"type": "text", "text": text}
    elif op == "postback":
        event = _event("postback", source, chat_id, postback={"data": request.POST.get("data", "")[:300]})
        display = request.POST.get("display", "").strip()
        incoming = {"type": "text", "text": display} if display else None
    elif op == "photo" and request.FILES.get("photo"):
        try:
            data = read_upload(request.FILES["photo"])
            kind = validate_image(data)
        except InvalidImage:
            return
        if kind not in CONTENT_TYPES:
            return
        mid = _message_id()
        # The type is the one Pillow found, never the browser's claim (text/html ran script here).
        SimulatorContent.objects.create(message_id=mid, content=data, content_type=CONTENT_TYPES[kind])
        event = _event(
            "message",
            source,
            chat_id,
            message={"type": "image", "id": mid, "contentProvider": {"type": "line"}, **_read(chat_id)},
        )
        incoming = {"type": "image", "simContentId": mid}
    elif op == "location":
        try:
            lat, lng = float(request.POST["lat"]), float(request.POST["lng"])
        except (KeyError, ValueError):
            return
        address = request.POST.get("address", "")[:100] or "ตำแหน่งที่แชร์"
        event = _event(
            "message",
            source,
            chat_id,
            message={
                "type": "location",
                "id": _message_id(),
                "latitude": lat,
                "longitude": lng,
                "address": address,
                **_read(chat_id),
            },
        )
        incoming = {"type": "location", "title": "ตำแหน่งของฉัน", "address": address, "latitude": lat, "longitude": lng}
    elif op == "follow":
        event = _event(
            "follow", {"type": "user", "userId": source.get("userId")}, chat_id, follow={"isUnblocked": False}
        )
    else:
        return
    if incoming:
        SimulatorMessage.objects.create(chat_id=chat_id, direction="in", kind="user", message=incoming)
    deliver(event)


@simulator_user_required
def content(request: HttpRequest, message_id: str) -> HttpResponse:
    item = SimulatorContent.objects.filter(message_id=message_id).first()
    if item is None:
        raise Http404
    return _binary(item)


urlpatterns = [
    path("simulator/", page, name="simulator"),
    path("simulator/content/<str:message_id>/", content, name="simulator_content"),
    path(
        "simulator/richmenu/<str:name>.png",
        simulator_user_required(simulator_menu.image_view),
        name="simulator_richmenu",
    ),
    path("simulator/liff/", simulator_user_required(simulator_menu.liff_view), name="simulator_liff"),
    path(f"simulator/api/{API_PREFIX}<path:rest>", api, name="simulator_api"),
]
