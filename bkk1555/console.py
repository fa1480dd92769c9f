"""The console's first page: the shift's work queues (GET /admin/), and the same queues as
a fragment the page fetches every 15 seconds (GET /admin/queues/).

It lives in the composition root because it shows the domain's queues
(complaints/queues.py) beside the LINE channel's (line_oa/queues.py), and the domain may
not import the channel. The query count does not depend on the data: one capped, indexed
query per queue (see docs/benchmarks.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import admin
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from complaints import queues
from complaints.admin_columns import age_text
from line_oa import queues as line_queues

REFRESH_SECONDS = 15


@dataclass
class Card:
    key: str
    title: object
    count: int
    capped: bool
    url: str
    rows: list[dict] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    urgent: bool = False
    hint: object = ""

    @property
    def count_text(self) -> str:
        return f"{queues.CAP}+" if self.capped else str(self.count)


def _case_url(pk: int) -> str:
    return reverse("admin:complaints_complaint_change", args=[pk])


def _cards(now) -> list[Card]:
    changelist = reverse("admin:complaints_complaint_changelist")
    cards = []
    for queue in queues.QUEUES.values():
        view = queues.read(queue, now)
        rows = [
            {
                "url": _case_url(i.complaint_id),
                "reference": i.reference,
                "best": i.is_best,
                "what": " · ".join(p for p in (i.category, i.agency) if p),
                "waited": age_text(i.since, now) if i.since else "",
                "late": i.late,
                "flagged": i.flagged,
            }
            for i in view.items
        ]
        cards.append(
            Card(
                queue.key,
                queue.title,
                view.count,
                view.capped,
                # Results in review have their own queue with the decisions (complaints/admin_review.py).
                reverse("admin:complaints_reviewqueue_changelist")
                if queue.key == "review"
                else f"{changelist}?queue={queue.key}",
                rows,
                view.ids,
                queue.urgent,
            )
        )
    unread = line_queues.read_unread()
    cards.append(
        Card(
            "unread",
            _("ข้อความ LINE ที่ยังไม่อ่าน"),
            min(len(unread), queues.CAP),
            len(unread) > queues.CAP,
            reverse("admin:line_oa_inboxmessage_changelist") + "?unread=yes",
            [
                {
                    "url": reverse("admin:line_oa_inboxmessage_changelist") + "?unread=yes",
                    "reference": sender or agency or "-",
                    "what": text[:60],
                    "waited": age_text(at, now),
                }
                for _pk, sender, text, at, agency in unread[: queues.SHOWN]
            ],
        )
    )
    undelivered = line_queues.read_undelivered()
    cards.append(
        Card(
            "undelivered",
            _("การ์ดส่งต่อที่ LINE ส่งไม่ถึง"),
            min(len(undelivered), queues.CAP),
            len(undelivered) > queues.CAP,
            reverse("admin:line_oa_outboxmessage_changelist") + "?status__exact=failed&purpose__exact=dispatch",
            [
                {"url": _case_url(cid), "reference": ref, "best": best, "what": agency, "waited": age_text(at, now)}
                for _pk, cid, ref, best, agency, at in undelivered[: queues.SHOWN]
            ],
            [row[0] for row in undelivered],
            hint=_("หน่วยงานยังไม่ได้รับเรื่อง — ประสานทางโทรศัพท์/วิทยุ"),
        )
    )
    agencies = queues.unreachable_agencies_with_open_work()
    cards.append(
        Card(
            "unreachable",
            _("หน่วยงานที่มีงานค้างแต่ติดต่อทาง LINE ไม่ได้"),
            min(len(agencies), queues.CAP),
            len(agencies) > queues.CAP,
            reverse("admin:agencies_agency_changelist") + "?line=no",
            [
                {"url": reverse("admin:agencies_agency_change", args=[pk]), "reference": abbr or name, "what": name}
                for pk, name, abbr in agencies[: queues.SHOWN]
            ],
        )
    )
    return cards


def _context(request) -> dict:
    now = timezone.now()
    cards = _cards(now)
    urgent_ids = [f"{c.key}:{i}" for c in cards if c.urgent for i in c.ids]
    return {
        "cards": cards,
        "urgent_ids": " ".join(urgent_ids),
        "best_count": next(c.count_text for c in cards if c.key == "best_waiting"),
        "refreshed_at": now,
        "refresh_seconds": REFRESH_SECONDS,
    }


def _may_see_queues(user) -> bool:
    return user.has_perm("complaints.view_complaint")


@never_cache
def home(request):
    if not _may_see_queues(request.user):
        # Executives read the reports; the admin's app list would offer them nothing.
        if request.user.has_perm("reports.view_reports"):
            return redirect("reports:overview")
        return admin.site.index(request)
    context = {
        **admin.site.each_context(request),
        "title": _("งานของเวรนี้"),
        "subtitle": None,
        "app_list": admin.site.get_app_list(request),
        **_context(request),
    }
    return TemplateResponse(request, "console/home.html", context)


@never_cache
def queues_fragment(request):
    if not _may_see_queues(request.user):
        return redirect("admin:index")
    return TemplateResponse(request, "console/_queues.html", _context(request))
