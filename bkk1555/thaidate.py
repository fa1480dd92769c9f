"""Dates for people, in one format: Thai month names and the Buddhist-era year (พ.ศ. = ค.ศ. + 543).

`2 ธ.ค. 2569 01:22 น.` in Thai, `2 Dec 2026 01:22` when the reader chose English. Every page,
form, report, LINE text and admin column formats dates through these functions (the templates
through the `thai_date` / `thai_datetime` filters, built in to every template). Date inputs show
and accept the BE year through `bkk1555.dateinput`.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

BE_OFFSET = 543
# A typed year at or above this is Buddhist era (2400 BE = 1857 CE, before any case).
BE_THRESHOLD = 2400
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
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _english() -> bool:
    return (translation.get_language() or "th").startswith("en")


def be_year(value: dt.date | dt.datetime) -> int:
    return value.year + BE_OFFSET


def ce_year(year: int) -> int:
    """A year as typed by a person: 2569 is BE (→ 2026); 2026 stays CE."""
    return year - BE_OFFSET if year >= BE_THRESHOLD else year


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def thai_date(value: dt.date | dt.datetime | None, short: bool = True) -> str:
    """`24 พ.ย. 2569` (short) or `24 พฤศจิกายน 2569`; `24 Nov 2026` in English."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value)
    if _english():
        name = MONTHS_EN[value.month - 1]
        return f"{value.day} {name[:3] if short else name} {value.year}"
    months = MONTHS_TH_SHORT if short else MONTHS_TH
    return f"{value.day} {months[value.month - 1]} {be_year(value)}"


def thai_datetime(value: dt.datetime | None, short: bool = True) -> str:
    """`24 พ.ย. 2569 14:05 น.`; `24 Nov 2026 14:05` in English. A bare date gets no time."""
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.datetime):
        return thai_date(value, short)
    local = _local(value)
    if _english():
        return f"{thai_date(local, short)} {local:%H:%M}"
    return f"{thai_date(local, short)} {local:%H:%M} น."


def thai_time(value: dt.datetime | None) -> str:
    """`14:05 น.` (a time on a page that already says the day)."""
    if value is None:
        return ""
    local = _local(value)
    return f"{local:%H:%M}" if _english() else f"{local:%H:%M} น."


def thai_month(year: int, month: int) -> str:
    """`ตุลาคม 2569` for (2026, 10); `October 2026` in English."""
    if _english():
        return f"{MONTHS_EN[month - 1]} {year}"
    return f"{MONTHS_TH[month - 1]} {year + BE_OFFSET}"
