"""Group members act under their own names, friends of the OA or not."""

import pytest

from line_oa import client
from line_oa.profiles import display_name_for

from . import events as ev

GROUP = "C" + "a" * 32
ROOM = "R" + "b" * 32
MEMBER = "U" + "c" * 32


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


def test_a_group_member_who_is_not_a_friend_is_named_through_the_member_profile(line_stub):
    line_stub.non_friends.add(MEMBER)
    line_stub.member_profiles[(GROUP, MEMBER)] = {"userId": MEMBER, "displayName": "ช่างสมชาย"}
    with pytest.raises(client.LineError) as exc:
        client.get_profile(MEMBER)
    assert exc.value.status == 404
    assert display_name_for(ev.group(GROUP, MEMBER)) == "ช่างสมชาย"
    assert line_stub.requests_to(f"/v2/bot/group/{GROUP}/member/{MEMBER}")


def test_a_room_member_is_named_through_the_room_member_profile(line_stub):
    line_stub.non_friends.add(MEMBER)
    line_stub.member_profiles[(ROOM, MEMBER)] = {"userId": MEMBER, "displayName": "หัวหน้าเขต"}
    assert display_name_for({"type": "room", "roomId": ROOM, "userId": MEMBER}) == "หัวหน้าเขต"


def test_a_one_to_one_user_is_named_through_get_profile_and_names_are_cached(line_stub):
    line_stub.profiles[MEMBER] = {"userId": MEMBER, "displayName": "คุณแดง"}
    assert display_name_for(ev.user(MEMBER)) == "คุณแดง"
    assert display_name_for(ev.user(MEMBER)) == "คุณแดง"
    assert len(line_stub.requests_to(f"/v2/bot/profile/{MEMBER}")) == 1


def test_a_member_who_left_falls_back_to_the_friend_profile_then_to_nothing(line_stub):
    line_stub.not_members.add(MEMBER)
    line_stub.profiles[MEMBER] = {"userId": MEMBER, "displayName": "เพื่อน OA"}
    assert display_name_for(ev.group(GROUP, MEMBER)) == "เพื่อน OA"
    from django.core.cache import cache

    cache.clear()
    line_stub.non_friends.add(MEMBER)
    assert display_name_for(ev.group(GROUP, MEMBER)) == ""
    assert display_name_for(ev.group(GROUP)) == ""  # LINE left the user out


def test_loading_animation_and_mark_as_read_reach_the_stub_as_valid_bodies(line_stub):
    client.show_loading_animation(chat_id=MEMBER, seconds=33)
    client.mark_as_read(token="nz0x74mZT2mRn")
    [loading] = line_stub.requests_to("/v2/bot/chat/loading/start", valid=True)
    assert loading.body == {"chatId": MEMBER, "loadingSeconds": 30}
    assert line_stub.requests_to("/v2/bot/chat/markAsRead", valid=True)[0].body == {"markAsReadToken": "nz0x74mZT2mRn"}


def test_the_stub_refuses_a_loading_animation_for_a_group(line_stub):
    with pytest.raises(client.LineError) as exc:
        client.show_loading_animation(chat_id=GROUP)
    assert exc.value.status == 400


def test_a_liff_id_token_is_verified_by_line(line_stub):
    token = line_stub.issue_id_token(MEMBER)
    claims = client.verify_id_token(id_token=token, channel_id=line_stub.login_channel_id)
    assert claims["sub"] == MEMBER
    for bad, channel in (("forged", line_stub.login_channel_id), (token, "999")):
        with pytest.raises(client.LineError) as exc:
            client.verify_id_token(id_token=bad, channel_id=channel)
        assert exc.value.status == 400 and not exc.value.retryable
    expired = line_stub.issue_id_token(MEMBER, expires_in=-1)
    with pytest.raises(client.LineError):
        client.verify_id_token(id_token=expired, channel_id=line_stub.login_channel_id)
