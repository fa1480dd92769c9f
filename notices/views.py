"""Staff pages of the notices channel: the demo's list of SMS and LINE-by-phone notices."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from complaints.pii import mask_phone

from .models import Notice


@staff_member_required
def demo_notices(request):
    """What went, or would have gone, to complainants by SMS and LINE-by-phone (newest first).
    In the demo the SMS backend is the console one: this page is where those messages land."""
    rows = list(
        Notice.objects.filter(channel__in=[Notice.Channel.SMS, Notice.Channel.PNP, Notice.Channel.LINE])
        .select_related("complaint")
        .order_by("-created_at", "-id")[:200]
    )
    show_pii = request.user.has_perm("complaints.view_complainant_pii")
    for n in rows:
        if n.channel == Notice.Channel.LINE:
            n.shown_to = f"LINE …{n.to[-4:]}"
        else:
            n.shown_to = n.to if show_pii else mask_phone(n.to)
    return render(request, "notices/demo_notices.html", {"notices": rows})
