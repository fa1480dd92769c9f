"""Link-code guessing is limited across all LINE users, and a bound coordinator's guesses count."""

import pytest

from agencies.models import Coordinator
from line_oa.linking import LINK_ATTEMPTS_ALL_USERS_PER_MINUTE
from line_oa.models import LinkAttempt
from testing.factories import CoordinatorFactory

from . import events as ev
from .test_conversation import last_reply_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_coordinator(district_office):
    return CoordinatorFactory(agency=district_office, name="วิชัย มาใหม่", line_user_id=None)


def test_many_accounts_cannot_guess_in_parallel(line_stub, send, new_coordinator, supervisor):  # noqa: F811
    from line_oa.linking import create_code

    LinkAttempt.objects.bulk_create(
        LinkAttempt(line_user_id=f"U{i:032x}", text="ABCD-EFGH") for i in range(LINK_ATTEMPTS_ALL_USERS_PER_MINUTE)
    )
    code = create_code(coordinator=new_coordinator, by=supervisor)
    send(ev.text(ev.user("U" + "9" * 32), code.code))
    assert "หลายครั้งเกินไป" in last_reply_text(line_stub)
    assert Coordinator.objects.get(pk=new_coordinator.pk).line_user_id is None


def test_a_bound_coordinators_wrong_codes_count_and_stop_the_oracle(
    line_stub,
    send,
    coordinator,
    new_coordinator,
    supervisor,  # noqa: F811
):
    from line_oa.linking import create_code

    uid = coordinator.line_user_id
    for _ in range(5):
        send(ev.text(ev.user(uid), "WXYZ-WXYZ"))
    assert LinkAttempt.objects.filter(line_user_id=uid).count() == 5
    code = create_code(coordinator=new_coordinator, by=supervisor)
    send(ev.text(ev.user(uid), code.code))
    # Past the limit the live code is not even looked up: it is plain chat, nothing is bound.
    assert Coordinator.objects.get(pk=new_coordinator.pk).line_user_id is None
    assert Coordinator.objects.get(pk=coordinator.pk).line_user_id == uid
