"""One date format for people: the BE year in Thai, on every page, in every input."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from bkk1555 import dateinput, thaidate
from complaints import workflow
from complaints.models import Complaint
from testing.factories import make_complaint

AT = dt.datetime(2026, 12, 2, 1, 22, tzinfo=dt.timezone(dt.timedelta(hours=7)))
# Django's own formats: "2 ธันวาคม 2026, 1:23", "02/12/2026", "2026-12-02", "Dec. 2, 2026".
FOREIGN_DATES = re.compile(
    r"\b\d{1,2} \S+ 20\d\d\b|\b\d{1,2}/\d{1,2}/20\d\d\b|\b20\d\d-\d\d-\d\d\b|\w+\. \d{1,2}, 20\d\d"
)


def test_one_format_in_thai_and_in_english():
    assert thaidate.thai_datetime(AT) == "2 ธ.ค. 2569 01:22 น."
    assert thaidate.thai_date(AT) == "2 ธ.ค. 2569"
    assert thaidate.thai_datetime(AT.date()) == "2 ธ.ค. 2569"
    assert thaidate.thai_month(2026, 12) == "ธันวาคม 2569"
    with translation.override("en"):
        assert thaidate.thai_datetime(AT) == "2 Dec 2026 01:22"
        assert thaidate.thai_month(2026, 12) == "December 2026"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("02/12/2569", dt.date(2026, 12, 2)),
        ("2/12/2569", dt.date(2026, 12, 2)),
        ("02.12.2569", dt.date(2026, 12, 2)),
        ("02/12/2026", dt.date(2026, 12, 2)),  # clearly CE as typed
        ("2026-12-02", dt.date(2026, 12, 2)),  # ISO, from old links
    ],
)
def test_date_inputs_take_the_be_year_and_a_ce_year_as_typed(typed, expected):
    assert dateinput.parse_date(typed) == expected


@pytest.mark.parametrize("typed", ["31/02/2569", "2/12/69", "call me", ""])
def test_a_date_that_is_no_date_is_refused_in_thai(typed):
    field = dateinput.BEDateField()
    with pytest.raises(Exception, match="ปี พ.ศ.|required|จำเป็น|ต้องกรอก"):
        field.clean(typed)


def test_the_date_input_shows_the_be_year():
    assert 'value="02/12/2569"' in dateinput.BEDateInput().render("d", AT.date())


@pytest.mark.django_db
def test_the_intake_form_shows_and_takes_the_be_year(client, officer, best_category, district_office):
    client.force_login(officer)
    add = reverse("admin:complaints_complaint_add")
    html = client.get(add).content.decode()
    this_year = timezone.localdate().year + 543
    assert re.search(rf'name="received_at_0" value="\d\d/\d\d/{this_year}"', html)
    today = timezone.localdate()
    client.post(
        add,
        {
            "channel": "phone",
            "category": best_category.pk,
            "description": "ฝาท่อหาย",
            "address": "ถนนพระราม 4",
            "district": district_office.district.pk,
            "lat": "13.730000",
            "lng": "100.540000",
            "received_at_0": f"{today.day:02d}/{today.month:02d}/{today.year + 543}",
            "received_at_1": "00:01",
            "complainant_name": "สมหญิง",
            "complainant_phone": "0899999999",
        },
    )
    case = Complaint.objects.get()
    assert timezone.localtime(case.received_at).date() == today


@pytest.mark.django_db
def test_console_list_case_page_and_timeline_read_be_dates_only(client, officer, best_category, district_office):
    case = make_complaint(category=best_category, district=district_office.district)
    workflow.dispatch(complaint=case, agencies=[district_office], by=officer)
    client.force_login(officer)
    be = str(timezone.localdate().year + 543)
    for url, has_dates in (
        (reverse("admin:complaints_complaint_changelist"), True),
        (reverse("admin:complaints_complaint_change", args=[case.pk]), True),
        (reverse("admin:line_oa_outboxmessage_changelist"), False),
        (reverse("admin:complaints_reminder_changelist"), False),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        text = _visible(page.content.decode())
        assert (be in text) == has_dates, url
        assert not FOREIGN_DATES.findall(text), (url, FOREIGN_DATES.findall(text))


@pytest.mark.django_db
def test_the_received_filter_takes_be_dates(client, officer, normal_category):
    old = make_complaint(category=normal_category, received_at=timezone.now() - dt.timedelta(days=40))
    new = make_complaint(category=normal_category)
    client.force_login(officer)
    cut = timezone.localdate() - dt.timedelta(days=7)
    html = client.get(
        reverse("admin:complaints_complaint_changelist"), {"received_from": dateinput.format_input(cut)}
    ).content.decode()
    assert new.reference in html and old.reference not in html
    assert f'value="{dateinput.format_input(cut)}"' in html


def _visible(html: str) -> str:
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    return re.sub(r"(?s)<[^>]+>", " ", html)
