"""What each stored LINE event does: route it to the conversation module that handles it.

``route(event)`` finds what handles one webhook event (a dict as LINE sent it); the
processing task runs it (``Route.run``: True when it did something) in one transaction with
the event's row. Event types we do not handle give None (logged and marked "ignored", never
an error). ``handle_event(event)`` does all of it at once, outside any transaction of its own. The conversation itself lives in
``line_oa/conversation/`` (who is talking, replies, contexts, link codes, postbacks, chat,
media); every state change goes through ``complaints.workflow``.

Who may act: a postback or report about an assignment is accepted from an active
coordinator of the assignment's agency, or from the LINE group bound to that agency (a
group member who is not registered acts as a LINE member Actor under their display name).

Extension hooks (e.g. survey answers over LINE, registered by the reports app in ready())::

    hooks.postback_action("survey", answer)   # answer(*, coordinator, params, event) -> list[dict] | None
    hooks.text_interceptor(intercept)         # intercept(*, coordinator, text) -> list[dict] | None
    hooks.media_interceptor(intercept)        # intercept(*, coordinator, message, in_group) -> list[dict] | None

A registered postback action receives postbacks whose ``action`` is its name (build the data
with ``messages.postback_data(name, **params)``). Text interceptors are asked, in order, about
free text from registered coordinators before it is treated as progress or an inbox message.
Media interceptors are asked the same about a registered coordinator's photos and locations
before they attach to a report (e.g. a field auditor's evidence, audits/chat.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from agencies.models import Coordinator

from . import chat_signals
from .conversation import chat, media, postbacks
from .conversation.sender import Sender

log = logging.getLogger(__name__)


class Hooks:
    """Postback actions and text interceptors of other apps, registered at start-up."""

    def __init__(self):
        self.postback_actions: dict[str, postbacks.PostbackFn] = {}
        self.text_interceptors: list[chat.TextFn] = []
        self.media_interceptors: list[media.MediaFn] = []

    def postback_action(self, name: str, fn: postbacks.PostbackFn) -> None:
        if name in postbacks.BUILT_IN:
            raise ValueError(f"postback action {name!r} is built in")
        self.postback_actions[name] = fn

    def text_interceptor(self, fn: chat.TextFn) -> None:
        if fn not in self.text_interceptors:
            self.text_interceptors.append(fn)

    def media_interceptor(self, fn: media.MediaFn) -> None:
        if fn not in self.media_interceptors:
            self.media_interceptors.append(fn)


hooks = Hooks()

_HANDLERS = {
    "follow": chat.on_follow,
    "unfollow": chat.on_unfollow,
    "join": chat.on_join,
    "leave": chat.on_leave,
    "postback": lambda event, sender: postbacks.on_postback(event, sender, hooks.postback_actions),
}
_MESSAGE_HANDLERS = {
    "text": lambda event, sender: chat.on_text(event, sender, hooks.text_interceptors),
    "image": lambda event, sender: media.on_media(event, sender, hooks.media_interceptors),
    "video": media.on_media,
    "audio": media.on_media,
    "file": media.on_media,
    "location": lambda event, sender: media.on_location(event, sender, hooks.media_interceptors),
}


@dataclass
class Route:
    """One event, its handler and who sent it. `run` is the decision (the processing task runs
    it in one transaction with the event's row); the courtesies around it are not."""

    event: dict
    handler: Callable[[dict, Sender], bool]
    sender: Sender

    def run(self) -> bool:
        return bool(self.handler(self.event, self.sender))

    def finish(self, handled: bool) -> None:
        if handled and self.sender.coordinator is not None:
            chat_signals.mark_read(self.event)  # they see it was read (a setting turns this off)


def route(event: dict) -> Route | None:
    """The event's handler and sender (None for event types we do not handle), after the
    loading animation and the coordinator's last-seen time — outside the decision's transaction."""
    kind = event.get("type")
    handler = _HANDLERS.get(kind)
    if kind == "message":
        handler = _MESSAGE_HANDLERS.get((event.get("message") or {}).get("type"))
    if handler is None:
        log.info("LINE event type %s (%s) not handled", kind, (event.get("message") or {}).get("type", ""))
        return None
    sender = Sender.of(event)
    if kind == "message":
        chat_signals.show_loading(event)  # one-to-one only; photo downloads take a moment
    if sender.coordinator and kind in ("message", "postback"):
        Coordinator.objects.filter(pk=sender.coordinator.pk).update(last_seen_at=timezone.now())
    return Route(event, handler, sender)


def handle_event(event: dict) -> bool:
    found = route(event)
    if found is None:
        return False
    handled = found.run()
    found.finish(handled)
    return handled
