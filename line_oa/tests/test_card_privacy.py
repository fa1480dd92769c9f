"""Dispatch cards (read by a whole LINE group) carry no complainant details."""

import json

import pytest

from line_oa.messages import dispatch_card
from testing.factories import make_complaint

pytestmark = pytest.mark.django_db


def test_a_dispatch_card_has_no_phone_or_name(officer, coordinator, best_category):
    from complaints import workflow

    case = make_complaint(
        category=best_category,
        district=coordinator.agency.district,
        complainant_name="นายสมชาย ใจดี",
        description="ฝาท่อหาย ติดต่อคุณสมชาย ๐๘๑-๒๓๔-๕๖๗๘ line id: somchai99",
    )
    [a] = workflow.dispatch(complaint=case, agencies=[coordinator.agency], by=officer)
    text = json.dumps(dispatch_card(a), ensure_ascii=False)
    assert "ฝาท่อหาย" in text
    for secret in ("สมชาย", "๕๖๗๘", "5678", "somchai99", "0812345678"):
        assert secret not in text, secret
