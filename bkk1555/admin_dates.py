"""The admin shows and takes dates in the project's one format (Buddhist era).

Django's own formats cannot print a BE year, so the admin's two display helpers are wrapped
(changelist cells and read-only fields call them by the names imported into `admin_list` and
`helpers`), and the admin's default form fields for dates become the BE inputs of
`bkk1555.dateinput`. Installed once from `Bkk1555Config.ready()`, after the admin registry is full.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.contrib.admin import helpers, options, utils
from django.contrib.admin.templatetags import admin_list
from django.db import models

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
    return _display_for_field(value, field, empty_value_display, avoid_link=avoid_link)


def display_for_value(value, empty_value_display, boolean=False):
    if not boolean and isinstance(value, dt.date):
        return thaidate.thai_datetime(value)
    return _display_for_value(value, empty_value_display, boolean)


def install() -> None:
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
