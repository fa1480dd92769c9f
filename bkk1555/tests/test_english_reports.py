"""English mode is complete on the executives' reports: every report page, rendered in English on
the demo data set, carries no Thai script except data that has no English form (free text typed by
people — survey comments, descriptions, addresses — and names the reference data gives only in Thai)."""

import json
import re

import pytest
from django.conf import settings

from bkk1555.tests.test_no_english import REPORTS, demo  # noqa: F401 - the demo data fixture
from testing.visible_text import visible_text

THAI = re.compile(r"[\u0E00-\u0E7F]+(?:\s+[\u0E00-\u0E7F]+)*")


def thai_data() -> str:
    """Text with no English form, as one blob: what people typed, and names lacking an English field."""
    from agencies.models import Agency
    from complaints.models import Complaint
    from reports.models import SurveyResponse

    texts = list(SurveyResponse.objects.exclude(comment="").values_list("comment", flat=True))
    texts += Complaint.objects.values_list("description", flat=True)
    texts += Complaint.objects.values_list("address", flat=True)
    texts += Agency.objects.filter(name_en="").values_list("name_th", flat=True)
    texts.append("ภาษาไทย")  # the language switch offers Thai by its own name
    return "\n".join(t for t in texts if t)


# The charts' words (axis titles, series, categories) travel in JSON islands that reports.js draws.
ISLAND = re.compile(r'<script id="(?:chart-[\w-]+|map)-data" type="application/json">(.*?)</script>', re.S)


def chart_text(body: str) -> str:
    def strings(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, list):
            for value in node:
                yield from strings(value)

    return " ".join(s for island in ISLAND.findall(body) for s in strings(json.loads(island)))


def thai_on(client, url: str, allowed: str) -> list[str]:
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    body = page.content.decode()
    assert '<html lang="en">' in body, url
    text = visible_text(body) + " " + chart_text(body)
    return [run for run in THAI.findall(text) if run not in allowed]


def _in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.mark.slow
def test_no_thai_on_any_english_report_page(client, demo, executive):  # noqa: F811
    from agencies.models import Agency

    client.force_login(executive)
    _in_english(client)
    allowed = thai_data()
    agency = Agency.objects.exclude(handles_en="").order_by("pk").first()
    urls = [f"/reports/{p}" for p in REPORTS] + [f"/reports/agencies/{agency.pk}/"]
    assert chart_text(client.get("/reports/trends/").content.decode())  # the charts are read too
    found = {url: sorted(set(words)) for url in urls if (words := thai_on(client, url, allowed))}
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


@pytest.mark.slow
def test_english_reports_name_categories_agencies_and_districts_in_english(client, demo, executive):  # noqa: F811
    from agencies.models import Agency, District
    from complaints.models import Category

    client.force_login(executive)
    _in_english(client)
    categories = client.get("/reports/categories/").content.decode()
    assert any(c.name_en in categories for c in Category.objects.exclude(name_en=""))
    assert not any(c.name_th in categories for c in Category.objects.exclude(name_en=""))
    areas = client.get("/reports/areas/").content.decode()
    district = District.objects.order_by("code").first()
    assert district.name_en in areas and district.name_th not in areas
    agency = Agency.objects.get(code="PWD")
    page = client.get(f"/reports/agencies/{agency.pk}/").content.decode()
    assert "<h1>Public Works Department" in page
    assert agency.handles_en in page and agency.handles_th not in page


@pytest.mark.django_db
def test_the_console_header_and_title_follow_the_language(client, officer):
    client.force_login(officer)
    thai = client.get("/admin/").content.decode()
    assert "ศูนย์รับแจ้งทุกข์ 1555 — ระบบส่งต่อเรื่อง" in thai
    _in_english(client)
    english = client.get("/admin/").content.decode()
    assert "1555 Complaint Centre — case dispatch" in english
    assert "| 1555 Complaint Centre</title>" in english
    assert "ระบบส่งต่อเรื่อง" not in english


@pytest.mark.django_db
def test_a_report_page_switches_language_like_the_console(client, executive):
    client.force_login(executive)
    page = client.get("/reports/").content.decode()
    assert 'action="/i18n/setlang/"' in page and 'value="en"' in page and "ภาพรวมประจำเดือน" in page
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/reports/?month=2026-10"})
    assert switched.status_code == 302 and switched["Location"] == "/reports/?month=2026-10"
    english = client.get("/reports/").content.decode()
    assert "Monthly overview" in english and 'value="th"' in english


@pytest.mark.django_db
def test_the_console_names_categories_and_agencies_in_the_readers_language(
    client, officer, best_category, district_office
):
    from complaints import workflow
    from testing.factories import make_complaint

    best_category.name_en = "Damaged or missing drain cover"
    best_category.save(update_fields=["name_en"])
    district_office.name_en = "Phra Nakhon District Office"
    district_office.save(update_fields=["name_en"])
    case = make_complaint(category=best_category, district=district_office.district)
    workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    client.force_login(officer)
    case_page = f"/admin/complaints/complaint/{case.pk}/change/"
    thai = client.get(case_page).content.decode()
    assert best_category.name_th in thai and district_office.name_th in thai
    _in_english(client)
    english = client.get(case_page).content.decode()
    assert "Damaged or missing drain cover" in english and "Phra Nakhon District Office" in english
    # (The Thai name stays in the timeline's notes: history is written once, in Thai.)
    listing = client.get("/admin/complaints/complaint/").content.decode()
    assert "Damaged or missing drain cover" in listing
