"""The intake map in a real browser (Debian's Chromium, Playwright): offline (tiles refused),
the district polygons are still drawn; a click fills latitude, longitude, the district and
the khwaeng (where the khwaeng layer is certain; else the district's khwaeng are offered);
dragging the pin moves the point; a point outside Bangkok is refused in Thai. A screenshot
is saved."""

import pytest
from playwright.sync_api import expect

from testing.browser import NEEDS_CHROMIUM

from .test_intake_map import pathum_wan  # noqa: F401 (the fixture)
from .test_review_browser import _shot, tab  # noqa: F401 (the fixture)

pytestmark = [*NEEDS_CHROMIUM, pytest.mark.django_db(transaction=True)]


def _click_at(page, lat: float, lng: float) -> None:
    point = page.evaluate(
        f"(() => {{ const p = window.intakeMap.latLngToContainerPoint([{lat}, {lng}]); return [p.x, p.y]; }})()"
    )
    page.locator("#intake-map").scroll_into_view_if_needed()
    box = page.locator("#intake-map").bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


def test_a_click_on_the_map_fills_the_point_and_the_district(tab, live_server, pathum_wan, tmp_path):  # noqa: F811
    from agencies.models import District
    from testing.factories import DistrictFactory, SubdistrictFactory

    phaya_thai = District.objects.filter(code="1014").first() or DistrictFactory(code="1014", name_th="เขตพญาไท")
    SubdistrictFactory(district=phaya_thai, code="101401", name_th="สามเสนใน")
    SubdistrictFactory(district=phaya_thai, code="101406", name_th="พญาไท")
    console_errors = []
    tab.on(
        "console",
        lambda m: (
            console_errors.append(m.text)
            if m.type == "error" and "openstreetmap" not in m.location.get("url", "")
            else None
        ),
    )
    tab.goto(f"{live_server.url}/admin/complaints/complaint/add/")
    tab.wait_for_selector("#intake-map[data-ready='1']")
    tab.wait_for_selector("#intake-map[data-polygons='50']")  # drawn with no tiles at all
    assert tab.locator("#intake-map path.leaflet-interactive").count() >= 50
    tab.evaluate("window.intakeMap.setView([13.73, 100.54], 15, {animate: false})")

    _click_at(tab, 13.7300, 100.5400)
    expect(tab.locator("#intake-map-status")).to_contain_text("ปทุมวัน")
    expect(tab.locator("#intake-map-status")).to_contain_text("แขวง ลุมพินี")
    assert abs(float(tab.input_value("#id_lat")) - 13.73) < 0.0005
    assert abs(float(tab.input_value("#id_lng")) - 100.54) < 0.0005
    assert tab.input_value("#id_district") == str(pathum_wan.pk)
    assert tab.locator(".select2-selection__rendered", has_text="เขตปทุมวัน").count() >= 1  # the widget shows it
    assert tab.locator("#id_subdistrict option:checked").inner_text() == "ลุมพินี"  # filled, not asked
    assert tab.locator(".select2-selection__rendered", has_text="ลุมพินี").count() >= 1

    # Drag the pin 60 px east: the coordinates follow.
    before = float(tab.input_value("#id_lng"))
    tab.locator(".intake-pin").scroll_into_view_if_needed()
    pin = tab.locator(".intake-pin").bounding_box()
    x, y = pin["x"] + pin["width"] / 2, pin["y"] + pin["height"] / 2
    tab.mouse.move(x, y)
    tab.mouse.down()
    tab.mouse.move(x + 30, y, steps=5)
    tab.mouse.move(x + 60, y, steps=5)
    tab.mouse.up()
    expect(tab.locator("#id_lng")).not_to_have_value(f"{before:.6f}")
    assert float(tab.input_value("#id_lng")) > before + 0.0003
    _shot(tab, tmp_path, "intake-map")

    # เขตพญาไท: แขวงพญาไท was split off after the khwaeng layer was drawn, so the page asks.
    tab.evaluate("window.intakeMap.setView([13.78, 100.54], 15, {animate: false})")
    _click_at(tab, 13.7800, 100.5400)
    expect(tab.locator("button.intake-khwaeng", has_text="สามเสนใน")).to_be_visible()
    assert tab.locator("button.intake-khwaeng", has_text="พญาไท").count() == 1
    assert tab.input_value("#id_subdistrict") == ""  # nothing guessed
    tab.locator("button.intake-khwaeng", has_text="สามเสนใน").click()
    assert tab.locator("#id_subdistrict option:checked").inner_text() == "สามเสนใน"

    # Outside Bangkok: a Thai refusal, the district stays what it was.
    tab.evaluate("window.intakeMap.setView([13.95, 100.70], 11, {animate: false})")
    _click_at(tab, 14.05, 100.75)
    expect(tab.locator("#intake-map-status")).to_contain_text("นอกเขตกรุงเทพมหานคร")
    assert tab.input_value("#id_district") == str(phaya_thai.pk)
    assert tab.errors == [] and console_errors == []


def test_the_dispatch_pages_agency_filter_works_under_the_csp(tab, live_server, officer, best_category):  # noqa: F811
    from complaints.models import Assignment
    from testing.factories import AgencyFactory, make_complaint

    for code, name in [("MWA", "การประปานครหลวง"), ("NT", "บริษัท โทรคมนาคมแห่งชาติ"), ("DDS", "สำนักการระบายน้ำ")]:
        AgencyFactory(code=code, name_th=name)
    mea = AgencyFactory(code="MEA", name_th="การไฟฟ้านครหลวง")
    case = make_complaint(category=best_category)
    tab.goto(f"{live_server.url}/admin/complaints/complaint/dispatch/?ids={case.pk}")
    items = tab.locator(f"#more-list-{case.pk} li")
    assert items.count() >= 4
    tab.fill(f"#more_{case.pk}", "ไฟฟ้า")
    visible = [li for li in items.all() if li.is_visible()]
    assert [li.inner_text().strip() for li in visible] == ["การไฟฟ้านครหลวง ต้องประสานทางโทรศัพท์/วิทยุ"]
    tab.press(f"#more_{case.pk}", "Enter")  # filters; must not send the form
    assert Assignment.objects.count() == 0
    tab.check(f"#more-list-{case.pk} input[value='{mea.pk}']")
    tab.fill(f"#more_{case.pk}", "ประปา")
    assert tab.locator(f"#more-list-{case.pk} input[value='{mea.pk}']").is_visible()  # ticked stays
    tab.locator("input[type=submit].default").click()
    tab.wait_for_url(f"**/{case.pk}/change/")
    assert list(Assignment.objects.values_list("agency__code", flat=True)) == ["MEA"]
    assert tab.errors == []
