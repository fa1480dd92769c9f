"""A member of an agency's bound LINE group who never registered acts under their own
name — recorded as the timeline's actor, never written into a note (notes reach Open311)."""

import pytest

from complaints.models import Assignment, TimelineEntry
from testing.factories import CoordinatorFactory

from . import events as ev
from .test_conversation import last_reply_text

pytestmark = pytest.mark.django_db

GROUP = "C" + "b" * 32
MEMBER = "U" + "e" * 32


@pytest.fixture
def group_member(line_stub, district_office):
    district_office.line_group_id = GROUP
    district_office.save()
    line_stub.member_profiles[(GROUP, MEMBER)] = {"userId": MEMBER, "displayName": "ช่างสมปอง ใจกล้า"}
    line_stub.non_friends.add(MEMBER)  # get_profile answers 404, as LINE does for non-friends
    return ev.group(GROUP, MEMBER)


def test_a_group_member_who_is_not_a_friend_acts_under_their_name_and_no_note_carries_it(
    dispatched, send, line_stub, group_member, client
):
    send(ev.postback(group_member, f"action=ack&a={dispatched.pk}"))
    assignment = Assignment.objects.get(pk=dispatched.pk)
    assert assignment.acknowledged_by_name == "ช่างสมปอง ใจกล้า"
    assert "ช่างสมปอง" in last_reply_text(line_stub)

    send(ev.postback(group_member, f"action=report&a={dispatched.pk}"))
    line_stub.add_content("m-1", ev.photo(7))
    send(ev.image(group_member, "m-1"))
    send(ev.postback(group_member, f"action=safe&a={dispatched.pk}"))
    send(ev.postback(group_member, f"action=done&a={dispatched.pk}"))

    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.RESOLVED
    assert assignment.result_note == ""
    entries = TimelineEntry.objects.filter(assignment=assignment)
    made_safe = entries.get(kind=TimelineEntry.Kind.MADE_SAFE)
    assert made_safe.text == "" and made_safe.actor_name == "ช่างสมปอง ใจกล้า"
    assert made_safe.actor_channel == "line"
    assert not any("ช่างสมปอง" in e.text for e in entries if e.kind != TimelineEntry.Kind.ACKNOWLEDGED)

    body = client.get(f"/open311/v2/requests/{assignment.complaint.reference}.json").content.decode()
    assert "ช่างสมปอง" not in body


def test_a_registered_coordinator_still_acts_as_the_coordinator(dispatched, send, line_stub, district_office):
    person = CoordinatorFactory(agency=district_office, line_user_id="U" + "d" * 32)
    send(ev.postback(ev.user(person.line_user_id), f"action=ack&a={dispatched.pk}"))
    entry = TimelineEntry.objects.get(assignment=dispatched, kind=TimelineEntry.Kind.ACKNOWLEDGED)
    assert entry.actor_coordinator_id == person.pk
