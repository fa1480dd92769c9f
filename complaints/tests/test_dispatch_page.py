"""The dispatch page tells the officer the category's advice in Thai (English in English mode),
suggests the category's escalation agencies, and filters the other agencies as they type."""

import pytest
from django.urls import reverse

from complaints.models import Category
from complaints.reference_data import load_categories
from testing.factories import AgencyFactory, CategoryFactory, make_complaint

pytestmark = pytest.mark.django_db

DISPATCH = "admin:complaints_complaint_dispatch"


def test_every_category_with_advice_has_it_in_thai_from_the_reference_data(reference_data):
    rows = list(Category.objects.exclude(advice_en="").values_list("code", "advice_th"))
    assert len(rows) >= 20
    assert all(th and any("\u0e00" <= ch <= "\u0e7f" for ch in th) for _code, th in rows)
    tree = Category.objects.get(code="FALLEN_TREE")
    assert "กฟน." in tree.advice_th and "MEA" in tree.advice_en
    assert set(tree.escalation_agencies.values_list("code", flat=True)) == {"FRD", "ENV", "MEA", "RTP_TRAFFIC"}


def test_loading_the_categories_twice_changes_nothing(reference_data):
    before = list(Category.objects.order_by("code").values("code", "advice_th", "advice_en", "duplicate_radius_m"))
    load_categories()
    after = list(Category.objects.order_by("code").values("code", "advice_th", "advice_en", "duplicate_radius_m"))
    assert before == after and Category.objects.count() == len(before)


@pytest.fixture
def tree_case(db):
    category = CategoryFactory(
        best=True,
        code="FALLEN_TREE",
        advice_th="หากล้มพาดสายไฟ ให้แจ้ง กฟน. ก่อนตัด",
        advice_en="If it lies on power lines, call MEA before cutting.",
    )
    category.escalation_agencies.add(AgencyFactory(code="MEA", name_th="การไฟฟ้านครหลวง"))
    return make_complaint(category=category)


def test_the_dispatch_page_shows_the_advice_in_thai(client, officer, tree_case):
    client.force_login(officer)
    html = client.get(reverse(DISPATCH) + f"?ids={tree_case.pk}").content.decode()
    assert "คำแนะนำสำหรับเรื่องประเภทนี้" in html and "หากล้มพาดสายไฟ ให้แจ้ง กฟน. ก่อนตัด" in html
    assert "call MEA before cutting" not in html
    assert "admin-console/agency-filter.js" in html and "<script>" not in html  # no inline script: CSP


def test_the_dispatch_page_shows_the_advice_in_english_in_english_mode(client, officer, tree_case):
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    html = client.get(reverse(DISPATCH) + f"?ids={tree_case.pk}").content.decode()
    assert "If it lies on power lines, call MEA before cutting." in html


def test_a_non_best_case_offers_the_escalation_agencies_unticked(client, officer):
    category = CategoryFactory(code="TREE_TRIMMING", advice_th="กิ่งไม้ที่แตะสายไฟต้องให้ กฟน. ดำเนินการ")
    mea = AgencyFactory(code="MEA", name_th="การไฟฟ้านครหลวง")
    category.escalation_agencies.add(mea)
    client.force_login(officer)
    html = client.get(reverse(DISPATCH) + f"?ids={make_complaint(category=category).pk}").content.decode()
    section = html.split("หน่วยงานที่ประสานเพิ่มเติมตามประเภทเรื่อง")[1].split("</ul>")[0]
    assert f'value="{mea.pk}"' in section and f'value="{mea.pk}" checked' not in section
