"""The pages in a real browser (Debian's Chromium): charts are drawn, the map loads, screenshots are saved."""

from pathlib import Path

import pytest

from testing.browser import NEEDS_CHROMIUM, shot, staff_tab

pytestmark = NEEDS_CHROMIUM

DRAWN_PIXELS = """(id) => {
  const c = document.getElementById(id);
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) n++; }
  return n;
}"""


@pytest.fixture
def page(live_server, client, executive, october, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with staff_tab(live_server, client, executive, height=900) as tab:
        yield tab


def _shot(tab, tmp_path, name: str) -> Path:
    return shot(tab, tmp_path, name, keep_in="REPORTS_SCREENSHOT_DIR")


def test_overview_draws_its_chart_in_chromium(page, live_server, tmp_path):
    page.goto(f"{live_server.url}/reports/?month=2026-10")
    assert page.title().startswith("ภาพรวม — ตุลาคม 2569")
    page.wait_for_function("window.bkkCharts && window.bkkCharts.length > 0")
    assert page.evaluate("window.bkkCharts.length") == 1
    assert page.evaluate(DRAWN_PIXELS, "chart-sla") > 1000
    assert page.locator("#table-overview tbody tr").count() == 23
    assert page.errors == []
    _shot(page, tmp_path, "overview")


def test_agency_table_and_its_chart_in_chromium(page, live_server, tmp_path):
    page.goto(f"{live_server.url}/reports/agencies/?month=2026-10")
    page.wait_for_function("window.bkkCharts && window.bkkCharts.length > 0")
    assert page.evaluate(DRAWN_PIXELS, "chart-agencies") > 1000
    assert page.locator("#table-agencies tbody tr").count() == 4
    page.click("text=เวลารับเรื่อง มัธยฐาน — เวลาจริง")
    page.wait_for_load_state()
    assert "sort=ack_p50" in page.url
    assert page.errors == []
    _shot(page, tmp_path, "agencies")


def test_area_map_draws_the_districts_without_internet(page, live_server, tmp_path):
    page.goto(f"{live_server.url}/reports/areas/?month=2026-10")
    page.wait_for_selector(".leaflet-overlay-pane canvas, .leaflet-overlay-pane svg path")
    assert page.evaluate("typeof window.bkkMap") == "object"
    assert page.locator("#table-districts tbody tr").count() == 2
    assert page.errors == []
    _shot(page, tmp_path, "areas")


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("path", ["", "agencies/", "channels/", "trends/"])
def test_report_pages_never_scroll_sideways(page, live_server, width, path):
    """Wide tables scroll inside their card; the page itself never does, on a phone or a laptop."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/reports/{path}?month=2026-10")
    page.wait_for_load_state()
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (path, width, widths)
    picker = page.locator(".month-picker select").bounding_box()
    assert picker["x"] >= 0 and picker["x"] + picker["width"] <= width
