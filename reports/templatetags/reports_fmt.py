"""Formatting of report values for people: units in the reader's language, a dash for "no data"."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

DASH = "–"


def minutes(value) -> str:
    if value is None:
        return DASH
    if value < 90:
        return _("%(n)s นาที") % {"n": f"{value:,.0f}"}
    if value < 48 * 60:
        return _("%(n)s ชม.") % {"n": f"{value / 60:,.1f}"}
    return _("%(n)s วัน") % {"n": f"{value / 1440:,.1f}"}


def fmt(value, kind: str) -> str:
    if value is None or value == "":
        return DASH if kind != "text" else ""
    if kind == "int":
        return f"{value:,}"
    if kind == "pct":
        return f"{value:,.1f}%"
    if kind == "min":
        return minutes(value)
    if kind == "num":
        return f"{value:,.2f}"
    return str(value)


@register.filter
def fmt_kind(value, kind):
    return fmt(value, kind)


@register.simple_tag
def cell(row: dict, column) -> str:
    """One table cell: formatted by the column's kind (or the row's, for the overview)."""
    value = row.get(column.key)
    kind = column.kind
    if kind == "row":
        return fmt(value, row.get("kind", "text"))
    if kind == "delta":
        if value is None:
            return DASH
        unit = " " + _("จุด") if row.get("kind") == "pct" else "%"
        better = row.get("better")
        css = ""
        if better and value:
            css = "good" if (value > 0) == (better == "up") else "bad"
        arrow = "▲" if value > 0 else ("▼" if value < 0 else "")
        return format_html('<span class="delta {}">{} {}{}</span>', css, arrow, f"{value:+,.1f}", unit)
    return fmt(value, kind)


@register.simple_tag
def change(metric, value, prev) -> str:
    """A KPI card's change against the previous month."""
    if value is None or prev is None:
        return ""
    if metric.kind == "pct":
        diff, unit = value - prev, " " + _("จุด")
    elif prev:
        diff, unit = 100.0 * (value - prev) / prev, "%"
    else:
        return ""
    css = ""
    if metric.better and diff:
        css = "good" if (diff > 0) == (metric.better == "up") else "bad"
    arrow = "▲" if diff > 0 else ("▼" if diff < 0 else "")
    text = _("%(change)s จากเดือนก่อน") % {"change": f"{diff:+,.1f}{unit}"}
    return format_html('<span class="delta {}">{} {}</span>', css, arrow, text)
