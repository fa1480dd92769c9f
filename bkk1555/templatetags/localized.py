"""`{{ category|localized_name }}`, `{{ agency|localized_name:"handles" }}`: the reader's language
(a builtin library, see TEMPLATES in settings)."""

from django import template

from bkk1555 import localized as loc

register = template.Library()


@register.filter
def localized_name(obj, field="name"):
    return loc.localized_name(obj, field)
