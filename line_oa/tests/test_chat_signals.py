"""Loading animation for slow events in one-to-one chats; read marks once handled."""

import pytest

from line_oa.chat_signals import mark_read, show_loading

from . import events as ev

ME = "U" + "e" * 32


def test_a_photo_in_a_one_to_one_chat_shows_the_loading_animation(line_stub, settings):
    settings.LINE_LOADING_SECONDS = 20
    assert show_loading(ev.image(ev.user(ME)))
    [request] = line_stub.requests_to("/v2/bot/chat/loading/start", valid=True)
    assert request.body == {"chatId": ME, "loadingSeconds": 20}


@pytest.mark.parametrize("event", [ev.text(ev.user(ME), "สวัสดี"), ev.image(ev.group("C" + "f" * 32, ME))])
def test_quick_events_and_groups_get_no_animation(line_stub, event):
    assert not show_loading(event)
    assert line_stub.requests_to("/v2/bot/chat/loading/start") == []


def test_a_handled_message_is_marked_read_unless_the_setting_is_off(line_stub, settings):
    event = ev.text(ev.user(ME), "รับทราบ")
    event["message"]["markAsReadToken"] = "30yhdy232..."
    assert mark_read(event)
    assert line_stub.requests_to("/v2/bot/chat/markAsRead", valid=True)[0].body == {"markAsReadToken": "30yhdy232..."}
    settings.LINE_MARK_AS_READ = False
    assert not mark_read(event)
    assert len(line_stub.requests_to("/v2/bot/chat/markAsRead")) == 1


def test_line_refusing_is_only_logged(line_stub):
    line_stub.fail_next(400)
    event = ev.image(ev.user(ME))
    assert not show_loading(event)
