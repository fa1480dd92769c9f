"""The agencies' duties come from the reference data in Thai and English, loaded idempotently."""

import csv

import pytest
from django.utils import translation

from agencies.models import Agency
from agencies.reference_data import DATA, load_agencies
from bkk1555.localized import localized_name

pytestmark = pytest.mark.django_db


def _thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def test_every_reference_row_has_thai_duties_and_english_duties_without_thai():
    with open(DATA / "bma_departments.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        assert _thai(row["handles_th"]), row["code"]
        assert row["handles"] and not _thai(row["handles"]), row["code"]


def test_loading_twice_keeps_one_row_per_agency_with_both_texts(reference_data):
    before = Agency.objects.count()
    load_agencies()
    assert Agency.objects.count() == before
    pwd = Agency.objects.get(code="PWD")
    assert pwd.handles_th.startswith("ถนนสายหลัก") and pwd.handles_en.startswith("Main roads")
    office = Agency.objects.filter(kind=Agency.Kind.DISTRICT_OFFICE).first()
    assert office.handles_th.startswith("หน่วยงานแรก") and office.handles_en.startswith("First responder")
    assert not Agency.objects.filter(handles_th="").exists()


def test_duties_are_shown_in_the_readers_language(reference_data):
    pwd = Agency.objects.get(code="PWD")
    with translation.override("th"):
        assert localized_name(pwd, "handles") == pwd.handles_th
        assert localized_name(pwd) == "สำนักการโยธา"
    with translation.override("en"):
        assert localized_name(pwd, "handles") == pwd.handles_en
        assert localized_name(pwd) == "Public Works Department"
    pwd.name_en = ""
    with translation.override("en"):
        assert localized_name(pwd) == "สำนักการโยธา"  # no English form: the Thai, never a blank
