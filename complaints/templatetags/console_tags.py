"""Template filters of the dispatch console."""

from django import template

from complaints import guard

register = template.Library()


@register.filter
def in_set(value, container):
    return value in container


@register.filter
def flag_text(code):
    """A fake-fix flag's explanation, from the guard's one registry."""
    return guard.flag_text(code)


@register.filter
def flag_why(code):
    """Why a fake-fix flag matters (the review page's second line)."""
    return str(guard.FLAG_WHY.get(code, ""))
