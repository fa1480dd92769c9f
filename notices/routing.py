"""Which way a notice reaches a complainant, decided from what they gave us.

LINE push when the complaint came from a LINE user of the OA; otherwise a mobile number gets
LINE's notification message by phone (PNP, only where LINE approved the account and the
setting is on) or else an SMS. Numbers are parsed with `phonenumbers`: only mobiles get SMS,
and an extension is never part of the number we send to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from phonenumbers import PhoneNumberType

from complaints.models import Complaint

from .models import Notice

Ch = Notice.Channel
R = Notice.Reason
MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


@dataclass(frozen=True)
class Route:
    channel: str
    to: str = ""
    reason: str = ""


def mobile_e164(phone: str) -> str | None:
    """The number in E.164 (+66812345678) if it is a valid mobile number, else None."""
    raw = (phone or "").strip()
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, "TH")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        return None
    number.extension = None  # an extension is never dialled by SMS
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def pnp_hash(e164: str) -> str:
    """LINE's PNP `to`: the E.164 number hashed with SHA-256 (hex)."""
    return hashlib.sha256(e164.encode()).hexdigest()


def sms_enabled() -> bool:
    return bool(settings.NOTICES_SMS_BACKEND)


def _pnp_refused_before(complaint: Complaint) -> bool:
    """LINE already refused a LINE-by-phone notice of this case for good (notices/fallback.py):
    the next ones go by SMS straight away instead of failing first."""
    if complaint.pk is None:
        return False
    return Notice.objects.filter(complaint=complaint, channel=Ch.PNP, fallback__isnull=False).exists()


def route(complaint: Complaint) -> Route:
    if complaint.no_contact:
        return Route(Ch.NONE, reason=R.NO_CONTACT)
    if complaint.complainant_line_user_id:
        return Route(Ch.LINE, to=complaint.complainant_line_user_id)
    if not (complaint.complainant_phone or "").strip():
        return Route(Ch.NONE, reason=R.NO_NUMBER)
    e164 = mobile_e164(complaint.complainant_phone)
    if e164 is None:
        return Route(Ch.NONE, reason=R.NOT_MOBILE)
    if settings.NOTICES_PNP_ENABLED and not _pnp_refused_before(complaint):
        return Route(Ch.PNP, to=e164)
    if sms_enabled():
        return Route(Ch.SMS, to=e164)
    return Route(Ch.NONE, reason=R.NO_CHANNEL)
