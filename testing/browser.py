"""What every browser test shares: Debian's Chromium driven by Playwright, a signed-in staff tab
on the live server (map tiles refused: no internet in tests, like an offline meeting room), and
screenshots kept under tmp_path (copied to a folder when an environment variable names one)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# For a test module: `pytestmark = [*NEEDS_CHROMIUM, ...]`.
NEEDS_CHROMIUM = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (apt-get install chromium)"),
]


@contextlib.contextmanager
def staff_tab(live_server, client, user, *, width: int = 1366, height: int = 900, locale: str = "th-TH"):
    """A Chromium tab signed in as `user` (through the test client's session); `tab.errors` collects
    the page's script errors. Playwright's sync API runs an event loop in this thread: the caller
    sets DJANGO_ALLOW_ASYNC_UNSAFE (monkeypatch) — the ORM work of the test is done in between."""
    from playwright.sync_api import sync_playwright

    client.force_login(user)
    session = client.cookies["sessionid"].value
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        tab = context.new_page()
        tab.errors = []
        tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
        try:
            yield tab
        finally:
            browser.close()


def shot(tab, tmp_path: Path, name: str, *, keep_in: str = "") -> Path:
    """A full-page screenshot; also copied to the folder the environment variable `keep_in` names."""
    path = tmp_path / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    if keep_in and os.environ.get(keep_in):
        target = Path(os.environ[keep_in])
        target.mkdir(parents=True, exist_ok=True)
        (target / path.name).write_bytes(path.read_bytes())
    assert path.stat().st_size > 10_000
    return path
