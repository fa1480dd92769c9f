"""Demo data of the LINE channel: link codes to try registration in the simulator, and
the dispatch cards of the seeded open cases in the simulator's chats (as if LINE had
delivered them), so `make demo` opens on a live conversation."""

from __future__ import annotations

import datetime as dt
import sys

from agencies.models import Coordinator
from complaints.models import Assignment

from . import messages, notify
from .linking import create_code
from .models import InboxMessage, SimulatorMessage


def seed(stdout=None) -> None:
    out = stdout or sys.stdout
    cards = 0
    open_line = (
        Assignment.objects.filter(status__in=Assignment.OPEN_STATUSES, channel=Assignment.Channel.LINE)
        .select_related("complaint__category", "complaint__district", "agency")
        .order_by("-dispatched_at")[:60]
    )
    for assignment in open_line:
        for chat_id in notify.agency_recipients(assignment.agency):
            SimulatorMessage.objects.bulk_create(
                [
                    SimulatorMessage(chat_id=chat_id, direction="out", kind="push", message=m)
                    for m in messages.dispatch_card(assignment)
                ]
            )
            cards += 1
    unbound = Coordinator.objects.filter(is_active=True, line_user_id__isnull=True).select_related("agency").first()
    codes = []
    if unbound is not None:
        code = create_code(coordinator=unbound, ttl=dt.timedelta(days=30))
        codes.append(f"{code.display_code} → {unbound.name} ({unbound.agency.name_th})")
    talker = Coordinator.objects.reachable().select_related("agency").first()
    if talker is not None and not InboxMessage.objects.exists():
        InboxMessage.objects.create(
            chat_id=talker.line_user_id,
            coordinator=talker,
            agency=talker.agency,
            sender_name=talker.name,
            text="รถเครนเข้าพื้นที่ได้พรุ่งนี้เช้า ขอเลื่อนกำหนดแก้ไขเป็นบ่ายพรุ่งนี้ได้ไหมครับ",
        )
    out.write(f"LINE: {cards} dispatch cards in the simulator's chats; link codes: {'; '.join(codes) or '-'}\n")
