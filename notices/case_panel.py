"""The complainant notices on the console's case page (registered on complaints.case_panels):
every notice of the case — event, channel, state, when (the console's Buddhist-era format),
to whom (masked), the error — and, when none can go, why."""

from __future__ import annotations

from django.template.loader import render_to_string

from complaints.pii import mask_phone

from . import routing
from .models import Notice


def _recipient(notice: Notice) -> str:
    if not notice.to:
        return ""
    if notice.channel == Notice.Channel.LINE:
        return f"LINE …{notice.to[-4:]}"
    number = "0" + notice.to[3:] if notice.to.startswith("+66") else notice.to  # as the console writes numbers
    return mask_phone(number)


def render(request, complaint) -> str:
    notices = list(Notice.objects.filter(complaint=complaint).order_by("created_at", "id")[:50])
    for n in notices:
        n.shown_to = _recipient(n)
    route = routing.route(complaint)
    reason = str(Notice.Reason(route.reason).label) if route.channel == Notice.Channel.NONE and route.reason else ""
    context = {
        "notices": notices,
        "no_notice_reason": reason,
        "next_channel": "" if reason else Notice.Channel(route.channel).label,
        "can_view": request.user.has_perm("notices.view_notice"),
        "reference": complaint.reference,
    }
    return render_to_string("notices/case_notices.html", context, request=request)
