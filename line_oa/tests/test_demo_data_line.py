import io

import pytest

from line_oa import demo_data
from line_oa.models import LinkCode, SimulatorMessage

pytestmark = pytest.mark.django_db


def test_the_line_demo_seed_puts_cards_in_the_simulator_and_makes_a_link_code(
    coordinator, officer, best_category, django_capture_on_commit_callbacks
):
    from complaints import workflow
    from testing.factories import CoordinatorFactory, make_complaint

    CoordinatorFactory(agency=coordinator.agency, line_user_id=None, name="ยังไม่ผูก")
    workflow.dispatch(complaint=make_complaint(category=best_category), agencies=[coordinator.agency], by=officer)
    out = io.StringIO()
    demo_data.seed(out)
    assert SimulatorMessage.objects.filter(chat_id=coordinator.line_user_id, message__type="flex").count() == 1
    assert LinkCode.objects.get().coordinator.name == "ยังไม่ผูก"
    assert "link codes" in out.getvalue()
