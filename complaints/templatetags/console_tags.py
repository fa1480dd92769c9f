"""Template filters of the dispatch console."""

from django import template

from bkk1555.thaidate import thai_date as _thai_date
from bkk1555.thaidate import thai_datetime as _thai_datetime
from complaints import guard

register = template.Library()


@register.filter
def thai_datetime(value):
    """`24 พ.ย. 2569 09:35` (Buddhist era, Bangkok time)."""
    return _thai_datetime(value)


@register.filter
def in_set(value, container):
    return value in container


@register.filter
def thai_date(value):
    """`24 พ.ย. 2569` (Buddhist era)."""
    return _thai_date(value)


@register.filter
def flag_text(code):
    """A fake-fix flag's explanation, from the guard's one registry."""
    return guard.flag_text(code)


@register.filter
def flag_why(code):
    """Why a fake-fix flag matters (the review page's second line)."""
    return str(guard.FLAG_WHY.get(code, ""))
