import pytest

from complaints.pii import can_see_pii, mask_name, mask_phone


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("0812345678", "08x-xxx-5678"),
        ("081-234-5678", "08x-xxx-5678"),
        ("+66 81 234 5678", "66x-xxx-5678"),
        ("022345678", "02-xxx-5678"),
        ("1555", "xxxx"),
        ("", ""),
    ],
)
def test_masked_phone_formats(raw, masked):
    assert mask_phone(raw) == masked


def test_masked_name_keeps_only_initials():
    assert mask_name("สมชาย ใจดี") == "ส*** ใ***"
    assert mask_name("") == ""


@pytest.mark.django_db
def test_officer_sees_pii_executive_does_not(officer, executive):
    assert can_see_pii(officer)
    assert not can_see_pii(executive)
