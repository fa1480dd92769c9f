"""The simulator shows the rich menu LINE would show and opens the report form (LIFF) from it and
from a card's รายงานผล, as the coordinator being played."""

from pathlib import Path

import pytest

from complaints import workflow
from complaints.models import Assignment, Photo
from line_oa import liff
from testing.factories import make_complaint

from . import events as ev

LIFF_ID = "2000000000-Demo1555"


@pytest.fixture
def sim(settings, client, officer):
    settings.DEMO_MODE = True
    settings.LINE_LIFF_ID = LIFF_ID
    client.force_login(officer)
    return client


@pytest.mark.django_db
def test_a_coordinators_chat_shows_the_coordinator_menu_with_the_form_tile(sim, coordinator):
    html = sim.get(f"/line/simulator/?c={coordinator.pk}").content.decode()
    assert 'class="sim-richmenu"' in html and "/line/simulator/richmenu/coordinator.png" in html
    assert "เมนู 1555" in html
    # The tiles LINE would show, in place: the report tile opens the form inside the simulator.
    assert html.count('class="sim-area"') == 4
    assert '<a class="sim-link sim-liff" href="/line/simulator/liff/">รายงานผล</a>' in html
    assert '<input type="hidden" name="text" value="งาน">' in html  # งานของฉัน sends a message, as in LINE
    image = sim.get("/line/simulator/richmenu/coordinator.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png" and image.content[:4] == b"\x89PNG"


@pytest.mark.django_db
def test_no_rich_menu_in_a_group_chat(sim, coordinator):
    agency = coordinator.agency
    agency.line_group_id = "C" + "5" * 32
    agency.save()
    html = sim.get(f"/line/simulator/?c={coordinator.pk}&chat=group").content.decode()
    assert 'class="sim-richmenu"' not in html


@pytest.mark.django_db
def test_the_form_opens_as_the_coordinator_being_played(sim, coordinator, officer, best_category):
    complaint = make_complaint(category=best_category, district=coordinator.agency.district)
    [assignment] = workflow.dispatch(complaint=complaint, agencies=[coordinator.agency], by=officer)
    sim.get(f"/line/simulator/?c={coordinator.pk}")  # playing this coordinator

    opened = sim.get(f"/line/simulator/liff/?a={assignment.pk}")

    assert opened.status_code == 302
    target = opened["Location"]
    assert target.startswith("/line/liff/report/?") and f"a={assignment.pk}" in target
    token = target.split("token=")[1].split("&")[0].replace("%3A", ":")
    assert liff.line_user_for(token) == coordinator.line_user_id
    page = sim.get(target).content.decode()
    assert "liff-standin.js" in page and "vendor/liff/liff.js" not in page  # no LINE behind the demo


@pytest.mark.django_db
def test_the_form_opener_is_for_staff_who_dispatch_only(client, settings, executive, coordinator):
    settings.DEMO_MODE = True
    assert client.get("/line/simulator/liff/").status_code == 302  # to the login page
    client.force_login(executive)
    assert client.get(f"/line/simulator/liff/?c={coordinator.pk}").status_code == 403
    assert client.get("/line/simulator/richmenu/coordinator.png").status_code == 403


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (apt-get install chromium)")
def test_from_the_simulators_rich_menu_to_a_report_in_the_form(
    live_server, settings, client, officer, coordinator, best_category, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.DEMO_MODE = True
    settings.LINE_LIFF_ID = LIFF_ID
    complaint = make_complaint(category=best_category, district=coordinator.agency.district)
    [assignment] = workflow.dispatch(complaint=complaint, agencies=[coordinator.agency], by=officer)
    client.force_login(officer)
    session = client.cookies["sessionid"].value
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        context.grant_permissions(["geolocation"], origin=live_server.url)
        context.set_geolocation({"latitude": float(complaint.lat), "longitude": float(complaint.lng), "accuracy": 8})
        tab = context.new_page()
        errors = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto(f"{live_server.url}/line/simulator/?c={coordinator.pk}")
        tab.click(".sim-richmenu a.sim-liff")  # the menu's รายงานผล tile, where LINE draws it
        tab.wait_for_selector("#picker:not([hidden])")
        assert complaint.reference in tab.inner_text("#picker")
        tab.click(f"#picker-list button:has-text('{complaint.reference}')")
        tab.wait_for_selector("#form:not([hidden])")
        assert f"a={assignment.pk}" in tab.url
        tab.set_input_files(
            "#camera", files=[{"name": "r.jpg", "mimeType": "image/jpeg", "buffer": ev.photo(77, (640, 480))}]
        )
        tab.wait_for_selector("#photos figcaption:text('ส่งแล้ว')")
        tab.click("label[data-step=done]")
        tab.click("#submit")
        tab.wait_for_selector("#status.ok")
        assert errors == []
        browser.close()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.RESOLVED
    assert Photo.objects.filter(assignment=assignment, stage=Photo.Stage.AFTER).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_menus_made_in_the_demos_fake_line_are_the_ones_the_simulator_shows(
    settings, client, live_server, officer, coordinator
):
    from line_oa import richmenu

    settings.DEMO_MODE = True
    settings.LINE_LIFF_ID = LIFF_ID
    settings.LINE_API_BASE = live_server.url + "/line/simulator/api"
    settings.LINE_DATA_API_BASE = ""
    settings.LINE_CHANNEL_ACCESS_TOKEN = "demo-token"

    assert richmenu.sync() == {"guest": "created", "coordinator": "created"}  # what `make demo` runs
    assert richmenu.sync() == {"guest": "kept", "coordinator": "kept"}  # the fake LINE kept them
    client.force_login(officer)
    html = client.get(f"/line/simulator/?c={coordinator.pk}").content.decode()
    held = richmenu.RichMenu.objects.get(audience="coordinator").rich_menu_id
    assert f"/line/simulator/richmenu/{held}.png" in html  # linked to this coordinator by the sync
    assert "ยังไม่ได้สร้างริชเมนู" not in html
    picture = client.get(f"/line/simulator/richmenu/{held}.png")
    assert picture.content == richmenu.image("coordinator")

    richmenu.unlink(coordinator.line_user_id)  # e.g. unfollow: back to the default (guest) menu
    html = client.get(f"/line/simulator/?c={coordinator.pk}").content.decode()
    guest = richmenu.RichMenu.objects.get(audience="guest").rich_menu_id
    assert f"/line/simulator/richmenu/{guest}.png" in html and "tel:1555" in html


@pytest.mark.django_db(transaction=True)
def test_read_marks_and_the_loading_animation_show_in_the_chat(settings, client, live_server, officer, coordinator):
    settings.DEMO_MODE = True
    settings.LINE_API_BASE = live_server.url + "/line/simulator/api"
    settings.LINE_DATA_API_BASE = ""
    settings.LINE_CHANNEL_SECRET = "demo-secret"
    settings.LINE_CHANNEL_ACCESS_TOKEN = "demo-token"
    settings.LINE_MARK_AS_READ = True
    client.force_login(officer)
    base = f"/line/simulator/?c={coordinator.pk}"
    client.post(base, {"op": "text", "text": "สอบถามเรื่องที่ส่งมาครับ"})  # goes to the officers' inbox
    html = client.get(base + "&fragment=1").content.decode()
    assert "✓ อ่านแล้ว" in html
    from line_oa.models import SimulatorMessage

    read = SimulatorMessage.objects.get(chat_id=coordinator.line_user_id, kind="read")
    said = SimulatorMessage.objects.get(chat_id=coordinator.line_user_id, direction="in")
    assert read.pk > said.pk

    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(base, {"op": "photo", "photo": SimpleUploadedFile("p.jpg", ev.photo(5), "image/jpeg")})
    html = client.get(base + "&fragment=1").content.decode()
    assert "⋯ กำลังดำเนินการ" in html  # a photo to download: LINE's loading animation was asked for
