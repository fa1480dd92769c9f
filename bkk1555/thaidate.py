"""Dates for people: Thai month names and the Buddhist-era year (พ.ศ. = ค.ศ. + 543)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

BE_OFFSET = 543
MONTHS_TH = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_TH_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)


def be_year(value: dt.date | dt.datetime) -> int:
    return value.year + BE_OFFSET


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def thai_date(value: dt.date | dt.datetime | None, short: bool = True) -> str:
    """`24 พ.ย. 2569` (short) or `24 พฤศจิกายน 2569`."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value)
    months = MONTHS_TH_SHORT if short else MONTHS_TH
    return f"{value.day} {months[value.month - 1]} {be_year(value)}"


def thai_datetime(value: dt.datetime | None, short: bool = True) -> str:
    """`24 พ.ย. 2569 14:05 น.`"""
    if value is None:
        return ""
    local = _local(value)
    return f"{thai_date(local, short)} {local:%H:%M} น."


def thai_month(year: int, month: int) -> str:
    """`ตุลาคม 2569` for (2026, 10)."""
    return f"{MONTHS_TH[month - 1]} {year + BE_OFFSET}"
