"""An open LINE conversation is re-authorised at every message: a coordinator moved to another
agency can no longer finish the old agency's rejection or report."""

import pytest

from agencies.models import Coordinator
from complaints.models import Assignment, Photo
from testing.factories import AgencyFactory

from . import events as ev

pytestmark = pytest.mark.django_db


def _move(coordinator):
    Coordinator.objects.filter(pk=coordinator.pk).update(agency=AgencyFactory(code="MOVED", name_th="หน่วยงานใหม่"))


def test_a_moved_coordinator_cannot_finish_a_rejection(dispatched, send, line_stub, coordinator):
    me = ev.user(coordinator.line_user_id)
    send(ev.postback(me, f"action=reject&a={dispatched.pk}"))
    _move(coordinator)
    send(ev.text(me, "ไม่ใช่งานของเรา"))
    assert Assignment.objects.get(pk=dispatched.pk).status == Assignment.Status.DISPATCHED


def test_a_moved_coordinator_cannot_add_result_photos(dispatched, send, line_stub, coordinator):
    me = ev.user(coordinator.line_user_id)
    send(ev.postback(me, f"action=ack&a={dispatched.pk}"))
    send(ev.postback(me, f"action=report&a={dispatched.pk}"))
    _move(coordinator)
    line_stub.add_content("img-x", ev.photo(23))
    send(ev.image(me, "img-x"))
    assert not Photo.objects.filter(assignment=dispatched, stage=Photo.Stage.AFTER).exists()
