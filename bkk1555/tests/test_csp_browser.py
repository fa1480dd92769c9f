"""Every page works under the Content-Security-Policy in Chromium: no violation reported."""

from pathlib import Path

import pytest

from complaints import workflow
from complaints.workflow import add_photo
from testing.factories import make_complaint
from testing.images import jpeg_bytes

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (apt-get install chromium)"),
]

LISTEN = """() => { window.__csp = []; document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI)); }"""


def _browse(live_server, client, user, paths, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM work is done by now.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    client.force_login(user)
    session = client.cookies["sessionid"].value
    problems = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        context.add_init_script(LISTEN)
        for path in paths:
            tab = context.new_page()
            messages = []
            tab.on("console", lambda m, messages=messages: messages.append(m.text))
            tab.on("pageerror", lambda exc, messages=messages: messages.append(f"pageerror {exc}"))
            response = tab.goto(live_server.url + path, wait_until="load")
            tab.wait_for_timeout(800)  # scripts run, charts and Redoc render, violations get reported
            seen = tab.evaluate("window.__csp || []")
            csp_console = [m for m in messages if "Content Security Policy" in m or "pageerror" in m]
            assert response.status == 200, (path, response.status)
            if seen or csp_console:
                problems[path] = seen + csp_console
            tab.close()
        browser.close()
    return problems


def test_admin_simulator_and_api_docs_have_no_csp_violation(
    live_server, client, settings, officer, coordinator, best_category, monkeypatch
):
    settings.DEMO_MODE = True
    case = make_complaint(category=best_category, district=coordinator.agency.district)
    add_photo(complaint=case, content=jpeg_bytes(seed=4), by=officer)
    workflow.dispatch(complaint=case, agencies=[coordinator.agency], by=officer)
    officer.is_superuser = False
    paths = [
        "/admin/",
        "/admin/complaints/complaint/",
        f"/admin/complaints/complaint/{case.pk}/change/",
        f"/line/simulator/?c={coordinator.pk}",
        "/api/docs/",
        "/api/redoc/",
    ]
    assert _browse(live_server, client, officer, paths, monkeypatch) == {}


def test_reports_have_no_csp_violation(live_server, client, executive, monkeypatch):
    paths = ["/reports/", "/reports/agencies/", "/reports/areas/", "/reports/trends/"]
    assert _browse(live_server, client, executive, paths, monkeypatch) == {}
