"""A small ThaiBulkSMS-like gateway on loopback, for the notices tests.

Answers ``POST /sms`` (HTTP Basic auth, form fields msisdn/message/sender/force) like the
gateway's API v2, records every request, and can be told to answer 429/500 or hang::

    stub = SmsStub().start()
    stub.fail_next(500, times=2)
    stub.hang_next(3)
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class SmsStub:
    def __init__(self, *, key: str = "k", secret: str = "s"):
        self.auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.requests: list[dict] = []
        self.accepted: list[dict] = []
        self._faults: list[list] = []  # [status or None, hang seconds, times]
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SmsStub:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, status: int, times: int = 1) -> None:
        with self._lock:
            self._faults.append([status, 0.0, times])

    def hang_next(self, seconds: float, times: int = 1) -> None:
        with self._lock:
            self._faults.append([None, seconds, times])

    def _fault(self):
        with self._lock:
            if not self._faults:
                return None
            fault = self._faults[0]
            fault[2] -= 1
            if fault[2] <= 0:
                self._faults.pop(0)
            return fault

    def _answer(self, headers: dict, raw: bytes) -> tuple[int, dict]:
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        with self._lock:
            self.requests.append({"form": form, "headers": headers})
        fault = self._fault()
        if fault and fault[1]:
            time.sleep(fault[1])
        if fault and fault[0]:
            return fault[0], {"error": {"code": fault[0], "name": "STUB", "description": "stub fault injected"}}
        if headers.get("authorization") != self.auth:
            return 401, {"error": {"code": 401, "name": "UNAUTHORIZED", "description": "bad key"}}
        msisdn = form.get("msisdn", "")
        if not msisdn.startswith("66") or not form.get("message"):
            return 400, {"error": {"code": 400, "name": "BAD_REQUEST", "description": "msisdn and message required"}}
        units = len(form["message"].encode("utf-16-le")) // 2
        credit = 1 if units <= 70 else -(-units // 67)
        with self._lock:
            self.accepted.append(form)
        return 201, {
            "remaining_credit": 1000,
            "total_use_credit": credit,
            "credit_type": form.get("force", "standard"),
            "phone_number_list": [{"number": msisdn, "message_id": uuid.uuid4().hex, "used_credit": credit}],
            "bad_phone_number_list": [],
        }

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, body = stub._answer(headers, raw) if self.path == "/sms" else (404, {})
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (timeout tests)

        return Handler
