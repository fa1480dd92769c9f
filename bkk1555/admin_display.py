"""The admin shows dates in the project's one format (Buddhist era) and yes/no in words.

Django's own formats cannot print a BE year, so the admin's two display helpers are wrapped
(changelist cells and read-only fields call them by the names imported into `admin_list` and
`helpers`), and the admin's default form fields for dates become the BE inputs of
`bkk1555.dateinput`. The yes/no icons say "ใช่"/"ไม่ใช่" to a screen reader, not "True"/"False".
Installed once from `Bkk1555Config.ready()`, after the admin registry is full.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import admin
from django.contrib.admin import helpers, options, utils
from django.contrib.admin.templatetags import admin_list
from django.db import models
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext

from . import dateinput, thaidate

_display_for_field = utils.display_for_field
_display_for_value = utils.display_for_value

DATE_FORM_FIELDS = {
    models.DateTimeField: {"form_class": dateinput.BESplitDateTimeField, "widget": dateinput.BESplitDateTimeWidget},
    models.DateField: {"form_class": dateinput.BEDateField, "widget": dateinput.BEDateInput},
}


def display_for_field(value, field, empty_value_display, avoid_link=False):
    if isinstance(field, models.DateField) and not field.flatchoices and value is not None:
        return thaidate.thai_datetime(value)  # a DateTimeField is a DateField; a bare date gets no time
    if isinstance(field, models.JSONField) and value not in (None, "", [], {}):
        # Machine data (a LINE message, a payload): shown as code, readable, not as prose.
        return format_html('<pre class="machine">{}</pre>', json.dumps(value, ensure_ascii=False, indent=1))
    return _display_for_field(value, field, empty_value_display, avoid_link=avoid_link)


def display_for_value(value, empty_value_display, boolean=False):
    if not boolean and isinstance(value, dt.date):
        return thaidate.thai_datetime(value)
    return _display_for_value(value, empty_value_display, boolean)


def boolean_icon(value):
    """Django's yes/no/unknown icon, its alt text in the reader's language (Django's own msgids)."""
    name, words = {True: ("yes", "Yes"), False: ("no", "No"), None: ("unknown", "Unknown")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), gettext(words))


def install() -> None:
    admin_list._boolean_icon = boolean_icon  # helpers and utils import it from there when called
    for module in (utils, admin_list, helpers):
        if hasattr(module, "display_for_field"):
            module.display_for_field = display_for_field
        if hasattr(module, "display_for_value"):
            module.display_for_value = display_for_value
    # Inline admins copy these defaults when each request builds them; the registered
    # ModelAdmins copied them at registration, before this app's ready(), so they get them too.
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS.update(DATE_FORM_FIELDS)
    # (No admin here declares its own formfield_overrides for dates; one that did would lose them.)
    for model_admin in admin.site._registry.values():
        model_admin.formfield_overrides.update(DATE_FORM_FIELDS)
