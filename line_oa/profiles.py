"""Who a LINE user is, by name, in the chat they wrote from.

``get_profile`` answers 404 for anyone who is not a friend of the OA — often the case
for members of an agency's LINE group, who then acknowledged work "โดย -". In a group
or a multi-person chat the member-profile calls work for every member, friend or not.
Names are cached for a few minutes: a busy group would otherwise cost a call per message.
"""

from __future__ import annotations

import logging

from django.core.cache import cache

from . import client

log = logging.getLogger(__name__)
CACHE_SECONDS = 600


def _lookup(source: dict, user_id: str) -> str:
    kind = source.get("type")
    if kind == "group" and source.get("groupId"):
        return client.get_group_member_profile(source["groupId"], user_id).get("displayName", "")
    if kind == "room" and source.get("roomId"):
        return client.get_room_member_profile(source["roomId"], user_id).get("displayName", "")
    return client.get_profile(user_id).get("displayName", "")


def display_name_for(source: dict) -> str:
    """The LINE display name of the event's sender (``event["source"]``), or "" when LINE cannot say."""
    user_id = (source or {}).get("userId") or ""
    if not user_id:
        return ""  # LINE omits the user in groups when they have not agreed to share it
    chat = source.get("groupId") or source.get("roomId") or user_id
    key = f"line_oa:name:{chat}:{user_id}"
    name = cache.get(key)
    if name:
        return name
    try:
        name = _lookup(source, user_id)
    except client.LineError as exc:
        name = ""
        if source.get("type") in ("group", "room"):
            # Left the group since (404 for the member call): a friend still has a profile.
            try:
                name = client.get_profile(user_id).get("displayName", "")
            except client.LineError:
                log.info("No LINE name for %s in %s (%s)", user_id, chat, exc)
    if name:
        cache.set(key, name[:200], CACHE_SECONDS)
    return name[:200]
