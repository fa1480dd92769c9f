"""A small real LINE Messaging API server on loopback, for tests and the simulator.

It implements the endpoints bkk1555 uses — reply, push, multicast, message
content, profile, group summary, quota — and checks every request body with the
SDK's own request models (``PushMessageRequest.from_json`` …) plus a few rules
of LINE's the models do not enforce (postback ``data``, label lengths, quick
reply size, …). An invalid body is recorded with ``valid=False`` and answered
400 like LINE, so a malformed Flex message fails the test that sent it.

It checks the Bearer token, honours ``X-Line-Retry-Key`` like LINE (a key that
was already accepted → 409 with ``x-line-accepted-request-id``; a request that
failed does not consume the key), records requests for assertions, serves
registered content as message content, and can be told to fail::

    stub = LineStub(token="t").start()
    stub.add_content("m1", jpeg_bytes())
    stub.fail_next(500, times=2)        # the next two requests answer 500
    stub.hang_next(3, times=1)          # the next request waits 3 s, then is processed
    stub.pnp_undeliverable.add(hash)    # LINE-by-phone to this hashed number answers 422
    ...
    stub.requests_to("/v2/bot/message/push")
    stub.stop()

From another process: ``python -m testing.line_stub --port 8765 --token t``.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from line_oa.fake_api import (
    OTHER_MODELS,
    REQUEST_MODELS,
    UUID_RE,
    image_size,
    sent_messages,
    validate_other,
    validate_request,
)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: dict | None
    status: int = 0
    valid: bool = True
    error: str = ""
    at: float = field(default_factory=time.time)

    @property
    def retry_key(self) -> str | None:
        return self.headers.get("x-line-retry-key")


@dataclass
class _Fault:
    status: int | None = None
    hang: float = 0.0
    times: int = 1
    path: str | None = None


class LineStub:
    def __init__(self, *, token: str = "stub-token", host: str = "127.0.0.1", port: int = 0):
        self.token = token
        self.requests: list[Recorded] = []
        self.contents: dict[str, tuple[bytes, str]] = {}
        self.profiles: dict[str, dict] = {}
        self.groups: dict[str, dict] = {}
        # Member counts by group id; a group not listed answers 404 (as when the bot is not in it).
        self.group_members: dict[str, int] = {}
        self.quota = {"type": "limited", "value": 15000}
        # LINE users who are not friends of the OA: get_profile answers 404 for them.
        self.non_friends: set[str] = set()
        # (group or room id, user id) → profile; any other member gets a made-up name.
        self.member_profiles: dict[tuple[str, str], dict] = {}
        self.not_members: set[str] = set()
        self.rich_menus: dict[str, dict] = {}
        self.rich_menu_images: dict[str, bytes] = {}
        self.default_rich_menu: str | None = None
        self.user_rich_menus: dict[str, str] = {}
        # LIFF ID tokens the verify endpoint accepts: token → claims ('sub' = LINE user id).
        self.login_channel_id = "1655000000"
        self.id_tokens: dict[str, dict] = {}
        self.quota_usage: int | None = None  # None = count what was pushed
        # PNP: hashed phone numbers LINE cannot deliver to (no LINE account, or the user did not
        # agree to notification messages): /bot/pnp/push answers 422 for them, as LINE does.
        self.pnp_undeliverable: set[str] = set()
        self.used_reply_tokens: set[str] = set()
        self.accepted_keys: dict[str, str] = {}
        self.pushed_count = 0
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # lifecycle
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LineStub:
        self._thread = threading.Thread(target=self._server.serve_forever, name="line-stub", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # programming it
    def add_content(self, message_id: str, content: bytes, content_type: str = "image/jpeg") -> None:
        with self._lock:
            self.contents[message_id] = (content, content_type)

    def fail_next(self, status: int, times: int = 1, path: str | None = None) -> None:
        with self._lock:
            self._faults.append(_Fault(status=status, times=times, path=path))

    def hang_next(self, seconds: float, times: int = 1, path: str | None = None) -> None:
        with self._lock:
            self._faults.append(_Fault(hang=seconds, times=times, path=path))

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._faults.clear()
            self.accepted_keys.clear()
            self.used_reply_tokens.clear()
            self.pushed_count = 0

    def issue_id_token(self, user_id: str, *, name: str = "", expires_in: int = 3600) -> str:
        """An ID token the stub's verify endpoint accepts for `user_id` (what liff.getIDToken() returns)."""
        token = f"stub-id-token-{uuid.uuid4().hex}"
        now = int(time.time())
        claims = {
            "iss": "https://access.line.me",
            "sub": user_id,
            "aud": self.login_channel_id,
            "exp": now + expires_in,
            "iat": now,
            "name": name or f"ผู้ใช้ LINE {user_id[-4:]}",
        }
        with self._lock:
            self.id_tokens[token] = claims
        return token

    # assertions
    def requests_to(self, path: str, *, valid: bool | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path and (valid is None or r.valid == valid)]

    def invalid_requests(self) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if not r.valid]

    def sent_messages(self, to: str | None = None) -> list[dict]:
        """Every message accepted by push, multicast or reply (optionally only those pushed to `to`)."""
        out = []
        with self._lock:
            for r in self.requests:
                if r.status != 200 or r.method != "POST" or r.body is None:
                    continue
                targets = r.body.get("to")
                targets = targets if isinstance(targets, list) else [targets]
                if to is None or to in targets:
                    out += r.body.get("messages", [])
        return out

    # internals
    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.path is None or fault.path == path:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _record(self, rec: Recorded) -> None:
        with self._lock:
            self.requests.append(rec)

    def handle(self, method: str, path: str, headers: dict, raw: bytes) -> tuple[int, dict, bytes | dict]:
        """Answer one request: (status, extra headers, body). Also used by the simulator."""
        rec = Recorded(method=method, path=path, headers=headers, body=None)
        self._record(rec)
        fault = self._take_fault(path)
        if fault and fault.hang:
            time.sleep(fault.hang)
        if fault and fault.status:
            rec.status = fault.status
            return fault.status, {}, {"message": "stub fault injected"}
        if path == "/oauth2/v2.1/verify":  # LINE Login: no channel access token
            status, extra, body = self._verify(raw)
            rec.status = status
            return status, extra, body
        if headers.get("authorization") != f"Bearer {self.token}":
            rec.status = 401
            return (
                401,
                {},
                {
                    "message": "Authentication failed. Confirm that the access token in the authorization header is valid."
                },
            )
        status, extra, body = self._route(method, path, headers, raw, rec)
        rec.status = status
        return status, extra, body

    def _verify(self, raw: bytes):
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        with self._lock:
            claims = self.id_tokens.get(form.get("id_token", ""))
        if not form.get("id_token") or not form.get("client_id"):
            return 400, {}, {"error": "invalid_request", "error_description": "id_token and client_id required"}
        if claims is None:
            return 400, {}, {"error": "invalid_request", "error_description": "Invalid IdToken."}
        if form["client_id"] != claims["aud"]:
            return 400, {}, {"error": "invalid_request", "error_description": "Invalid IdToken Audience."}
        if claims["exp"] < time.time():
            return 400, {}, {"error": "invalid_request", "error_description": "IdToken expired."}
        return 200, {}, claims

    def _profile(self, uid: str, chat: str | None = None):
        if chat is None and uid in self.non_friends:
            return 404, {}, {"message": "Not found"}
        if chat is not None:
            if uid in self.not_members:
                return 404, {}, {"message": "Not found"}
            found = self.member_profiles.get((chat, uid))
            return 200, {}, found or {"userId": uid, "displayName": f"สมาชิก {uid[-4:]}"}
        return (
            200,
            {},
            self.profiles.get(uid) or {"userId": uid, "displayName": f"ผู้ใช้ LINE {uid[-4:]}", "language": "th"},
        )

    def _route_other(self, method, path, headers, raw, rec):
        """Loading animation, mark as read, rich menus. None when the path is not one of them."""
        if method == "POST" and path in OTHER_MODELS:
            payload, error = validate_other(path, raw)
            rec.body = payload
            if error:
                rec.valid, rec.error = False, error
                return 400, {}, {"message": error}
            if path == "/v2/bot/richmenu":
                menu_id = f"richmenu-{uuid.uuid4().hex}"
                with self._lock:
                    self.rich_menus[menu_id] = payload
                return 200, {}, {"richMenuId": menu_id}
            return (202 if path.endswith("loading/start") else 200), {}, {}
        m = re.fullmatch(r"/v2/bot/richmenu/([^/]+)/content", path)
        if m and method == "POST":
            menu = self.rich_menus.get(m.group(1))
            if menu is None:
                return 404, {}, {"message": "Not found"}
            ctype = headers.get("content-type", "")
            size = image_size(raw)
            want = (menu["size"]["width"], menu["size"]["height"])
            problem = None
            if ctype not in ("image/png", "image/jpeg"):
                problem = f"content-type must be image/png or image/jpeg, got {ctype!r}"
            elif len(raw) > 1024 * 1024:
                problem = "the image is larger than 1 MB"
            elif size != want:
                problem = f"the image is {size}, the menu {want}"
            if problem:
                rec.valid, rec.error = False, problem
                return 400, {}, {"message": problem}
            with self._lock:
                if m.group(1) in self.rich_menu_images:
                    return 400, {}, {"message": "An image has already been uploaded to the richmenu"}
                self.rich_menu_images[m.group(1)] = raw
            return 200, {}, {}
        if method == "GET" and path == "/v2/bot/richmenu/list":
            with self._lock:
                menus = [{"richMenuId": k, **v} for k, v in self.rich_menus.items()]
            return 200, {}, {"richmenus": menus}
        m = re.fullmatch(r"/v2/bot/richmenu/([^/]+)", path)
        if m and method == "DELETE":
            with self._lock:
                if self.rich_menus.pop(m.group(1), None) is None:
                    return 404, {}, {"message": "Not found"}
                self.rich_menu_images.pop(m.group(1), None)
            return 200, {}, {}
        m = re.fullmatch(r"/v2/bot/user/([^/]+)/richmenu(?:/([^/]+))?", path)
        if m:
            user, menu_id = m.groups()
            with self._lock:
                if method == "POST" and menu_id:
                    if menu_id not in self.rich_menus or menu_id not in self.rich_menu_images:
                        return 400, {}, {"message": "richmenu not found or has no image"}
                    if user == "all":
                        self.default_rich_menu = menu_id
                    else:
                        self.user_rich_menus[user] = menu_id
                    return 200, {}, {}
                if method == "DELETE" and not menu_id:
                    self.user_rich_menus.pop(user, None)
                    return 200, {}, {}
        return None

    def _route(self, method, path, headers, raw, rec):
        other = self._route_other(method, path, headers, raw, rec)
        if other is not None:
            return other
        if method == "POST" and path in REQUEST_MODELS:
            payload, error = validate_request(path, raw)
            rec.body = payload
            if error:
                rec.valid, rec.error = False, error
                return 400, {}, {"message": error}
            request_id = str(uuid.uuid4())
            if path == "/v2/bot/message/reply":
                token = payload.get("replyToken")
                with self._lock:
                    if token in self.used_reply_tokens:
                        return 400, {"x-line-request-id": request_id}, {"message": "Invalid reply token"}
                    self.used_reply_tokens.add(token)
                return 200, {"x-line-request-id": request_id}, {"sentMessages": sent_messages(payload)}
            if path == "/bot/pnp/push" and payload.get("to") in self.pnp_undeliverable:
                return 422, {"x-line-request-id": request_id}, {"message": "Failed to send messages"}
            key = headers.get("x-line-retry-key")
            if key is not None and not UUID_RE.match(key):
                rec.valid, rec.error = False, "X-Line-Retry-Key must be a UUID"
                return 400, {}, {"message": "The retry key is invalid"}
            with self._lock:
                if key and key in self.accepted_keys:
                    return (
                        409,
                        {"x-line-request-id": request_id, "x-line-accepted-request-id": self.accepted_keys[key]},
                        {"message": "The retry key is already accepted", "sentMessages": sent_messages(payload)},
                    )
                if key:
                    self.accepted_keys[key] = request_id
                targets = payload["to"] if isinstance(payload["to"], list) else [payload["to"]]
                self.pushed_count += len(targets)
            body = {"sentMessages": sent_messages(payload)} if path.endswith("push") else {}
            return 200, {"x-line-request-id": request_id}, body
        if method == "GET":
            m = re.fullmatch(r"/v2/bot/message/([^/]+)/content", path)
            if m:
                with self._lock:
                    found = self.contents.get(m.group(1))
                if not found:
                    return 404, {}, {"message": "Not found"}
                return 200, {"content-type": found[1]}, found[0]
            m = re.fullmatch(r"/v2/bot/profile/([^/]+)", path)
            if m:
                return self._profile(m.group(1))
            m = re.fullmatch(r"/v2/bot/(?:group|room)/([^/]+)/member/([^/]+)", path)
            if m:
                return self._profile(m.group(2), m.group(1))
            m = re.fullmatch(r"/v2/bot/group/([^/]+)/members/count", path)
            if m:
                with self._lock:
                    count = self.group_members.get(m.group(1))
                if count is None:
                    return 404, {}, {"message": "Not found"}
                return 200, {}, {"count": count}
            m = re.fullmatch(r"/v2/bot/group/([^/]+)/summary", path)
            if m:
                gid = m.group(1)
                return 200, {}, self.groups.get(gid) or {"groupId": gid, "groupName": f"กลุ่ม {gid[-4:]}"}
            if path == "/v2/bot/message/quota":
                return 200, {}, self.quota
            if path == "/v2/bot/message/quota/consumption":
                with self._lock:
                    used = self.pushed_count if self.quota_usage is None else self.quota_usage
                    return 200, {}, {"totalUsage": used}
        return 404, {}, {"message": "Not found"}

    def _handler_class(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def _serve(self):
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                path = self.path.split("?", 1)[0]
                status, extra, body = stub.handle(self.command, path, headers, raw)
                if isinstance(body, bytes):
                    data = body
                    ctype = extra.pop("content-type", "application/octet-stream")
                else:
                    data = json.dumps(body, ensure_ascii=False).encode()
                    ctype = "application/json"
                try:
                    self.send_response(status)
                    self.send_header("content-type", ctype)
                    self.send_header("content-length", str(len(data)))
                    for k, v in extra.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout), like a real hang

            do_GET = do_POST = do_DELETE = _serve

        return Handler


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Stub LINE Messaging API on loopback")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--token", default="stub-token")
    args = parser.parse_args(argv)
    stub = LineStub(token=args.token, host=args.host, port=args.port).start()
    print(f"LINE stub listening on {stub.url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        stub.stop()


if __name__ == "__main__":
    main()
