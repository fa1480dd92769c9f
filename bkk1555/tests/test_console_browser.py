"""An officer's night shift in a real browser (Debian's Chromium, 1366×768): from the console's
home to a BEST case waiting for dispatch, its case page, its dispatch. No page scrolls sideways;
screenshots of the home, the intake form and the case page are saved (tmp_path, or
CONSOLE_SCREENSHOT_DIR, e.g. var/screenshots, which git ignores)."""

from pathlib import Path

import pytest

from complaints.models import Assignment
from testing.browser import NEEDS_CHROMIUM, shot, staff_tab
from testing.factories import make_complaint

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"

pytestmark = [
    *NEEDS_CHROMIUM,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def tab(live_server, client, officer, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with staff_tab(live_server, client, officer, height=768) as tab:
        yield tab


def _shot(tab, tmp_path, name: str) -> Path:
    return shot(tab, tmp_path, name, keep_in="CONSOLE_SCREENSHOT_DIR")


def _no_sideways_scroll(page, where: str) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{where} scrolls sideways: {widths}"


def test_officer_dispatches_a_best_case_from_the_home_at_1366(
    tab, live_server, tmp_path, best_category, district_office, coordinator
):
    case = make_complaint(
        category=best_category,
        district=district_office.district,
        complainant_name="สมหญิง รักษ์ถนน",
        address="ถนนพระรามที่ 4 หน้าตลาดสามย่าน ฝั่งขาออก ใกล้ป้ายรถเมล์",
    )

    tab.goto(f"{live_server.url}/admin/")
    queue = tab.locator("#queue-best_waiting")
    assert queue.locator(f"text={case.reference}").count() == 1
    _no_sideways_scroll(tab, "the home")
    _shot(tab, tmp_path, "console-home")

    queue.locator(f"text={case.reference}").click()
    tab.wait_for_load_state()
    assert f"/admin/complaints/complaint/{case.pk}/change/" in tab.url
    _no_sideways_scroll(tab, "the case page")
    _shot(tab, tmp_path, "case-page")

    tab.locator("a.button", has_text="ส่งต่อหน่วยงาน").first.click()
    tab.wait_for_load_state()
    assert "/admin/complaints/complaint/dispatch/" in tab.url
    _no_sideways_scroll(tab, "the dispatch page")
    tab.locator("input[type=submit][value='ส่งต่อ']").click()
    tab.wait_for_load_state()
    assert Assignment.objects.filter(complaint=case, agency=district_office).exists()

    # Back on the case page the dispatch shows; "แก้ไขรายละเอียด" opens the correction form and
    # leaving it unsaved goes back.
    assert f"/admin/complaints/complaint/{case.pk}/change/" in tab.url
    tab.locator("a.case-edit").click()
    tab.wait_for_selector("#intake-map[data-ready='1']")
    assert tab.locator("#id_description").count() == 1
    _no_sideways_scroll(tab, "the correction form")
    tab.locator("a.button", has_text="กลับไปหน้าเรื่อง").click()
    tab.wait_for_load_state()
    assert tab.locator("#case-live").count() == 1 and "?edit" not in tab.url

    tab.goto(f"{live_server.url}/admin/complaints/complaint/add/")
    _no_sideways_scroll(tab, "the intake form")
    _shot(tab, tmp_path, "intake-form")
    assert tab.errors == []


def test_an_open_case_page_shows_the_coordinators_acknowledgement_without_a_reload(
    tab, live_server, officer, best_category, district_office, coordinator
):
    from complaints import workflow

    case = make_complaint(category=best_category, district=district_office.district)
    [assignment] = workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    tab.clock.install()  # the page's 15 s refresh, fast-forwarded
    tab.goto(f"{live_server.url}/admin/complaints/complaint/{case.pk}/change/")
    live = tab.locator("#case-live")
    assert "รับเรื่องโดย" in live.inner_text() and coordinator.name not in live.inner_text()
    tab.evaluate("window.__loaded = 1")  # gone if the page reloads

    workflow.acknowledge(assignment=assignment, by=coordinator)  # in LINE, by the coordinator
    tab.clock.fast_forward(16_000)
    tab.wait_for_function("name => document.querySelector('#case-live').innerText.includes(name)", arg=coordinator.name)
    assert tab.evaluate("window.__loaded") == 1  # the same page, not a reload
    assert tab.errors == []
