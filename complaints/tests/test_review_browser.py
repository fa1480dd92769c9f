"""The review queue and the review page in a real browser (Debian's Chromium, driven by
Playwright as reports/tests/test_browser.py does): the flags show, the map draws its
markers, a send-back goes through; screenshots are saved."""

from pathlib import Path

import pytest

from complaints import workflow
from complaints.models import Assignment, Photo
from testing.browser import NEEDS_CHROMIUM, shot, staff_tab
from testing.images import jpeg_bytes

from .test_review_console import distinct_jpeg, resolved

pytestmark = [
    *NEEDS_CHROMIUM,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def cases(officer, coordinator, best_category, district_office):
    flagged = resolved(best_category, district_office, officer, located=False)
    workflow.add_photo(complaint=flagged.complaint, content=jpeg_bytes(seed=3), by=officer, stage=Photo.Stage.BEFORE)
    clean = resolved(best_category, district_office, officer)
    workflow.record_location(
        assignment=clean, by=coordinator, lat=clean.complaint.lat, lng=clean.complaint.lng, since=clean.dispatched_at
    )
    workflow.add_photo(
        complaint=clean.complaint,
        content=distinct_jpeg(),
        by=coordinator,
        stage=Photo.Stage.AFTER,
        assignment=clean,
        lat=clean.complaint.lat,
        lng=clean.complaint.lng,
    )
    return flagged, clean


@pytest.fixture
def tab(live_server, client, officer, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with staff_tab(live_server, client, officer, height=900) as tab:
        yield tab


def _shot(tab, tmp_path, name: str) -> Path:
    return shot(tab, tmp_path, name, keep_in="REVIEW_SCREENSHOT_DIR")


def test_queue_and_review_page_in_chromium(tab, live_server, cases, tmp_path):
    flagged, clean = cases
    tab.goto(f"{live_server.url}/admin/complaints/reviewqueue/")
    assert tab.locator("#result_list tbody tr").count() == 2
    first = tab.locator("#result_list tbody tr").first
    assert flagged.complaint.reference in first.inner_text()  # oldest result first
    assert first.locator(".fake-fix-flag").count() == 1
    _shot(tab, tmp_path, "review-queue")

    tab.click(f"#result_list a:has-text('{clean.complaint.reference}')")
    tab.wait_for_url(f"**/reviewqueue/{clean.pk}/review/")
    tab.wait_for_function("document.getElementById('review-map').dataset.markers !== undefined")
    # the site, two result photos with positions and the shared location
    assert tab.evaluate("document.getElementById('review-map').dataset.markers") == "4"
    assert tab.locator(".leaflet-interactive").count() >= 4
    assert tab.locator("#decision-accept textarea[name='accept-justification']").count() == 0
    assert tab.errors == []
    _shot(tab, tmp_path, "review-page-clean")

    tab.goto(f"{live_server.url}/admin/complaints/reviewqueue/{flagged.pk}/review/")
    assert tab.locator(".review-flags li").count() == 1
    assert tab.locator("#decision-accept textarea[name='accept-justification']").get_attribute("required") is not None
    _shot(tab, tmp_path, "review-page-flagged")
    tab.check("#decision-send-back input[value='no_location']")
    tab.fill("#decision-send-back textarea", "ถ่ายให้เห็นป้ายซอย")
    tab.click("#decision-send-back input[type=submit]")
    tab.wait_for_url("**/admin/complaints/reviewqueue/")
    assert "ส่งกลับ" in tab.locator(".messagelist").inner_text()
    assert tab.locator("#result_list tbody tr").count() == 1
    flagged.refresh_from_db()
    assert flagged.status in (Assignment.Status.IN_PROGRESS, Assignment.Status.MADE_SAFE)
