"""The one module that talks to LINE: a thin wrapper around line-bot-sdk v3.

Everything else in the project calls these functions; there is no hand-written
HTTP to LINE anywhere else. Configuration comes from settings:

- ``LINE_CHANNEL_ACCESS_TOKEN`` — the channel's long-lived token.
- ``LINE_API_BASE`` / ``LINE_DATA_API_BASE`` — tests and the simulator only.
  ``Configuration(host=...)`` sends *every* call (messaging and blob) to that
  host, so production leaves both empty and the SDK uses api.line.me and
  api-data.line.me. When only ``LINE_API_BASE`` is set, content downloads go
  there too (the stub and the simulator serve both).
- ``LINE_REQUEST_TIMEOUT`` — always passed as ``_request_timeout``: the SDK's
  sync client has no default timeout.

Messages are plain dicts in Messaging API JSON shape. They are converted with
the SDK's own models (``PushMessageRequest.from_dict`` …) so a malformed
message fails loudly here, before any HTTP.

Sends (push, multicast, reply) do not parse LINE's 2xx body (``_preload_content=False``):
a message that LINE accepted is never reported as failed because of its answer.

Errors: every failure is a ``LineError`` with ``status`` (None for network
errors), ``body``, ``request_id`` and ``retryable`` (5xx, 429, timeouts and
connection errors). A 409 on a push/multicast is ``LineConflict``: LINE already
accepted a request with that retry key, so the message was delivered.
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from urllib.parse import quote

import urllib3
from django.conf import settings
from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MarkMessagesAsReadByTokenRequest,
    MessagingApi,
    MessagingApiBlob,
    MulticastRequest,
    PnpMessagesRequest,
    PushMessageRequest,
    ReplyMessageRequest,
    RichMenuRequest,
    ShowLoadingAnimationRequest,
)
from linebot.v3.messaging.exceptions import ApiException, ApiValueError

MAX_MULTICAST = 500  # LINE's limit of user ids per multicast request


class LineError(Exception):
    """A call to LINE failed."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body: str = "",
        request_id: str | None = None,
        retryable: bool = False,
    ):
        super().__init__(message)
        self.status = status
        self.body = body
        self.request_id = request_id
        self.retryable = retryable


class LineConflict(LineError):
    """409: a request with this X-Line-Retry-Key was already accepted (the message went out)."""


class InvalidMessage(LineError):
    """Our own message dicts do not validate against the SDK's models (never retryable)."""


# --- configuration -----------------------------------------------------------

_lock = threading.Lock()


@lru_cache(maxsize=8)
def _api_clients(token: str, host: str, data_host: str) -> tuple[ApiClient, ApiClient]:
    def make(h: str) -> ApiClient:
        config = Configuration(host=h or None, access_token=token)
        # No hidden urllib3 retries: the outbox decides about retries itself.
        config.retries = urllib3.Retry(total=0, redirect=0, raise_on_status=False)
        return ApiClient(config)

    return make(host), make(data_host or host)


def _clients() -> tuple[ApiClient, ApiClient]:
    with _lock:
        return _api_clients(
            settings.LINE_CHANNEL_ACCESS_TOKEN or "",
            (settings.LINE_API_BASE or "").rstrip("/"),
            (settings.LINE_DATA_API_BASE or "").rstrip("/"),
        )


def messaging_api() -> MessagingApi:
    return MessagingApi(_clients()[0])


def blob_api() -> MessagingApiBlob:
    return MessagingApiBlob(_clients()[1])


DATA_API_HOST = "https://api-data.line.me"


def _timeout() -> float:
    return settings.LINE_REQUEST_TIMEOUT


# --- errors ------------------------------------------------------------------


def _header(headers, name: str) -> str | None:
    if not headers:
        return None
    for key, value in dict(headers).items():
        if key.lower() == name:
            return value
    return None


def _translate(exc: Exception) -> LineError:
    if isinstance(exc, ApiException):
        status = exc.status
        body = exc.body.decode("utf-8", "replace") if isinstance(exc.body, bytes | bytearray) else str(exc.body or "")
        request_id = _header(exc.headers, "x-line-request-id")
        if status == 409:
            accepted = _header(exc.headers, "x-line-accepted-request-id")
            return LineConflict(
                f"LINE 409: retry key already accepted ({body[:200]})",
                status=409,
                body=body,
                request_id=accepted or request_id,
                retryable=False,
            )
        retryable = bool(status is None or status == 0 or status >= 500 or status == 429)
        return LineError(
            f"LINE {status}: {body[:300]}", status=status, body=body, request_id=request_id, retryable=retryable
        )
    if isinstance(exc, urllib3.exceptions.HTTPError | OSError | TimeoutError):
        return LineError(f"LINE unreachable: {exc.__class__.__name__}: {exc}", retryable=True)
    return LineError(f"LINE call failed: {exc.__class__.__name__}: {exc}", retryable=False)


def _call(fn, *args, **kwargs):
    try:
        result = fn(*args, _request_timeout=_timeout(), **kwargs)
    except LineError:
        raise
    except (ApiException, urllib3.exceptions.HTTPError, OSError, TimeoutError) as exc:
        error = _translate(exc)
        _count(fn, str(error.status) if error.status else "network")
        raise error from exc
    except ValueError as exc:  # LINE answered 2xx with a body the SDK's models refuse
        _count(fn, "2xx")
        raise LineError(f"Unexpected LINE response: {exc}", body=str(exc)[:2000], retryable=False) from exc
    _count(fn, "2xx")
    return result


def _count(fn, status: str) -> None:
    """LINE's answers by call and status, for /metrics (bkk1555/metrics.py)."""
    from bkk1555.metrics import LINE_ANSWERS

    LINE_ANSWERS.labels(getattr(fn, "__name__", "call").removesuffix("_with_http_info"), status).inc()


class ContentTooLarge(LineError):
    def __init__(self, message: str):
        super().__init__(message, retryable=False)


def _build(model, payload: dict):
    try:
        return model.from_dict(payload)
    except (ValueError, TypeError, ApiValueError) as exc:  # pydantic's ValidationError is a ValueError
        raise InvalidMessage(f"Invalid LINE message: {exc}", body=str(exc)[:2000]) from exc


# --- the calls ---------------------------------------------------------------


def push(*, to: str, messages: list[dict], retry_key: str) -> str | None:
    """Push `messages` (1–5) to one user or group. Returns LINE's x-line-request-id."""
    request = _build(PushMessageRequest, {"to": to, "messages": messages})
    response = _call(
        messaging_api().push_message_with_http_info, request, x_line_retry_key=str(retry_key), _preload_content=False
    )
    return _header(response.headers, "x-line-request-id")


def multicast(*, to: list[str], messages: list[dict], retry_key: str) -> str | None:
    """Send the same messages to up to 500 *user* ids (groups cannot be multicast to)."""
    if not to or len(to) > MAX_MULTICAST:
        raise InvalidMessage(f"multicast takes 1..{MAX_MULTICAST} user ids, got {len(to)}")
    request = _build(MulticastRequest, {"to": list(to), "messages": messages})
    response = _call(
        messaging_api().multicast_with_http_info, request, x_line_retry_key=str(retry_key), _preload_content=False
    )
    return _header(response.headers, "x-line-request-id")


def push_messages_by_phone(*, phone_hash: str, messages: list[dict], delivery_tag: str) -> str | None:
    """A LINE notification message to a phone number (PNP: POST /bot/pnp/push).

    `phone_hash` is the E.164 number hashed with SHA-256 (LINE never sees the number itself).
    Only for accounts LINE approved for notification messages; LINE delivers it when the
    number belongs to a LINE user who agreed to such messages, and reports delivery in a
    webhook `delivery` event carrying `delivery_tag`. PNP takes no X-Line-Retry-Key."""
    request = _build(PnpMessagesRequest, {"to": phone_hash, "messages": messages})
    response = _call(
        messaging_api().push_messages_by_phone_with_http_info,
        request,
        x_line_delivery_tag=delivery_tag,
        _preload_content=False,
    )
    return _header(response.headers, "x-line-request-id")


def reply(*, reply_token: str, messages: list[dict]) -> None:
    """Answer with a reply token (free, single use, valid about a minute)."""
    request = _build(ReplyMessageRequest, {"replyToken": reply_token, "messages": messages})
    _call(messaging_api().reply_message_with_http_info, request, _preload_content=False)


def get_content(message_id: str, *, max_bytes: int | None = None) -> bytes:
    """Download the content (image, video, file) a user sent, via the blob API.

    With `max_bytes`, the download is streamed and stops past the limit (ContentTooLarge):
    the declared Content-Length is checked first, and a body that lies is cut off, so a
    huge file never sits in a worker's memory whole."""
    if max_bytes is None:
        data = _call(blob_api().get_message_content, message_id)
        return bytes(data or b"")
    # The SDK reads a body whole even without preloading, so this one call streams through
    # the SDK's own connection pool (same host settings, token and timeouts).
    host = (settings.LINE_DATA_API_BASE or settings.LINE_API_BASE or DATA_API_HOST).rstrip("/")
    url = f"{host}/v2/bot/message/{quote(str(message_id), safe='')}/content"
    pool = _clients()[1].rest_client.pool_manager
    try:
        response = pool.request(
            "GET",
            url,
            headers={"Authorization": f"Bearer {settings.LINE_CHANNEL_ACCESS_TOKEN}"},
            preload_content=False,
            timeout=_timeout(),
            retries=False,
        )
    except (urllib3.exceptions.HTTPError, OSError, TimeoutError) as exc:
        raise _translate(exc) from exc
    try:
        if not 200 <= response.status <= 299:
            body = response.read(2000).decode("utf-8", "replace")
            retryable = response.status >= 500 or response.status == 429
            raise LineError(
                f"LINE {response.status}: {body[:300]}",
                status=response.status,
                body=body,
                request_id=_header(response.headers, "x-line-request-id"),
                retryable=retryable,
            )
        declared = _header(response.headers, "content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise ContentTooLarge(f"LINE content {message_id} is {declared} bytes")
        chunks, size = [], 0
        for chunk in response.stream(64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise ContentTooLarge(f"LINE content {message_id} is over {max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
    except (urllib3.exceptions.HTTPError, OSError, TimeoutError) as exc:
        raise _translate(exc) from exc
    finally:
        response.release_conn()


def get_profile(user_id: str) -> dict:
    """{'displayName', 'userId', 'pictureUrl', 'statusMessage', 'language'} (absent keys omitted)."""
    return _call(messaging_api().get_profile, user_id).to_dict()


def get_group_summary(group_id: str) -> dict:
    """{'groupId', 'groupName', 'pictureUrl'}."""
    return _call(messaging_api().get_group_summary, group_id).to_dict()


def get_group_member_count(group_id: str) -> int:
    """How many people are in the group: LINE bills a push to a group once per member."""
    return int(_call(messaging_api().get_group_member_count, group_id).count)


def get_quota() -> dict:
    """{'type': 'limited'|'none', 'value': monthly limit, 'totalUsage': pushes counted this month}."""
    api = messaging_api()
    quota = _call(api.get_message_quota).to_dict()
    usage = _call(api.get_message_quota_consumption).to_dict()
    quota["totalUsage"] = usage.get("totalUsage", 0)
    return quota


# --- people in groups and rooms ------------------------------------------------------


def get_group_member_profile(group_id: str, user_id: str) -> dict:
    """A group member's {'displayName', 'userId', 'pictureUrl'}: works for members who are not
    friends of the OA (get_profile answers 404 for them)."""
    return _call(messaging_api().get_group_member_profile, group_id, user_id).to_dict()


def get_room_member_profile(room_id: str, user_id: str) -> dict:
    """A multi-person chat member's profile (the room variant of get_group_member_profile)."""
    return _call(messaging_api().get_room_member_profile, room_id, user_id).to_dict()


# --- chat signals --------------------------------------------------------------------

LOADING_MIN_SECONDS, LOADING_MAX_SECONDS = 5, 60


def show_loading_animation(*, chat_id: str, seconds: int = 20) -> None:
    """Show the '…' loading animation in a one-to-one chat (LINE ignores it elsewhere).

    LINE takes 5–60 seconds in steps of 5; the animation ends early when we send a message."""
    seconds = min(max(int(seconds), LOADING_MIN_SECONDS), LOADING_MAX_SECONDS) // 5 * 5
    request = _build(ShowLoadingAnimationRequest, {"chatId": chat_id, "loadingSeconds": seconds})
    _call(messaging_api().show_loading_animation_with_http_info, request, _preload_content=False)


def mark_as_read(*, token: str) -> None:
    """Mark the user's messages up to the event carrying `token` (its markAsReadToken) as read."""
    request = _build(MarkMessagesAsReadByTokenRequest, {"markAsReadToken": token})
    _call(messaging_api().mark_messages_as_read_by_token_with_http_info, request, _preload_content=False)


# --- rich menus ----------------------------------------------------------------------


def create_rich_menu(menu: dict) -> str:
    """Create a rich menu from its JSON definition; returns its richMenuId."""
    return _call(messaging_api().create_rich_menu, _build(RichMenuRequest, menu)).rich_menu_id


def set_rich_menu_image(rich_menu_id: str, image: bytes, content_type: str = "image/png") -> None:
    _call(
        blob_api().set_rich_menu_image_with_http_info,
        rich_menu_id,
        image,
        _headers={"Content-Type": content_type},
        _preload_content=False,
    )


def rich_menu_ids() -> list[str]:
    """The ids of every rich menu the channel has."""
    return [m.rich_menu_id for m in _call(messaging_api().get_rich_menu_list).richmenus or []]


def delete_rich_menu(rich_menu_id: str) -> None:
    _call(messaging_api().delete_rich_menu_with_http_info, rich_menu_id, _preload_content=False)


def set_default_rich_menu(rich_menu_id: str) -> None:
    """The menu every user without a menu of their own sees (the unregistered)."""
    _call(messaging_api().set_default_rich_menu_with_http_info, rich_menu_id, _preload_content=False)


def link_rich_menu(*, user_id: str, rich_menu_id: str) -> None:
    _call(messaging_api().link_rich_menu_id_to_user_with_http_info, user_id, rich_menu_id, _preload_content=False)


def unlink_rich_menu(*, user_id: str) -> None:
    _call(messaging_api().unlink_rich_menu_id_from_user_with_http_info, user_id, _preload_content=False)


# --- LIFF (LINE Login) ---------------------------------------------------------------

LOGIN_API = "https://api.line.me"


def verify_id_token(*, id_token: str, channel_id: str) -> dict:
    """Verify a LIFF ID token with LINE's verify endpoint; returns its claims ('sub' is the user id).

    line-bot-sdk has no LINE Login calls, so this is the one request made with urllib3
    directly — still here, in the one module that talks to LINE. A token LINE refuses
    (expired, wrong channel, forged) raises LineError with status 400."""
    base = (settings.LINE_API_BASE or "").rstrip("/") or LOGIN_API
    try:
        response = _http().request(
            "POST",
            f"{base}/oauth2/v2.1/verify",
            fields={"id_token": id_token, "client_id": channel_id},
            encode_multipart=False,
            timeout=_timeout(),
            retries=False,
        )
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise _translate(exc) from exc
    body = response.data.decode("utf-8", "replace")
    if response.status != 200:
        raise LineError(
            f"LINE {response.status}: {body[:300]}",
            status=response.status,
            body=body,
            retryable=response.status >= 500 or response.status == 429,
        )
    try:
        claims = json.loads(body)
    except ValueError as exc:
        raise LineError(f"Unexpected LINE response: {exc}", body=body[:2000]) from exc
    if not isinstance(claims, dict) or not claims.get("sub"):
        raise LineError("LINE verified a token without a subject", body=body[:2000])
    return claims


@lru_cache(maxsize=1)
def _http() -> urllib3.PoolManager:
    return urllib3.PoolManager(num_pools=2, maxsize=4)
