import pytest
from django.conf import settings


@pytest.mark.django_db
def test_console_opens_in_thai_even_when_the_browser_asks_for_english(client, officer):
    client.force_login(officer)
    r = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert r.status_code == 200
    assert r.headers["Content-Language"] == "th"
    assert "ภาษาไทย" not in r.content.decode()  # the switch offers English
    assert ">English</button>" in r.content.decode()


@pytest.mark.django_db
def test_choosing_english_switches_the_console_and_back(client, officer):
    client.force_login(officer)
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert r.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    r = client.get("/admin/")
    assert r.headers["Content-Language"] == "en"
    assert "ภาษาไทย</button>" in r.content.decode()
    client.post("/i18n/setlang/", {"language": "th", "next": "/admin/"})
    assert client.get("/admin/").headers["Content-Language"] == "th"


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_thai(client, officer):
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get("/admin/").headers["Content-Language"] == "th"


@pytest.mark.django_db
def test_home_sends_executives_to_reports_and_officers_to_the_console(client, officer, executive):
    client.force_login(executive)
    assert client.get("/").url == "/reports/"
    client.force_login(officer)
    assert client.get("/").url == "/admin/"
    client.logout()
    assert client.get("/").url == "/admin/"


@pytest.mark.django_db
def test_the_admin_header_links_to_reports_only_for_those_who_may_read_them(client, officer, supervisor):
    client.force_login(supervisor)
    assert 'href="/reports/"' in client.get("/admin/").content.decode()
    client.force_login(officer)
    assert 'href="/reports/"' not in client.get("/admin/").content.decode()
