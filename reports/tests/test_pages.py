"""The pages through the test client: who may see them, what they show, what they never show."""

import csv
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from reports import facts, tables

from .dataset import NOW, OCT

pytestmark = pytest.mark.django_db

PAGES = ["overview", "agencies", "categories", "areas", "trends", "channels", "outcomes", "survey"]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_the_admin_login(client, page):
    response = client.get(reverse(f"reports:{page}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("page", PAGES)
def test_officer_without_the_reports_permission_is_refused(client, officer, page):
    client.force_login(officer)
    assert client.get(reverse(f"reports:{page}")).status_code == 403


def test_officer_cannot_download_exports_either(client, officer):
    client.force_login(officer)
    assert client.get(reverse("reports:export", args=["agencies", "csv"])).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_executive_sees_every_page(client, executive, october, frozen, page):
    client.force_login(executive)
    response = client.get(reverse(f"reports:{page}"), {"month": "2026-10"})
    assert response.status_code == 200
    assert "ตุลาคม 2569" in response.content.decode()


def test_supervisor_sees_the_reports(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("reports:overview")).status_code == 200


def test_default_month_is_the_last_full_month(client, executive, frozen):
    client.force_login(executive)
    body = client.get(reverse("reports:overview")).content.decode()
    assert '<option value="2026-10" selected>ตุลาคม 2569</option>' in body


def test_a_month_in_the_future_or_garbage_falls_back_to_the_last_full_month(client, executive, frozen):
    client.force_login(executive)
    for value in ("2027-01", "abc", "2026-13"):
        body = client.get(reverse("reports:overview"), {"month": value}).content.decode()
        assert '<option value="2026-10" selected>' in body


def test_overview_shows_figures_definitions_and_the_clock_used(client, executive, october, frozen):
    client.force_login(executive)
    body = client.get(reverse("reports:overview"), {"month": "2026-10"}).content.decode()
    assert "60.0%" in body  # BEST share and acknowledge SLA
    assert "22 นาที" in body  # median acknowledge time (22.5)
    assert "เวลาราชการ" in body and "เวลาจริง" in body
    assert "เรื่อง BEST ÷ เรื่องที่รับทั้งหมดในเดือน" in body
    assert "กันยายน 2569" in body and "ตุลาคม 2568" in body


def test_pages_never_show_complainants_personal_data(client, executive, october, frozen):
    client.force_login(executive)
    urls = [reverse(f"reports:{p}") for p in PAGES] + [reverse("reports:agency", args=[october.line_agency.pk])]
    for url in urls:
        body = client.get(url, {"month": "2026-10"}).content.decode()
        assert "สมชาย" not in body and "0812345678" not in body and "ถนนพระราม 4" not in body, url


def test_agency_drill_down_lists_its_slowest_open_case(client, executive, october, frozen):
    client.force_login(executive)
    body = client.get(reverse("reports:agency", args=[october.line_agency.pk]), {"month": "2026-10"}).content.decode()
    assert october.c5.reference in body
    assert "สำนักงานเขตพระนคร" in body


def test_agency_table_sorts_by_the_chosen_column(client, executive, october, frozen):
    client.force_login(executive)
    body = client.get(
        reverse("reports:agencies"), {"month": "2026-10", "sort": "ack_p50", "dir": "asc"}
    ).content.decode()
    first, second = body.index("สำนักงานเขตพระนคร"), body.index("สำนักการระบายน้ำ")
    assert first < second


def test_overview_query_count_does_not_grow_with_the_data(
    client, executive, october, frozen, django_assert_max_num_queries
):
    client.force_login(executive)
    client.get(reverse("reports:overview"), {"month": "2026-10"})  # facts built
    with django_assert_max_num_queries(30):
        client.get(reverse("reports:overview"), {"month": "2026-10"})


def _csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


EXPORT_KEYS = [
    "overview",
    "agencies",
    "categories",
    "districts",
    "zones",
    "trends",
    "channels",
    "channels_best",
    "channels_normal",
    "line_vs_rest",
    "survey",
    "review_trends",
    "review_agencies",
    "review_categories",
    "planned_fixes",
]


@pytest.mark.parametrize("key", EXPORT_KEYS)
def test_every_table_exports_as_csv_and_xlsx_with_thai_headers(client, executive, october, frozen, key):
    client.force_login(executive)
    url = reverse("reports:export", args=[key, "csv"])
    response = client.get(url, {"month": "2026-10"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in "".join(rows[0]))  # Thai header
    xlsx = client.get(reverse("reports:export", args=[key, "xlsx"]), {"month": "2026-10"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]] == rows[0]
    assert sheet.max_row - 2 == len(rows) - 1


def test_agency_export_matches_the_page(client, executive, october, frozen):
    client.force_login(executive)
    rows = _csv_rows(client.get(reverse("reports:export", args=["agencies", "csv"]), {"month": "2026-10"}))
    header, data = rows[0], rows[1:]
    facts.refresh()
    table = tables.agency_table(OCT, NOW)
    assert header == table.header_row()
    assert [r[0] for r in data] == [r["name"] for r in table.rows]
    line = next(r for r in data if r[0] == "สำนักงานเขตพระนคร")
    assert line[header.index("การส่งต่อหน่วยงาน")] == "3"
    assert line[header.index("รับเรื่องทันกำหนด (%)")] == "66.7"
    page = client.get(reverse("reports:agencies"), {"month": "2026-10"}).content.decode()
    assert "66.7%" in page


def test_overview_xlsx_holds_the_same_numbers_as_the_page(client, executive, october, frozen):
    client.force_login(executive)
    xlsx = client.get(reverse("reports:export", args=["overview", "xlsx"]), {"month": "2026-10"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert "ตุลาคม 2569" in sheet["A1"].value
    values = {row[0]: row[2] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert values["เรื่องที่รับ"] == 5
    assert values["สัดส่วนเรื่อง BEST"] == 60.0
    assert values["เวลารับเรื่อง มัธยฐาน — เวลาจริง"] == 22.5


def test_agency_exports_need_an_existing_agency(client, executive, frozen):
    client.force_login(executive)
    assert client.get(reverse("reports:export", args=["agency_open", "csv"]), {"agency": "x"}).status_code == 404
    assert client.get(reverse("reports:export", args=["agency_open", "csv"]), {"agency": "999"}).status_code == 404


def test_unknown_export_or_format_is_not_found(client, executive):
    client.force_login(executive)
    assert client.get(reverse("reports:export", args=["complaints", "csv"])).status_code == 404
    assert client.get(reverse("reports:export", args=["agencies", "pdf"])).status_code == 404


def test_district_geometry_is_served_for_the_map(client, executive):
    client.force_login(executive)
    response = client.get(reverse("reports:districts_geojson"))
    assert response.status_code == 200
    assert b"FeatureCollection" in response.content


def test_a_later_change_shows_on_the_next_page_view(client, executive, officer, october, frozen):
    from complaints import workflow

    from .dataset import at

    client.force_login(executive)
    url = reverse("reports:agencies")
    assert "66.7%" in client.get(url, {"month": "2026-10"}).content.decode()
    workflow.acknowledge(assignment=october.c5.assignments.get(), by=officer, at=at(2026, 10, 20, 8, 15))
    body = client.get(url, {"month": "2026-10"}).content.decode()
    assert "100.0%" in body  # the LINE district office: C1, C4 and now C5 within 15 min


def test_an_absurd_year_in_the_month_picker_falls_back_instead_of_failing(client, executive, frozen):
    client.force_login(executive)
    assert client.get("/reports/?month=99999999999999999999-01").status_code == 200


def test_exported_free_text_cannot_become_a_spreadsheet_formula():
    from reports.exports import _cell

    assert _cell('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert _cell("-5 ดีมาก") == "'-5 ดีมาก"
    assert _cell("ดีมาก") == "ดีมาก" and _cell(-5) == -5 and _cell(None) == ""
