"""The dispatch card's buttons, and postback actions other apps register (e.g. the survey)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import parse_qsl

from complaints import workflow
from complaints.errors import WorkflowError
from complaints.models import Assignment

from .. import client, messages
from . import context, media, replies
from .context import Mode

log = logging.getLogger(__name__)

PostbackFn = Callable[..., list[dict] | None]


def act_ack(event, sender, assignment: Assignment):
    done = workflow.acknowledge(assignment=assignment, by=sender.actor_for(assignment))
    ref = assignment.complaint.reference
    button = messages.qr_postback("รายงานผล", messages.postback_data("report", assignment.pk), f"รายงานผล {ref}")
    return replies.send(event, sender, replies.t(replies.acknowledged(done), [button]))


def act_report(event, sender, assignment: Assignment):
    if not workflow.allowed("report", assignment):
        return replies.send(event, sender, replies.t(replies.nothing_to_report(assignment)))
    conv = context.conversation(sender)
    context.open_context(conv, Mode.REPORT, assignment)
    out = []
    pending = list(conv.pending_media)
    if pending:
        # Photos sent before the case was chosen. If LINE cannot hand one over now, keep it
        # (and the rest) pending rather than lose it: the next รายงานผล attaches it.
        results, left = [], []
        for message_id in pending:
            if left:
                left.append(message_id)
                continue
            try:
                results.append(media.attach_photo(sender, conv, assignment, message_id))
            except client.LineError:
                left.append(message_id)
        conv.pending_media = left
        conv.save(update_fields=["pending_media"])
        if left:
            results.append(replies.pending_photos_left(len(left)))
        out.append(messages.text("\n".join(results)))
    out.append(messages.text(replies.report_opened(assignment), messages.report_quick_replies(assignment)))
    return replies.send(event, sender, out)


def act_reject(event, sender, assignment: Assignment):
    if not workflow.allowed("reject", assignment):
        return replies.send(event, sender, replies.t(replies.cannot_reject(assignment)))
    conv = context.conversation(sender)
    context.open_context(conv, Mode.REJECT, assignment)
    reasons = [messages.qr_message(r) for r in messages.REJECT_REASONS]
    return replies.send(event, sender, replies.t(replies.ask_reject_reason(assignment), reasons))


def act_safe(event, sender, assignment: Assignment):
    workflow.mark_made_safe(assignment=assignment, by=sender.actor_for(assignment))
    assignment.refresh_from_db()
    return replies.send(
        event, sender, replies.t(replies.made_safe(assignment), messages.report_quick_replies(assignment))
    )


def act_done(event, sender, assignment: Assignment):
    conv = context.conversation(sender)
    workflow.resolve(assignment=assignment, by=sender.actor_for(assignment))
    if conv.assignment_id == assignment.pk:
        context.close_context(conv)
    return replies.send(event, sender, replies.t(replies.resolved(assignment)))


BUILT_IN: dict[str, Callable] = {
    "ack": act_ack,
    "report": act_report,
    "reject": act_reject,
    "safe": act_safe,
    "done": act_done,
}


def on_postback(event, sender, extensions: dict[str, PostbackFn]) -> bool:
    params = dict(parse_qsl((event.get("postback") or {}).get("data", ""), keep_blank_values=True))
    action = params.get("action", "")
    if action in extensions:
        out = extensions[action](coordinator=sender.coordinator, params=params, event=event)
        replies.send(event, sender, out)
        return True
    if action not in BUILT_IN:
        log.info("Unknown postback %r from %s", params, sender.chat_id)
        return False
    if not sender.is_known:
        replies.send(event, sender, replies.t(replies.NOT_REGISTERED))
        return True
    try:
        assignment = Assignment.objects.select_related("complaint__category", "agency").get(pk=int(params.get("a", "")))
    except (ValueError, Assignment.DoesNotExist):
        log.warning("Postback for unknown assignment %r from %s", params, sender.chat_id)
        replies.send(event, sender, replies.t(replies.CASE_NOT_FOUND))
        return True
    if not sender.may_act_on(assignment):
        log.warning(
            "Refused postback %s on assignment %s (agency %s) from LINE %s/%s (agency %s)",
            action,
            assignment.pk,
            assignment.agency.code,
            sender.chat_id,
            sender.user_id,
            sender.agency.code if sender.agency else "-",
        )
        replies.send(event, sender, replies.t(replies.not_your_case(assignment)))
        return True
    try:
        BUILT_IN[action](event, sender, assignment)
    except WorkflowError as exc:
        # A refused ปลอดภัยแล้ว / เสร็จสิ้น (no photo yet, say) keeps the report buttons at hand.
        quick = messages.report_quick_replies(assignment) if action in ("done", "safe") and assignment.is_open else None
        replies.send(event, sender, replies.t(exc.message, quick))
    return True
