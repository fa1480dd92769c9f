import datetime as dt

from django import template

from bkk1555.thaidate import thai_date, thai_datetime

register = template.Library()


@register.filter
def when(value) -> str:
    """A date or a moment for people: Buddhist-era year, Bangkok time."""
    if isinstance(value, dt.datetime):
        return thai_datetime(value)
    if isinstance(value, dt.date):
        return thai_date(value)
    return ""
