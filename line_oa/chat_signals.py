"""Small signals to the person in a one-to-one chat: 'working on it' and 'read'.

- ``show_loading(event)``: the loading animation while an event that takes more than a
  moment is processed (a photo or file to download from LINE). LINE shows it in one-to-one
  chats only and ends it when our answer arrives.
- ``mark_read(event)``: mark the coordinator's message read (its ``markAsReadToken``) once it
  has been handled, so they see the centre got it. Off with LINE_MARK_AS_READ=false where the
  OA's chat mode does not allow it.

Both are courtesies: a LINE error is logged and never fails the event.
"""

from __future__ import annotations

import logging

from django.conf import settings

from . import client

log = logging.getLogger(__name__)
SLOW_MESSAGES = {"image", "video", "audio", "file"}


def show_loading(event: dict) -> bool:
    """Start the loading animation for a slow event from a user's one-to-one chat. Returns whether it was asked."""
    source = event.get("source") or {}
    message = event.get("message") or {}
    if event.get("type") != "message" or source.get("type") != "user" or message.get("type") not in SLOW_MESSAGES:
        return False
    try:
        client.show_loading_animation(chat_id=source["userId"], seconds=settings.LINE_LOADING_SECONDS)
    except (client.LineError, KeyError) as exc:
        log.info("Loading animation not shown: %s", exc)
        return False
    return True


def mark_read(event: dict) -> bool:
    """Mark the event's message read, if the setting allows and LINE gave a token. Returns whether it was."""
    token = (event.get("message") or {}).get("markAsReadToken") or (event.get("postback") or {}).get("markAsReadToken")
    if not settings.LINE_MARK_AS_READ or not token:
        return False
    try:
        client.mark_as_read(token=token)
    except client.LineError as exc:
        log.info("Message not marked read: %s", exc)
        return False
    return True
