"""The LIFF report form in a real browser (Debian's Chromium) with a stand-in `liff` object:
a photo taken, the position shared, 'done' chosen — and the case moves."""

from pathlib import Path

import pytest

from complaints import workflow
from complaints.models import Assignment, Photo, TimelineEntry
from testing.factories import make_complaint

from . import events as ev

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (apt-get install chromium)"),
]

STANDIN = """
window.liff = {
  init: function () { return Promise.resolve(); },
  isInClient: function () { return true; },
  isLoggedIn: function () { return true; },
  login: function () { throw new Error("login should not be needed"); },
  getIDToken: function () { return %r; },
  closeWindow: function () { window.closed_by_liff = true; }
};
"""


@pytest.fixture
def tab(live_server, line_stub, settings, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.LINE_LIFF_ID = "1655000000-AbCdEfGh"
    settings.LINE_LOGIN_CHANNEL_ID = line_stub.login_channel_id
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="th-TH", is_mobile=True, has_touch=True
        )
        context.grant_permissions(["geolocation"], origin=live_server.url)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.context_ = context
        yield page
        browser.close()


def test_a_coordinator_reports_done_with_a_photo_and_a_position(
    tab, live_server, line_stub, officer, coordinator, best_category
):
    complaint = make_complaint(category=best_category, district=coordinator.agency.district)
    [assignment] = workflow.dispatch(complaint=complaint, agencies=[coordinator.agency], by=officer)
    token = line_stub.issue_id_token(coordinator.line_user_id)
    # The vendored SDK is replaced by a stand-in that hands out a token LINE (the stub) will verify.
    tab.route(
        "**/static/vendor/liff/liff.js",
        lambda route: route.fulfill(status=200, content_type="application/javascript", body=STANDIN % token),
    )
    tab.context_.set_geolocation({"latitude": float(complaint.lat), "longitude": float(complaint.lng), "accuracy": 12})

    tab.goto(f"{live_server.url}/line/liff/report/?a={assignment.pk}")
    tab.wait_for_selector("#form:not([hidden])")
    assert complaint.reference in tab.inner_text("#case")
    tab.wait_for_function("document.getElementById('position').textContent.includes('±')")
    tab.set_input_files(
        "#camera", files=[{"name": "result.jpg", "mimeType": "image/jpeg", "buffer": ev.photo(42, (640, 480))}]
    )
    tab.wait_for_selector("#photos figcaption:text('ส่งแล้ว')")
    tab.fill("#note", "ปิดฝาท่อเรียบร้อย")
    tab.click("label[data-step=done]")
    tab.click("#submit")
    tab.wait_for_selector("#status.ok")
    assert "แก้ไขเสร็จแล้ว" in tab.inner_text("#status")
    assert tab.errors == []

    a = Assignment.objects.get(pk=assignment.pk)
    assert a.status == Assignment.Status.RESOLVED and a.result_note == "ปิดฝาท่อเรียบร้อย"
    [photo] = Photo.objects.filter(assignment=a, stage=Photo.Stage.AFTER)
    assert photo.lat is not None and photo.flags == []  # taken at the site: the fake-fix guard is content
    assert max(photo.width, photo.height) <= 1600
    where = TimelineEntry.objects.get(assignment=a, kind=TimelineEntry.Kind.LOCATION)
    assert where.data["accuracy_m"] == 12
    # Nothing is left behind on the device once the server confirmed.
    assert tab.evaluate(f"localStorage.getItem('bkk1555-liff-{assignment.pk}')") is None


def test_nothing_typed_is_lost_when_the_connection_drops(
    tab, live_server, line_stub, officer, coordinator, best_category
):
    complaint = make_complaint(category=best_category, district=coordinator.agency.district)
    [assignment] = workflow.dispatch(complaint=complaint, agencies=[coordinator.agency], by=officer)
    token = line_stub.issue_id_token(coordinator.line_user_id)
    tab.route(
        "**/static/vendor/liff/liff.js",
        lambda route: route.fulfill(status=200, content_type="application/javascript", body=STANDIN % token),
    )
    url = f"{live_server.url}/line/liff/report/?a={assignment.pk}"
    tab.goto(url)
    tab.wait_for_selector("#form:not([hidden])")
    tab.fill("#note", "ยังไม่เสร็จ รอรถเครน")
    tab.click("label[data-step=progress]")
    tab.route("**/line/liff/api/report/", lambda route: route.abort())  # the signal is gone
    tab.click("#submit")
    tab.wait_for_selector("#status.error")
    tab.unroute("**/line/liff/api/report/")
    tab.reload()
    tab.wait_for_selector("#form:not([hidden])")
    assert tab.input_value("#note") == "ยังไม่เสร็จ รอรถเครน"
    tab.click("#submit")
    tab.wait_for_selector("#status.ok")
    assert TimelineEntry.objects.filter(assignment=assignment, kind="progress", text="ยังไม่เสร็จ รอรถเครน").count() == 1
