"""The date filters every template has (a builtin library, see TEMPLATES in settings):
`{{ value|thai_datetime }}`, `{{ value|thai_date }}`, `{{ value|thai_time }}`."""

from django import template

from bkk1555 import thaidate

register = template.Library()


@register.filter
def thai_datetime(value):
    """`2 ธ.ค. 2569 01:22 น.` (Buddhist era, Bangkok time); `2 Dec 2026 01:22` in English."""
    return thaidate.thai_datetime(value)


@register.filter
def thai_date(value):
    """`2 ธ.ค. 2569`; `2 Dec 2026` in English."""
    return thaidate.thai_date(value)


@register.filter
def thai_time(value):
    """`01:22 น.`"""
    return thaidate.thai_time(value)


@register.filter
def thai_month(value):
    """`ตุลาคม 2569` for any date in the month; `October 2026` in English."""
    return thaidate.thai_month(value.year, value.month) if value else ""
