"""Reports that read at a glance: one unit rule for durations, labelled chart axes in one unit each."""

import re

import pytest
import time_machine
from django.urls import reverse

from .dataset import NOW

pytestmark = pytest.mark.django_db

UNIT = re.compile(r"(นาที|ชม\.|วัน|%)$")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _cells(body: str, kind: str, tag: str) -> list[str]:
    found = re.findall(rf'<{tag}[^>]*class="k-{kind}[^"]*"[^>]*>(.*?)</{tag}>', body, re.S)
    return [re.sub(r"<[^>]+>|[▲▼]", "", c).strip() for c in found]


@pytest.mark.parametrize("page", ["overview", "agencies", "categories", "areas", "trends", "channels"])
def test_duration_and_share_cells_carry_their_unit_and_headers_none(client, executive, october, frozen, page):
    client.force_login(executive)
    body = client.get(reverse(f"reports:{page}"), {"month": "2026-10"}).content.decode()
    for kind in ("min", "pct"):
        for header in _cells(body, kind, "th"):
            assert not re.search(r"\((นาที|ชม\.|%)", header), (page, header)
        for value in _cells(body, kind, "td"):
            assert value == "–" or UNIT.search(value), (page, kind, value)


def test_exports_keep_the_unit_in_the_header(october, frozen):
    from reports import facts, tables

    from .dataset import OCT

    facts.refresh()
    header = tables.agency_table(OCT, NOW).header_row()
    assert "เวลารับเรื่อง มัธยฐาน — เวลาจริง (นาที)" in header


@pytest.mark.parametrize("page", ["overview", "agencies", "categories", "trends", "channels", "survey"])
def test_every_chart_names_its_axes_and_minutes_and_hours_never_share_one(client, executive, october, frozen, page):
    client.force_login(executive)
    response = client.get(reverse(f"reports:{page}"), {"month": "2026-10"})
    context = response.context[0].flatten()
    charts = [v for k, v in context.items() if k.endswith("chart") and isinstance(v, dict)]
    assert charts, page
    for chart in charts:
        options = chart["options"]
        assert options.get("category_title") and options.get("value_title"), (page, options)
        units = {}
        for dataset in chart["datasets"]:
            unit = "นาที" if "(นาที" in dataset["label"] else "ชม." if "(ชม." in dataset["label"] else None
            if unit:
                units.setdefault(dataset.get("yAxisID", "y"), set()).add(unit)
        assert all(len(u) == 1 for u in units.values()), (page, units)
        if "y2" in units:
            assert options.get("value2_title")
