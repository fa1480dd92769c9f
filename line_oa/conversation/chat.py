"""Follow, unfollow, join, leave, and free text: link codes, "not ours" reasons, progress
notes, menu words, and everything else to the officers' inbox."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.utils import timezone

from agencies.models import Agency, Coordinator
from complaints import workflow
from complaints.errors import WorkflowError

from .. import client, inbox, linking, messages, richmenu
from . import context, replies
from .context import Mode

log = logging.getLogger(__name__)

LIST_COMMANDS = {"งาน", "งานของฉัน", "เรื่องค้าง", "งานค้าง", "รายการ", "เมนู", "รายงานผล"}
HELP_WORDS = {"วิธีใช้", "วิธีลงทะเบียน"}  # the rich menus' help tiles
CANCEL_WORDS = {"ยกเลิก"}
CODE_RE = re.compile(r"^(?:รหัส|ลงทะเบียน|code)?\s*([A-Za-z0-9]{4})[\s-]?([A-Za-z0-9]{4})$", re.IGNORECASE)

TextFn = Callable[..., list[dict] | None]


def on_follow(event, sender) -> bool:
    if sender.user_id:
        Coordinator.objects.filter(line_user_id=sender.user_id).update(line_unreachable_at=None)
    body = replies.welcome_back(sender.coordinator) if sender.coordinator else replies.GREETING
    if sender.coordinator:
        richmenu.link_coordinator(sender.user_id)
    replies.send(event, sender, replies.t(body))
    return True


def on_unfollow(event, sender) -> bool:
    if sender.user_id:
        n = Coordinator.objects.filter(line_user_id=sender.user_id, line_unreachable_at__isnull=True).update(
            line_unreachable_at=timezone.now()
        )
        if n:
            log.warning("Coordinator with LINE user %s blocked the OA: marked unreachable", sender.user_id)
        richmenu.unlink(sender.user_id)
    return True


def on_join(event, sender) -> bool:
    body = replies.group_bound(sender.group_agency) if sender.group_agency else replies.GROUP_GREETING
    replies.send(event, sender, replies.t(body))
    return True


def on_leave(event, sender) -> bool:
    if sender.chat_id:
        n = Agency.objects.filter(line_group_id=sender.chat_id).update(line_group_id=None)
        if n:
            log.warning("The OA left LINE group %s: the agency falls back to its coordinators", sender.chat_id)
    return True


def code_in(text: str) -> str | None:
    m = CODE_RE.match(text.strip())
    return (m.group(1) + m.group(2)).upper() if m else None


def _link(event, sender, code: str) -> None:
    def name() -> str:
        try:
            if sender.in_group:
                return client.get_group_summary(sender.chat_id).get("groupName", "")
            return client.get_profile(sender.user_id).get("displayName", "")
        except client.LineError:
            return ""

    done = linking.redeem(
        code=code, source_type=sender.source_type, chat_id=sender.chat_id, user_id=sender.user_id, name=name
    )
    if done.problem == "too_many":
        body = replies.LINK_TOO_MANY
    elif done.problem:
        body = replies.link_refused(done.problem, done.attempts_left)
    elif done.coordinator is not None:
        body = replies.coordinator_linked(done.coordinator)
        richmenu.link_coordinator(sender.user_id)
    else:
        body = replies.group_linked(done.agency)
    replies.send(event, sender, replies.t(body))


def on_text(event, sender, interceptors: list[TextFn]) -> bool:
    text = ((event.get("message") or {}).get("text") or "").strip()
    code = code_in(text)
    unbound = (sender.source_type == "user" and sender.coordinator is None) or (
        sender.in_group and sender.group_agency is None
    )
    if code and (unbound or linking.is_live_code(sender.user_id or sender.chat_id, code)):
        _link(event, sender, code)
        return True
    if not sender.is_known:
        if not sender.in_group:  # an unbound group's chatter is not for us
            replies.send(event, sender, replies.t(replies.GREETING))
        return True
    if text in HELP_WORDS:
        replies.send(event, sender, replies.t(replies.HOW_TO))
        return True
    if sender.coordinator is not None:
        for fn in list(interceptors):
            out = fn(coordinator=sender.coordinator, text=text)
            if out is not None:
                replies.send(event, sender, out)
                return True
    conv = context.conversation(sender)
    assignment = context.active_assignment(conv, Mode.REJECT, sender)
    if assignment is not None and (text in LIST_COMMANDS or text in CANCEL_WORDS):
        # A menu word or ยกเลิก is not a reason: a mistaken "not ours" tap must not reject the case.
        context.close_context(conv)
        if text in CANCEL_WORDS:
            replies.send(event, sender, replies.t(replies.reject_cancelled(assignment)))
            return True
        assignment = None
    if assignment is not None:
        context.close_context(conv)
        try:
            workflow.reject(assignment=assignment, by=sender.actor_for(assignment), reason=text)
        except WorkflowError as exc:
            replies.send(event, sender, replies.t(exc.message))
            return True
        replies.send(event, sender, replies.t(replies.rejected(assignment, text)))
        return True
    if text in LIST_COMMANDS:
        replies.send(event, sender, context.choose_case(sender, replies.OPEN_WORK))
        return True
    assignment = context.active_assignment(conv, Mode.REPORT, sender)
    if assignment is not None and assignment.is_open:
        try:
            workflow.report_progress(assignment=assignment, by=sender.actor_for(assignment), text=text)
        except WorkflowError as exc:
            replies.send(event, sender, replies.t(exc.message))
            return True
        context.touch(conv)
        assignment.refresh_from_db()
        out = replies.t(replies.progress_saved(assignment), messages.report_quick_replies(assignment))
        replies.send(event, sender, out)
        return True
    inbox.record_incoming(sender, text)
    replies.send(event, sender, context.choose_case(sender, replies.TO_INBOX))
    return True
