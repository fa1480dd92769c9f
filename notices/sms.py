"""SMS gateways behind one small interface (NOTICES_SMS_BACKEND), the one place notices send SMS.

- ``console``: writes the SMS to the log and reports it sent (the demo lists it on its notices
  page); nothing leaves the machine.
- ``thaibulksms``: ThaiBulkSMS API v2, ``POST {THAIBULKSMS_API_BASE}/sms`` with HTTP Basic auth
  (API key and secret from the ThaiBulkSMS developer console), form fields ``msisdn``,
  ``message``, ``sender``, ``force`` (``standard`` or ``corporate`` credit). A 2xx answer lists
  ``phone_number_list`` (``number``, ``message_id``, ``used_credit``) and
  ``bad_phone_number_list``; an error answers ``{"error": {"code", "name", "description"}}``.

Errors: ``SmsError`` with ``retryable`` (429, 5xx, no connection) and ``ambiguous`` (the request
went out and no answer came back: the gateway may have sent it). The gateway has no
idempotency key, so an ambiguous send is not retried automatically — a second SMS to a citizen
is worse than a supervisor resending one that was really lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import requests
from django.conf import settings

from .texts import sms_credits

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmsResult:
    provider_ref: str
    credits: int


class SmsError(Exception):
    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False, ambiguous: bool = False):
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.ambiguous = ambiguous


class ConsoleBackend:
    name = "console"

    def send(self, *, to: str, text: str, ref: str) -> SmsResult:
        log.info("SMS (console backend, not sent) to %s…: %s", to[:6], text)
        return SmsResult(provider_ref=f"console-{ref}", credits=sms_credits(text))


class ThaiBulkSmsBackend:
    name = "thaibulksms"

    def __init__(self, session: requests.Session | None = None):
        self.session = session or requests.Session()

    def send(self, *, to: str, text: str, ref: str) -> SmsResult:
        msisdn = to.lstrip("+")  # 66812345678: the gateway's documented form
        data = {"msisdn": msisdn, "message": text, "force": settings.THAIBULKSMS_FORCE}
        if settings.THAIBULKSMS_SENDER:
            data["sender"] = settings.THAIBULKSMS_SENDER
        timeout = settings.NOTICES_SMS_TIMEOUT_SECONDS
        try:
            response = self.session.post(
                settings.THAIBULKSMS_API_BASE.rstrip("/") + "/sms",
                data=data,
                auth=(settings.THAIBULKSMS_API_KEY, settings.THAIBULKSMS_API_SECRET),
                headers={"Accept": "application/json"},
                timeout=(min(timeout, 5.0), timeout),
            )
        except requests.ConnectTimeout as exc:
            raise SmsError(f"SMS gateway unreachable: {exc}", retryable=True) from exc
        except requests.ConnectionError as exc:
            # Refused or reset before an answer: the usual case is "never arrived", but a reset
            # after the body was sent is indistinguishable — only a refused connect is safe.
            refused = "refused" in str(exc).lower() or "failed to establish" in str(exc).lower()
            raise SmsError(f"SMS gateway connection error: {exc}", retryable=refused, ambiguous=not refused) from exc
        except requests.Timeout as exc:
            raise SmsError(f"SMS gateway did not answer in {timeout}s", ambiguous=True) from exc
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = {}
        if status >= 300:
            error = body.get("error") if isinstance(body, dict) else None
            detail = (error or {}).get("description") or response.text[:300]
            raise SmsError(f"SMS gateway {status}: {detail}", status=status, retryable=status == 429 or status >= 500)
        good = body.get("phone_number_list") or []
        if not good:
            bad = body.get("bad_phone_number_list") or []
            raise SmsError(f"SMS gateway refused the number: {bad}", status=status)
        first = good[0]
        return SmsResult(
            provider_ref=str(first.get("message_id", ""))[:100],
            credits=int(first.get("used_credit") or sms_credits(text)),
        )


BACKENDS = {"console": ConsoleBackend, "thaibulksms": ThaiBulkSmsBackend}


def backend():
    name = settings.NOTICES_SMS_BACKEND
    if name not in BACKENDS:
        raise SmsError(f"No SMS backend {name!r}; set NOTICES_SMS_BACKEND to one of {sorted(BACKENDS)}")
    return BACKENDS[name]()
