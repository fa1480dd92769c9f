"""The table shape every page and export shares, and the month arithmetic of the reports."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy

from bkk1555.localized import localized

from .metrics import METRICS

MINUTES = gettext_lazy("นาที")
HOURS = gettext_lazy("ชม.")


def _cell_unit() -> re.Pattern:
    """A trailing "(นาที)", "(%)" or "(นาที, เวลาจริง)" — in the reader's language: the unit,
    then whatever else the brackets say."""
    units = "|".join(re.escape(u) for u in {"%", str(MINUTES), str(HOURS)})
    return re.compile(rf"\s*\((?:{units})(?:,\s*)?([^)]*)\)$")


@dataclass
class Column:
    key: str
    header: str
    kind: str = "text"  # text | int | pct | min | num | delta | row (the row's own kind)
    better: str | None = None
    definition: str = ""
    export_only: bool = False  # e.g. the unit of raw numbers; the page formats values with their unit

    @property
    def page_header(self) -> str:
        """The header on the page. Durations and percentages carry their unit in every cell
        ("45 นาที", "4.4 ชม.", "12.5%"), so the header names none; exports keep it (raw numbers)."""
        if self.kind not in ("min", "pct"):
            return self.header
        m = _cell_unit().search(str(self.header))
        if not m:
            return self.header
        rest = m.group(1).strip()
        return str(self.header)[: m.start()] + (f" ({rest})" if rest else "")


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]
    note: str = ""
    links: dict[int, str] = field(default_factory=dict)  # row index -> URL (pages only)

    def page_columns(self) -> list[Column]:
        return [c for c in self.columns if not c.export_only]

    def header_row(self) -> list[str]:
        return [str(c.header) for c in self.columns]

    def value_rows(self) -> list[list]:
        return [[row.get(c.key) for c in self.columns] for row in self.rows]


def metric_column(key: str) -> Column:
    m = METRICS[key]
    header = f"{m.label} ({m.unit})" if m.unit else (f"{m.label} (%)" if m.kind == "pct" else m.label)
    return Column(key, header, m.kind, m.better, m.definition)


def names_of(model, ids) -> dict[int, str]:
    """{pk: name in the reader's language} of these agencies or categories (one query)."""
    rows = model.objects.filter(pk__in=ids).values_list("pk", "name_th", "name_en")
    return {pk: localized(th, en) for pk, th, en in rows}


def shift(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def last_full_month(now: dt.datetime) -> dt.date:
    return shift(timezone.localtime(now).date().replace(day=1), -1)
