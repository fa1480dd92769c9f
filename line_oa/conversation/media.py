"""Photos, files and locations sent in a chat: evidence for the open report context."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from complaints import workflow
from complaints.errors import InvalidImage, WorkflowError
from complaints.models import Assignment, Photo
from complaints.photos import MAX_BYTES, NEAR_SITE_METRES

from .. import client, inbox, messages
from ..models import Conversation
from . import context, replies
from .context import Mode

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic")
FILE_MAX_BYTES = 50 * 1024 * 1024

MediaFn = Callable[..., list[dict] | None]


def _intercepted(event, sender, interceptors: Sequence[MediaFn]) -> bool:
    """Another app's claim on a registered coordinator's photo or location (handlers.hooks)."""
    if sender.coordinator is None:
        return False
    for fn in list(interceptors):
        out = fn(coordinator=sender.coordinator, message=event.get("message") or {}, in_group=sender.in_group)
        if out is not None:
            replies.send(event, sender, out)
            return True
    return False


def attach_photo(sender, conv: Conversation, assignment: Assignment, message_id: str) -> str:
    """Download one image and store it as a result photo. Returns a Thai line for the reply."""
    try:
        content = client.get_content(message_id, max_bytes=MAX_BYTES)  # streamed, cut off past the limit
    except client.ContentTooLarge:
        return replies.PHOTO_TOO_LARGE
    except client.LineError as exc:
        if exc.retryable:
            raise  # the event is marked failed; a supervisor can re-process it
        return replies.PHOTO_DOWNLOAD_FAILED
    try:
        photo = workflow.add_photo(
            complaint=assignment.complaint,
            content=content,
            by=sender.actor_for(assignment),
            stage=Photo.Stage.AFTER,
            assignment=assignment,
            lat=conv.lat,
            lng=conv.lng,
        )
    except InvalidImage as exc:
        return replies.photo_refused(exc.message)
    count = workflow.result_photos(assignment).count()  # this round's (after a send-back or reopen)
    return replies.photo_received(assignment, count, needs_location="no_location" in photo.flags)


def _attach_file(sender, assignment: Assignment, message: dict) -> str:
    """Download a video or a PDF sent in a report context and keep it in the case's timeline."""
    name = str(message.get("fileName", ""))
    claimed = "video" if message.get("type") == "video" else ("pdf" if name.lower().endswith(".pdf") else None)
    if claimed is None:
        return replies.FILE_KIND_UNSUPPORTED
    try:
        content = client.get_content(message.get("id"), max_bytes=FILE_MAX_BYTES)
    except client.ContentTooLarge:
        return replies.FILE_TOO_LARGE
    except client.LineError as exc:
        if exc.retryable:
            raise
        return replies.FILE_DOWNLOAD_FAILED
    try:
        workflow.attach_file(
            assignment=assignment, by=sender.actor_for(assignment), kind=claimed, content=content, name=name
        )
    except WorkflowError as exc:
        return exc.message
    return replies.file_received(assignment, claimed)


def on_media(event, sender, interceptors: Sequence[MediaFn] = ()) -> bool:
    message = event.get("message") or {}
    kind = message.get("type")
    if not sender.is_known:
        if not sender.in_group:  # an unbound group's photos and places are not for us
            replies.send(event, sender, replies.t(replies.GREETING))
        return True
    if _intercepted(event, sender, interceptors):
        return True
    if kind in ("video", "audio") or (
        kind == "file" and not str(message.get("fileName", "")).lower().endswith(IMAGE_EXTENSIONS)
    ):
        conv = context.conversation(sender)
        assignment = context.active_assignment(conv, Mode.REPORT, sender)
        if kind != "audio" and assignment is not None and assignment.is_open:
            line = _attach_file(sender, assignment, message)
            context.touch(conv)
            replies.send(event, sender, replies.t(line, messages.report_quick_replies(assignment)))
            return True
        inbox.record_incoming(sender, f"[{kind}] {message.get('fileName', '')} (LINE message id {message.get('id')})")
        replies.send(event, sender, replies.t(replies.FILE_TO_INBOX))
        return True
    conv = context.conversation(sender)
    assignment = context.active_assignment(conv, Mode.REPORT, sender)
    image_set = message.get("imageSet") or {}
    last_of_set = not image_set or image_set.get("index") == image_set.get("total")
    if assignment is None or not assignment.is_open:
        conv.pending_media = [*conv.pending_media, message.get("id")][-20:]
        conv.save(update_fields=["pending_media"])
        if last_of_set:
            replies.send(event, sender, context.choose_case(sender, replies.PHOTO_RECEIVED))
        return True
    line = attach_photo(sender, conv, assignment, message.get("id"))
    context.touch(conv)
    if not last_of_set and line.startswith(replies.PHOTO_RECEIVED_PREFIX):
        return True
    assignment.refresh_from_db()
    replies.send(event, sender, replies.t(line, messages.report_quick_replies(assignment)))
    return True


def on_location(event, sender, interceptors: Sequence[MediaFn] = ()) -> bool:
    message = event.get("message") or {}
    if not sender.is_known:
        if not sender.in_group:
            replies.send(event, sender, replies.t(replies.GREETING))
        return True
    if _intercepted(event, sender, interceptors):
        return True
    try:
        lat = Decimal(str(message["latitude"])).quantize(Decimal("0.000001"))
        lng = Decimal(str(message["longitude"])).quantize(Decimal("0.000001"))
    except (KeyError, ArithmeticError, ValueError):
        replies.send(event, sender, replies.t(replies.LOCATION_INVALID))
        return True
    conv = context.conversation(sender)
    conv.lat, conv.lng = lat, lng
    conv.save(update_fields=["lat", "lng"])
    assignment = context.active_assignment(conv, Mode.REPORT, sender)
    if assignment is None or not assignment.is_open:
        replies.send(event, sender, context.choose_case(sender, replies.LOCATION_RECEIVED))
        return True
    context.touch(conv)
    distance = workflow.record_location(
        assignment=assignment,
        by=sender.actor_for(assignment),
        lat=lat,
        lng=lng,
        address=str(message.get("address") or ""),
        since=conv.started_at,
    )
    body = replies.location_saved(distance, NEAR_SITE_METRES)
    replies.send(event, sender, replies.t(body, messages.report_quick_replies(assignment)))
    return True
